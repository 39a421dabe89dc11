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
