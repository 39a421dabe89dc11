"""dashboard.readings: what each computed sentence states, from the table it describes."""

import pandas as pd
import pytest

from dashboard import readings


@pytest.mark.parametrize(
    "noise,binary,verdict", [(0.99, 0.7, "real"), (0.01, 0.2, "fake"), (0.9, 0.1, "split"), (0.5, 0.49, "split")]
)
def test_the_reveal_reads_both_noises(noise, binary, verdict):
    scores = pd.DataFrame({"name": ["noise", "binary", "generated", "cat"], "probability": [noise, binary, 0.1, 0.9]})
    reading = readings.reveal_reading(scores)
    assert (reading.noise, reading.binary, reading.verdict) == (noise, binary, verdict)


def test_the_zoo_reading_counts_order_and_spread():
    rows = [
        ("a", "real", 0.9),
        ("a", "generated", 0.1),
        ("a", "gaussian", 1.0),
        ("b", "real", 0.2),
        ("b", "generated", 0.4),
        ("b", "gaussian", 0.0),
        ("c", "real", 0.7),
        ("c", "generated", 0.3),
        ("c", "gaussian", 0.6),
    ]
    summary = pd.DataFrame(rows, columns=["label", "group", "mean"])
    reading = readings.zoo_reading(summary)
    assert (reading.ordered, reading.total) == (2, 3)
    assert reading.spread == pytest.approx(1.0)
    assert readings.zoo_reading(summary[summary["group"] != "real"]) is None


def test_the_metrics_reading_says_which_detector_wins():
    def table(raw, maha, knn):
        groups = ["gaussian", "natural", "generated"]
        data = {"group": groups}
        for name, value in {"raw_score": raw, "mahalanobis": maha, "knn": knn, "feature_norm": 0.5}.items():
            data[f"{name}_auroc"] = [value, value, 0.5]
        return pd.DataFrame(data)

    assert readings.metrics_reading(table(0.1, 0.99, 0.8)).features_win
    assert not readings.metrics_reading(table(0.98, 0.99, 0.8)).features_win  # within the margin
    assert readings.metrics_reading(table(0.1, 0.99, 0.8)).means["mahalanobis"] == pytest.approx(0.99)
    assert readings.metrics_reading(table(0.1, 0.9, 0.8).query("group == 'generated'")) is None


# ----- issue 12: the fooling climb and the guided lesson's steps -----


@pytest.mark.parametrize(
    "path, verdict, reached",
    [
        ([0.05, 0.5, 0.95, 0.99], "fooled", 2),
        ([0.1, 0.3, 0.6], "climbing", None),
        ([0.4, 0.95], "accepted", 1),
        ([0.0056], "climbing", None),
    ],
)
def test_the_fooling_reading_follows_the_path(path, verdict, reached):
    reading = readings.fooling_reading(path, candidates=[0.2, 0.1, 0.3])
    assert (reading.verdict, reading.reached, reading.candidates) == (verdict, reached, 3)
    assert (reading.start, reading.end) == (path[0], path[-1])


def _scores(real, generated, gaussian) -> pd.DataFrame:
    rows = [
        {"group": group, "index": i, "probability": p}
        for group, values in (("real", real), ("generated", generated), ("gaussian", gaussian))
        for i, p in enumerate(values)
    ]
    return pd.DataFrame(rows)


def test_the_digit_reading_places_the_digit_in_its_group():
    scores = _scores([0.3, 0.9, 0.6, 0.2], [0.1, 0.2], [1.0, 1.0])
    reading = readings.digit_reading(scores, index=0)
    assert reading.probability == 0.3 and reading.verdict == "fake"
    assert reading.real_mean == pytest.approx(0.5) and reading.real_share == pytest.approx(0.5)
    assert reading.generated_mean == pytest.approx(0.15) and reading.n == 4
    assert readings.digit_reading(scores, index=1).verdict == "real"


@pytest.mark.parametrize("gaussian, ordered, side", [([0.99, 1.0], True, "above"), ([0.001, 0.0], True, "below")])
def test_the_groups_reading_compares_noise_with_real_digits(gaussian, ordered, side):
    reading = readings.groups_reading(_scores([0.7, 0.6], [0.1, 0.3], gaussian))
    assert (reading.ordered, reading.noise_vs_real) == (ordered, side)
    assert reading.real == pytest.approx(0.65) and reading.generated == pytest.approx(0.2)
    assert not readings.groups_reading(_scores([0.1], [0.4], gaussian)).ordered


def test_the_path_reading_finds_the_lowest_and_highest_alpha():
    path = pd.DataFrame({"alpha": [0.0, 0.25, 0.5, 0.75, 1.0], "probability": [0.4, 0.1, 0.8, 0.9, 0.3]})
    reading = readings.path_reading(path)
    assert (reading.low, reading.low_alpha, reading.high, reading.high_alpha) == (0.1, 0.25, 0.9, 0.75)
    assert reading.verdict == "varied"
    flat = pd.DataFrame({"alpha": [0.0, 0.5, 1.0], "probability": [0.30, 0.40, 0.45]})
    assert readings.path_reading(flat).verdict == "flat"


@pytest.mark.parametrize(
    "cat, verdict, side", [(0.97, "real", "above"), (0.55, "real", "below"), (0.01, "fake", "below")]
)
def test_the_cat_reading_compares_the_cat_with_real_digits(cat, verdict, side):
    examples = pd.DataFrame({"name": ["noise", "generated", "cat"], "probability": [0.9, 0.2, cat]})
    reading = readings.cat_reading(examples, _scores([0.6, 0.8], [0.1], [0.5]))
    assert (reading.cat, reading.generated, reading.verdict, reading.vs_real) == (cat, 0.2, verdict, side)
    assert reading.real_mean == pytest.approx(0.7)


def _group_means(means: dict) -> pd.DataFrame:
    """Two images per group with the given mean D(x)."""
    rows = [(g, m + d) for g, m in means.items() for d in (-0.01, 0.01)]
    return pd.DataFrame(rows, columns=["group", "probability"])


def test_the_unseen_reading_names_the_groups_scored_at_least_like_real_digits():
    reading = readings.unseen_reading(_group_means({"real": 0.6, "generated": 0.2, "gaussian": 0.9, "natural": 0.3}))
    assert reading.real == pytest.approx(0.6) and reading.generated == pytest.approx(0.2)
    assert reading.unseen == 2 and reading.above == ("gaussian",)
    assert readings.unseen_reading(_group_means({"real": 0.6, "gaussian": 0.1})).above == ()
    assert readings.unseen_reading(_group_means({"real": 0.6, "gaussian": 0.1})).generated is None
    assert readings.unseen_reading(_group_means({"generated": 0.2, "gaussian": 0.9})) is None  # no real digits shown
    assert readings.unseen_reading(_group_means({"real": 0.6, "generated": 0.2})) is None  # nothing unseen shown
