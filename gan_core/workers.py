"""CPU work spread over worker threads that each run one intra-op thread: a model over many images in fixed-size
batches (`map_batches`), or independent numpy/torch tasks (`parallel_map`).

Why workers and not OpenMP threads: on the shared 2-core box, 2-thread OpenMP spin-waits collapsed 10-250x under
load, while one thread never did. Two Python threads that each run whole batches on one thread use both cores
with no barrier between them (torch and numpy's BLAS release the GIL inside each op): measured D scoring 1.8x and G sampling 2.0x
on an idle box, and still 1.6x with three CPU hogs beside them, never slower than one worker.

Results are bit-identical for any worker count: batch boundaries depend only on `batch_size`, and every batch runs
the same one-thread kernel.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import torch

WORKERS_ENV = "GAN_OOD_WORKERS"  # e.g. 1 to run every batch in the calling thread
MAX_DEFAULT_WORKERS = 2  # the classroom box's cores; more threads than cores would only time-slice

T = TypeVar("T")


def default_workers() -> int:
    """Workers per call: $GAN_OOD_WORKERS if set, else min(2, CPU count)."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        return max(1, int(configured))
    return max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))


def _worker_count(requested: int | None, n_tasks: int, device: torch.device) -> int:
    """Workers only on the CPU, and only when torch runs one intra-op thread: never both kinds of threads at once
    (a user who set more intra-op threads, or a GPU, already gets the parallelism)."""
    if device.type != "cpu" or torch.get_num_threads() != 1:
        return 1
    return max(1, min(requested or default_workers(), n_tasks))


def _one_thread() -> None:
    # A new thread's OpenMP thread count comes from the environment, not from the main thread's setting.
    torch.set_num_threads(1)


def _run(fn: Callable[..., T], items: list, n_workers: int, name: str) -> list[T]:
    """[fn(item) for item in items], in order: in the calling thread, or on n_workers one-thread `name` threads."""
    if n_workers == 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(n_workers, thread_name_prefix=name, initializer=_one_thread) as pool:
        return list(pool.map(fn, items))


def parallel_map(fn: Callable[..., T], items: list, workers: int | None = None) -> list[T]:
    """[fn(item) for item in items], in order, on up to `workers` one-thread workers (CPU work only: numpy's
    BLAS and torch ops release the GIL; pure-Python work gains nothing). Exceptions propagate."""
    return _run(fn, items, _worker_count(workers, len(items), torch.device("cpu")), "gan-ood-task")


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
