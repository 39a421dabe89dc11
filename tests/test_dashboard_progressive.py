"""Progressive results (dashboard/progressive.py, the chunked group scores in dashboard/cache.py): the chunks join
into exactly the whole computation, a slow run paints the chunks done so far under a progress bar, a fast (cached)
run paints nothing partial, and an interrupted run stops computing."""

import itertools
import threading
import time

import numpy as np
import pandas as pd
import pytest
import torch
from apptest import open_app

from dashboard import cache, progressive
from dashboard.i18n import TEXT
from dashboard.pages import DEFAULTS
from dashboard.session_weights import shipped_ref, shipped_refs
from gan_core import data, scoring
from gan_core.models import ConvDiscriminator, init_dcgan_weights


class FakeClock:
    """Time that moves only when an arrival says so."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def timed(order, clock: FakeClock, step_s: float):
    """Arrivals (i, "chunk i") in `order`, each `step_s` after the one before."""
    for i in order:
        clock.now += step_s
        yield i, f"chunk {i}"


@pytest.fixture()
def paints(monkeypatch) -> list:
    """Every partial chart painted from now on: what paint() was given."""
    seen = []
    real = progressive._Partial._paint

    def record(shown, partial):
        seen.append(partial)
        real(shown, partial)

    monkeypatch.setattr(progressive._Partial, "_paint", record)
    return seen


def test_a_slow_run_paints_the_chunks_so_far_in_order_and_returns_them_all(paints):
    clock = FakeClock()
    order = [i ^ 1 for i in range(20)]  # 1, 0, 3, 2, ...: two workers, neighbours finish in either order
    drawn = []
    result = progressive.run(timed(order, clock, 0.1), 20, list, paint=drawn.append, clock=clock)
    assert result == [f"chunk {i}" for i in range(20)]  # every chunk, in row order
    assert paints and drawn == paints
    assert paints[0] == [None, "chunk 1"] + [None] * 18  # 1 of 20 after 0.1 s: the whole will take ~2 s, so at once
    for partial in paints:
        assert all(c in (None, f"chunk {i}") for i, c in enumerate(partial))  # in row order, None for those to come
    sizes = [sum(c is not None for c in partial) for partial in paints]
    assert len(paints) >= 2 and sizes == sorted(sizes) and max(sizes) < 20  # nothing partial once all are there
    assert len(paints) <= 1 + 2.0 / progressive.CHART_EVERY_S  # at most every CHART_EVERY_S after the first


def test_a_very_slow_run_redraws_the_chart_only_a_few_times(paints):
    """A loaded box must not bring more redraws: after the first, one per CHART_STEP of the work at most."""
    clock = FakeClock()
    progressive.run(timed(range(32), clock, 1.0), 32, list, paint=lambda _: None, clock=clock)
    assert 2 <= len(paints) <= 1 + 1 / progressive.CHART_STEP


def test_a_fast_run_paints_nothing_partial(paints):
    clock = FakeClock()
    result = progressive.run(timed(range(32), clock, 0.001), 32, list, paint=lambda _: None, clock=clock)
    assert len(result) == 32 and not paints


def test_a_short_run_that_will_end_before_half_a_second_paints_nothing(paints):
    clock = FakeClock()  # 4 chunks of 0.1 s: the first says 0.4 s in all
    progressive.run(timed(range(4), clock, 0.1), 4, list, paint=lambda _: None, clock=clock)
    assert not paints


def test_an_interrupted_run_closes_its_arrivals():
    """A rerun (new seed) raises inside paint: the arrivals are closed, so their queued chunks are dropped."""
    clock = FakeClock()
    arrivals = timed(range(10), clock, 0.2)

    def interrupted(_):
        raise RuntimeError("rerun")

    with pytest.raises(RuntimeError):
        progressive.run(arrivals, 10, list, paint=interrupted, clock=clock)
    assert arrivals.gi_frame is None  # closed


def slow_compute(clock: FakeClock, parts: int, step_s: float):
    """A reported computation: `parts` parts, each `step_s` after the one before, then its own whole result."""

    def compute(report):
        for i in range(parts):
            clock.now += step_s
            report(i, f"part {i}")
        return "the whole"

    return compute


def test_a_reported_computation_paints_its_parts_so_far_and_returns_its_own_result(paints):
    clock = FakeClock()
    drawn = []
    result = progressive.run_reported(slow_compute(clock, 8, 0.2), 9, list, paint=drawn.append, clock=clock)
    assert result == "the whole"  # compute's result, not the parts joined
    assert paints and drawn == paints
    assert paints[0] == ["part 0"] + [None] * 8
    assert all(partial[-1] is None for partial in paints)  # the ninth step (the fits) is never a part


def test_a_cached_reported_computation_paints_nothing(paints):
    result = progressive.run_reported(lambda report: "from the cache", 9, list, paint=lambda _: None)
    assert result == "from the cache" and not paints


def test_a_reported_computations_error_reaches_the_script():
    def broken(report):
        report(0, "part 0")
        raise ValueError("broken weights")

    with pytest.raises(ValueError, match="broken weights"):
        progressive.run_reported(broken, 3, list, paint=lambda _: None, clock=FakeClock())


def test_a_stopped_run_cancels_its_reported_computation():
    """A rerun raises inside paint: the computation's next report raises Cancelled, so it stops computing."""
    clock = FakeClock()
    painted, cancelled = threading.Event(), threading.Event()

    def interrupted(_):
        painted.set()
        raise RuntimeError("rerun")

    def compute(report):
        clock.now += 0.5  # 1 part of 9 in 0.5 s: slow, so the first part is painted
        report(0, "part 0")
        painted.wait(5)
        try:
            for _ in range(500):  # up to 5 s: the script thread marks the run stopped on its way out
                report(1, "part 1")
                time.sleep(0.01)
        except progressive.Cancelled:
            cancelled.set()
            raise
        return "finished for nobody"

    with pytest.raises(RuntimeError, match="rerun"):
        progressive.run_reported(compute, 9, list, paint=interrupted, clock=clock)
    assert cancelled.wait(5)


