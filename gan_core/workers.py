"""CPU work spread over worker threads that each run one intra-op thread: a model over many images in fixed-size
batches (`map_batches`), or independent numpy/torch tasks (`parallel_map`).

Threads, the one explanation the rest of the project points to: every computation runs ONE torch/BLAS thread
(`gan_core.seeding.use_single_thread`, OMP_NUM_THREADS=1 in scripts/dashboard.env and scripts/test.sh), because
on a shared 2-core box 2-thread OpenMP spin-waits collapsed 10-250x under load while one thread never did. The
second core is used here instead: two Python threads that each run whole batches on one thread use both cores with
no barrier between them (torch and numpy's BLAS release the GIL inside each op), never slower than one worker
(figures in benchmarks/README.md, "Design figures").

Results are bit-identical for any worker count: batch boundaries depend only on `batch_size`, and every batch runs
the same one-thread kernel. A call made from inside a worker (a task of `as_completed` that scores a batch set of its
own) runs in that worker's thread: the two workers are already busy, and more threads than cores only time-slice.

`as_completed` hands results back as each finishes, so a caller can show the first ones while the rest run (the
dashboard's progressive results, dashboard/progressive.py).

Shutdown: a long background job (the dashboard's warm-up) runs in a daemon thread started by `start_background`.
When the interpreter exits (Streamlit stops on SIGINT/SIGTERM), such a thread must not still be inside torch: the
interpreter would end it there and C++ aborts the process ("terminate called without an active exception"). So at
exit `stop_background_jobs` sets a flag, every batch and task checks it first (`check_stopping` raises `Stopping`),
and the exit waits for those threads, a few seconds at most.
"""

import atexit
import concurrent.futures
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import torch

WORKERS_ENV = "GAN_OOD_WORKERS"  # e.g. 1 to run every batch in the calling thread
MAX_DEFAULT_WORKERS = 2  # the classroom box's cores; more threads than cores would only time-slice

EXIT_WAIT_S = 3.0  # how long an exiting process waits for its background jobs (the server must stop within 5 s)

T = TypeVar("T")


class Stopping(SystemExit):
    """Raised in a job once the process is exiting. A SystemExit, so a job's `except Exception` (the warm-up logs and
    skips failures) lets it through to start_background, which ends the thread quietly."""


_stopping = threading.Event()  # set once, at exit: the process's state, not a computation's
_background: list[threading.Thread] = []
_in_worker = threading.local()  # .active is True inside a worker thread of this module


def check_stopping() -> None:
    """Raise Stopping when the process is exiting (call between steps of a long job)."""
    if _stopping.is_set():
        raise Stopping(0)


def start_background(target: Callable[..., object], *args, name: str) -> threading.Thread:
    """target(*args) in a started daemon thread that the exiting process stops at its next batch and waits for."""

    def run() -> None:
        with contextlib.suppress(Stopping):  # the process is exiting: the job ends quietly
            target(*args)

    thread = threading.Thread(target=run, name=name, daemon=True)
    _background.append(thread)
    thread.start()
    return thread


def stop_background_jobs(wait_s: float = EXIT_WAIT_S) -> None:
    """Ask every background job to stop and wait for them, `wait_s` in all. A job still inside one long torch call
    after that would abort the interpreter's exit, so the process then ends here at once (status 0: it was exiting)."""
    _stopping.set()
    sys.stdout.flush()
    deadline = time.monotonic() + wait_s
    for thread in _background:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in _background):
        sys.stderr.flush()
        os._exit(0)


# Before concurrent.futures' own exit hook: threading runs these in reverse order of registration, and that hook
# forbids new pool work ("cannot schedule new futures after interpreter shutdown") and waits for the pools' threads.
getattr(threading, "_register_atexit", atexit.register)(stop_background_jobs)


def default_workers() -> int:
    """Workers per call: $GAN_OOD_WORKERS if set, else min(2, CPU count)."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        return max(1, int(configured))
    return max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))


def _worker_count(requested: int | None, n_tasks: int, device: torch.device) -> int:
    """Workers only on the CPU, and only when torch runs one intra-op thread: never both kinds of threads at once
    (a user who set more intra-op threads, or a GPU, already gets the parallelism)."""
    if device.type != "cpu" or torch.get_num_threads() != 1 or getattr(_in_worker, "active", False):
        return 1
    return max(1, min(requested or default_workers(), n_tasks))


def _one_thread() -> None:
    # A new thread's OpenMP thread count comes from the environment, not from the main thread's setting.
    torch.set_num_threads(1)
    _in_worker.active = True


def _run(fn: Callable[..., T], items: list, n_workers: int, name: str) -> list[T]:
    """[fn(item) for item in items], in order: in the calling thread, or on n_workers one-thread `name` threads."""

    def checked(item) -> T:
        check_stopping()  # an exiting process runs no further batch or task
        return fn(item)

    if n_workers == 1:
        return [checked(item) for item in items]
    with ThreadPoolExecutor(n_workers, thread_name_prefix=name, initializer=_one_thread) as pool:
        return list(pool.map(checked, items))


def parallel_map(fn: Callable[..., T], items: list, workers: int | None = None) -> list[T]:
    """[fn(item) for item in items], in order, on up to `workers` one-thread workers (CPU work only: numpy's
    BLAS and torch ops release the GIL; pure-Python work gains nothing). Exceptions propagate."""
    return _run(fn, items, _worker_count(workers, len(items), torch.device("cpu")), "gan-ood-task")


def as_completed(fn: Callable[..., T], items: list, workers: int | None = None) -> Iterator[tuple[int, T]]:
    """(i, fn(items[i])) for every item as each finishes, started in order on up to `workers` one-thread workers
    (the same rules as parallel_map; with one worker, in order in the calling thread). Exceptions propagate. Closing
    the iterator early (or an exception) cancels the items not started and waits for the running ones."""

    def checked(item) -> T:
        check_stopping()
        return fn(item)

    n_workers = _worker_count(workers, len(items), torch.device("cpu"))
    if n_workers == 1:
        for i, item in enumerate(items):
            yield i, checked(item)
        return
    pool = ThreadPoolExecutor(n_workers, thread_name_prefix="gan-ood-task", initializer=_one_thread)
    try:
        futures = {pool.submit(checked, item): i for i, item in enumerate(items)}
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def map_batches(
    fn: Callable[[torch.Tensor], T],
    inputs: torch.Tensor,
    batch_size: int,
    device: torch.device | str = "cpu",
    workers: int | None = None,
) -> list[T]:
    """[fn(batch) for batch in inputs.split(batch_size)] under inference_mode, in order, each batch moved to
    `device` as float32 first. Batches run on `workers` threads (see module docstring); inputs (N, ...)."""
    device = torch.device(device)
    batches = [batch for batch in inputs.split(batch_size) if len(batch)]  # an empty tensor splits into one empty

    def run(batch: torch.Tensor) -> T:
        with torch.inference_mode():  # thread-local, so entered in the worker
            return fn(batch.to(device, torch.float32))

    return _run(run, batches, _worker_count(workers, len(batches), device), "gan-ood-batch")
