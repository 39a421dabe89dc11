"""Walkthrough page (AppTest): the lesson's steps, predict-then-reveal, the language switch."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import TEXT
from dashboard.pages import steps
from gan_core import notebook
from gan_core.weights import WEIGHTS_DIR, load_model

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def open_home() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_home_is_the_walkthrough_in_russian_by_default():
    at = open_home()
    assert at.title[0].value == TEXT["walk.title"]["ru"]
    links = at.get("page_link")
    expected = [f"{i}. {TEXT[f'step.{step.name}.title']['ru']}" for i, step in enumerate(steps(), start=1)]
    assert [link.proto.label for link in links] == expected
    assert [link.proto.page for link in links] == [step.name for step in steps()]  # url paths
    assert len(expected) == 6  # every page but the walkthrough itself
    assert not at.metric  # nothing revealed before the guess


def test_predict_then_reveal_shows_the_notebook_noises_scores():
    at = open_home()
    at.slider(key="walk_guess").set_value(0.2).run()
    assert not at.metric
    at.button(key="walk_reveal_button").click().run()
    assert not at.exception
    expected = notebook.run_notebook(
        load_model(WEIGHTS_DIR / "generator.pt", "generator"),
        load_model(WEIGHTS_DIR / "discriminator.pt", "discriminator"),
    )
    shown = [float(m.value) for m in at.metric]
    assert shown == pytest.approx([expected["noise_prob"], expected["binary_prob"]], abs=1e-4)
    assert len(at.image) == 2
    assert at.info[0].value == TEXT["walk.after_reveal"]["ru"]
    at.slider(key="walk_guess").set_value(0.9).run()  # the reveal stays while the guess moves
    assert len(at.metric) == 2


def test_switching_language_changes_the_title_and_the_navigation():
    at = open_home()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == TEXT["walk.title"]["en"]
    at.sidebar.radio(key="lang").set_value("ru").run()
    assert at.title[0].value == TEXT["walk.title"]["ru"]
