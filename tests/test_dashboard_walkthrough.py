"""Walkthrough page (AppTest): the lesson's steps, predict-then-reveal, the language switch."""

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
import torch
from streamlit.testing.v1 import AppTest

from dashboard import readings
from dashboard.i18n import TEXT, t
from dashboard.pages import DEFAULTS, steps
from gan_core import notebook
from gan_core.weights import WEIGHTS_DIR, load_model

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
STEPS = ("noise", "digit", "distributions", "interpolation", "cat", "mechanism")  # the lesson's order


def open_home() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_home_is_the_walkthrough_in_russian_by_default():
    at = open_home()
    assert at.title[0].value == TEXT["walk.title"]["ru"]
    assert at.header[0].value == f"1. {TEXT['walk.step_noise']['ru']}"
    assert at.get("progress")[0].proto.text == t("walk.progress", "ru", k=1, m=len(STEPS))
    links = at.get("page_link")
    expected = [f"{i}. {TEXT[f'step.{step.name}.title']['ru']}" for i, step in enumerate(steps(), start=1)]
    assert [link.proto.label for link in links][-len(expected) :] == expected  # every page, for free exploration
    assert [link.proto.page for link in links][-len(expected) :] == [step.name for step in steps()]  # url paths
    explore = t("walk.explore_on", "ru", page=TEXT["nav.distributions"]["ru"])
    assert explore in [link.proto.label for link in links]  # the step's own "explore on page X"
    assert len(expected) >= 6  # the lesson has six pages at least
    assert not at.metric  # nothing revealed before the guess


def test_predict_then_reveal_shows_the_notebook_noises_scores():
    at = open_home()
    at.select_slider(key="walk_guess").set_value(0.2).run()
    assert not at.metric
    at.button(key="walk_reveal_button").click().run()
    assert not at.exception
    expected = notebook.run_notebook(
        load_model(WEIGHTS_DIR / "generator.pt", "generator"),
        load_model(WEIGHTS_DIR / "discriminator.pt", "discriminator"),
    )
    shown = [float(m.value.replace(",", ".")) for m in at.metric]
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
    at.select_slider(key="walk_guess").set_value(0.9).run()  # the reveal stays while the guess moves
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
    assert [float(m.value.replace(",", ".")) for m in at.metric] == pytest.approx(
        [active["noise_prob"], active["binary_prob"]], abs=1e-4
    )
    text = at.info[0].value
    assert text == t(
        "walk.after_reveal_fake",
        "ru",
        noise=active["noise_prob"],
        binary=active["binary_prob"],
        default_noise=default["noise_prob"],
    )
    assert "настоящими цифрами" not in text  # the default D's story is not told about this one


# ----- the guided lesson: steps, Back / Next, the reveals, sentences that follow the active weights -----


def _heading(at) -> str:
    return at.header[0].value


def _step_title(k: int) -> str:
    return f"{k}. {TEXT[f'walk.step_{STEPS[k - 1]}']['ru']}"


