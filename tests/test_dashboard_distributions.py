"""Score distributions page (AppTest): N, seed and axis controls, the summary table against gan_core, marks."""

import json

import pytest
from apptest import discriminator_for, open_app
from streamlit.testing.v1 import AppTest

from dashboard.i18n import TEXT
from gan_core import data, scoring
from gan_core.weights import WEIGHTS_DIR, load_model

PAGE = "views/distributions.py"


def open_page(n: int = 50, **state) -> AppTest:
    return open_app(PAGE, dist_n=n, **state)


def summary(at):
    return at.dataframe[0].value


def chart_bytes(at) -> bytes:
    return at.get("vega_lite_chart")[0].proto.SerializeToString()


def in_chart(at, text: str) -> bool:
    """Text in the chart's spec (JSON, non-ASCII escaped) or its data (Arrow, UTF-8)."""
    raw = chart_bytes(at)
    return text.encode() in raw or json.dumps(text)[1:-1].encode() in raw


def test_renders_every_group_with_n_images_each():
    at = open_page(50)
    assert at.title[0].value == TEXT["dist.title"]["ru"]
    table = summary(at)
    expected = [TEXT[f"group.{g}"]["ru"] for g in data.group_sources(None)]
    assert list(table["group"]) == expected
    assert (table["n"] == 50).all()
    assert len(at.get("vega_lite_chart")) == 1


def test_changing_n_changes_the_counts():
    at = open_page(50)
    at.select_slider(key="dist_n").set_value(100).run()
    assert not at.exception
    assert (summary(at)["n"] == 100).all()


def test_summary_matches_gan_core_directly():
    at = open_page(50, dist_seed=3)
    generator = load_model(WEIGHTS_DIR / "generator.pt", "generator")
    discriminator = load_model(WEIGHTS_DIR / "discriminator.pt", "discriminator")
    groups = {name: make(50, 3) for name, make in data.group_sources(generator).items()}
    expected = scoring.summarise(scoring.score_groups(discriminator, groups))
    shown = summary(at)
    assert shown["mean"].to_numpy() == pytest.approx(expected["mean"].to_numpy(), abs=1e-5)
    assert shown["share_above_half"].to_numpy() == pytest.approx(expected["share_above_half"].to_numpy())


def test_seed_and_axis_change_what_is_shown():
    at = open_page(50)
    first = summary(at)["mean"].to_numpy()
    chart = chart_bytes(at)
    at.number_input(key="dist_seed").set_value(1).run()
    assert not (summary(at)["mean"].to_numpy() == first).all()
    at.radio(key="dist_axis").set_value("logit").run()
    assert not at.exception
    assert in_chart(at, TEXT["axis.logit"]["ru"]) and chart_bytes(at) != chart


def test_the_notebooks_examples_are_marked_and_shown():
    at = open_page(50)
    for name in ("noise", "binary", "generated", "cat"):
        assert in_chart(at, TEXT[f"example.{name}"]["ru"])
    assert len([img for img in at.image if "D =" in img.captions[0]]) == 4


def test_deselecting_every_group_warns_instead_of_failing():
    at = open_page(50)
    at.multiselect(key="dist_groups").set_value([]).run()
    assert not at.exception
    assert at.warning[0].value == TEXT["dist.no_groups"]["ru"]


def test_a_scored_image_of_this_session_is_marked_on_the_axis():
    import numpy as np

    from dashboard import my_images

    entry = {
        "id": "test:1",
        "name": "my_digit.png",
        "source": "upload",
        "pipeline": "mnist",
        "model_input": np.zeros((28, 28), np.float32),
        "original": np.zeros((4, 4, 3), np.uint8),
        "gray": np.zeros((4, 4), np.uint8),
        "notes": [],
        "format": "png",
    }
    at = open_page(50, **{my_images.KEY: [entry]})
    assert in_chart(at, my_images.label(entry))


def test_switching_language_changes_the_title_and_group_names():
    at = open_page(50)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == TEXT["dist.title"]["en"]
    assert summary(at)["group"].iloc[0] == TEXT["group.real"]["en"]


def test_group_choice_and_axis_survive_a_page_change_and_a_language_switch():
    at = open_page(50)
    at.radio(key="dist_axis").set_value("logit").run()
    at.multiselect(key="dist_groups").unselect("binary").run()
    at.switch_page("views/zoo.py").run()
    at.switch_page("views/distributions.py").run()
    assert not at.exception
    assert at.radio(key="dist_axis").value == "logit"
    assert "binary" not in at.multiselect(key="dist_groups").value
    at.sidebar.radio(key="lang").set_value("en").run()
    groups = at.multiselect(key="dist_groups")
    assert "binary" not in groups.value and len(groups.value) == len(groups.options) - 1
    assert TEXT["group.real"]["en"] in groups.options  # the chips' labels follow the language
    assert at.radio(key="dist_axis").value == "logit"


def shown_text(element):
    """A st.dataframe's cells as the browser shows them (the Styler's display values), as a DataFrame of str."""
    import pyarrow as pa

    return pa.ipc.open_stream(element.proto.arrow_data.styler.display_values).read_pandas()


@pytest.mark.parametrize(("lang", "decimal", "wrong"), [("ru", ",", "."), ("en", ".", ",")])
def test_numbers_in_the_table_and_the_chart_follow_the_language(lang, decimal, wrong):
    at = open_page(50, lang=lang)
    data, shown = summary(at), shown_text(at.dataframe[0])
    assert data["mean"].dtype.kind == "f"  # the data stays numeric (sorting): only the text is localised
    for row in range(len(data)):
        mean = shown["mean"].iloc[row]
        assert decimal in mean and wrong not in mean
        assert float(mean.replace(",", ".")) == pytest.approx(data["mean"].iloc[row], abs=5e-5)
        assert shown["share_above_half"].iloc[row].endswith("\u00a0%" if lang == "ru" else "%")
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["config"]["locale"]["number"]["decimal"] == decimal


@pytest.mark.parametrize("scheme", ["default", "joint", "mixed"])
def test_the_reading_under_the_chart_follows_the_active_discriminator(scheme):
    """The sentence states the real and generated means and which never-seen groups score at least as high,
    computed with gan_core from the weights' files: the default D (noise above real digits), the joint one and a
    mixed-batch one (noise rejected)."""
    from dashboard.i18n import t

    name = discriminator_for(scheme)
    at = open_page(50, dist_seed=2, weights_active={"discriminator": name})
    generator = load_model(WEIGHTS_DIR / "generator.pt", "generator")
    discriminator = load_model(WEIGHTS_DIR / name, "discriminator")
    groups = {g: make(50, 2) for g, make in data.group_sources(generator).items()}
    means = scoring.score_groups(discriminator, groups).groupby("group", sort=False)["probability"].mean()
    unseen = [g for g in means.index if g not in ("real", "generated")]
    above = [g for g in unseen if means[g] >= means["real"]]
    verdict = (
        t("dist.unseen_some", "ru", k=len(above), m=len(unseen), names=", ".join(t(f"group.{g}", "ru") for g in above))
        if above
        else t("dist.unseen_none", "ru", m=len(unseen))
    )
    generated = t("dist.unseen_generated", "ru", generated=means["generated"])
    expected = t("dist.unseen_means", "ru", real=means["real"], generated=generated) + " " + verdict
    assert at.info[0].value == expected
    if scheme == "default":
        assert "gaussian" in above  # the notebook's D: noise scores at least like real digits
    if scheme == "mixed":
        assert "gaussian" not in above  # a good judge rejects noise
