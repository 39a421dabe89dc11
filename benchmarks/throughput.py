"""Model throughput: gan_core's batch paths vs the notebook's one-image-at-a-time loops, and both as a share of
the float32 matmul peak measured in the same process.

`python -m benchmarks.throughput --threads 2` prints one JSON object; benchmarks.run calls it in subprocesses so
each thread setting gets its own OpenMP runtime (thread count and OMP_WAIT_POLICY are fixed at its start).
"""

import argparse
import json
import os
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from gan_core import data, scoring, weights
from gan_core.seeding import use_single_thread
from gan_core.workers import WORKERS_ENV, default_workers, parallel_map

N_IMAGES = 2048  # scored by both paths: same tensor, same process
N_LATENTS = 1024
MATMUL_SIDE = 1024
ROUNDS = 3  # interleaved rounds; the best of each is kept (the box is shared, so the minimum is the signal)


def flops_per_item(model: torch.nn.Module, batch: torch.Tensor) -> float:
    """Forward FLOPs (convs + matmuls, multiply-add = 2) per item of `batch`, counted by torch's FlopCounterMode."""
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        model(batch)
    return counter.get_total_flops() / len(batch)


def matmul_peak(side: int = MATMUL_SIDE, repeats: int = 8, workers: int = 1) -> float:
    """Best float32 GFLOP/s (wall clock) of (side x side) @ (side x side) products at the current thread setting,
    `workers` of them at once on one-thread workers (gan_core.workers): the machine's peak for that many cores."""
    a, b = torch.randn(side, side), torch.randn(side, side)

    def product(_):
        with torch.inference_mode():
            a @ b

    best = float("inf")
    parallel_map(product, range(workers), workers)  # warm-up: BLAS buffers
    for _ in range(repeats):
        start = time.perf_counter()
        parallel_map(product, range(workers), workers)
        best = min(best, time.perf_counter() - start)
    return workers * 2 * side**3 / best / 1e9


def _rates(fn, n: int) -> tuple[float, float]:
    """(items per wall second, items per CPU second of this process) of one call of fn."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return n / (time.perf_counter() - wall), n / max(time.process_time() - cpu, 1e-9)


def measure(threads: int = 1, rounds: int = ROUNDS) -> dict:
    """Images/s of D scoring and G sampling, batch path vs the notebook's loop, with FLOPs and the matmul peak.
    Rates are the best of `rounds` per wall second and, as `<name>_cpu`, per CPU second of this process (the
    shared box's other load barely moves the latter; it counts every thread's CPU).
    With 1 thread the batch paths run as the product does, on gan_core.workers' one-thread workers
    ("workers"), and again in the calling thread alone ("_1worker"); with more threads torch's own OpenMP
    threads do the work and the workers stand aside."""
    if threads == 1:
        use_single_thread()
    else:
        torch.set_num_threads(threads)
    workers = default_workers() if threads == 1 else 1
    disc, gen = weights.load_discriminator().eval(), weights.load_generator().eval()
    images = data.real_digits(N_IMAGES, seed=0)  # (2048, 1, 28, 28)
    latents = data.latent_noise(N_LATENTS, seed=0)  # (1024, 100)

    def one_worker(fn):
        def run():
            os.environ[WORKERS_ENV] = "1"
            try:
                fn()
            finally:
                del os.environ[WORKERS_ENV]

        return run

    def d_batch():
        scoring.score_batch(disc, images)  # batches of scoring.DEFAULT_BATCH

    def d_loop():  # the notebook: one image at a time under no_grad
        with torch.no_grad():
            for x in images:
                disc(x[None])

    def g_batch():
        data.generated_digits(gen, N_LATENTS, seed=0)  # batches of data.GENERATOR_BATCH, the same latents

    def g_loop():
        with torch.no_grad():
            for z in latents:
                gen(z[None])

    d_batch(), g_batch()  # warm-up (oneDNN primitive caches)
    paths = {
        "d_batch": (d_batch, N_IMAGES),
        "d_loop": (d_loop, N_IMAGES),
        "g_batch": (g_batch, N_LATENTS),
        "g_loop": (g_loop, N_LATENTS),
    }
    if threads == 1:
        paths |= {
            "d_batch_1worker": (one_worker(d_batch), N_IMAGES),
            "g_batch_1worker": (one_worker(g_batch), N_LATENTS),
        }
    flops = {"d": flops_per_item(disc, images[:256]), "g": flops_per_item(gen, latents[:256])}
    rates = {name: [] for name in paths}
    shares: dict[str, list[float]] = {name: [] for name in paths}
    peaks, machine_peaks = [], []
    for _ in range(rounds):  # interleaved, so a busy spell on the shared box hits every path alike
        for name, (fn, n) in paths.items():
            # the peak this path is compared with is measured right beside it (before and after, the better of the
            # two), so a share reads work done against what the box could do at that moment
            on_workers = name in ("d_batch", "g_batch")
            before = matmul_peak(workers=workers if on_workers else 1)
            rate = _rates(fn, n)
            adjacent = max(before, matmul_peak(workers=workers if on_workers else 1))
            (machine_peaks if on_workers else peaks).append(adjacent)
            rates[name].append(rate)
            shares[name].append(rate[0] * flops[name[0]] / 1e9 / adjacent)
    with torch.inference_mode():  # the two paths give the same scores
        loop_logits = torch.cat([disc.logit(x[None])[:, 0] for x in images[:256]]).numpy()
    batch_logits = scoring.score_batch(disc, images[:256])["logit"]
    return {
        "threads": threads,
        "workers": workers,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(default)"),
        "matmul_gflops": max(peaks),
        "matmul_gflops_workers": max(machine_peaks),
        "d_flops_per_image": flops["d"],
        "g_flops_per_image": flops["g"],
        **{name: max(wall for wall, _ in values) for name, values in rates.items()},
        # the share of the adjacent peak in the round where the path was fastest (rate and peak from one moment)
        **{f"{name}_share": shares[name][max(range(rounds), key=lambda i: rates[name][i][0])] for name in paths},
        **{f"{name}_cpu": max(cpu for _, cpu in values) for name, values in rates.items()},
        "d_batch_vs_loop_max_abs_logit_diff": float(abs(loop_logits - batch_logits).max()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    print(json.dumps(measure(args.threads, args.rounds)))


if __name__ == "__main__":
    main()
