"""Load test: N concurrent browser sessions against a real `streamlit run` server on 127.0.0.1, each walking the
pages through the sidebar and uploading an image on "Your images", plus concurrent decompression-bomb uploads.

Bounded in time and count, it stops by itself. Full form (issue 5: >= 20 sessions; students arrive 1.5 s apart):
    python -m benchmarks.load_test --sessions 20 --duration 300 --iterations 2
The reduced form runs in CI from tests/test_load.py (`run_load_test(...)`, the same code).

Students are Playwright contexts in one headless Chromium driven by asyncio (Playwright objects are not
thread-safe). Each context is one Streamlit session for the whole walk (pages are switched client-side, as a
student clicks), so the server's memory per session is real. Every upload is a distinct PNG (an example digit with
one pixel changed), so each one is prepared and scored afresh. The browser shares the 2 CPU cores with the server:
times here are what the whole box manages, not the server alone.
"""

import argparse
import asyncio
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

if __package__ in (None, ""):  # `python benchmarks/load_test.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness, hostile_files
from dashboard.i18n import t

EXAMPLES = sorted((harness.ROOT / "data" / "examples").glob("*.png"))
BOMB_NAME = "bomb.png"
BOMB_SIDE = 30_000


# ---------------- inputs ----------------


def bomb_png(side: int = BOMB_SIDE) -> bytes:
    """A complete, valid side x side 1-bit grey PNG of zeros: ~110 KB for 30000 (900 MB once decoded)."""
    return hostile_files.bomb_png(side)


def bomb_refusal_text(side: int = BOMB_SIDE) -> str:
    """The English reason the page must show for the bomb (dashboard.i18n, as error_text builds it)."""
    from gan_core.preprocess import MAX_PIXELS

    return t("error.image.too_many_pixels", "en", width=side, height=side, limit=MAX_PIXELS)


def unique_upload(session: int, iteration: int) -> dict:
    """An example digit PNG with one pixel nudged so the bytes are unique: Playwright's file payload."""
    source = EXAMPLES[(session + iteration) % len(EXAMPLES)]
    image = cv2.imread(str(source), cv2.IMREAD_UNCHANGED)
    flat = image.reshape(-1)
    flat[(session * 7919 + iteration * 104729) % flat.size] ^= 1
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return {
        "name": f"s{session:02d}i{iteration}_{source.stem}.png",
        "mimeType": "image/png",
        "buffer": encoded.tobytes(),
    }


# ---------------- results ----------------


