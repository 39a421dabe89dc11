"""AppTest of the feature-space page: it renders, the scatter's tooltip carries image thumbnails, the PCA fit
switch changes the explained variance, a session image becomes a marked point, the fooling path is drawn."""

import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

PAGE = "views/feature_space.py"


def _app(**state) -> AppTest:
    return open_app(PAGE, check=False, **{"fs_n": 100, **state})  # the smallest N: a short first computation


def _charts(at) -> list[tuple[dict, dict]]:
    """[(spec, {dataset name: DataFrame})] for every Altair chart on the page, in page order."""
    out = []
    for element in at.get("vega_lite_chart"):
        frames = {
            d.name: pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().to_pandas() for d in element.proto.datasets
        }
        out.append((json.loads(element.proto.spec), frames))
    return out


def _chart(at, x_field: str) -> tuple[dict, dict]:
    """The chart whose first layer's x is x_field: "step" (D per step), "own_pc1" / "all_pc1" (PCA plane),
    "orthogonal_norm" (logit view)."""
    return next((s, f) for s, f in _charts(at) if s["layer"][0]["encoding"]["x"]["field"] == x_field)


def _layer(spec: dict, frames: dict, predicate) -> list[pd.DataFrame]:
    return [frames[layer["data"]["name"]] for layer in spec["layer"] if predicate(layer)]


def _mark(layer: dict) -> dict:
    return layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}


def _explained(at) -> str:
    return next(m.value for m in at.markdown if "PC1" in m.value and "PC2" in m.value)


@pytest.fixture(scope="module")
def page():
    at = _app()
    assert not at.exception, at.exception
    return at


def test_page_renders_with_charts_and_metrics(page):
    charts = _charts(page)
    assert len(charts) == 3  # fooling score, PCA plane, logit vs orthogonal norm
    metrics = page.dataframe[0].value
    assert len(metrics) >= 5 and {"raw_score_auroc", "mahalanobis_auroc", "knn_fpr95"} <= set(metrics.columns)
    assert metrics.filter(like="_auroc").apply(lambda c: c.between(0, 1)).all().all()


def test_scatter_tooltip_shows_the_image(page):
    spec, frames = _chart(page, "own_pc1")
    scatter = next(layer for layer in spec["layer"] if _mark(layer)["type"] == "circle")
    tooltip = scatter["encoding"]["tooltip"]
    assert {"field": "thumb", "type": "nominal", "title": "image"} in tooltip
    thumbs = frames[scatter["data"]["name"]]["thumb"]
    assert len(thumbs) > 100 and thumbs.str.startswith("data:image/png;base64,").all()
    # the head arrow and (if it crosses the chart) the boundary are layers of the same chart
    assert any(_mark(layer).get("shape") == "triangle" for layer in spec["layer"])


def test_fit_switch_changes_the_explained_variance(page):
    own = _explained(page)
    page.radio(key="fs_fit").set_value("all").run()
    assert not page.exception
    other = _explained(page)
    assert other != own
    page.radio(key="fs_fit").set_value("own").run()
    assert _explained(page) == own


def test_session_image_appears_as_a_point():
    image = np.full((28, 28), -1.0, np.float32)
    image[6:22, 12:16] = 1.0  # a crude "1"
    entry = {
        "id": "test:one",
        "name": "my_one.png",
        "source": "upload",
        "pipeline": "mnist",
        "model_input": image,
        "original": np.zeros((28, 28), np.uint8),
        "gray": np.zeros((28, 28), np.uint8),
        "notes": [],
        "format": "PNG",
    }
    at = _app(my_images=[entry])
    assert not at.exception, at.exception
    marked = [
        frame
        for spec, frames in _charts(at)
        if "layer" in spec
        for frame in _layer(spec, frames, lambda layer: _mark(layer).get("shape") == "diamond")
    ]
    assert len(marked) == 2  # in the PCA plane and in the logit view
    for frame in marked:
        assert len(frame) == 1 and frame["name"].iloc[0].startswith("my_one.png")
        assert frame["thumb"].iloc[0].startswith("data:image/png;base64,")


def test_fooling_controls_drive_the_path(page):
    page.slider(key="fs_fool_steps").set_value(5).run()
    assert not page.exception
    spec, frames = _chart(page, "step")
    path = _layer(spec, frames, lambda layer: _mark(layer)["type"] == "line")[0]  # D(x) per step
    assert list(path["step"]) == list(range(6))
    assert path["probability"].iloc[-1] > path["probability"].iloc[0]

    def path_layers():
        return [
            frame
            for field in ("own_pc1", "orthogonal_norm")
            for frame in _layer(*_chart(page, field), lambda layer: "step" in json.dumps(layer.get("encoding", {})))
        ]

    assert len(path_layers()) == 2 and all(len(frame) == 6 for frame in path_layers())  # in both views
    page.toggle(key="fs_fool_show").set_value(False).run()
    assert not path_layers()
