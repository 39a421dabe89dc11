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