def _step(at, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_next_and_back_walk_the_steps_and_the_url_follows():
    at = open_home()
    back, forward = at.button(key="walk_back_top"), at.button(key="walk_next_top")
    assert back.disabled and not forward.disabled
    _step(at, "walk_next_top")
    assert _heading(at) == _step_title(2) and at.query_params["step"] in ("2", ["2"])
    assert at.get("progress")[0].proto.text == t("walk.progress", "ru", k=2, m=len(STEPS))
    _step(at, "walk_next_bottom")
    assert _heading(at) == _step_title(3)
    _step(at, "walk_back_top")
    assert _heading(at) == _step_title(2) and at.query_params["step"] in ("2", ["2"])
    for k in range(3, len(STEPS) + 1):
        _step(at, "walk_next_top")
        assert _heading(at) == _step_title(k)
    assert at.button(key="walk_next_top").disabled  # the last step: the mechanism
    assert len(at.get("vega_lite_chart")) == 2  # the score plane and the unit split


@pytest.mark.parametrize("query, k", [("6", 6), ("1", 1), ("99", 6), ("abc", 1), ("-3", 1)])
def test_a_link_with_a_step_opens_that_step(query, k):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["step"] = query
    at.run()
    assert not at.exception and _heading(at) == _step_title(k)


def _models(disc_name: str):
    generator = load_model(WEIGHTS_DIR / "generator.pt", "generator")
    return generator, load_model(WEIGHTS_DIR / disc_name, "discriminator")


def _expected(disc_name: str) -> dict:
    """Every number the lesson's sentences state, computed here with gan_core from the weights' files."""
    from gan_core import data, interpolation, scoring

    generator, discriminator = _models(disc_name)
    view = DEFAULTS.distributions
    groups = {name: make(view.n, view.seed) for name, make in data.group_sources(generator).items()}
    scores = scoring.score_groups(discriminator, groups)
    examples = scoring.score_groups(discriminator, notebook.notebook_examples(generator))
    examples = examples.drop(columns="index").rename(columns={"group": "name"})
    interp = DEFAULTS.interpolation
    z1, z2 = notebook.notebook_latent_pair(interp.seed1)[0], notebook.notebook_latent_pair(interp.seed2)[1]
    with torch.inference_mode():
        images = torch.cat([generator.eval()(interpolation.path(z1, z2, [a], False)) for a in interp.path_alphas])
    path = pd.DataFrame({"alpha": interp.path_alphas, **scoring.score_batch(discriminator, images)})
    return {"scores": scores, "examples": examples, "path": path}


def _reveal(at, step: str, guess: float = 0.3) -> AppTest:
    at.select_slider(key=f"walk_guess_{step}").set_value(guess).run()
    assert not at.metric
    return _step(at, f"walk_reveal_{step}")


def _lesson_sentences(disc_name: str | None) -> list[str]:
    """Walk the lesson with `disc_name` active (None: the default), revealing every guess; the info sentences."""
    at = AppTest.from_file(APP, default_timeout=180)
    if disc_name:
        at.session_state["weights_active"] = {"discriminator": disc_name}
    at.run()
    _step(at, "walk_reveal_button")
    said = [at.info[0].value]
    for step in STEPS[1:]:
        _step(at, "walk_next_top")
        if step in ("digit", "cat"):
            _reveal(at, step)
            assert len(at.metric) == 1
        said.append(at.info[0].value)
    return said


@pytest.mark.parametrize("scheme", ["default", "joint", "mixed"])
def test_every_step_sentence_follows_the_active_discriminator(scheme):
    from dashboard import cache
    from dashboard.session_weights import shipped_ref
    from gan_core.weights import shipped_weights

    entries = shipped_weights(kind="discriminator")
    if scheme == "default":
        name = next(n for n, e in entries.items() if e.get("default"))
    else:
        name = next(n for n, e in entries.items() if e.get("scheme") == scheme)
    said = _lesson_sentences(None if scheme == "default" else name)
    numbers = _expected(name)
    scores, examples = numbers["scores"], numbers["examples"]

    digit = readings.digit_reading(scores, 0)
    assert said[1] == t(
        f"walk.digit_reading_{digit.verdict}",
        "ru",
        p=digit.probability,
        n=digit.n,
        mean=digit.real_mean,
        pct=100 * digit.real_share,
        generated=digit.generated_mean,
    )
    groups = readings.groups_reading(scores)
    order = t("walk.groups_ordered" if groups.ordered else "walk.groups_unordered", "ru")
    assert said[2] == t(
        f"walk.groups_noise_{groups.noise_vs_real}",
        "ru",
        real=groups.real,
        generated=groups.generated,
        noise=groups.noise,
        order=order,
    )
    path = readings.path_reading(numbers["path"])
    assert said[3] == t(
        f"walk.path_reading_{path.verdict}",
        "ru",
        low=path.low,
        low_alpha=path.low_alpha,
        high=path.high,
        high_alpha=path.high_alpha,
    )
    cat = readings.cat_reading(examples, scores)
    assert said[4] == t(
        f"walk.cat_reading_{cat.verdict}_{cat.vs_real}", "ru", cat=cat.cat, real=cat.real_mean, generated=cat.generated
    )
    d = DEFAULTS.feature_space
    refs = {"generator": shipped_ref("generator"), "discriminator": shipped_ref("discriminator", name)}
    units = readings.unit_reading(cache.feature_space.run(refs, d.n, d.seed, d.scatter_cap).units)
    assert said[5].startswith(
        t("fs.units_reading", "ru", **{**dataclasses.asdict(units), "group": TEXT[f"group.{units.group}"]["ru"]})
    )
    if scheme != "default":  # these weights reject noise: the lesson says so (not the default D's story)
        assert groups.noise_vs_real == "below"
        assert "не меньше" not in said[2]


def test_the_real_digit_reveal_shows_that_digit_and_its_score():
    at = open_home()
    _step(at, "walk_next_top")
    _reveal(at, "digit", 0.8)
    from gan_core import data, scoring

    _, discriminator = _models("discriminator.pt")
    digit = data.real_digits(DEFAULTS.distributions.n, DEFAULTS.distributions.seed)[:1]
    assert float(at.metric[0].value.replace(",", ".")) == pytest.approx(
        float(scoring.score_batch(discriminator, digit)["probability"][0]), abs=1e-4
    )
    assert len(at.image) == 1
    at.select_slider(key="walk_guess_digit").set_value(0.1).run()  # the reveal stays while the guess moves
    assert len(at.metric) == 1


@pytest.mark.browser
def test_the_whole_lesson_in_a_real_browser(browser, server):
    """A fragment's button reruns only the fragment in a browser (AppTest reruns the whole script), so a real
    Chromium walks the six steps in Russian on a phone-sized screen, revealing each guess: no exception anywhere,
    and no chart wider than the screen (a wide one scrolls inside it)."""
    from browser import wait_idle

    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/?lang=ru")
        for k, step in enumerate(STEPS, start=1):
            heading = page.get_by_role("heading", level=2).filter(has_text=f"{k}. {TEXT[f'walk.step_{step}']['ru']}")
            heading.wait_for(timeout=90_000)
            wait_idle(page, timeout=90_000)
            if step in ("noise", "digit", "cat"):
                page.get_by_role("button", name=TEXT["walk.reveal"]["ru"]).click()
                page.get_by_text(TEXT["walk.real_score"]["ru"]).first.wait_for(timeout=90_000)
            page.wait_for_timeout(1500)
            assert page.locator('[data-testid="stException"]').count() == 0, step
            widths = page.evaluate(
                "[...document.querySelectorAll('[data-testid=stVegaLiteChart]')]"
                ".map(e => e.getBoundingClientRect().right)"
            )
            assert all(right <= 390 + 1 for right in widths), (step, widths)
            if k < len(STEPS):
                page.get_by_role("button", name=TEXT["walk.next"]["ru"]).first.click()
    finally:
        context.close()
