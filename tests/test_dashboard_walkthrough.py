"""Walkthrough page (AppTest): the lesson's steps, predict-then-reveal, the language switch."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import TEXT, t
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
    assert len(expected) >= 6  # the lesson has six steps at least
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
    verdict = "real" if min(expected["noise_prob"], expected["binary_prob"]) >= 0.5 else "fake"
    assert at.info[0].value == t(
        f"walk.after_reveal_{verdict}",
        "ru",
        noise=expected["noise_prob"],
        binary=expected["binary_prob"],
        default_noise=expected["noise_prob"],
    )
    at.slider(key="walk_guess").set_value(0.9).run()  # the reveal stays while the guess moves
    assert len(at.metric) == 2


def test_switching_language_changes_the_title_and_the_navigation():
    at = open_home()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == TEXT["walk.title"]["en"]
    at.sidebar.radio(key="lang").set_value("ru").run()
    assert at.title[0].value == TEXT["walk.title"]["ru"]


def test_the_language_lives_in_the_url_so_a_reload_keeps_it():
    at = open_home()
    assert at.query_params["lang"] in ("ru", ["ru"])  # AppTest keeps single values or lists
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.query_params["lang"] in ("en", ["en"])
    reloaded = AppTest.from_file(APP, default_timeout=120)  # a new session opening that URL
    reloaded.query_params["lang"] = "en"
    reloaded.run()
    assert reloaded.title[0].value == TEXT["walk.title"]["en"]
    assert reloaded.sidebar.radio(key="lang").value == "en"


def test_a_language_the_app_does_not_have_falls_back():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "xx"
    at.run()
    assert not at.exception and at.title[0].value == TEXT["walk.title"]["ru"]


@pytest.mark.parametrize("scheme", ["joint", "mixed"])
def test_the_reveal_follows_the_active_discriminator(scheme):
    """After switching to a D that rejects noise, the reveal says so with its numbers, and compares them with the
    default weights' own score: never the notebook's story over numbers that contradict it."""
    from gan_core.weights import shipped_weights

    name = next(n for n, e in shipped_weights(kind="discriminator").items() if e.get("scheme") == scheme)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["weights_active"] = {"discriminator": name}
    at.run()
    at.button(key="walk_reveal_button").click().run()
    assert not at.exception
    generator = load_model(WEIGHTS_DIR / "generator.pt", "generator")
    active = notebook.run_notebook(generator, load_model(WEIGHTS_DIR / name, "discriminator"))
    default = notebook.run_notebook(generator, load_model(WEIGHTS_DIR / "discriminator.pt", "discriminator"))
    assert max(active["noise_prob"], active["binary_prob"]) < 0.5  # these weights reject the notebook's noises
    assert [float(m.value) for m in at.metric] == pytest.approx([active["noise_prob"], active["binary_prob"]], abs=1e-4)
    text = at.info[0].value
    assert text == t(
        "walk.after_reveal_fake",
        "ru",
        noise=active["noise_prob"],
        binary=active["binary_prob"],
        default_noise=default["noise_prob"],
    )
    assert "настоящими цифрами" not in text  # the default D's story is not told about this one
