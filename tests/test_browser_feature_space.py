"""The feature-space and zoo pages in a real browser (fixtures from tests/browser.py): hovering a scatter point shows
the image thumbnail, an uploaded image shows up on the feature-space page, the zoo draws. Marked `browser`."""

import cv2
import numpy as np
import pytest
from browser import WAIT_MS, screenshot, settle

from dashboard.i18n import TEXT

pytestmark = pytest.mark.browser
CHART = '[data-testid="stVegaLiteChart"]'


def _open(page, url: str, title_key: str) -> None:
    page.goto(url)
    page.get_by_role("heading", level=1).filter(has_text=TEXT[title_key]["en"]).wait_for(timeout=WAIT_MS)
    settle(page)


def _wait_for_charts(page) -> None:
    """The feature-space page's three charts (PCA, logit view, fooling score) are there: the computation is over."""
    page.locator(CHART).nth(2).wait_for(timeout=WAIT_MS)
    settle(page)
    page.wait_for_timeout(1000)  # Vega draws after the element appears


def _tooltip_image(page, chart, step: int = 6):
    """Sweep the mouse over the chart until Vega's tooltip holds an <img>; that img's locator, or None."""
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = chart.bounding_box()
    tip = page.locator("#vg-tooltip-element img")
    for dy in range(40, int(box["height"]) - 40, step):
        for dx in range(40, int(box["width"]) - 10, step):
            page.mouse.move(box["x"] + dx, box["y"] + dy)
            if tip.count() and tip.first.is_visible():
                return tip.first
    return None


def test_hovering_a_point_shows_its_image(page, server):
    _open(page, f"{server}/feature_space", "fs.title")
    assert page.locator('[data-testid="stException"]').count() == 0
    _wait_for_charts(page)
    pca = page.locator(f".st-key-fs_pca_chart_box {CHART}")  # charts.show puts a keyed chart in a keyed box
    image = _tooltip_image(page, pca)
    assert image is not None and image.get_attribute("src").startswith("data:image/png;base64,")
    # 28 px PNGs drawn at 84 px by the page's CSS, without smoothing
    assert image.evaluate(
        "i => [i.naturalWidth, i.getBoundingClientRect().width, getComputedStyle(i).imageRendering]"
    ) == [28, 84, "pixelated"]
    screenshot(page, "feature_space")


def test_an_uploaded_image_appears_on_the_feature_space_page(page, server, tmp_path):
    digit = np.zeros((140, 140), np.uint8)
    cv2.line(digit, (70, 20), (70, 120), 255, 14)
    png = tmp_path / "stroke_one.png"
    cv2.imwrite(str(png), digit)
    _open(page, f"{server}/your_images", "mine.title")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files([str(png)])
    page.get_by_text(TEXT["mine.list_title"]["en"].format(count=1)).wait_for(timeout=WAIT_MS)
    settle(page)
    page.get_by_role("link", name=TEXT["nav.feature_space"]["en"]).click()  # same session: the image comes along
    page.get_by_role("heading", level=1).filter(has_text=TEXT["fs.title"]["en"]).wait_for(timeout=WAIT_MS)
    settle(page)
    _wait_for_charts(page)
    assert page.locator('[data-testid="stTable"]').get_by_text("stroke_one.png").count() == 1
    assert page.get_by_text(TEXT["fs.no_mine"]["en"]).count() == 0


def test_zoo_draws(page, server):
    _open(page, f"{server}/zoo", "zoo.title")
    page.locator(CHART).first.wait_for(timeout=WAIT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert screenshot(page, "zoo").stat().st_size > 10_000
