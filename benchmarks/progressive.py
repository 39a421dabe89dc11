"""Progressive results (issue 12 item 8): on the Score distributions page at N = 2,000, a seed never computed before,
the time from the seed change to the first partial paint (the progress bar and a drawn partial chart in the DOM)
and to the full result (the bar gone, the final chart drawn, the run over), against the float32 floor of that work
measured in the same run.

    OMP_NUM_THREADS=1 python -m benchmarks.progressive            # 3 new seeds, medians; ~3 min
    OMP_NUM_THREADS=1 python -m benchmarks.progressive --repeats 5

The floor: the work is G on 2,000 latents and D on groups x 2,000 images, plus drawing the inputs (noise, digits,
photo crops). The box is shared, so its speed moves from minute to minute; three floors are printed:
- beside each run: that work done in this process by gan_core's batch paths on the 2 one-thread workers (inputs,
  data.generated_digits, scoring.score_groups: no page, no browser), the better of just before and just after the
  browser run (the ratio the verdict reads);
- from benchmarks.throughput's rates (best of its rounds): 2,000 / G img/s + groups x 2,000 / D img/s + the input
  drawing;
- from FLOPs: the passes' FLOPs / the 2-worker matmul peak + the input drawing.
The targets: full <= 1.3x the floor beside it, first partial paint <= 0.5 s.

    OMP_NUM_THREADS=1 python -m benchmarks.progressive --pinned   # the browser on a core of its own

--pinned: the server runs on core 0 with one worker (GAN_OOD_WORKERS=1), Chromium and this driver on core 1, and
the floor beside each run is the same work on core 0 with one worker: the server gets what its floor gets, as in a
classroom, where the browser runs on the student's laptop and not beside the workers.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import class_capacity, harness
from gan_core import data, scoring, weights
from gan_core.seeding import use_single_thread

N = 2000
OUT_DIR = harness.ROOT / "benchmarks" / "out"
FIRST_PAINT_TARGET_S = 0.5
FULL_TARGET_X = 1.3

# The partial paint: a progress bar and, in the same placeholder, a Vega-Lite chart that has drawn. The placeholder's
# container is its own vertical block, so the stale final chart of the previous seed (elsewhere) does not count.
PARTIAL_JS = """
() => {
  const drawn = (block) => [...block.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .some(chart => chart.querySelector('canvas, svg'));
  for (const bar of document.querySelectorAll('[data-testid="stProgress"]')) {
    const block = bar.closest('[data-testid="stVerticalBlock"]');
    if (block && block.closest('[data-testid="stMain"]') && drawn(block)) return true;
  }
  return false;
}
"""
NO_PROGRESS_JS = "() => !document.querySelector('[data-testid=\"stProgress\"]')"
FIRST_JS = f"""
(after) => {{
  if (({PARTIAL_JS})()) return 'partial';
  const app = document.querySelector('[data-testid="stApp"]');
  const ran = (window.__runs || []).slice(after).some(([state]) => state === 'running');
  return ran && app.getAttribute('data-test-script-state') === 'notRunning' ? 'done' : false;
}}
"""


async def set_largest_n(page) -> None:
    """The N select-slider to its largest choice (N = 2,000) with the keyboard."""
    slider = page.locator(".st-key-dist_n").get_by_role("slider")
    await slider.focus()
    await slider.press("End")


async def new_seed(page, seed: int, timeout_ms: float = 120_000, cached: bool = False) -> dict:
    """Type `seed` into the seed input and press Enter: seconds to the first partial paint (none looked for when
    `cached`) and to the full result."""
    box = page.locator(".st-key-dist_seed input")
    await box.fill(str(seed))
    seen = await harness.runs_seen(page)
    start = time.perf_counter()
    await box.press("Enter")
    first = None
    if not cached:  # the first partial paint, or the end of the run without one (then reported as none)
        found = await page.wait_for_function(FIRST_JS, arg=seen, timeout=timeout_ms, polling="raf")
        first = time.perf_counter() - start if await found.json_value() == "partial" else None
    # a fast run can be over before the page logs it as running (harness.RUN_LOG_SCRIPT): the server's log says when
    script = await asyncio.to_thread(_wait_for_run, seed, timeout_ms / 1000) if cached else None
    await harness.wait_painted(
        page, harness.title("distributions"), after=-1 if cached else seen, timeout_ms=timeout_ms
    )
    await page.wait_for_function(NO_PROGRESS_JS, timeout=timeout_ms, polling="raf")
    elapsed = time.perf_counter() - start
    script = script or _wait_for_run(seed, timeout_ms / 1000)
    return {"seed": seed, "first_partial_s": first, "full_s": elapsed, "script_wall_s": script["wall_s"]}


RUN_LOG = OUT_DIR / "progressive_runs.jsonl"  # the server's per-run log (dashboard/run_log.py)
_seen_lines: list[int] = [0]


def _wait_for_run(seed: int, timeout_s: float) -> dict:
    """The server's log line of the seed change to `seed` (the first new line whose action is the seed input)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        lines = RUN_LOG.read_text().splitlines() if RUN_LOG.exists() else []
        for k in range(_seen_lines[0], len(lines)):
            entry = json.loads(lines[k])
            if "dist_seed" in entry.get("action", "") and entry.get("end") == "ok":
                _seen_lines[0] = k + 1
                return entry
        time.sleep(0.05)
    raise TimeoutError(f"no run-log line for seed {seed}")


PINNED: dict = {}  # with --pinned: {"server": core, "browser": core}


def floor_work_s(seed: int) -> float:
    """Seconds of the model work behind one seed change, done here by gan_core's batch paths (2 workers; with
    --pinned, one worker on the server's core)."""
    affinity, workers = os.sched_getaffinity(0), os.environ.get("GAN_OOD_WORKERS")
    if PINNED:
        os.sched_setaffinity(0, {PINNED["server"]})
        os.environ["GAN_OOD_WORKERS"] = "1"
    try:
        start = time.perf_counter()
        generator, discriminator = _models()
        groups = {name: make(N, seed) for name, make in data.group_sources(generator).items()}
        scoring.score_groups(discriminator, groups)
        return time.perf_counter() - start
    finally:
        os.sched_setaffinity(0, affinity)
        if workers is None:
            os.environ.pop("GAN_OOD_WORKERS", None)
        else:
            os.environ["GAN_OOD_WORKERS"] = workers


_LOADED: list = []


def _models() -> tuple:
    """The shipped default G and D, loaded once, at one torch thread (as the server runs), files read."""
    if not _LOADED:
        use_single_thread()
        data.load_files()
        _LOADED.extend([weights.load_generator().eval(), weights.load_discriminator().eval()])
    return tuple(_LOADED)


async def browser_runs(seeds: list[int]) -> list[dict]:
    """Against `streamlit run` (models loaded, nothing else warmed): the distributions page at N = 2,000, then each
    seed in turn, with the server process's CPU seconds for each and the floor work timed beside it."""
    OUT_DIR.mkdir(exist_ok=True)
    log = OUT_DIR / "server_progressive.log"
    RUN_LOG.unlink(missing_ok=True)
    env = {"GAN_OOD_WARM_UP": "models", "GAN_OOD_RUN_LOG": str(RUN_LOG)}
    if PINNED:
        server = class_capacity.PinnedServer(PINNED["server"], log, {**env, "GAN_OOD_WORKERS": "1"}).start()
        executable = class_capacity.pinned_chromium(OUT_DIR, PINNED["browser"])
    else:
        server, executable = harness.Server(log, extra_env=env).start(), Path(harness.CHROMIUM)
    try:
        server.wait_healthy()
        async with harness.chromium(executable) as browser:
            context, page = await harness.new_page(browser, viewport=(1280, 900))
            await harness.open_page(page, server.url, "distributions", timeout_ms=180_000)
            seen = await harness.runs_seen(page)
            await set_largest_n(page)
            await harness.wait_painted(page, after=seen, timeout_ms=180_000)
            await page.wait_for_function(NO_PROGRESS_JS, timeout=180_000)
            runs = []
            with harness.RssSampler(server.proc.pid) as sampler:
                for seed in seeds:
                    before = floor_work_s(seed + 1)
                    cpu, browser_cpu = sampler.server_cpu_s(), sampler.browser_cpu_s()
                    run = await new_seed(page, seed)
                    run["server_cpu_s"] = sampler.server_cpu_s() - cpu
                    run["browser_cpu_s"] = sampler.browser_cpu_s() - browser_cpu
                    run["floor_beside_s"] = min(before, floor_work_s(seed + 2))
                    # the same view again, every chunk cached: what the page itself costs around the computation
                    await new_seed(page, seed + 1)  # another cold seed (not reported), then back
                    cpu = sampler.server_cpu_s()
                    cached = await new_seed(page, seed, cached=True)
                    run["cached_script_wall_s"], run["cached_server_cpu_s"] = (
                        cached["script_wall_s"],
                        sampler.server_cpu_s() - cpu,
                    )
                    runs.append(run)
            if await harness.exceptions_on(page):
                raise RuntimeError("an exception is shown on the distributions page")
            await context.close()
    finally:
        server.stop()
    return runs


def throughput() -> dict:
    """benchmarks.throughput at 1 torch thread (the product's setting, batch paths on 2 one-thread workers)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.throughput", "--threads", "1"],
        cwd=harness.ROOT,
        env={**clean, "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def input_drawing_s(n: int = N, seed: int = 123, repeats: int = 3) -> float:
    """Best seconds to draw every model-free group's n images (gan_core.data.drawn_sources), files already read."""
    _models()
    best = float("inf")
    for i in range(repeats):
        start = time.perf_counter()
        for make in data.drawn_sources().values():
            make(n, seed + i)
        best = min(best, time.perf_counter() - start)
    return best


def floors(rates: dict, groups: int, inputs_s: float) -> dict:
    d_images = groups * N
    by_rates = N / rates["g_batch"] + d_images / rates["d_batch"] + inputs_s
    flops = N * rates["g_flops_per_image"] + d_images * rates["d_flops_per_image"]
    by_flops = flops / (rates["matmul_gflops_workers"] * 1e9) + inputs_s
    return {"floor_rates_s": by_rates, "floor_flops_s": by_flops, "gflop": flops / 1e9}


def _each(runs: list[dict], key: str) -> str:
    return ", ".join("none" if r[key] is None else f"{r[key]:.2f} s" for r in runs)


def report(runs: list[dict], groups: int, rates: dict, inputs_s: float, floor: dict, load: tuple) -> str:
    firsts = [r["first_partial_s"] for r in runs]
    first = None if None in firsts else statistics.median(firsts)
    full = statistics.median(r["full_s"] for r in runs)
    cpu = statistics.median(r["server_cpu_s"] for r in runs)
    ratios = [r["full_s"] / r["floor_beside_s"] for r in runs]
    ratio = statistics.median(ratios)
    first_ok = first is not None and first <= FIRST_PAINT_TARGET_S
    workers = "core 0, 1 worker" if PINNED else "2 workers on the 2 cores"
    browser_where = "its own core 1" if PINNED else "the same 2 cores"
    rows = [
        (f"seeds (never computed before), N = {N:,}, {groups} groups", ", ".join(str(r["seed"]) for r in runs), ""),
        (
            "seed change -> first partial paint (progress bar + drawn partial chart), each",
            _each(runs, "first_partial_s"),
        ),
        (
            "seed change -> first partial paint, median",
            "none" if first is None else f"{first:.2f} s",
            f"<= {FIRST_PAINT_TARGET_S} s",
            "pass" if first_ok else "FAIL",
        ),
        ("seed change -> full result (bar gone, final chart, run over), each", _each(runs, "full_s")),
        ("seed change -> full result, median", f"{full:.2f} s"),
        (f"floor beside each run (the same model work in-process, {workers})", _each(runs, "floor_beside_s")),
        (
            "full / the floor beside it, each; median",
            ", ".join(f"{x:.2f}x" for x in ratios) + f"; {ratio:.2f}x",
            f"<= {FULL_TARGET_X}x",
            "pass" if ratio <= FULL_TARGET_X else "FAIL",
        ),
        (f"server process CPU per seed change, median ({workers})", f"{cpu:.2f} s"),
        (
            f"Chromium CPU per seed change, median ({browser_where})",
            f"{statistics.median(r['browser_cpu_s'] for r in runs):.2f} s",
        ),
        ("server script run of each seed change (dashboard/run_log.py wall_s)", _each(runs, "script_wall_s")),
        (
            "the same seed again, all cached: server script run / server CPU, medians",
            f"{statistics.median(r['cached_script_wall_s'] for r in runs):.2f} s / "
            f"{statistics.median(r['cached_server_cpu_s'] for r in runs):.2f} s",
        ),
        (
            f"G / D on {'one core (pinned)' if PINNED else '2 one-thread workers'} (benchmarks.throughput)",
            f"{rates['g_batch']:,.0f} / {rates['d_batch']:,.0f} img/s",
        ),
        (f"input drawing ({groups - 1} model-free groups x {N:,}, in-process, best of 3)", f"{inputs_s:.3f} s"),
        (f"float32 floor from the rates: {N:,} / G + {groups * N:,} / D + inputs", f"{floor['floor_rates_s']:.2f} s"),
        (
            f"float32 floor from FLOPs: {floor['gflop']:.0f} GFLOP / the matmul peak of those workers "
            f"{rates['matmul_gflops_workers']:.0f} GFLOP/s + inputs",
            f"{floor['floor_flops_s']:.2f} s",
        ),
        ("full (median) / floor from the rates", f"{full / floor['floor_rates_s']:.2f}x"),
        ("full (median) / floor from FLOPs", f"{full / floor['floor_flops_s']:.2f}x"),
    ]
    head = (
        f"benchmarks.progressive, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
        f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min) at the end"
    )
    table = ["| measure | figure | target | verdict |", "|---|---|---|---|"]
    table += ["| " + " | ".join([*row, "", ""][:4]) + " |" for row in rows]
    return "\n".join([head, "", *table])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=None, help="default: from the clock, so never used before")
    parser.add_argument("--pinned", action="store_true", help="server + floor on core 0 (1 worker), Chromium on 1")
    args = parser.parse_args()
    if args.pinned:
        PINNED.update(server=0, browser=1)
        os.sched_setaffinity(0, {1})  # this driver and Playwright's node driver stay off the server's core
    base = args.first_seed if args.first_seed is not None else 100_000_000 + int(time.time()) % 1_000_000_000
    seeds = [base + 7919 * i for i in range(args.repeats)]
    groups = len(data.group_sources(None))  # the server draws the same groups (Fashion-MNIST when installed)
    runs = asyncio.run(browser_runs(seeds))
    rates = throughput()
    inputs_s = input_drawing_s()
    floor = floors(rates, groups, inputs_s)
    load = os.getloadavg()
    raw = {"runs": runs, "groups": groups, "throughput": rates, "inputs_s": inputs_s, **floor, "loadavg": load}
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "progressive.json").write_text(json.dumps(raw, indent=1))
    print(report(runs, groups, rates, inputs_s, floor, load))


if __name__ == "__main__":
    main()
