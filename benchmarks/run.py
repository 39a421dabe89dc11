"""The performance benchmark of issue 6, in one run: prints a table of figures and ratios measured side by side,
each next to its target with pass/fail text (a report, not a test).

    python -m benchmarks.run                  # everything, ~10 min on the 2-core box
    python -m benchmarks.run --sessions 8     # a smaller load phase
    python -m benchmarks.run --skip-browser   # model throughput and server-side times only

Sections:
1. Throughput of gan_core's batch paths vs the notebook's one-image loops (same process, same inputs) and as a
   share of the float32 matmul peak measured in the same process; at 1 thread, 2 threads with
   OMP_WAIT_POLICY=PASSIVE and 2 threads with OpenMP's default (spinning) wait, each in its own subprocess.
2. Server-side times with AppTest (benchmarks.server_side, warm-up off: the first visitor's cost).
3. In headless Chromium against `streamlit run` (OMP_NUM_THREADS=1): cold start to the first painted page; after
   the server's warm-up, each page's first render and the lesson's interactions (time to pixels); the same walk on a
   second server without warm-up; peak server RSS with 1 session.
4. The load test (benchmarks.load_test) with --sessions students + 3 bomb uploads: peak server RSS with N sessions.
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness
from benchmarks.load_test import run_load_test_async, unique_upload
from dashboard.i18n import TEXT

ROOT = harness.ROOT
OUT_DIR = ROOT / "benchmarks" / "out"
REPEATS = 3  # each interaction, median reported
THREAD_SETTINGS = [  # (label, threads, extra environment)
    ("1 thread", 1, {"OMP_NUM_THREADS": "1"}),
    ("2 threads, OMP_WAIT_POLICY=PASSIVE", 2, {"OMP_NUM_THREADS": "2", "OMP_WAIT_POLICY": "PASSIVE"}),
    ("2 threads, OpenMP default wait", 2, {"OMP_NUM_THREADS": "2"}),
]


# ---------------- table ----------------


class Table:
    def __init__(self):
        self.rows = []  # (section, measure, figure, target, verdict)

    def section(self, name: str) -> None:
        self.rows.append((name, None, None, None, None))

    def add(self, measure: str, figure: str, target: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("pass" if ok else "FAIL")
        self.rows.append((None, measure, figure, target, verdict))

    def render(self) -> str:
        body = [r for r in self.rows if r[0] is None]
        w = [max([len(r[i]) for r in body] + [len(h)]) for i, h in zip((1, 2, 3), ("measure", "figure", "target"))]
        lines = [
            f"| {'measure':<{w[0]}} | {'figure':<{w[1]}} | {'target':<{w[2]}} | verdict |",
            f"|{'-' * (w[0] + 2)}|{'-' * (w[1] + 2)}|{'-' * (w[2] + 2)}|---------|",
        ]
        for section, measure, figure, target, verdict in self.rows:
            if section is not None:
                lines.append(f"| **{section}** |  |  |  |")
            else:
                lines.append(f"| {measure:<{w[0]}} | {figure:<{w[1]}} | {target:<{w[2]}} | {verdict:<7} |")
        return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def s(seconds: float) -> str:
    return f"{seconds:.2f} s"


# ---------------- 1. throughput ----------------


def throughput() -> list[dict]:
    results = []
    for label, threads, env in THREAD_SETTINGS:
        clean = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.throughput", "--threads", str(threads)],
            cwd=ROOT,
            env={**clean, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        results.append({"label": label, **json.loads(proc.stdout.strip().splitlines()[-1])})
        print(f"  throughput, {label}: done", file=sys.stderr)
    return results


def report_throughput(table: Table, results: list[dict]) -> None:
    one = results[0]
    peak, machine = one["matmul_gflops"], one["matmul_gflops_workers"]
    workers = one["workers"]
    table.section(
        f"1. Model throughput (images/s; 1 torch thread per computation, the product's batch paths on "
        f"{workers} one-thread workers; best of 3 interleaved rounds)"
    )
    table.add(
        f"float32 matmul peak (1024x1024 torch.mm): 1 thread / {workers} one-thread workers at once",
        f"{peak:.1f} / {machine:.1f} GFLOP/s",
    )
    table.add(
        "D FLOPs per image / G FLOPs per image (FlopCounterMode)",
        f"{one['d_flops_per_image'] / 1e6:.1f} MFLOP / {one['g_flops_per_image'] / 1e6:.1f} MFLOP",
    )
    for model, name in (("d", "D scoring"), ("g", "G sampling")):
        batch, single, loop = one[f"{model}_batch"], one[f"{model}_batch_1worker"], one[f"{model}_loop"]
        flops = one[f"{model}_flops_per_image"]
        path = "score_batch, batch 128" if model == "d" else "generated_digits, batch 32"
        table.add(
            f"{name}: gan_core {path}, {workers} workers",
            f"{batch:,.0f} img/s = {batch * flops / 1e9 / machine:.0%} of the {workers}-worker peak",
        )
        table.add(
            f"{name}: gan_core {path}, 1 worker (GAN_OOD_WORKERS=1)",
            f"{single:,.0f} img/s = {single * flops / 1e9 / peak:.0%} of the 1-thread peak",
        )
        table.add(
            f"{name}: notebook loop, one image at a time",
            f"{loop:,.0f} img/s = {loop * flops / 1e9 / peak:.0%} of the 1-thread peak",
        )
        target = "batch >= 3x the loop" if model == "d" else ""
        table.add(
            f"{name}: batch / loop (wall clock)",
            f"{batch / loop:.2f}x",
            target,
            batch / loop >= 3 if model == "d" else None,
        )
        table.add(f"{name}: batch with 1 worker / loop (wall clock)", f"{single / loop:.2f}x")
        cpu = one[f"{model}_batch_cpu"] / one[f"{model}_loop_cpu"]
        table.add(
            f"{name}: batch / loop per CPU-second (work per core-second; every worker's CPU counted)", f"{cpu:.2f}x"
        )
    table.add("D batch vs loop: largest logit difference", f"{one['d_batch_vs_loop_max_abs_logit_diff']:.1e}")
    for other in results[1:]:
        table.add(
            f"{other['label']}: D batch / loop vs 1 thread, 1 worker",
            f"{other['d_batch']:,.0f} ({other['d_batch'] / one['d_batch_1worker']:.2f}x) / "
            f"{other['d_loop']:,.0f} ({other['d_loop'] / one['d_loop']:.2f}x)",
        )
        table.add(
            f"{other['label']}: G batch / loop vs 1 thread, 1 worker",
            f"{other['g_batch']:,.0f} ({other['g_batch'] / one['g_batch_1worker']:.2f}x) / "
            f"{other['g_loop']:,.0f} ({other['g_loop'] / one['g_loop']:.2f}x)",
        )


# ---------------- 2. server side ----------------


def server_side() -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.server_side"],
        cwd=ROOT,
        env={**os.environ, **harness.SERVER_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    print("  server side: done", file=sys.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report_server_side(table: Table, out: dict) -> None:
    table.section("2. Server side (AppTest script runs, no browser; warm-up off, models loaded)")
    for page, seconds in out["page_cold"].items():
        table.add(
            f"{page}: first run, nothing cached / cached rerun",
            f"{s(seconds)} / {ms(out['page_cached'][page])}",
            "<= 2 s first render",
            seconds <= 2,
        )
    act = out["interaction"]
    rows = [
        ("alpha slider -> image and score (whole page; the browser reruns only the fragment)", "alpha"),
        ("upload one image -> its score (reference scores cached)", "upload_one_image"),
        ("switch the PCA fit to all groups (whole page; the browser reruns only the fragment)", "pca_fit_all"),
        ("switch the PCA fit back (whole page; the browser reruns only the fragment)", "pca_fit_own"),
        ("distributions N 1000 -> 500, cached", "dist_n_back_to_500_cached"),
    ]
    for label, key in rows:
        if key in act:
            table.add(label, ms(act[key]), "<= 300 ms", act[key] <= 0.3)
    table.add(
        "distributions N 500 -> 1000, nothing cached",
        s(act["dist_n_500_to_1000_cold"]),
        "<= 300 ms",
        act["dist_n_500_to_1000_cold"] <= 0.3,
    )
    table.add(
        "distributions 6+1 groups x 2,000: cold", s(act["dist_n_2000_cold"]), "<= 2 s", act["dist_n_2000_cold"] <= 2
    )
    table.add(
        "distributions 6+1 groups x 2,000: cached",
        ms(act["dist_n_2000_cached"]),
        "<= 0.3 s",
        act["dist_n_2000_cached"] <= 0.3,
    )
    if "feature_space_n_1000_cold" in act:
        table.add(
            "feature space, n = 1,000 per group (8,000 images through D), cold",
            s(act["feature_space_n_1000_cold"]),
            "<= 3 s (10,000 points)",
            act["feature_space_n_1000_cold"] <= 3,
        )


# ---------------- 3. browser ----------------


def wait_for_log(path: Path, pattern: str, timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, path.read_text(errors="replace")) if path.exists() else None
        if match:
            return float(match.group(1))
        time.sleep(0.5)
    return None


async def _median_action(page, action, reps: int = REPEATS, content_based: bool = False) -> float:
    """Median seconds from `action(i)` to its rerun painted. content_based: the action itself waits for content
    only the new run can produce, so the run log is not needed (see harness.RUN_LOG_SCRIPT)."""
    times = []
    for i in range(reps):
        seen = -1 if content_based else await harness.runs_seen(page)
        start = time.perf_counter()
        await action(i)
        await harness.wait_painted(page, after=seen)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def interactions(page) -> dict:
    """The lesson's moves in one session, each repeated; median seconds from the action to the change painted."""
    out = {}
    await harness.switch_page(page, "interpolation")
    slider = page.locator(".st-key-interp_alpha").get_by_role("slider")
    await slider.focus()

    async def alpha(i):  # the keyboard moves the thumb one step (0.025) and releases it
        await slider.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        value = 0.525 if i % 2 == 0 else 0.5
        await page.get_by_text(TEXT["interp.current"]["en"].format(alpha=value)).first.wait_for()

    out["alpha"] = await _median_action(page, alpha, content_based=True)

    await harness.switch_page(page, "distributions")
    n_slider = page.locator(".st-key-dist_n").get_by_role("slider")

    async def n_change(i):
        await n_slider.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")  # 500 <-> 1000

    out["dist_n"] = await _median_action(page, n_change)

    await harness.switch_page(page, "your_images")
    times = []
    for i in range(REPEATS):
        elapsed, _ = await harness.upload_and_score(page, unique_upload(90 + i, 0), i + 1)
        times.append(elapsed)
    out["upload"] = statistics.median(times)

    await harness.switch_page(page, "feature_space")
    labels = [TEXT["fs.fit_all"]["en"], TEXT["fs.fit_own"]["en"]]

    async def fit(i):
        await page.locator(".st-key-fs_fit").get_by_text(labels[i % 2], exact=True).click()

    out["pca_fit"] = await _median_action(page, fit)
    return out