@dataclass
class LoadResult:
    sessions: int
    bombs: int
    duration_s: float = 0.0
    page_loads: int = 0
    failed_page_loads: int = 0
    uploads: int = 0
    uploads_scored: int = 0
    score_times_s: list = field(default_factory=list)
    page_times_s: list = field(default_factory=list)
    bomb_refused: int = 0
    bomb_times_s: list = field(default_factory=list)
    page_loads_during_bombs: int = 0
    failures: list = field(default_factory=list)
    baseline_rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    healthy_after: bool = False
    iterations_done: list = field(default_factory=list)
    slowest: list = field(default_factory=list)  # the 5 slowest page loads: (seconds, which)
    server_cpu_s: float = 0.0  # CPU seconds the streamlit process used during the run
    browser_cpu_s: float = 0.0  # CPU seconds Chromium used during the run (it shares the box's cores)

    @staticmethod
    def _p(values, q) -> float:
        return float(np.percentile(values, q)) if values else float("nan")

    @property
    def p95_score_s(self) -> float:
        return self._p(self.score_times_s, 95)

    @property
    def p50_score_s(self) -> float:
        return self._p(self.score_times_s, 50)

    @property
    def p95_page_s(self) -> float:
        return self._p(self.page_times_s, 95)

    def summary(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if not k.endswith("times_s")}
        out.update(
            p50_score_s=self.p50_score_s,
            p95_score_s=self.p95_score_s,
            p95_page_s=self.p95_page_s,
            max_bomb_refusal_s=max(self.bomb_times_s, default=float("nan")),
        )
        return out

    def table(self) -> str:
        rows = [
            ("sessions (+ bomb sessions)", f"{self.sessions} (+{self.bombs})"),
            ("duration", f"{self.duration_s:.1f} s"),
            ("page loads / failed", f"{self.page_loads} / {self.failed_page_loads}"),
            ("uploads / scored", f"{self.uploads} / {self.uploads_scored}"),
            ("time to a score p50 / p95", f"{self.p50_score_s:.2f} s / {self.p95_score_s:.2f} s"),
            ("page render p95", f"{self.p95_page_s:.2f} s"),
            ("bombs refused (translated message)", f"{self.bomb_refused} / {self.bombs}"),
            ("slowest bomb refusal on screen", f"{max(self.bomb_times_s, default=float('nan')):.2f} s"),
            ("page loads while bombs were in flight", f"{self.page_loads_during_bombs}"),
            ("server RSS baseline / peak", f"{self.baseline_rss_mb:.0f} MB / {self.peak_rss_mb:.0f} MB"),
            ("server healthy afterwards", "yes" if self.healthy_after else "NO"),
            (
                "CPU used: server / Chromium (box: 2 cores)",
                f"{self.server_cpu_s:.0f} s / {self.browser_cpu_s:.0f} s in {self.duration_s:.0f} s",
            ),
            ("slowest page loads", "; ".join(f"{sec:.1f} s {where}" for sec, where in self.slowest[:3])),
        ]
        width = max(len(r[0]) for r in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


# ---------------- the students ----------------


class _Clock:
    """Shared state of one run: the deadline and the bomb window (monotonic times)."""

    def __init__(self, duration_s: float):
        self.start = time.monotonic()
        self.deadline = self.start + duration_s
        self.bombs_in_flight = 0

    def left(self) -> float:
        return self.deadline - time.monotonic()


async def _load(result: LoadResult, clock: _Clock, where: str, action) -> bool:
    """Run one page load; count it, its time, and any failure (timeout, exception element)."""
    bombs_during = clock.bombs_in_flight > 0
    try:
        seconds = await action
    except Exception as exc:
        result.failed_page_loads += 1
        result.failures.append(f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0][:400]}")
        return False
    result.page_loads += 1
    result.page_times_s.append(seconds)
    result.slowest = sorted([*result.slowest, (round(seconds, 2), where)], reverse=True)[:5]
    if bombs_during or clock.bombs_in_flight > 0:
        result.page_loads_during_bombs += 1
    return True


async def _upload_and_score(
    page, result: LoadResult, session: int, iteration: int, expected_count: int, timeout_ms: float
) -> bool:
    payload = unique_upload(session, iteration)
    result.uploads += 1
    try:
        elapsed, value = await harness.upload_and_score(page, payload, expected_count, timeout_ms)
    except Exception as exc:
        result.failures.append(
            f"session {session} upload {iteration}: {type(exc).__name__}: {str(exc).splitlines()[0][:400]}"
        )
        return False
    if not 0.0 <= value <= 1.0:
        result.failures.append(f"session {session} upload {iteration}: score {value} outside [0, 1]")
        return False
    result.uploads_scored += 1
    result.score_times_s.append(elapsed)
    return True


async def _student(
    browser,
    url: str,
    session: int,
    pages: list[str],
    clock: _Clock,
    iterations: int,
    result: LoadResult,
    start_delay: float,
    timeout_ms: float,
) -> None:
    await asyncio.sleep(start_delay)
    context, page = await harness.new_page(browser)
    done = 0
    try:
        if not await _load(
            result, clock, f"session {session} open {pages[0]}", harness.open_page(page, url, pages[0], timeout_ms)
        ):
            return
        for iteration in range(iterations):
            if clock.left() <= 0:
                break
            for name in [*pages[1:], pages[0]]:
                if clock.left() <= 0:
                    break
                ok = await _load(
                    result, clock, f"session {session} -> {name}", harness.switch_page(page, name, timeout_ms)
                )
                if ok and await harness.exceptions_on(page):
                    result.failed_page_loads += 1
                    result.page_loads -= 1
                    result.failures.append(f"session {session} -> {name}: exception shown on the page")
                if not ok:  # start over from a fresh load, as a student would press reload
                    if not await _load(
                        result, clock, f"session {session} reload", harness.open_page(page, url, pages[0], timeout_ms)
                    ):
                        return
                    continue
                if name == "your_images":
                    await _upload_and_score(page, result, session, iteration, iteration + 1, timeout_ms)
            done += 1
    finally:
        result.iterations_done.append(done)
        await context.close()


