"""End to end in a real browser: `streamlit run dashboard/app.py` driven by Debian's Chromium through Playwright.

Visits every page, uploads an image and sees its score, draws on the canvas, switches the language, and saves a
screenshot per page to test-artifacts/screenshots/ (copied to docs/screenshots/ with UPDATE_SCREENSHOTS=1, the
README's pictures). Marked `browser`; skipped where Chromium or Playwright is missing.
"""

from pathlib import Path

import cv2
import numpy as np
import pytest
from browser import WAIT_MS, open_page, screenshot, settle

from dashboard.i18n import TEXT
from dashboard.pages import PAGES

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")
ROOT = Path(__file__).resolve().parent.parent


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
