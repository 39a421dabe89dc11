"""What the real-browser tests share: the server and Chromium fixtures (benchmarks.harness starts the server with
scripts/dashboard.env, as scripts/dashboard.sh does), and helpers to open a page, wait for a script run and take a
screenshot. The fixtures reach the test files through tests/conftest.py."""

import os
import shutil
from pathlib import Path

import pytest

from benchmarks import harness
from dashboard.i18n import TEXT
from dashboard.pages import page as registered_page

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
WAIT_MS = 90_000  # generous: the first page loads the models on a shared 2-core box
VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def server():
    """A real `streamlit run dashboard/app.py` on a free loopback port; its URL."""
    if not Path(harness.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {harness.CHROMIUM}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with harness.running_server(SHOTS.parent / "streamlit.log", timeout=60) as running:
        yield running.url


@pytest.fixture(scope="module")
def browser(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="en-US", viewport=VIEWPORT)
    yield context.new_page()
    context.close()


# The script run is over: Streamlit's own state on stApp, and no element left stale from the run before. (Its
# running indicator, stStatusWidget, is not in the page at all in Streamlit 1.67 with toolbarMode "minimal", so
# waiting for it to go waited for nothing.)
IDLE_JS = """() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')
  === 'notRunning' && !document.querySelector('[data-stale=true]')"""


def wait_idle(page, timeout: float = WAIT_MS) -> None:
    page.wait_for_function(IDLE_JS, timeout=timeout, polling=100)


def settle(page) -> None:
    """Wait until the script run is over and charts had a moment to draw."""
    page.wait_for_timeout(400)  # a click's rerun has started by then
    wait_idle(page)
    page.wait_for_timeout(600)


def open_page(page, server: str, name: str, lang: str = "en") -> None:
    """Open registered page `name` by its URL and wait for its heading and the end of its script run."""
    page.goto(f"{server}/" if name == "walkthrough" else f"{server}/{name}")  # the default page lives at /
    heading = TEXT[registered_page(name).heading][lang]
    page.get_by_role("heading", level=1).filter(has_text=heading).wait_for(timeout=WAIT_MS)
    settle(page)


def screenshot(page, name: str) -> Path:
    """The whole page (Streamlit scrolls inside stMain, so the viewport is grown to its height for the shot)."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height) + 40, 5000)})
    page.wait_for_timeout(2500)  # tables and charts redraw for the new size
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / path.name)
    return path
