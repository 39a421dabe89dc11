"""Interpolation page (AppTest): the notebook's pair and hash, the alpha slider, linear vs spherical, seeds."""

import pytest
import torch
from apptest import open_app
from streamlit.testing.v1 import AppTest

from dashboard.i18n import TEXT
from gan_core import notebook
from gan_core.weights import WEIGHTS_DIR, load_model

PAGE = "views/interpolation.py"


def open_page(**state) -> AppTest:
    return open_app(PAGE, **state)


@pytest.fixture(scope="module")
def shipped():
    return (
        load_model(WEIGHTS_DIR / "generator.pt", "generator"),
        load_model(WEIGHTS_DIR / "discriminator.pt", "discriminator"),
    )


def score(at) -> float:
    shown = at.metric[0].value
    assert "," in shown and "." not in shown  # Russian: a decimal comma
    return float(shown.replace(",", "."))


def test_renders_the_notebook_pair_and_its_hash(shipped):
    at = open_page()
    assert at.title[0].value == TEXT["interp.title"]["ru"]
    assert [n.value for n in at.number_input] == [108, 108]
    assert len(at.image) == 6  # the current alpha, then the five notebook alphas
    assert at.code[0].value == notebook.run_notebook(*shipped)["task1_hash"]


def test_moving_alpha_changes_the_image_and_the_score(shipped):
    at = open_page()
    before_url, before = at.image[0].value[0], score(at)
    at.select_slider(key="interp_alpha").set_value(1.0).run()
    assert not at.exception
    assert at.image[0].value[0] != before_url
    assert score(at) != before
    generator, discriminator = shipped
    z1, _ = notebook.notebook_latent_pair(108)
    with torch.inference_mode():
        expected = discriminator.eval()(generator.eval()(z1)).item()
    assert score(at) == pytest.approx(expected, abs=1e-4)  # alpha=1 is z1's digit


def test_the_strip_scores_the_notebook_alphas(shipped):
    at = open_page()
    generator, discriminator = shipped
    z1, z2 = notebook.notebook_latent_pair(108)
    images = notebook.mixed_images(generator, z1, z2)
    with torch.inference_mode():
        expected = [discriminator.eval()(x).item() for x in images]
    shown = [float(img.captions[0].rsplit("=", 1)[1].replace(",", ".")) for img in at.image[1:6]]  # Russian: 0,0593
    assert shown == pytest.approx(expected, abs=1e-4)


def test_spherical_mixing_changes_the_middle_not_the_ends():
    at = open_page()
    linear = [img.captions[0] for img in at.image[1:6]]
    at.radio(key="interp_mode").set_value("spherical").run()
    spherical = [img.captions[0] for img in at.image[1:6]]
    assert spherical[0] == linear[0] and spherical[-1] == linear[-1]
    assert spherical[2] != linear[2]


def test_seeds_and_the_random_pair_button_change_the_path():
    at = open_page()
    first = at.code[0].value
    at.number_input(key="interp_seed1").set_value(7).run()
    assert at.code[0].value != first  # z1 changed, so the alpha=1 image and its hash did
    at.button(key="interp_random").click().run()
    assert [n.value for n in at.number_input] != [7, 108]
    at.button(key="interp_reset").click().run()
    assert [n.value for n in at.number_input] == [108, 108]
    assert at.code[0].value == first


def test_switching_language_changes_the_title():
    at = open_page()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == TEXT["interp.title"]["en"]
    assert at.metric[0].label == TEXT["interp.score"]["en"]


def test_alpha_survives_a_page_change():
    at = open_page()
    at.select_slider(key="interp_alpha").set_value(0.25).run()
    at.switch_page("views/distributions.py").run()
    at.switch_page("views/interpolation.py").run()
    assert not at.exception
    assert at.select_slider(key="interp_alpha").value == 0.25


@pytest.mark.parametrize("lang, shown", [("ru", "0,500"), ("en", "0.500")])
def test_the_alpha_slider_writes_its_value_as_the_language_does(lang, shown):
    """st.slider prints 0.50 in every language; the page's slider shows the language's decimal separator."""
    at = open_page()
    at.sidebar.radio(key="lang").set_value(lang).run()
    slider = at.select_slider(key="interp_alpha")
    assert slider.value == 0.5
    assert len(slider.options) == 41 and slider.options[20] == shown  # 0, 0.025, ..., 1: the middle one is 0.5
