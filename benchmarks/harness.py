"""Shared by the benchmark, the load test and the browser tests: a real `streamlit run` server on loopback, its
memory sampled with psutil, Debian's Chromium through Playwright (async API), and "rendered" waits.

A page counts as painted when Streamlit's script run is over (stApp's data-test-script-state is notRunning,
connected), the page's h1 carries its title, every Vega-Lite chart has drawn its canvas/svg, no skeleton is left
and every image has finished loading. Reruns are told apart by a MutationObserver that logs every script-state change.
"""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.i18n import TEXT  # noqa: E402 - after the sys.path line above
from dashboard.pages import PAGES  # noqa: E402
from dashboard.pages import page as registered_page  # noqa: E402
from gan_core import server as server_settings  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LANG = "en"


SERVER_ENV = server_settings.server_environment()  # scripts/dashboard.env: the product's server environment, as is


def routed_pages() -> list[str]:
    """Url paths of the pages the app routes (dashboard.pages' registry), in the order a student walks them."""
    return [entry.name for entry in PAGES]


def title(name: str) -> str:
    """The English h1 of page `name`."""
    return TEXT[registered_page(name).heading][LANG]


# ---------------- server ----------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        return urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout).read() == b"ok"
    except OSError:
        return False


class Server:
    """`streamlit run dashboard/app.py` on 127.0.0.1:<free port>; `url`, `proc`, `started` (monotonic)."""

    def __init__(self, log_path: Path | None = None, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.proc = None
        self.started = None

    def start(self) -> "Server":
        log = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
        self.started = time.monotonic()
        self.proc = subprocess.Popen(  # what `gan-ood dashboard` runs, on a loopback port of its own
            server_settings.command(["--server.port", str(self.port), "--server.address", "127.0.0.1"]),
            cwd=ROOT,
            env={**os.environ, **SERVER_ENV, **self.extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if log is not subprocess.DEVNULL:
            log.close()  # the child holds its own descriptor
        return self

    def wait_healthy(self, timeout: float = 90.0, poll: float = 0.05) -> float:
        """Seconds from start() until /_stcore/health answers ok."""
        deadline = time.monotonic() + timeout
        while not healthy(self.url, timeout=1.0):
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode} (log: {self.log_path})")
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit not healthy after {timeout:.0f} s (log: {self.log_path})")
            time.sleep(poll)
        return time.monotonic() - self.started

    def rss(self) -> int:
        return psutil.Process(self.proc.pid).memory_info().rss

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextmanager
def running_server(log_path: Path | None = None, timeout: float = 90.0):
    server = Server(log_path).start()
    try:
        server.wait_healthy(timeout)
        yield server
    finally:
        server.stop()


class RssSampler:
    """Samples a process's RSS every `interval` seconds in a daemon thread; `peak` (bytes) since the last reset.

    Also keeps CPU accounts: `server_cpu_s()`, the process's CPU seconds since start, and `browser_cpu_s()`, the CPU
    seconds of every Chromium process under this one (renderers that exit mid-run count with their last sample).
    """

    def __init__(self, pid: int, interval: float = 0.1):
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._cpu_start = self._cpu(self.process)
        self._browser_start = {}
        self._browser_last = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    @staticmethod
    def _cpu(process: psutil.Process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    def _browsers(self) -> dict:
        out = {}
        for child in psutil.Process().children(recursive=True):
            try:
                if "chrom" in child.name().lower():
                    out[child.pid] = self._cpu(child)
            except psutil.Error:
                continue
        return out

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            if tick % 5 == 0:
                self._browser_last.update(self._browsers())
            tick += 1
            self._stop.wait(self.interval)

    def reset(self) -> None:
        self.peak = self.process.memory_info().rss

    def server_cpu_s(self) -> float:
        return self._cpu(self.process) - self._cpu_start

    def browser_cpu_s(self) -> float:
        self._browser_last.update(self._browsers())
        return sum(cpu - self._browser_start.get(pid, 0.0) for pid, cpu in self._browser_last.items())

    def __enter__(self) -> "RssSampler":
        self.reset()
        self._browser_start = self._browsers()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# ---------------- browser ----------------

# Logs every change of Streamlit's script-run state with its time, so a wait can ask for "a run that started after
# my action has finished" (reruns of the same page keep the same h1). Reliable with a few sessions; on a saturated
# box React may apply "running" and "notRunning" in one commit, so waits under load key on content instead.
RUN_LOG_SCRIPT = """
(() => {
  window.__runs = [];
  const watch = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) { requestAnimationFrame(watch); return; }
    const log = () => window.__runs.push([app.getAttribute('data-test-script-state'), performance.now()]);
    log();
    new MutationObserver(log).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  };
  document.addEventListener('DOMContentLoaded', watch);
})();
"""

# True once the run is over and everything it produced is on screen. arg: [h1 text or null, runs seen before the
# action or -1 (then any finished state counts)].
PAINTED_JS = """
([heading, after]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (after >= 0) {
    const runs = (window.__runs || []).slice(after);
    if (!runs.some(([state]) => state === 'running')) return false;
  }
  if (heading !== null && ![...document.querySelectorAll('h1')].some(h => h.textContent.includes(heading)))
    return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
    if (!chart.querySelector('canvas, svg')) return false;
  for (const img of document.querySelectorAll('[data-testid="stMain"] img'))
    if (!img.complete) return false;  // loaded or failed (a broken link must not hang the wait)
  return true;
}
"""


@asynccontextmanager
async def chromium(executable: str | Path = CHROMIUM):
    """One headless Debian Chromium (never `playwright install`); `executable`: a wrapper that starts it (pinned)."""
    from playwright.async_api import async_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"no Chromium at {CHROMIUM}")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def new_page(browser, viewport=(1280, 900)):
    """A fresh context (= a fresh Streamlit session once it loads a page) with the run log installed."""
    context = await browser.new_context(locale="en-US", viewport={"width": viewport[0], "height": viewport[1]})
    await context.add_init_script(RUN_LOG_SCRIPT)
    return context, await context.new_page()


async def runs_seen(page) -> int:
    return await page.evaluate("(window.__runs || []).length")


DIAGNOSE_JS = """
(after) => {
  const app = document.querySelector('[data-testid="stApp"]');
  return JSON.stringify({
    script: app && app.getAttribute('data-test-script-state'),
    connection: app && app.getAttribute('data-test-connection-state'),
    runs_since: (window.__runs || []).slice(Math.max(after, 0)).map(([s]) => s),
    h1: [...document.querySelectorAll('h1')].map(h => h.textContent.slice(0, 40)),
    skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
    charts_undrawn: [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
      .filter(c => !c.querySelector('canvas, svg')).length,
    images_loading: [...document.querySelectorAll('[data-testid="stMain"] img')].filter(i => !i.complete).length,
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
  });
}
"""


class NotPainted(TimeoutError):
    """wait_painted ran out of time; the message says what was still missing."""


async def wait_painted(page, heading: str | None = None, after: int = -1, timeout_ms: float = 60_000) -> None:
    """Wait until the run (one started after `after` logged runs, if given) is over and painted, then two frames."""
    try:
        await page.wait_for_function(PAINTED_JS, arg=[heading, after], timeout=timeout_ms, polling="raf")
    except Exception as exc:  # re-raised below with what was missing
        try:
            state = await page.evaluate(DIAGNOSE_JS, after)
        except Exception:
            state = "(page unavailable)"
        raise NotPainted(f"not painted after {timeout_ms / 1000:.0f} s ({type(exc).__name__}): {state}") from exc
    await page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


async def open_page(page, url: str, name: str, timeout_ms: float = 60_000) -> float:
    """Load a page by URL (a new session) and wait until painted; seconds."""
    start = time.perf_counter()
    await page.goto(url if name == "walkthrough" else f"{url}/{name}", wait_until="commit")
    await wait_painted(page, title(name), timeout_ms=timeout_ms)
    return time.perf_counter() - start


async def switch_page(page, name: str, timeout_ms: float = 60_000) -> float:
    """Go to a page through the sidebar link (same session, as a student does) and wait until painted; seconds."""
    nav = TEXT[f"nav.{name}"][LANG]
    start = time.perf_counter()
    await page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=nav, exact=True).click()
    await wait_painted(page, title(name), timeout_ms=timeout_ms)
    return time.perf_counter() - start


async def exceptions_on(page) -> int:
    return await page.locator('[data-testid="stException"]').count()


async def upload_and_score(page, payload: dict, expected_count: int, timeout_ms: float = 60_000) -> tuple[float, float]:
    """On "Your images": upload one file (Playwright payload: name, mimeType, buffer) and wait for its score.
    Returns (seconds from handing over the file to the score painted, the score shown). `expected_count` is the
    number of images the session will then hold (the list heading says it)."""
    heading = TEXT["mine.list_title"][LANG].format(count=expected_count)
    start = time.perf_counter()
    await page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(files=[payload])
    # The new count can only come from the upload's own run, so no run-log check after it: on a saturated box the
    # frontend handles "started" and "finished" in one batch and the script-state attribute never shows "running".
    await page.get_by_text(heading, exact=True).wait_for(timeout=timeout_ms)
    await wait_painted(page, timeout_ms=timeout_ms)
    elapsed = time.perf_counter() - start
    metric = page.locator('[data-testid="stMetricValue"]')
    # the innermost block holding this file's name and a score: its own bordered entry (ancestors come first)
    entry = page.locator('[data-testid="stVerticalBlock"]').filter(has_text=payload["name"]).filter(has=metric)
    return elapsed, float(await entry.last.locator(metric).first.inner_text(timeout=timeout_ms))
