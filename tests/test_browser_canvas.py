"""The drawing canvas on a touch phone (issue 12), in real Chromium: a 390x844 context with touch, in Russian and
English (and a 1280x720 mouse one). Two strokes drawn with touch events; Undo and Clear are Streamlit buttons, in the
page's language, visible in the viewport without hover and finger-sized; Undo leaves the first stroke (the score
goes back to the one-stroke score), Clear empties the canvas, a kept drawing survives both; the component's own
English hover toolbar is hidden. Saves the phone view to test-artifacts/screenshots/. Marked `browser`."""

import os
import shutil

import pytest
from browser import DOCS, SHOTS, WAIT_MS, settle, wait_idle

from dashboard.i18n import TEXT

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 720}}
ONE = [(140, 40 + 10 * i) for i in range(21)]  # a '1' down the middle (canvas pixels)
BAR = [(60 + 8 * i, 60) for i in range(21)]  # a bar across the top
FINGER_PX = 44


def stroke(page, canvas, points, touch: bool) -> None:
    """One stroke through `points` (canvas pixels): touch events on a phone, the mouse on a desktop."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    at = [(box["x"] + x, box["y"] + y) for x, y in points]
    if not touch:
        page.mouse.move(*at[0])
        page.mouse.down()
        for xy in at[1:]:
            page.mouse.move(*xy)
        page.mouse.up()
        return
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": at[0][0], "y": at[0][1]}]})
    for x, y in at[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def drawing_score(page) -> str | None:
    """The score under the canvas (inside the Draw tab), or None when nothing is scored there."""
    metric = page.locator('[role="tabpanel"]:visible [data-testid="stMetricValue"]')
    return metric.first.inner_text() if metric.count() else None


def wait_for_score(page, accept, timeout_ms: int = WAIT_MS) -> str | None:
    """Wait until the score under the canvas satisfies `accept` (it changes when the canvas reports back)."""
    for _ in range(timeout_ms // 250):
        settle_quick(page)
        score = drawing_score(page)
        if accept(score):
            return score
    raise AssertionError(f"the score under the canvas stayed {drawing_score(page)!r}")


def settle_quick(page) -> None:
    page.wait_for_timeout(250)
    wait_idle(page)


def press(button, touch: bool) -> None:
    button.tap() if touch else button.click()


@pytest.mark.parametrize(("lang", "device"), [("ru", "phone"), ("en", "phone"), ("en", "desktop")])
def test_undo_and_clear_on_the_canvas(browser, server, lang, device):
    touch = device == "phone"
    context = browser.new_context(locale="en-US", **(PHONE if touch else DESKTOP))
    page = context.new_page()
    try:
        page.goto(f"{server}/your_images?lang={lang}")
        page.get_by_role("heading", level=1).filter(has_text=TEXT["mine.title"][lang]).wait_for(timeout=WAIT_MS)
        settle(page)
        page.get_by_role("tab", name=TEXT["mine.tab_draw"][lang]).click()
        canvas = page.locator("canvas.upper-canvas").first
        canvas.wait_for(timeout=WAIT_MS)
        undo = page.get_by_role("button", name=TEXT["mine.canvas_undo"][lang])
        clear = page.get_by_role("button", name=TEXT["mine.canvas_clear"][lang])
        assert undo.is_disabled() and clear.is_disabled()  # an empty canvas
        # the component's own toolbar (English, shown on hover only) is hidden, hovered or not
        toolbar = page.locator(".dc-toolbar")
        assert toolbar.count() == 1 and not toolbar.is_visible()
        canvas.hover()
        assert not toolbar.is_visible()
        for english in ("Undo", "Redo", "Reset canvas & history", "Edit"):  # its buttons' fixed English names
            assert page.get_by_role("button", name=english, exact=True).count() == 0

        stroke(page, canvas, ONE, touch)
        one = wait_for_score(page, lambda s: s is not None)
        page.get_by_role("button", name=TEXT["mine.keep_drawing"][lang]).click()
        kept = page.get_by_text(TEXT["mine.list_title"][lang].format(count=1))
        kept.wait_for(timeout=WAIT_MS)
        assert page.get_by_text(TEXT["mine.drawing_name"][lang].format(n=1), exact=True).count() >= 1
        stroke(page, canvas, BAR, touch)
        both = wait_for_score(page, lambda s: s not in (None, one))

        # Undo and Clear: in the viewport with the canvas, without hover, tall enough for a finger
        canvas.scroll_into_view_if_needed()
        page.mouse.move(0, 0)
        height = page.viewport_size["height"]
        for button in (undo, clear):
            assert button.is_visible() and button.is_enabled()
            box = button.bounding_box()
            assert box["height"] >= FINGER_PX and box["y"] >= 0 and box["y"] + box["height"] <= height, box
        if touch:  # the tab's label at the top: the canvas, its buttons and the score below
            page.get_by_role("tab", name=TEXT["mine.tab_draw"][lang]).evaluate("e => e.scrollIntoView()")
            page.wait_for_timeout(300)
            shot = SHOTS / f"your_images_canvas_phone_{lang}.png"
            page.screenshot(path=str(shot))
            if os.environ.get("UPDATE_SCREENSHOTS") == "1":
                DOCS.mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, DOCS / shot.name)

        press(undo, touch)
        assert wait_for_score(page, lambda s: s not in (None, both)) == one  # the bar is gone, the '1' stays
        press(clear, touch)
        wait_for_score(page, lambda s: s is None)
        settle(page)
        assert undo.is_disabled() and clear.is_disabled()
        assert kept.is_visible()  # the kept drawing survived both
        assert page.locator('[data-testid="stMetricValue"]').count() == 1
        stroke(page, canvas, BAR, touch)  # the canvas still draws after a Clear
        assert wait_for_score(page, lambda s: s is not None) not in (one, both)
        assert page.get_by_text("Traceback").count() == 0
    finally:
        context.close()