def count_websocket_bytes(page) -> dict:
    """A counter of the bytes the server sends this page over its websocket (call before the page loads)."""
    counter = {"bytes": 0}

    def on_socket(socket):
        socket.on("framereceived", lambda payload: counter.__setitem__("bytes", counter["bytes"] + len(payload)))

    page.on("websocket", on_socket)
    return counter


async def walk(page, url: str, pages: list[str], sent: dict | None = None) -> dict:
    """Open the first page, then every other through the sidebar: {page: seconds}; `sent` gets {page: bytes}."""
    counter = count_websocket_bytes(page)
    times = {pages[0]: await harness.open_page(page, url, pages[0])}
    for name in pages[1:]:
        counter["bytes"] = 0
        times[name] = await harness.switch_page(page, name)
        if sent is not None:
            sent[name] = counter["bytes"]
        if await harness.exceptions_on(page):
            raise RuntimeError(f"exception shown on {name}")
    return times


async def browser_section(sessions: int, load_duration: float, load_iterations: int) -> dict:
    OUT_DIR.mkdir(exist_ok=True)
    pages = harness.routed_pages()
    out = {}
    async with harness.chromium() as browser:
        # Cold start and everything after the warm-up, on the product's configuration.
        log = OUT_DIR / "server.log"
        server = harness.Server(log).start()
        try:
            with harness.RssSampler(server.proc.pid) as rss:
                out["health_s"] = server.wait_healthy()
                context, page = await harness.new_page(browser)
                await page.goto(server.url, wait_until="commit")
                await harness.wait_painted(page, harness.title(pages[0]), timeout_ms=120_000)
                out["cold_start_s"] = time.monotonic() - server.started
                await context.close()
                out["warm_up_s"] = wait_for_log(log, r"warm-up done in ([\d.]+) s", timeout=300)
                context, page = await harness.new_page(browser)
                out["bytes_sent"] = {}
                out["pages_after_warm_up"] = await walk(page, server.url, pages, out["bytes_sent"])
                out["interactions"] = await interactions(page)
                out["rss_1_session_peak_mb"] = rss.peak / 1e6
                out["rss_1_session_end_mb"] = server.rss() / 1e6
                await context.close()
            print("  browser, 1 session: done", file=sys.stderr)
            if sessions:
                result = await run_load_test_async(
                    server.url,
                    server.proc.pid,
                    sessions=sessions,
                    duration_s=load_duration,
                    iterations=load_iterations,
                    bombs=3,
                    stagger_s=1.5,
                    page_timeout_s=180,
                    browser=browser,
                )
                out["load"] = result.summary()
                out["load_table"] = result.table()
                print("  load test: done", file=sys.stderr)
        finally:
            server.stop()
        # The first visitor of each page on a server that loaded only the models (the issue's "after the models
        # are cached"): every page's data computed on demand.
        cold_log = OUT_DIR / "server_models_only.log"
        cold = harness.Server(cold_log, extra_env={"GAN_OOD_WARM_UP": "models"}).start()
        try:
            cold.wait_healthy()
            # The weights page (it computes nothing: its sample grid ships) starts the models-only warm-up.
            context, page = await harness.new_page(browser)
            out["models_load_s"] = await harness.open_page(page, cold.url, "weights", timeout_ms=120_000)
            wait_for_log(cold_log, r"warm-up done in ([\d.]+) s", timeout=300)
            await context.close()
            context, page = await harness.new_page(browser)
            out["pages_no_warm_up"] = await walk(page, cold.url, pages)
            await context.close()
        finally:
            cold.stop()
        print("  browser, no warm-up: done", file=sys.stderr)
    return out