async def _bomber(
    browser, url: str, index: int, clock: _Clock, result: LoadResult, delay: float, timeout_ms: float
) -> None:
    """Opens "Your images" and uploads the 30000x30000 PNG; expects the translated refusal, no traceback."""
    await asyncio.sleep(delay)
    context, page = await harness.new_page(browser)
    try:
        if not await _load(
            result, clock, f"bomb {index} open", harness.open_page(page, url, "your_images", timeout_ms)
        ):
            return
        payload = {"name": BOMB_NAME, "mimeType": "image/png", "buffer": bomb_png()}
        reason = bomb_refusal_text()
        clock.bombs_in_flight += 1
        start = time.perf_counter()
        try:
            await page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(files=[payload])
            alert = page.locator('[data-testid="stAlertContentError"]').filter(has_text=BOMB_NAME)
            await alert.first.wait_for(timeout=timeout_ms)
            result.bomb_times_s.append(time.perf_counter() - start)
            text = await alert.first.inner_text()
            traceback = await page.get_by_text("Traceback").count() + await harness.exceptions_on(page)
            if reason in text and not traceback:
                result.bomb_refused += 1
            else:
                result.failures.append(f"bomb {index}: unexpected message {text!r} (traceback: {traceback})")
        except Exception as exc:
            result.failures.append(f"bomb {index}: {type(exc).__name__}: {str(exc).splitlines()[0][:400]}")
        finally:
            clock.bombs_in_flight -= 1
    finally:
        await context.close()


async def run_load_test_async(
    url: str,
    server_pid: int,
    sessions: int = 20,
    duration_s: float = 240,
    iterations: int = 2,
    bombs: int = 3,
    bomb_delay_s: float | None = None,
    page_timeout_s: float = 120,
    pages: list[str] | None = None,
    stagger_s: float = 1.0,
    browser=None,
) -> LoadResult:
    """Drive `sessions` students (+ `bombs` bomb uploads) against the server at `url`; see the module doc."""
    pages = pages or harness.routed_pages()
    result = LoadResult(sessions=sessions, bombs=bombs)
    if bomb_delay_s is None:  # while every student has arrived and is walking
        bomb_delay_s = stagger_s * sessions + 2
    timeout_ms = page_timeout_s * 1000
    with harness.RssSampler(server_pid) as rss:
        result.baseline_rss_mb = rss.peak / 1e6
        clock = _Clock(duration_s)

        async def drive(chromium):
            tasks = [
                _student(chromium, url, i, pages, clock, iterations, result, i * stagger_s, timeout_ms)
                for i in range(sessions)
            ]
            tasks += [
                _bomber(chromium, url, j, clock, result, bomb_delay_s + 0.2 * j, timeout_ms) for j in range(bombs)
            ]
            await asyncio.gather(*tasks)

        if browser is None:
            async with harness.chromium() as chromium:
                await drive(chromium)
        else:
            await drive(browser)
        result.duration_s = time.monotonic() - clock.start
        result.peak_rss_mb = rss.peak / 1e6
        result.server_cpu_s, result.browser_cpu_s = rss.server_cpu_s(), rss.browser_cpu_s()
    result.healthy_after = harness.healthy(url)
    return result


def run_load_test(url: str, server_pid: int, **options) -> LoadResult:
    """Synchronous wrapper of run_load_test_async (for pytest and scripts)."""
    return asyncio.run(run_load_test_async(url, server_pid, **options))


def main() -> None:
    parser = argparse.ArgumentParser(description="Load test against a fresh `streamlit run` on 127.0.0.1.")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=300, help="seconds; no new page is started after it")
    parser.add_argument("--iterations", type=int, default=2, help="walks through every page per session")
    parser.add_argument("--bombs", type=int, default=3)
    parser.add_argument("--page-timeout", type=float, default=180)
    parser.add_argument("--stagger", type=float, default=1.5, help="seconds between two students' arrivals")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    log = harness.ROOT / "benchmarks" / "load_test_server.log"
    with harness.running_server(log) as server:
        result = run_load_test(
            server.url,
            server.proc.pid,
            sessions=args.sessions,
            duration_s=args.duration,
            iterations=args.iterations,
            bombs=args.bombs,
            page_timeout_s=args.page_timeout,
            stagger_s=args.stagger,
        )
    print(result.table())
    for failure in result.failures:
        print("FAILURE:", failure)
    if args.json:
        print(json.dumps(result.summary()))
    sys.exit(1 if result.failures or result.failed_page_loads or not result.healthy_after else 0)


if __name__ == "__main__":
    main()
