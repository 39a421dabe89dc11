"""Progressive results in a real browser (fixtures from tests/browser.py): on the Score distributions page a cold new
seed at N = 2,000 shows a progress bar and a partial chart while the script still runs, then the final chart with
the bar gone. Marked `browser`."""

import pytest
from browser import SHOTS, WAIT_MS, settle

from benchmarks import harness
from benchmarks.progressive import NO_PROGRESS_JS, PARTIAL_JS
from dashboard.i18n import TEXT

pytestmark = pytest.mark.browser
RUNNING_JS = "() => document.querySelector('[data-testid=\"stApp\"]').getAttribute('data-test-script-state')"
BAR_TEXT_JS = "document.querySelector('[data-testid=\"stProgress\"]').innerText"
CHARTS_IN_MAIN = '[data-testid="stMain"] [data-testid="stVegaLiteChart"]'


def test_a_cold_new_seed_at_2000_shows_a_partial_chart_under_a_progress_bar_first(server, page):
    page.goto(f"{server}/distributions?dist_n=2000")  # N from the URL (url_state)
    heading = TEXT["dist.title"]["en"]
    page.wait_for_function(harness.PAINTED_JS, arg=[heading, -1], timeout=WAIT_MS, polling=100)  # seed 0 done
    page.wait_for_function(NO_PROGRESS_JS, timeout=WAIT_MS)

    box = page.locator(".st-key-dist_seed input")
    box.fill("606060")  # a seed this server has never computed
    box.press("Enter")
    # the partial paint, caught while the run that makes it is still going (so before the final chart)
    bar_text = page.wait_for_function(
        f"() => ({PARTIAL_JS})() && ({RUNNING_JS})() === 'running' && {BAR_TEXT_JS}", timeout=WAIT_MS, polling="raf"
    ).json_value()
    page.screenshot(path=str(SHOTS / "progressive_partial.png"))
    assert TEXT["dist.computing"]["en"] in bar_text and "%" in bar_text

    page.wait_for_function(harness.PAINTED_JS, arg=[heading, -1], timeout=WAIT_MS, polling=100)
    page.wait_for_function(NO_PROGRESS_JS, timeout=WAIT_MS)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(CHARTS_IN_MAIN).count() == 1  # the partial chart gave way to the final one
    assert page.locator('[data-testid="stDataFrame"]').first.is_visible()