def report_browser(table: Table, out: dict) -> None:
    table.section("3. Browser (headless Chromium on the same 2 cores; `streamlit run`, OMP_NUM_THREADS=1)")
    table.add("server answers /_stcore/health", s(out["health_s"]))
    table.add(
        "cold start: `streamlit run` -> first page painted", s(out["cold_start_s"]), "<= 8 s", out["cold_start_s"] <= 8
    )
    table.add(
        "server warm-up (default views of every page, background)",
        s(out["warm_up_s"]) if out["warm_up_s"] else "not seen in the log",
    )
    for name, seconds in out["pages_after_warm_up"].items():
        how = "page load, new session" if name == next(iter(out["pages_after_warm_up"])) else "sidebar click"
        table.add(f"{name}: first render after warm-up ({how})", s(seconds), "<= 2 s", seconds <= 2)
    if out.get("bytes_sent"):
        table.add(
            "sent to the browser per page (websocket)",
            ", ".join(f"{name} {size / 1000:,.0f} kB" for name, size in out["bytes_sent"].items()),
        )
    table.add(
        "models-only server: first page load (weights page; imports, loads the 7 shipped models)",
        s(out["models_load_s"]),
    )
    for name, seconds in out["pages_no_warm_up"].items():
        table.add(f"{name}: first render, first visitor, only the models loaded", s(seconds), "<= 2 s", seconds <= 2)
    act = out["interactions"]
    labels = {
        "alpha": "alpha slider release -> new image and score",
        "dist_n": "distributions N 500 <-> 1000",
        "upload": "upload one image -> its score",
        "pca_fit": "switch the PCA fit",
    }
    for key, label in labels.items():
        if key in act:
            table.add(f"{label} (to pixels, median of {REPEATS})", ms(act[key]), "<= 500 ms", act[key] <= 0.5)