def test_the_feature_spaces_chunks_give_the_packages_whole_batch_metrics():
    """The page extracts features chunk by chunk (to paint them); its OOD table is gan_core's, on whole groups."""
    from gan_core import ood_report

    gen, disc = shipped_ref("generator"), shipped_ref("discriminator")
    n, seed = 2 * cache.CHUNK_ROWS + 5, 9092
    view = cache.feature_space.run({"generator": gen, "discriminator": disc}, n, seed, 700)
    expected = ood_report.ood_report(gen.model, disc.model, n, seed)
    pd.testing.assert_frame_equal(view.metrics.reset_index(drop=True), expected.reset_index(drop=True))


def test_a_cold_feature_space_paints_each_groups_logits_then_the_whole_view(paints):
    n, seed = 1000, 777_004  # the largest N: its first group alone says the whole takes well over SLOW_S
    at = open_app("views/feature_space.py", fs_n=n, fs_seed=seed)
    assert paints, "a cold feature space painted nothing partial"
    refs = {kind: shipped_ref(kind) for kind in ("generator", "discriminator")}
    view = cache.feature_space.run(refs, n, seed, DEFAULTS.feature_space.scatter_cap)  # cached by the page's run
    sizes = [len(partial) for partial in paints]
    assert sizes == sorted(sizes) and max(sizes) < n * len(view.groups)
    for group, shown in paints[-1].groupby("group", sort=False):
        assert group in view.groups  # the detectors' fit digits are never painted
        assert (shown["index"] == np.arange(len(shown))).all()  # a group's first rows, in order
        points = view.points[view.points["group"] == group].iloc[: len(shown)]
        # the partial chart's logits (D's output) are the score plane's x (w . phi + b in float64) for the same images
        np.testing.assert_allclose(shown["logit"].to_numpy()[: len(points)], points["logit"], atol=1e-4)
    assert not at.get("progress")


def test_chunks_cover_every_row_once():
    for n in (1, 63, 64, 65, 130, 2000):
        bounds = cache.chunk_bounds(n)
        assert bounds[0][0] == 0 and bounds[-1][1] == n
        assert all(b0 == a1 for (_, b0), (a1, _) in itertools.pairwise(bounds))
        assert all(0 < b - a <= cache.CHUNK_ROWS for a, b in bounds)
    assert cache.chunk_bounds(200) == [(0, 32), (32, 64), (64, 128), (128, 192), (192, 200)]


