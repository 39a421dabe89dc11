"""The sidebar's active-weights badge (AppTest): on every page it names the weights the numbers come from, follows
a switch made on the Weights page, and one click returns to the notebook's pair."""

import pytest
from apptest import open_app

from dashboard import pages, session_weights
from dashboard.i18n import TEXT
from gan_core.weights import shipped_weights


def _badge(at) -> list[str]:
    return [c.value for c in at.sidebar.caption]


def _reset_button(at):
    return [b for b in at.sidebar.button if b.key == "badge_reset"]


@pytest.mark.parametrize("page", [p.file for p in pages.PAGES if p.name in ("walkthrough", "distributions", "zoo")])
def test_the_badge_names_the_default_pair_on_every_page(page):
    at = open_app(page)
    generator, discriminator = _badge(at)
    assert generator.startswith("G: " + session_weights.default_weights("generator"))
    assert discriminator.startswith("D: " + session_weights.default_weights("discriminator"))
    assert TEXT["zoo.label_default_suffix"]["ru"] in discriminator
    assert not _reset_button(at)  # already the notebook's pair


def test_a_switch_shows_in_the_badge_and_one_click_goes_back():
    joint = next(n for n, e in shipped_weights(kind="discriminator").items() if e.get("phase") == 1)
    at = open_app(pages.page("weights").file)
    at.selectbox(key="weights_pick_discriminator").set_value(joint).run()
    assert _badge(at)[1].startswith("D: " + joint)
    at.switch_page(pages.page("interpolation").file).run()
    assert _badge(at)[1].startswith("D: " + joint)  # the badge follows the session, page to page
    (reset,) = _reset_button(at)
    assert reset.label == TEXT["badge.reset"]["ru"]
    reset.click().run()
    assert _badge(at)[1].startswith("D: " + session_weights.default_weights("discriminator"))
    assert not _reset_button(at) and not at.exception
