"""End to end in a real browser: `streamlit run dashboard/app.py` driven by Debian's Chromium through Playwright.

Visits every page, uploads an image and sees its score, draws on the canvas, switches the language, and saves a
screenshot per page to test-artifacts/screenshots/ (copied to docs/screenshots/ with UPDATE_SCREENSHOTS=1, the
README's pictures). Marked `browser`; skipped where Chromium or Playwright is missing.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.harness import SERVER_ENV
from dashboard.i18n import TEXT
from dashboard.pages import PAGES
from dashboard.pages import page as registered_page

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "test-artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
WAIT_MS = 90_000  # generous: the first page loads the models on a shared 2-core box


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    port = _free_port()
    SHOTS.mkdir(parents=True, exist_ok=True)
    log = open(SHOTS.parent / "streamlit.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # as scripts/dashboard.sh
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start: see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(server):
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def settle(page) -> None:
    """Wait until the script run is over (Streamlit's running indicator gone) and charts had a moment to draw."""
    page.wait_for_timeout(400)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=WAIT_MS)
    page.wait_for_timeout(600)


def open_page(page, server, name: str, lang: str = "en") -> None:
    page.goto(f"{server}/" if name == "walkthrough" else f"{server}/{name}")  # the default page lives at /
    page.get_by_role("heading", level=1).filter(has_text=TEXT[registered_page(name).heading][lang]).wait_for(
        timeout=WAIT_MS
    )
    settle(page)


def screenshot(page, name: str) -> Path:
    """The whole page (Streamlit scrolls inside stMain, so the viewport is grown to its height for the shot)."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 5000)})
    page.wait_for_timeout(2500)  # tables and charts redraw for the new size
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / path.name)
    return path


def test_every_page_renders_with_a_screenshot(page, server):
    for name in (entry.name for entry in PAGES):
        open_page(page, server, name)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        if name == "walkthrough":
            page.get_by_role("button", name=TEXT["walk.reveal"]["en"]).click()
            page.get_by_text(TEXT["walk.real_score"]["en"]).first.wait_for(timeout=WAIT_MS)
            settle(page)
        if name in ("interpolation", "distributions", "feature_space", "zoo"):
            page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for(
                timeout=WAIT_MS
            )
        assert screenshot(page, name).stat().st_size > 10_000


def test_upload_an_image_and_see_its_score(page, server, tmp_path):
    digit = np.zeros((140, 140), np.uint8)
    cv2.line(digit, (30, 30), (110, 30), 255, 14)
    cv2.line(digit, (110, 30), (55, 120), 255, 14)
    png = tmp_path / "seven.png"
    cv2.imwrite(str(png), digit)
    examples = sorted((ROOT / "data" / "examples").glob("*.png"))[:1]
    open_page(page, server, "your_images")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files([str(png), *map(str, examples)])
    page.get_by_text(TEXT["mine.list_title"]["en"].format(count=1 + len(examples))).wait_for(timeout=WAIT_MS)
    settle(page)
    scores = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(scores) == 1 + len(examples) and all(0 <= float(s) <= 1 for s in scores)
    assert page.get_by_text("seven.png").count() >= 1
    # A bad file: a translated message, and the page keeps the good ones.
    bad = tmp_path / "notes.png"
    bad.write_text("not an image at all")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files([str(png), str(bad)])
    page.locator('[data-testid="stAlertContentError"]').first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert "notes.png" in page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert page.get_by_text("Traceback").count() == 0
    assert page.locator('[data-testid="stMetricValue"]').count() == len(scores)
    # The session's images are marked on the distributions page.
    page.get_by_role("link", name=TEXT["nav.distributions"]["en"]).click()
    page.get_by_role("heading", level=1).filter(has_text=TEXT["dist.title"]["en"]).wait_for(timeout=WAIT_MS)
    settle(page)
    page.get_by_role("link", name=TEXT["nav.your_images"]["en"]).click()
    page.get_by_role("heading", level=1).filter(has_text=TEXT["mine.title"]["en"]).wait_for(timeout=WAIT_MS)
    settle(page)
    screenshot(page, "your_images")


def test_draw_on_the_canvas_and_keep_the_drawing(page, server):
    open_page(page, server, "your_images")
    page.get_by_role("tab", name=TEXT["mine.tab_draw"]["en"]).click()
    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for(timeout=WAIT_MS)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 90, box["y"] + 50)
    page.mouse.down()
    for i in range(1, 21):  # a '1' down the middle, with a little slant
        page.mouse.move(box["x"] + 90 + 3 * i, box["y"] + 50 + 9 * i)
    page.mouse.up()
    keep = page.get_by_role("button", name=TEXT["mine.keep_drawing"]["en"])
    keep.wait_for(timeout=WAIT_MS)
    settle(page)
    assert 0 <= float(page.locator('[data-testid="stMetricValue"]').first.inner_text()) <= 1
    keep.click()
    page.get_by_text(TEXT["mine.list_title"]["en"].format(count=1)).wait_for(timeout=WAIT_MS)
    settle(page)
    screenshot(page, "your_images_drawing")


def test_switch_language_to_russian(page, server):
    open_page(page, server, "walkthrough")
    page.locator('[data-testid="stSidebar"]').get_by_text("Русский").click()
    page.get_by_role("heading", level=1).filter(has_text=TEXT["walk.title"]["ru"]).wait_for(timeout=WAIT_MS)
    settle(page)
    assert page.get_by_role("link", name=TEXT["nav.interpolation"]["ru"]).count() >= 1
    page.get_by_role("link", name=TEXT["nav.interpolation"]["ru"]).first.click()
    page.get_by_role("heading", level=1).filter(has_text=TEXT["interp.title"]["ru"]).wait_for(timeout=WAIT_MS)
    settle(page)
    screenshot(page, "interpolation_ru")
