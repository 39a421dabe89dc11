"""Class mode's capacity (issue 14, item 7): a class of students on phones walks one room's lesson against a real
`streamlit run` pinned to one core, with Chromium pinned to the other, and the server's own per-run timing log
(dashboard/run_log.py, $GAN_OOD_RUN_LOG) says what each action cost it.

    OMP_NUM_THREADS=1 python -m benchmarks.class_capacity [--students 30] [--stagger 1] [--think 1]
        [--browser-slots 5] [--no-post-script-gc] [--postgres URL]

A teacher creates the room (gan_core.rooms, what `gan-ood room create` does); the students arrive `--stagger` s
apart, each in its own phone-sized Playwright context (390x844, one Streamlit session): open the `?room=CODE` link,
guess D(noise) on the walkthrough, reveal, go to "Your images" through the sidebar, upload one small PNG (a distinct
one each), then close the tab, pausing `--think` s between steps. One priming visit before the class starts the
server's warm-up, and the class waits until the server is idle again, so the figures are the class's alone. One
Chromium core cannot boot 30 Streamlit pages at once (most time out), so at most `--browser-slots` tabs are open at
a time and later arrivals wait at the door; the walk duration starts when a student's tab opens.

Reported: p50/p95 of the logged script-run wall time per (page, action); the server's CPU seconds per student walk,
both as the sum of the log's thread CPU and as the whole server process tree's CPU over the class (psutil: script
threads, the compute worker threads, the decoding sandbox's processes, Tornado); and students per core = median
walk duration / server CPU per walk (process figure), i.e. how many students walking at this pace one core keeps
up with. Everything is on loopback, bounded (`--timeout` per step, `--duration` for the whole class), and stops
by itself. Needs `taskset` (util-linux) and Debian's Chromium.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil

if __package__ in (None, ""):  # `python benchmarks/class_capacity.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness
from benchmarks.load_test import unique_upload
from dashboard.i18n import TEXT
from gan_core import rooms
from gan_core import server as server_settings

PHONE = {"width": 390, "height": 844}
TASKSET = "/usr/bin/taskset"


def en(key: str, **fmt) -> str:
    return TEXT[key]["en"].format(**fmt) if fmt else TEXT[key]["en"]


# ---------------- pinned processes ----------------


class PinnedServer(harness.Server):
    """harness.Server's `streamlit run`, started under `taskset -c CORE` (its threads and children stay there)."""

    def __init__(self, core: int, log_path: Path, extra_env: dict):
        super().__init__(log_path, extra_env)
        self.core = core

    def start(self) -> "PinnedServer":
        argv = server_settings.command(["--server.port", str(self.port), "--server.address", "127.0.0.1"])
        self.started = time.monotonic()
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(  # taskset execs streamlit: proc.pid is the server itself
                [TASKSET, "-c", str(self.core), *argv],
                cwd=harness.ROOT,
                env={**os.environ, **harness.SERVER_ENV, **self.extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self


def pinned_chromium(folder: Path, core: int) -> Path:
    """A wrapper Playwright launches instead of Chromium: Chromium and every process it starts run on `core`."""
    wrapper = folder / "chromium-pinned"
    wrapper.write_text(f'#!/bin/sh\nexec {TASKSET} -c {core} {harness.CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


class TreeCpu:
    """CPU seconds (user + system) of a process and all its descendants since construction, sampled every second
    in a daemon thread so that children which exit meanwhile keep their last reading."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.start = self._read()
        self.last = dict(self.start)
        self.main_thread_start = self._main_thread()
        self.threads_start = self._threads()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="tree-cpu")
        self._thread.start()

    def _read(self) -> dict:
        out = {}
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                times = proc.cpu_times()
                out[proc.pid] = times.user + times.system
            except psutil.Error:
                continue
        return out

    def _main_thread(self) -> float:
        """CPU seconds of the server's main thread: Streamlit's event loop (HTTP, static files, websockets)."""
        for thread in self.root.threads():
            if thread.id == self.root.pid:
                return thread.user_time + thread.system_time
        return 0.0

    def _threads(self) -> dict:
        return {t.id: t.user_time + t.system_time for t in self.root.threads()}

    def older_threads_seconds(self) -> float:
        """CPU seconds of the threads that were there before the class (the warm-up's, the workers', Streamlit's
        own), main thread included; the rest of the process's CPU went to threads started during it (script
        runners, one per session run at a time)."""
        now = self._threads()
        return sum(now[tid] - cpu for tid, cpu in self.threads_start.items() if tid in now)

    def main_thread_seconds(self) -> float:
        return self._main_thread() - self.main_thread_start

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.last.update(self._read())

    def seconds(self) -> float:
        self.last.update(self._read())
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.last.items())

    def root_seconds(self) -> float:
        """The server process alone (its threads), without its children."""
        return self.last[self.root.pid] - self.start[self.root.pid]

    def stop(self) -> float:
        total = self.seconds()
        self._stop.set()
        self._thread.join(timeout=5)
        return total


def wait_idle(pid: int, quiet_s: float = 3.0, threshold: float = 0.05, timeout_s: float = 300.0) -> float:
    """Wait until the server tree used under `threshold` of a core for `quiet_s` s (its warm-up is over); seconds."""
    start = time.monotonic()
    tree = TreeCpu(pid)
    try:
        before, quiet_since = tree.seconds(), time.monotonic()
        while time.monotonic() - start < timeout_s:
            time.sleep(0.5)
            now = tree.seconds()
            if now - before > threshold * 0.5:
                quiet_since = time.monotonic()
            before = now
            if time.monotonic() - quiet_since >= quiet_s:
                break
    finally:
        tree.stop()
    return time.monotonic() - start


# ---------------- one student ----------------


@dataclass
class Walk:
    student: int
    started: float = 0.0  # monotonic
    ended: float = 0.0
    steps: dict = field(default_factory=dict)  # step -> client-side seconds until painted
    score: float = float("nan")
    failure: str | None = None
    waited: float = 0.0  # seconds at the door until a browser slot was free

    @property
    def seconds(self) -> float:
        return self.ended - self.started


async def toggle_sidebar(page, show: bool) -> None:
    """On a phone the sidebar starts collapsed and, once open, covers the page."""
    if show:
        button = page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button')
    else:
        button = page.locator('[data-testid="stSidebarCollapseButton"] button, [data-testid="stSidebarCollapseButton"]')
    if await button.count() and await button.first.is_visible():
        await button.first.click()
        await page.wait_for_timeout(500)


async def timed_step(walk: Walk, name: str, action) -> None:
    start = time.perf_counter()
    await action
    walk.steps[name] = time.perf_counter() - start


async def student(browser, slots, url: str, code: str, index: int, delay: float, think: float, timeout_ms: float):
    """One student's walk (a Walk); `slots` (asyncio.Semaphore) caps how many tabs the one browser core has open."""
    walk = Walk(index)
    await asyncio.sleep(delay)
    arrived = time.monotonic()
    async with slots:
        walk.waited = time.monotonic() - arrived
        return await _walk(walk, browser, url, code, index, think, timeout_ms)


async def _walk(walk: Walk, browser, url: str, code: str, index: int, think: float, timeout_ms: float) -> Walk:
    context = await browser.new_context(
        locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1
    )  # a real phone draws at 2-3x, on its own CPU: here every phone shares one core
    await context.add_init_script(harness.RUN_LOG_SCRIPT)
    page = await context.new_page()
    walk.started = time.monotonic()
    step = "open"
    try:
        await page.goto(f"{url}/?room={code}", wait_until="commit", timeout=timeout_ms)
        await timed_step(walk, step, harness.wait_painted(page, en("walk.title"), timeout_ms=timeout_ms))
        await page.get_by_text(en("class.joined", code=code).replace("**", "")).first.wait_for(timeout=timeout_ms)
        await asyncio.sleep(think)

        step = "guess"
        before = await harness.runs_seen(page)
        await page.get_by_role("slider").first.focus()
        await page.keyboard.press("Home")  # the guess: 0.00
        await timed_step(walk, step, harness.wait_painted(page, after=before, timeout_ms=timeout_ms))
        await asyncio.sleep(think)

        step = "reveal"
        start = time.perf_counter()
        await page.get_by_role("button", name=en("walk.reveal")).click(timeout=timeout_ms)
        await page.get_by_text(en("walk.real_score")).first.wait_for(timeout=timeout_ms)
        await harness.wait_painted(page, timeout_ms=timeout_ms)
        walk.steps[step] = time.perf_counter() - start
        await asyncio.sleep(think)

        step = "your_images"
        start = time.perf_counter()
        await toggle_sidebar(page, show=True)
        await page.get_by_role("link", name=en("nav.your_images")).click(timeout=timeout_ms)
        await harness.wait_painted(page, en("mine.title"), timeout_ms=timeout_ms)
        walk.steps[step] = time.perf_counter() - start
        await toggle_sidebar(page, show=False)
        await asyncio.sleep(think)

        step = "upload"
        walk.steps[step], walk.score = await harness.upload_and_score(
            page, unique_upload(index, 0), 1, timeout_ms=timeout_ms
        )
        if await harness.exceptions_on(page):
            raise RuntimeError("an exception is shown on the page")
        await asyncio.sleep(think)
    except Exception as exc:
        walk.failure = f"student {index} at {step}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    finally:
        walk.ended = time.monotonic()
        await context.close()  # the student leaves: tab closed
    return walk


async def priming_visit(browser, url: str, timeout_ms: float) -> None:
    """One visit outside the room before the class: its first script run starts the server's warm-up, and "Your
    images" starts the decoding sandbox's pool (both once per server, not per student)."""
    context, page = await harness.new_page(browser)
    try:
        await harness.open_page(page, url, "walkthrough", timeout_ms)
        await harness.switch_page(page, "your_images", timeout_ms)
    finally:
        await context.close()


# ---------------- the class ----------------


def read_log(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def max_concurrent(walks: list[Walk]) -> int:
    """The most walks in progress at one moment."""
    events = sorted([(w.started, 1) for w in walks] + [(w.ended, -1) for w in walks], key=lambda e: (e[0], e[1]))
    level = best = 0
    for _, step in events:
        level += step
        best = max(best, level)
    return best


def action_label(record: dict) -> str:
    action = record["action"]
    if action.startswith("mine_files_"):  # the uploader's key carries a round counter
        action = "upload"
    return f"{record['page']} · {action}" + (" (fragment)" if record["fragment"] else "")


def summarise(walks: list[Walk], runs: list[dict], process_cpu: tuple, class_s: float, args, store, code) -> dict:
    """process_cpu: CPU seconds over the class of (the server's process tree, the server process alone, its main
    thread, the threads that predate the class)."""
    process_cpu_s, main_cpu_s, loop_cpu_s, older_cpu_s = process_cpu
    done = [w for w in walks if w.failure is None]
    by_action: dict[str, list[dict]] = {}
    for record in runs:
        by_action.setdefault(action_label(record), []).append(record)
    actions = {
        label: {
            "runs": len(records),
            "p50_wall_s": percentile([r["wall_s"] for r in records], 50),
            "p95_wall_s": percentile([r["wall_s"] for r in records], 95),
            "p50_cpu_s": percentile([r["cpu_s"] for r in records], 50),
            "cpu_s_total": sum(r["cpu_s"] for r in records),
        }
        for label, records in sorted(by_action.items(), key=lambda item: -len(item[1]))
    }
    sessions: dict[str, float] = {}
    for record in runs:
        sessions[record["session"]] = sessions.get(record["session"], 0.0) + record["cpu_s"]
    log_cpu = sum(sessions.values())
    walk_s = statistics.median([w.seconds for w in done]) if done else float("nan")
    per_walk_log = log_cpu / len(walks) if walks else float("nan")
    per_walk_process = process_cpu_s / len(walks) if walks else float("nan")
    summary = store.summary(code)
    return {
        "students": len(walks),
        "walks_completed": len(done),
        "failures": [w.failure for w in walks if w.failure],
        "stagger_s": args.stagger,
        "think_s": args.think,
        "database": "postgresql" if args.postgres else "sqlite",
        "post_script_gc": not args.no_post_script_gc,
        "server_core": args.server_core,
        "browser_core": args.browser_core,
        "class_s": class_s,
        "walk_s_median": walk_s,
        "walk_s_p95": percentile([w.seconds for w in done], 95),
        "browser_slots": args.browser_slots,
        "waited_at_door_s_max": max((w.waited for w in walks), default=0.0),
        "concurrent_walks_max": max_concurrent(walks),
        "client_step_p95_s": {s: percentile([w.steps[s] for w in done if s in w.steps], 95) for s in STEPS},
        "script_runs": len(runs),
        "sessions_in_log": len(sessions),
        "actions": actions,
        "server_cpu_s_log": log_cpu,
        "server_cpu_s_process": process_cpu_s,
        "server_cpu_s_main_process": main_cpu_s,
        "server_cpu_s_children": process_cpu_s - main_cpu_s,
        "server_cpu_s_main_thread": loop_cpu_s,
        "server_cpu_s_older_threads": older_cpu_s,
        "server_cpu_s_new_threads": main_cpu_s - older_cpu_s,
        "server_core_busy": process_cpu_s / class_s if class_s else float("nan"),
        "cpu_s_per_walk_log": per_walk_log,
        "cpu_s_per_walk_process": per_walk_process,
        "cpu_s_per_walk_session_p50": statistics.median(sessions.values()) if sessions else float("nan"),
        "students_per_core": walk_s / per_walk_process if per_walk_process else float("nan"),
        "students_per_core_log": walk_s / per_walk_log if per_walk_log else float("nan"),
        "room_students": summary["students"],
        "room_guesses": len(summary["guesses"]),
        "room_images": len(summary["images"]),
        "load_average": os.getloadavg(),
    }


STEPS = ["open", "guess", "reveal", "your_images", "upload"]


def table(result: dict) -> str:
    lines = [
        "| page · action | runs | p50 wall | p95 wall | p50 CPU |",
        "|---|---|---|---|---|",
    ]
    for label, a in result["actions"].items():
        lines.append(
            f"| {label} | {a['runs']} | {a['p50_wall_s']:.3f} s | {a['p95_wall_s']:.3f} s | {a['p50_cpu_s']:.3f} s |"
        )
    lines += [
        "",
        "| figure | value |",
        "|---|---|",
        f"| students / walks completed | {result['students']} / {result['walks_completed']} |",
        f"| class duration | {result['class_s']:.0f} s |",
        f"| student walk, median / p95 | {result['walk_s_median']:.1f} s / {result['walk_s_p95']:.1f} s |",
        f"| walks at once, most (browser slots) | {result['concurrent_walks_max']} ({result['browser_slots']}) |",
        f"| server CPU per walk: log (script threads) / process tree | {result['cpu_s_per_walk_log']:.2f} s / "
        f"{result['cpu_s_per_walk_process']:.2f} s |",
        f"| of the process tree: server process / its children (decoding sandbox) | "
        f"{result['server_cpu_s_main_process']:.1f} s / {result['server_cpu_s_children']:.1f} s |",
        f"| of the server process: its main thread (event loop: HTTP, static files, websockets) | "
        f"{result['server_cpu_s_main_thread']:.1f} s |",
        f"| of the server process: threads older than the class (main included) / started during it | "
        f"{result['server_cpu_s_older_threads']:.1f} s / {result['server_cpu_s_new_threads']:.1f} s |",
        f"| server core busy during the class | {100 * result['server_core_busy']:.0f}% |",
        f"| students per core (median walk / process CPU per walk) | {result['students_per_core']:.1f} |",
        f"| room: students / guesses / images | {result['room_students']} / {result['room_guesses']} / "
        f"{result['room_images']} |",
    ]
    return "\n".join(lines)


async def run_class(url: str, server_pid: int, code: str, args, chromium_path: Path, run_log: Path):
    from playwright.async_api import async_playwright

    timeout_ms = args.timeout * 1000
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(chromium_path), args=harness.CHROMIUM_ARGS)
        try:
            await priming_visit(browser, url, timeout_ms)
            idle_after = await asyncio.to_thread(wait_idle, server_pid)
            offset = len(read_log(run_log))
            tree = TreeCpu(server_pid)
            start = time.monotonic()
            slots = asyncio.Semaphore(args.browser_slots)
            tasks = [
                student(browser, slots, url, code, i, i * args.stagger, args.think, timeout_ms)
                for i in range(args.students)
            ]
            try:
                walks = await asyncio.wait_for(asyncio.gather(*tasks), timeout=args.duration)
            except TimeoutError:
                raise SystemExit(f"the class did not finish within --duration {args.duration:.0f} s") from None
            class_s = time.monotonic() - start
            await asyncio.sleep(1.0)  # the last runs' log lines and CPU
            process_cpu = tree.stop(), tree.root_seconds(), tree.main_thread_seconds(), tree.older_threads_seconds()
        finally:
            await browser.close()
    return walks, read_log(run_log)[offset:], process_cpu, class_s, idle_after


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--stagger", type=float, default=1.0, help="seconds between two students' arrivals")
    parser.add_argument("--think", type=float, default=1.0, help="seconds a student pauses between steps")
    parser.add_argument("--timeout", type=float, default=180, help="seconds one step may take")
    parser.add_argument("--duration", type=float, default=1200, help="seconds the whole class may take")
    parser.add_argument(
        "--browser-slots",
        type=int,
        default=5,
        help="most students with a tab open at once (one Chromium core renders them all; arrivals queue)",
    )
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--browser-core", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database for the rooms (default: SQLite)")
    parser.add_argument(
        "--no-post-script-gc",
        action="store_true",
        help="start the server with Streamlit's runner.postScriptGC off (a full gc.collect(2) after every run)",
    )
    parser.add_argument("--keep-log", type=Path, help="copy the server's run log (JSON lines) here")
    args = parser.parse_args(argv)
    if not Path(TASKSET).exists() or not Path(harness.CHROMIUM).exists():
        raise SystemExit(f"needs {TASKSET} and Chromium at {harness.CHROMIUM}")

    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {args.browser_core})  # this driver and Playwright's node driver stay off the server's core
    with tempfile.TemporaryDirectory(prefix="class_capacity_") as tmp:
        folder = Path(tmp)
        run_log = folder / "runs.jsonl"
        env = {"GAN_OOD_DATA_DIR": str(folder / "data"), "GAN_OOD_RUN_LOG": str(run_log)}
        if args.postgres:
            env["GAN_OOD_DATABASE_URL"] = args.postgres
        if args.no_post_script_gc:
            env["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = "false"
        store = rooms.RoomStore(rooms.database_url(env))
        keys = store.create_room()  # the teacher's part: what `gan-ood room create` does
        server = PinnedServer(args.server_core, folder / "streamlit.log", env).start()
        try:
            server.wait_healthy(120)
            chromium = pinned_chromium(folder, args.browser_core)
            walks, runs, process_cpu, class_s, idle_after = asyncio.run(
                run_class(server.url, server.proc.pid, keys.code, args, chromium, run_log)
            )
            result = summarise(walks, runs, process_cpu, class_s, args, store, keys.code)
            result["warm_up_idle_after_s"] = idle_after
            result["server_healthy_after"] = harness.healthy(server.url)
        finally:
            server.stop()
            if args.keep_log and run_log.exists():
                args.keep_log.write_text(run_log.read_text())
            store.delete_room(keys.code)
            os.sched_setaffinity(0, affinity)
    return result


if __name__ == "__main__":
    figures = main()
    print(json.dumps(figures))
    print(table(figures))
    sys.exit(1 if figures["failures"] or figures["walks_completed"] < figures["students"] else 0)
