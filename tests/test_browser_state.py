"""In Chromium: an option widget keeps its choice across a language switch (the browser sends the shown label
back, so only a real browser shows the lost selection)."""

import pytest
from browser import open_page, settle

from dashboard.i18n import TEXT

pytestmark = pytest.mark.browser


def checked_radios(page) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('[data-testid=stRadio] input:checked')].map(e => e.closest('label').innerText)"
    )


def radio_option(page, label: str):
    """The option itself: the chart's axis title can carry the same words."""
    return page.locator("[data-testid=stRadio]").get_by_text(label, exact=True)


def language(page, name: str):
    return page.locator("[data-testid=stSidebar]").get_by_text(name, exact=True)


def test_the_axis_radio_keeps_its_choice_across_a_language_switch(page, server):
    open_page(page, server, "distributions", "en")
    radio_option(page, TEXT["axis.logit"]["en"]).click()
    settle(page)
    assert TEXT["axis.logit"]["en"] in checked_radios(page)
    language(page, "Русский").click()
    page.get_by_role("heading", level=1).filter(has_text=TEXT["dist.title"]["ru"]).wait_for()
    settle(page)
    assert TEXT["axis.logit"]["ru"] in checked_radios(page)


def test_a_teachers_link_opens_that_view_and_the_url_follows_the_widgets(page, server):
    page.goto(f"{server}/distributions?lang=ru&dist_axis=logit&dist_seed=3")
    page.get_by_role("heading", level=1).filter(has_text=TEXT["dist.title"]["ru"]).wait_for()
    settle(page)
    assert TEXT["axis.logit"]["ru"] in checked_radios(page)
    # by role and exact name: the chart's marks carry "seed 42" in their aria-labels too
    seed = page.get_by_role("spinbutton", name=TEXT["dist.seed"]["ru"], exact=True)
    assert seed.input_value() == "3"
    radio_option(page, TEXT["axis.probability"]["ru"]).click()
    settle(page)
    assert "dist_axis" not in page.url and "dist_seed=3" in page.url and "lang=ru" in page.url


def test_the_uploaders_own_words_are_russian_in_russian(page, server):
    page.goto(f"{server}/your_images?lang=ru")
    page.get_by_role("heading", level=1).filter(has_text=TEXT["mine.title"]["ru"]).wait_for()
    settle(page)
    zone = page.locator("[data-testid=stFileUploaderDropzone]").first
    button = zone.locator("button [data-testid=stMarkdownContainer] p")
    note = zone.locator("[data-testid=stFileUploaderDropzoneInstructions] span")
    after = "(e) => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
    assert button.evaluate(after) == ["0px", f'"{TEXT["chrome.upload"]["ru"]}"']  # English hidden, ours shown
    assert note.evaluate(after) == ["0px", '"' + TEXT["chrome.upload_limit"]["ru"].format(mb=10) + '"']
    assert zone.locator("button").bounding_box()["width"] > 60  # the button still shows its (Russian) word
    language(page, "English").click()
    page.get_by_role("heading", level=1).filter(has_text=TEXT["mine.title"]["en"]).wait_for()
    settle(page)
    assert button.evaluate(after)[1] == f'"{TEXT["chrome.upload"]["en"]}"'
    # English too: the size note alone, not Streamlit's list of every format that ended in "…" in a column
    assert note.evaluate(after)[1] == '"' + TEXT["chrome.upload_limit"]["en"].format(mb=10) + '"'


def test_the_default_pages_own_path_opens_it_without_an_english_dialog(page, server):
    page.goto(f"{server}/walkthrough?lang=ru")
    page.get_by_role("heading", level=1).filter(has_text=TEXT["walk.title"]["ru"]).wait_for()
    settle(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("dialog").count() == 0
    nav = page.locator("[data-testid=stSidebarNav] a").all_inner_texts()
    assert sum(TEXT["nav.walkthrough"]["ru"] in text for text in nav) == 1  # listed once, not twice


def test_the_group_chips_follow_the_language_and_keep_the_choice(page, server):
    open_page(page, server, "distributions", "en")
    chips = page.locator("[data-testid=stMultiSelect] [data-tag] > span")
    page.get_by_role("button", name=f"Remove {TEXT['group.binary']['en']}").click()
    settle(page)
    assert TEXT["group.binary"]["en"] not in chips.all_inner_texts()
    language(page, "Русский").click()
    page.get_by_role("heading", level=1).filter(has_text=TEXT["dist.title"]["ru"]).wait_for()
    settle(page)
    shown = chips.all_inner_texts()
    expected = [TEXT[f"group.{g}"]["ru"] for g in ("real", "generated", "gaussian", "uniform", "natural", "fashion")]
    assert shown == expected  # the new language's names, binary noise still left out
