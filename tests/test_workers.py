import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import torch

from gan_core import workers
from gan_core.workers import default_workers, map_batches, parallel_map


def _where(batch):
    """What map_batches' fn sees: the batch, its thread, torch's thread count, inference mode."""
    return batch.clone(), threading.current_thread().name, torch.get_num_threads(), torch.is_inference_mode_enabled()


def test_batches_run_on_one_thread_workers_in_order(monkeypatch):
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    inputs = torch.arange(10, dtype=torch.int64).reshape(10, 1)
    parts = map_batches(_where, inputs, batch_size=3, workers=2)
    assert [len(p[0]) for p in parts] == [3, 3, 3, 1]
    assert torch.equal(torch.cat([p[0] for p in parts]), inputs.float())  # order kept, float32 as documented
    assert {p[1].split("_")[0] for p in parts} == {"gan-ood-batch"}
    assert all(p[2] == 1 and p[3] for p in parts)


def test_one_worker_runs_in_the_calling_thread():
    parts = map_batches(_where, torch.zeros(6, 1), batch_size=2, workers=1)
    assert {p[1] for p in parts} == {threading.current_thread().name}
    assert all(p[3] for p in parts)


def test_no_workers_when_torch_runs_several_threads():
    # Never both kinds of threads: with OpenMP threads on, batches stay in the caller.
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        parts = map_batches(_where, torch.zeros(6, 1), batch_size=2, workers=2)
    finally:
        torch.set_num_threads(before)
    assert {p[1] for p in parts} == {threading.current_thread().name}


def test_model_outputs_are_bit_identical_for_any_worker_count(tiny_pair):
    _, disc = tiny_pair
    x = torch.randn(70, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    one = torch.cat(map_batches(disc, x, batch_size=16, workers=1))
    two = torch.cat(map_batches(disc, x, batch_size=16, workers=2))
    assert torch.equal(one, two)


def test_empty_input_gives_no_batches():
    assert map_batches(_where, torch.zeros(0, 1), batch_size=4, workers=2) == []


def test_default_workers_reads_the_environment(monkeypatch):
    monkeypatch.setenv(workers.WORKERS_ENV, "1")
    assert default_workers() == 1
    monkeypatch.setenv(workers.WORKERS_ENV, "3")
    assert default_workers() == 3
    monkeypatch.delenv(workers.WORKERS_ENV)
    assert default_workers() == min(2, os.cpu_count() or 1)


def test_parallel_map_keeps_order_and_raises():
    assert parallel_map(lambda x: x * x, [3, 1, 2], workers=2) == [9, 1, 4]

    def fail(x):
        raise ValueError(f"bad {x}")

    with pytest.raises(ValueError, match="bad"):
        parallel_map(fail, [1, 2], workers=2)


def test_an_exiting_process_stops_its_background_job_at_the_next_batch():
    """The interpreter exits while a background job is between batches on the pool: the job stops there (its finally
    runs), with no 'cannot schedule new futures' traceback and no abort, and the process exits 0."""
    script = (
        "import threading, time, torch\n"
        "from gan_core import workers\n"
        "running = threading.Event()\n"
        "def job():\n"
        "    try:\n"
        "        while True:\n"
        "            running.set()\n"
        "            workers.map_batches(lambda b: b @ b.T, torch.ones(2048, 64), batch_size=32, workers=2)\n"
        "    finally:\n"
        "        print('job ended', flush=True)\n"
        "workers.start_background(job, name='job')\n"
        "running.wait(30)\n"
        "time.sleep(0.3)\n"  # then the main thread ends: the interpreter exits under the job
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "job ended\n" and result.stderr == "", result.stderr


def test_as_completed_gives_every_result_once_with_its_index(monkeypatch):
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    arrived = dict(workers.as_completed(lambda x: (x * x, threading.current_thread().name), list(range(9)), workers=2))
    assert sorted(arrived) == list(range(9))
    assert all(arrived[i][0] == i * i for i in arrived)
    assert {name.split("_")[0] for _, name in arrived.values()} == {"gan-ood-task"}


def test_a_map_inside_a_worker_runs_in_that_workers_thread(monkeypatch):
    """No threads beyond the workers: a task that maps batches of its own keeps them in its thread."""
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)

    def task(_):
        outer = threading.current_thread().name
        inner = {p[1] for p in map_batches(_where, torch.zeros(6, 1), batch_size=2, workers=2)}
        return outer, inner

    results = [result for _, result in workers.as_completed(task, [0, 1, 2], workers=2)]
    assert all(inner == {outer} for outer, inner in results)
    # outside a worker the same call still uses the workers
    assert {p[1].split("_")[0] for p in map_batches(_where, torch.zeros(6, 1), batch_size=2, workers=2)} == {
        "gan-ood-batch"
    }


def test_closing_as_completed_early_cancels_what_has_not_started(monkeypatch):
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    started = []
    gate = threading.Event()

    def task(i):
        started.append(i)
        if i:  # the first returns at once; the next two hold both workers until the gate opens
            gate.wait(5)
        return i

    arrivals = workers.as_completed(task, list(range(20)), workers=2)
    assert next(arrivals) == (0, 0)
    threading.Timer(0.3, gate.set).start()
    arrivals.close()  # cancels the queued ones, waits for the two running
    assert started[0] == 0 and len(started) <= 3  # at most the tasks already running


def test_as_completed_with_one_worker_runs_in_order_in_the_calling_thread():
    here = threading.current_thread().name
    arrived = list(workers.as_completed(lambda x: (x, threading.current_thread().name), [5, 6, 7], workers=1))
    assert arrived == [(0, (5, here)), (1, (6, here)), (2, (7, here))]
