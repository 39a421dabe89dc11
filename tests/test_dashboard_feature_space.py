"""AppTest of the feature-space page: it renders, the scatter's tooltip carries image thumbnails, the PCA fit
switch changes the explained variance, a session image becomes a marked point, the fooling path is drawn; the score
plane's x is the logit, the PCA plane's printed share of w is computed, the unit split adds up, distances are the
Mahalanobis distances to the fit digits, and the further-reading list is there."""

import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from apptest import discriminator_for, open_app
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
    "score_pc1" (score plane), "distance" (logit vs distance), "group_label" (unit split)."""
    return next((s, f) for s, f in _charts(at) if s["layer"][0]["encoding"]["x"]["field"] == x_field)


def _layer(spec: dict, frames: dict, predicate) -> list[pd.DataFrame]:
    return [frames[layer["data"]["name"]] for layer in spec["layer"] if predicate(layer)]


def _mark(layer: dict) -> dict:
    return layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}


def _metrics(at) -> pd.DataFrame:
    """The OOD tables as the page shows them (an AUROC tab and an FPR95 tab, the detectors across in the
    registry's order, named by their texts) back as one frame: a "group" column and "{detector}_{metric}"."""
    from dashboard.i18n import TEXT
    from gan_core.detectors import DETECTORS

    frames = []
    for metric, key in (("auroc", "fs.tab_auroc"), ("fpr95", "fs.tab_fpr95")):
        tab = next(tab for tab in at.tabs if tab.label == TEXT[key]["ru"])
        frame = tab.table[0].value
        assert list(frame.columns) == [TEXT[f"fs.det_{d}"]["ru"] for d in DETECTORS]
        frames.append(frame.set_axis([f"{d}_{metric}" for d in DETECTORS], axis=1))
    return pd.concat(frames, axis=1).rename_axis("group").reset_index()


def _units(at) -> pd.DataFrame:
    """The unit split's table, its translated headers back to the split's own column names."""
    from dashboard.i18n import TEXT

    names = {TEXT[f"fs.{c}"]["ru"]: c for c in ("real_units", "fake_units", "bias", "distance_short")}
    names |= {TEXT["table.mean_logit"]["ru"]: "logit", "|φ|": "feature_norm", "N": "n"}
    table = next(e.value for e in at.table if TEXT["fs.real_units"]["ru"] in e.value.columns)
    return table.rename(columns=names).rename(columns={"distance_short": "distance"})


def _explained(at) -> str:
    return next(m.value for m in at.markdown if "PC1" in m.value and "PC2" in m.value)


@pytest.fixture(scope="module")
def page():
    at = _app()
    assert not at.exception, at.exception
    return at


def test_page_renders_with_charts_and_metrics(page):
    charts = _charts(page)
    assert len(charts) == 5  # fooling score, score plane, PCA plane, logit vs distance, unit split
    metrics = _metrics(page)
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
    assert len(marked) == 3  # in the score plane, the PCA plane and the distance view
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
            for field in ("score_pc1", "own_pc1", "distance")
            for frame in _layer(*_chart(page, field), lambda layer: "step" in json.dumps(layer.get("encoding", {})))
        ]

    assert len(path_layers()) == 3 and all(len(frame) == 6 for frame in path_layers())  # in every view
    page.toggle(key="fs_fool_show").set_value(False).run()
    assert not path_layers()


def _scatter(spec: dict, frames: dict) -> pd.DataFrame:
    return _layer(spec, frames, lambda layer: _mark(layer)["type"] == "circle")[0]


def test_the_score_plane_x_is_the_exact_logit(page):
    spec, frames = _chart(page, "score_pc1")
    points = _scatter(spec, frames)
    assert len(points) > 100
    np.testing.assert_allclose(points["score_pc1"], points["logit"], rtol=1e-9, atol=1e-9)
    assert points["score_pc2"].std() > 0


def test_the_pca_plane_prints_the_share_of_w_it_holds(page):
    from dashboard import cache
    from dashboard.i18n import TEXT
    from dashboard.pages import DEFAULTS

    text = _explained(page)
    prefix = TEXT["fs.share"]["ru"].split("**")[0]
    assert prefix in text
    printed = float(text.split(prefix)[1].split("**")[1].rstrip("%").replace(",", "."))
    spec, frames = _chart(page, "own_pc1")
    arrow = _layer(spec, frames, lambda layer: _mark(layer).get("shape") == "triangle")[0]
    assert printed == pytest.approx(100 * arrow["share"].iloc[0], abs=0.051)  # the arrow's |Cw| / |w|, independently
    assert cache.FIT_CHOICES and DEFAULTS.feature_space.n  # the page ran with the package's defaults


def test_the_unit_split_table_adds_up_and_distances_are_measured(page):
    units = _units(page)
    np.testing.assert_allclose(units["real_units"] + units["fake_units"] + units["bias"], units["logit"], atol=1e-9)
    assert len(units) >= 6 and (units["distance"] > 0).all()
    spec, frames = _chart(page, "distance")
    points = _scatter(spec, frames)
    real, noise = points[points["group"] == "real"], points[points["group"] == "gaussian"]
    assert noise["distance"].median() > real["distance"].median()  # noise lies farther from the fit digits
    spec, frames = _chart(page, "group_label")
    assert {"real_units", "fake_units"} <= set(next(iter(frames.values()))["part"])


