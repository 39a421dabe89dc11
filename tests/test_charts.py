"""dashboard.charts: the look every chart shares (projector-size text, nothing cut), the one-chart histogram that
stretches to any width, fixed colours for the notebook's examples in both languages."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from apptest import open_app

from dashboard import charts
from dashboard.i18n import TEXT
from dashboard.pages import PAGES

VIEWS = Path(charts.__file__).parent / "views"
EXAMPLES = pd.DataFrame(
    {"name": ["noise", "binary", "generated", "cat"], "probability": [1.0, 0.99, 0.17, 0.98], "logit": [9, 5, -1, 4]}
)


def _bins(groups=("real", "generated", "gaussian"), n=100, seed=0):
    rng = np.random.default_rng(seed)
    scores = pd.DataFrame(
        {
            "group": np.repeat(groups, n),
            "probability": np.concatenate([rng.beta(5, 2, n), rng.beta(1, 6, n), np.full(n, 0.999)]),
        }
    )
    edges = charts.edges_for("probability", scores["probability"].to_numpy())
    return charts.histogram_bins(scores, "probability", edges, {g: g for g in groups}), edges


def test_finished_charts_use_projector_text_and_cut_nothing():
    bins, edges = _bins()
    spec = charts.finished(
        charts.distribution_chart(bins, charts.example_marks(EXAMPLES, "probability"), "probability", edges)
    ).to_dict()
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= charts.FONT_PX and config["axis"]["titleFontSize"] >= charts.FONT_PX
    assert config["legend"]["labelFontSize"] >= charts.FONT_PX
    assert config["axis"]["labelLimit"] == 0 and config["legend"]["labelLimit"] == 0  # Vega cuts at 180 px otherwise
    assert config["legend"]["orient"] == "bottom" and config["legend"]["columns"] == 1
    assert config["axis"]["labelColor"] == charts.TEXT_COLOR
    assert "locale" in config


def test_the_histogram_is_one_chart_that_can_stretch_and_scales_each_row_to_its_tallest_bar():
    bins, edges = _bins()
    spec = charts.distribution_chart(
        bins, charts.example_marks(EXAMPLES, "probability"), "probability", edges
    ).to_dict()
    assert "facet" not in spec and "width" not in spec  # a faceted chart has a fixed width (836 px on a phone)
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    data = pd.DataFrame(spec["datasets"][bars["data"]["name"]])
    heights = data.groupby("group")["height"].max()
    assert heights.to_numpy() == pytest.approx([charts.BAR_SHARE_OF_ROW] * 3)  # real digits as tall as noise
    spread = data[data["group"] == "real"]
    assert (spread["share"] / spread["share"].max() * charts.BAR_SHARE_OF_ROW).to_numpy() == pytest.approx(
        spread["height"].to_numpy()
    )
    rows = data.groupby("group")["y"].first()
    assert rows["real"] > rows["generated"] > rows["gaussian"]  # the first group on top


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_each_notebook_example_keeps_its_colour_in_both_languages(lang, monkeypatch):
    monkeypatch.setattr(charts, "t", lambda key, *a, **k: TEXT[key][lang])
    marks = charts.example_marks(EXAMPLES, "probability")
    assert dict(zip(EXAMPLES["name"], marks["color"])) == charts.EXAMPLE_COLORS
    own = charts.own_marks([f"image {i}" for i in range(8)], np.linspace(0, 1, 8))
    assert len(set(own["color"])) == 8 and not set(own["color"]) & set(charts.EXAMPLE_COLORS.values())


def test_a_title_moves_out_of_the_chart_into_the_page():
    chart = charts.path_chart(pd.DataFrame({"alpha": [0.0, 1.0], "probability": [0.2, 0.8], "logit": [-1, 1]}), 0.5)
    assert charts._title_text(chart.title) == (TEXT["interp.chart_title"]["ru"], TEXT["interp.chart_subtitle"]["ru"])
    assert charts._title_text("plain") == ("plain", None)


def test_every_page_draws_its_charts_through_charts_show():
    """st.altair_chart called directly would skip the shared look (fonts, limits, locale, titles as text)."""
    direct = {path.name for path in VIEWS.glob("*.py") if re.search(r"\bst\.altair_chart\(", path.read_text())}
    assert direct == set()


def test_every_chart_on_every_page_has_the_shared_look():
    """AppTest of each page with a chart: each spec carries the finished config and no chart title of its own."""
    for entry in PAGES:
        if entry.name == "class":
            continue  # no chart without a room (its charts: tests/test_dashboard_class.py)
        at = open_app(f"views/{entry.name}.py")
        for element in at.get("vega_lite_chart"):
            spec = json.loads(element.proto.spec)
            assert spec["config"]["axis"]["labelFontSize"] >= charts.FONT_PX, entry.name
            assert "title" not in spec, entry.name