def report_memory(table: Table, out: dict) -> None:
    table.section("4. Server memory (RSS of the streamlit process, sampled every 0.1 s)")
    one = out["rss_1_session_peak_mb"]
    table.add("peak with 1 session (start, warm-up, every page, interactions)", f"{one:.0f} MB", "<= 1 GB", one <= 1000)
    table.add("after that session", f"{out['rss_1_session_end_mb']:.0f} MB")
    if "load" in out:
        load = out["load"]
        n = load["sessions"] + load["bombs"]
        # everything the load phase added over the server as the single session left it, shared by its sessions
        per = (load["peak_rss_mb"] - out["rss_1_session_end_mb"]) / n
        table.add(
            f"peak with {load['sessions']} sessions + {load['bombs']} bomb sessions", f"{load['peak_rss_mb']:.0f} MB"
        )
        table.add("each session (load-phase peak - RSS before it) / sessions", f"{per:+.1f} MB", "<= 30 MB", per <= 30)


def report_load(table: Table, out: dict) -> None:
    if "load" not in out:
        return
    load = out["load"]
    table.section(f"5. Load test ({load['sessions']} students walking every page + {load['bombs']} bomb uploads)")
    table.add("duration", s(load["duration_s"]))
    table.add(
        "page loads / failed",
        f"{load['page_loads']} / {load['failed_page_loads']}",
        "0 failed",
        load["failed_page_loads"] == 0,
    )
    table.add(
        "uploads / scored",
        f"{load['uploads']} / {load['uploads_scored']}",
        "all scored",
        load["uploads"] == load["uploads_scored"],
    )
    table.add("time to a score p50 / p95", f"{s(load['p50_score_s'])} / {s(load['p95_score_s'])}")
    table.add("page render p95", s(load["p95_page_s"]))
    table.add(
        "bombs refused with the translated message",
        f"{load['bomb_refused']} / {load['bombs']}",
        "all",
        load["bomb_refused"] == load["bombs"],
    )
    table.add("page loads served while bombs were in flight", str(load["page_loads_during_bombs"]))
    table.add("server healthy afterwards", "yes" if load["healthy_after"] else "no", "yes", load["healthy_after"])
    table.add(
        "CPU used by the server / by Chromium (2 cores shared)",
        f"{load['server_cpu_s']:.0f} s / {load['browser_cpu_s']:.0f} s in {load['duration_s']:.0f} s",
    )
    table.add("peak server RSS", f"{load['peak_rss_mb']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="load-test students (0: no load test)")
    parser.add_argument("--load-duration", type=float, default=300)
    parser.add_argument("--load-iterations", type=int, default=2)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    torch_threads = os.environ.get("OMP_NUM_THREADS", "(unset)")
    started = time.monotonic()
    raw = {}
    if not args.skip_throughput:
        raw["throughput"] = throughput()
    raw["server_side"] = server_side()
    if not args.skip_browser:
        raw["browser"] = asyncio.run(browser_section(args.sessions, args.load_duration, args.load_iterations))
    table = Table()
    if "throughput" in raw:
        report_throughput(table, raw["throughput"])
    report_server_side(table, raw["server_side"])
    if "browser" in raw:
        report_browser(table, raw["browser"])
        report_memory(table, raw["browser"])
        report_load(table, raw["browser"])
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "latest.json").write_text(json.dumps(raw, indent=1, default=str))
    print(
        f"benchmarks.run on {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end, "
        f"OMP_NUM_THREADS of this shell {torch_threads}, {time.monotonic() - started:.0f} s in all\n"
    )
    print(table.render())
    if "browser" in raw and "load_table" in raw["browser"]:
        failures = raw["browser"]["load"]["failures"]
        print("\nLoad-test failures:" if failures else "", *failures, sep="\n  ")


if __name__ == "__main__":
    main()