def test_the_further_reading_list_names_the_papers(page):
    text = " ".join(e.proto.body for e in page.markdown)
    for paper in ("Nguyen", "Hendrycks", "Lee", "Hein", "Sun", "Kliger"):
        assert paper in text


# ----- issue 12: fooling works in the default view -----


def _fooling_path_frame(at) -> pd.DataFrame:
    spec, frames = _chart(at, "step")
    return _layer(spec, frames, lambda layer: _mark(layer)["type"] == "line")[0]


def _expected_climb(disc_name: str, source: str, seed: int = 0):
    from gan_core.fooling import DEFAULT_STEPS, fooling_path, rejected_start
    from gan_core.weights import WEIGHTS_DIR, load_discriminator, load_generator

    discriminator = load_discriminator(WEIGHTS_DIR / disc_name)
    start = rejected_start(load_generator(WEIGHTS_DIR / "generator.pt"), discriminator, source, seed)
    path = fooling_path(discriminator, start.image, steps=DEFAULT_STEPS)
    return start, path.probabilities[:, 0], path.images[:, 0, 0]


def test_the_default_fooling_view_climbs_from_rejected_to_fooled(page):
    """Default weights, default controls: the section starts from the generated digit D rejects most and shows D
    rising from <= 0.1 to >= 0.9, with the sentence built from those numbers."""
    from dashboard.i18n import t

    page.slider(key="fs_fool_steps").set_value(30).run()  # the default budget (another test moves the slider)
    assert page.radio(key="fs_fool_source").value == "generated"
    path = _fooling_path_frame(page)
    start, expected, path_images = _expected_climb("discriminator.pt", "generated")
    np.testing.assert_allclose(path["probability"], expected, atol=1e-5)
    assert path["probability"].iloc[0] <= 0.1 and path["probability"].iloc[-1] >= 0.9
    reached = int(np.flatnonzero(expected >= 0.9)[0])
    linf = float(np.abs(path_images[-1] - path_images[0]).max())
    sentence = t("fool.reading_fooled", "ru", start=expected[0], end=expected[-1], k=30, step=reached, linf=linf)
    assert sentence in [m.value for m in page.markdown]
    caption = t("fool.start_generated", "ru", i=start.index + 1, k=len(start.candidates), p=expected[0])
    assert any(caption in str(image.proto) for image in page.image)


def test_noise_under_the_joint_discriminator_is_fooled_too():
    from dashboard.i18n import t
    from gan_core.weights import shipped_weights

    joint = next(n for n, e in shipped_weights(kind="discriminator").items() if e.get("scheme") == "joint")
    at = _app(weights_active={"discriminator": joint}, fs_fool_source="noise")
    assert not at.exception, at.exception
    path = _fooling_path_frame(at)
    _, expected, images = _expected_climb(joint, "noise")
    np.testing.assert_allclose(path["probability"], expected, atol=1e-5)
    assert expected[0] <= 0.1 and expected[-1] >= 0.9
    step, linf = int(np.flatnonzero(expected >= 0.9)[0]), float(np.abs(images[-1] - images[0]).max())
    assert t("fool.reading_fooled", "ru", start=expected[0], end=expected[-1], k=30, step=step, linf=linf) in [
        m.value for m in at.markdown
    ]


def test_a_start_the_discriminator_accepts_is_called_so():
    """Noise under the default D scores near 1: the section says the start is not rejected, not 'D rejected it'."""
    from dashboard.i18n import t

    at = _app(fs_fool_source="noise")
    assert not at.exception, at.exception
    _, expected, _ = _expected_climb("discriminator.pt", "noise")
    assert expected[0] > 0.1
    assert t("fool.reading_accepted", "ru", start=expected[0], end=expected[-1], k=30, step=0) in [
        m.value for m in at.markdown
    ]


@pytest.mark.parametrize("scheme", ["default", "joint", "mixed"])
def test_the_detector_verdict_follows_the_table_of_the_active_discriminator(scheme):
    """The sentence under the OOD table states the mean AUROC over noise and photos per detector and which one
    wins, recomputed here from the table the page shows for each discriminator."""
    from dashboard.i18n import TEXT, t
    from dashboard.readings import CLEAR_MARGIN, FAR_GROUPS, FEATURE_DETECTORS

    at = _app(weights_active={"discriminator": discriminator_for(scheme)})
    assert not at.exception, at.exception
    table = _metrics(at)
    far = table[table["group"].isin([TEXT[f"group.{g}"]["ru"] for g in FAR_GROUPS])]
    means = {d: float(far[f"{d}_auroc"].mean()) for d in ("raw_score", "mahalanobis", "knn", "feature_norm")}
    wins = max(means[d] for d in FEATURE_DETECTORS) > means["raw_score"] + CLEAR_MARGIN
    summary = t(
        "fs.metrics_summary",
        "ru",
        raw=means["raw_score"],
        maha=means["mahalanobis"],
        knn=means["knn"],
        norm=means["feature_norm"],
    )
    expected = summary + " " + t("fs.verdict_features" if wins else "fs.verdict_raw", "ru")
    assert expected in [m.value for m in at.markdown]