def _whole(generator, discriminator, n: int, seed: int) -> pd.DataFrame:
    """What the chunks must add up to: every group's n images scored at once."""
    groups = {name: make(n, seed) for name, make in data.group_sources(generator).items()}
    return scoring.score_groups(discriminator, groups)


def test_the_chunks_join_into_exactly_the_whole_computation():
    gen, disc = shipped_ref("generator"), shipped_ref("discriminator")
    n, seed = 2 * cache.CHUNK_ROWS + 5, 9091  # chunks of 32, 32, 64 and a short one
    got = cache.group_scores(n, seed, generator=gen, discriminator=disc)
    expected = _whole(gen.model, disc.model, n, seed)
    pd.testing.assert_frame_equal(got[["group", "index"]], expected[["group", "index"]])
    # bit-identical: a chunk's images are rows [a, b) of the same draw, and D's outputs do not depend on the batch
    assert np.array_equal(got["logit"].to_numpy(), expected["logit"].to_numpy())
    assert np.array_equal(got["probability"].to_numpy(), expected["probability"].to_numpy())


def test_a_cold_new_seed_at_2000_paints_partial_charts_and_the_cached_rerun_does_not(paints):
    at = open_app("views/distributions.py", dist_n=2000, dist_seed=777_001)
    assert paints, "a cold N = 2,000 computation painted nothing partial"
    final = at.dataframe[0].value
    assert (final["n"] == 2000).all()
    groups = set(data.group_sources(None))
    for partial in paints:
        assert set(partial["group"]) == groups  # every group from the first chunk on
        assert len(partial) < 2000 * len(groups)
    assert not at.get("progress")  # the bar is gone with the whole result
    assert len(at.get("vega_lite_chart")) == 1  # one chart: the final one
    painted = len(paints)
    at.run()  # the same view again: every chunk cached
    assert not at.exception and len(paints) == painted


def test_the_progress_text_is_translated():
    for lang in ("ru", "en"):
        text = progressive.t("progress.partial", lang, label="L", share=0.25)
        assert text.startswith("L ") and ("25" in text) and text != TEXT["progress.partial"][lang]


def test_an_uploaded_discriminator_is_scored_privately_in_chunks():
    """Uploads go chunk by chunk in the script thread (the private memo is session state) and match the model."""
    torch.manual_seed(3)
    model = ConvDiscriminator()
    model.apply(init_dcgan_weights)
    upload = {"wid": "upload:00000000abcd", "name": "mine.pt", "sha256": "abcd" * 16, "model": model.eval()}
    n, seed = 100, 5  # a choice of the N slider: chunks of 32, 32, 36 rows
    state = {"weights_uploaded": {"discriminator": upload}, "weights_active": {"discriminator": upload["wid"]}}
    at = open_app("views/distributions.py", dist_n=n, dist_seed=seed, **state)
    memo = at.session_state["_private_memo"]["group_scores_chunk"]  # the walkthrough's view is in it too
    assert {key[-3:] for key in memo} >= {(n, seed, chunk) for chunk in range(3)} and len(cache.chunk_bounds(n)) == 3
    expected = scoring.summarise(_whole(shipped_ref("generator").model, model, n, seed))
    shown = at.dataframe[0].value
    assert shown["mean"].to_numpy() == pytest.approx(expected["mean"].to_numpy(), abs=1e-6)


def test_the_zoos_cold_first_load_paints_partial_means_then_every_discriminator(paints):
    judges = len(shipped_refs("discriminator"))
    at = open_app("views/zoo.py", zoo_n=300, zoo_seed=777_002)
    assert paints, "a cold zoo painted nothing partial"
    for partial in paints:  # the zoo's table over the rows scored so far: fewer rows, or fewer discriminators
        complete = partial[partial["n"] == 300]["discriminator"].nunique()
        assert (partial["n"] <= 300).all() and complete < judges
    assert not at.get("progress")
    assert len(at.table[0].value) == judges + 1  # the final table: a row per judge and the spread
