"""The server's cache warm-up (dashboard.cache.warm_up): after it, every page's default view is served from the
shared caches, so the first student on each page does not wait for the models. Checked by making every
computation behind those caches raise, then rendering each page with its defaults through AppTest: a page whose
default view the warm-up missed would call one and fail."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cache

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
COMPUTATIONS = [
    "_group_images",
    "_group_scores",
    "_group_examples",
    "_notebook_examples",
    "_interpolate",
    "_alpha_one_hash",
    "_samples",
    "_feature_space",
    "_fooling",
]
PAGES = ("walkthrough", "interpolation", "distributions", "your_images", "feature_space", "zoo", "weights")


@pytest.fixture(scope="module")
def warmed():
    """The defaults only (WARM_UP_MORE adds the other N choices: slower, and the same code path)."""
    seconds = cache.warm_up(cache.WARM_UP_DEFAULTS)
    assert seconds > 0
    return seconds


def _upload() -> tuple:
    path = min((Path(__file__).resolve().parent.parent / "data" / "examples").glob("*.png"))
    return (path.name, path.read_bytes(), "image/png")


def test_every_page_default_view_is_served_from_the_warm_caches(warmed, monkeypatch):
    def cold(*args, **kwargs):
        raise AssertionError("computed on demand: the warm-up missed this page's default view")

    for name in COMPUTATIONS:
        monkeypatch.setattr(cache, name, cold)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    routed = Path(APP).read_text(encoding="utf-8")
    for page in PAGES:
        if f'"views/{page}.py"' not in routed:
            continue
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
    # Your images: the reference scores behind an upload's percentiles are warm too.
    at.switch_page("views/your_images.py").run()
    at.file_uploader[0].set_value([_upload()]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.metric) == 1


def test_the_check_above_can_fail(warmed, monkeypatch):
    """A view outside the warm-up (another seed) does reach the computations the test above forbids."""
    calls = []
    real = cache._group_images
    monkeypatch.setattr(cache, "_group_images", lambda *a: calls.append(a) or real(*a))
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["dist_seed"] = 12345
    at.session_state["dist_n"] = 50
    at.run()
    at.switch_page("views/distributions.py").run()
    assert not at.exception
    assert calls and calls[0][1:] == (50, 12345)


def test_warm_up_is_off_when_asked(monkeypatch):
    monkeypatch.setenv("GAN_OOD_WARM_UP", "0")
    cache.start_warm_up.clear()
    assert cache.start_warm_up() is None
    cache.start_warm_up.clear()


def test_models_mode_loads_every_shipped_model_and_computes_nothing(monkeypatch):
    loaded, computed = [], []
    monkeypatch.setattr(cache, "_shipped_model", lambda name, sha256, kind: loaded.append((kind, name)))
    for name in COMPUTATIONS:
        monkeypatch.setattr(cache, name, lambda *a, **k: computed.append(a))
    monkeypatch.setenv("GAN_OOD_WARM_UP", "models")
    cache.start_warm_up.clear()
    thread = cache.start_warm_up()
    thread.join(timeout=60)
    cache.start_warm_up.clear()
    expected = {("generator", cache.default_weights("generator"))}
    expected |= {("discriminator", name) for name in cache.shipped("discriminator")}
    assert set(loaded) == expected and not computed
