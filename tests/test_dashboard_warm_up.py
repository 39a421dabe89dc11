"""The server's cache warm-up (dashboard.warm_up): after it, every page's default view is served from the shared
caches, so the first student on each page does not wait for the models. Checked by making every declared
computation raise, then rendering each registered page with its defaults through AppTest: a page whose default view
the warm-up missed would call one and fail."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cache, computation, pages, session_weights, warm_up

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def warmed():
    """The defaults only (the later calls add the other N choices: slower, and the same code path)."""
    calls = warm_up.planned_calls(later=False)
    assert warm_up.warm_up(calls) > 0
    return calls


def _upload() -> tuple:
    path = min((Path(__file__).resolve().parent.parent / "data" / "examples").glob("*.png"))
    return (path.name, path.read_bytes(), "image/png")


def _forbid_computing(monkeypatch) -> list:
    """Every declared computation raises from now on; returns the list of (name, args) that were attempted."""
    attempts = []

    def cold(name):
        def run(*refs_and_args):
            attempts.append((name, tuple(a for a in refs_and_args if not isinstance(a, session_weights.Active))))
            raise AssertionError("computed on demand: the warm-up missed this page's default view")

        return run

    for comp in computation.REGISTRY:
        monkeypatch.setattr(comp, "fn", cold(comp.name))
    return attempts


def test_every_page_default_view_is_served_from_the_warm_caches(warmed, monkeypatch):
    attempts = _forbid_computing(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for page in pages.PAGES:
        at.switch_page(page.file).run()
        assert not at.exception and not attempts, (page.name, attempts)
    # Your images: the reference scores behind an upload's percentiles are warm too.
    at.switch_page(pages.page("your_images").file).run()
    at.file_uploader[0].set_value([_upload()]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.metric) == 1


def test_the_check_above_can_fail(warmed, monkeypatch):
    """A view outside the warm-up (another seed) does reach the computations the test above forbids."""
    attempts = _forbid_computing(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["dist_seed"] = 12345
    at.session_state["dist_n"] = 50
    at.run()
    assert not attempts
    at.switch_page(pages.page("distributions").file).run()
    assert at.exception
    assert attempts and {(name, args[:2]) for name, args in attempts} == {("group_scores_chunk", (50, 12345))}


def test_warm_up_is_off_when_asked(monkeypatch):
    monkeypatch.setenv("GAN_OOD_WARM_UP", "0")
    warm_up.start_warm_up.clear()
    assert warm_up.start_warm_up() is None
    warm_up.start_warm_up.clear()


def test_models_mode_loads_every_shipped_model_and_computes_nothing(monkeypatch):
    loaded, computed = [], []
    monkeypatch.setattr(session_weights, "shipped_model", lambda name, sha256, kind: loaded.append((kind, name)))
    for comp in computation.REGISTRY:
        monkeypatch.setattr(comp, "fn", lambda *a, **k: computed.append(a))
    monkeypatch.setenv("GAN_OOD_WARM_UP", "models")
    warm_up.start_warm_up.clear()
    thread = warm_up.start_warm_up()
    thread.join(timeout=60)
    warm_up.start_warm_up.clear()
    expected = {("generator", name) for name in session_weights.shipped("generator")}
    expected |= {("discriminator", name) for name in session_weights.shipped("discriminator")}
    assert set(loaded) == expected and not computed


def test_group_scores_reuse_one_image_set_across_discriminators(monkeypatch):
    """The zoo's discriminators score one drawn set of group images: the drawn groups and the generator's chunks
    are keyed without the discriminator, so switching it neither draws nor generates them again."""
    gen = session_weights.shipped_ref("generator")
    first, *others = session_weights.shipped_refs("discriminator")
    draws = []
    for comp in (cache.group_inputs, cache.generated_chunk):
        comp.cached.clear()
        real = comp.fn

        def recorded(*refs_and_args, real=real, name=comp.name):
            draws.append((name, tuple(a for a in refs_and_args if not isinstance(a, session_weights.Active))))
            return real(*refs_and_args)

        monkeypatch.setattr(comp, "fn", recorded)
    for disc in [first, *others]:
        cache.group_scores(20, 99, generator=gen, discriminator=disc)
    assert draws == [("group_inputs", (20, 99)), ("generated_chunk", (20, 99, 0))]


def test_the_batchnorm_view_is_warmed_for_every_shipped_discriminator_later():
    """The weights page's BatchNorm view follows the D a student switches to (seconds each, cold): every shipped D
    gets its view after the default views."""
    defaults = pages.DEFAULTS.weights
    views = [
        call
        for comp, call in warm_up.planned_calls()
        if comp is cache.batchnorm_view and call.args == (defaults.batchnorm_n, defaults.batchnorm_seed)
    ]
    assert [(c.every_discriminator, c.later) for c in views] == [(False, False), (True, True)]
