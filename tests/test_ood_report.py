import numpy as np
import pytest

from gan_core import data
from gan_core.detectors import KNNDetector, MahalanobisDetector
from gan_core.features import extract_features, head_direction
from gan_core.metrics import auroc, fpr_at_tpr
from gan_core.detectors import DETECTORS
from gan_core.ood_report import ood_report, ood_table


def test_ood_table_on_synthetic_features():
    rng = np.random.default_rng(0)
    fit, inside = rng.normal(size=(200, 12)), rng.normal(size=(150, 12))
    far = rng.normal(size=(100, 12)) + 4
    same = rng.normal(size=(100, 12))
    w = np.zeros(12)
    w[0] = 1.0
    table = ood_table(fit, inside, {"far": far, "same": same}, w, 0.0)
    assert list(table["group"]) == ["far", "same"]
    assert list(table.columns[3:]) == [f"{d}_{m}" for d in DETECTORS for m in ("auroc", "fpr95")]
    far_row, same_row = table.iloc[0], table.iloc[1]
    assert far_row["mahalanobis_auroc"] > 0.99 and far_row["knn_auroc"] > 0.99
    assert far_row["mahalanobis_fpr95"] < 0.05
    # the shift raises the logit w.phi = phi_0: the raw score calls the far blob MORE real
    assert far_row["raw_score_auroc"] < 0.01
    for name in DETECTORS:
        assert abs(same_row[f"{name}_auroc"] - 0.5) < 0.12
    assert (table[["n_in", "n_out"]].to_numpy() == [[150, 100], [150, 100]]).all()


def test_ood_report_protocol(tiny_pair):
    generator, discriminator = tiny_pair
    n = 30
    table = ood_report(generator, discriminator, n=n, seed=3)
    expected = [g for g in data.group_sources(generator) if g != "real"]
    assert list(table["group"]) == expected
    metrics = table.drop(columns=["group", "n_in", "n_out"]).to_numpy()
    assert np.isfinite(metrics).all() and (metrics >= 0).all() and (metrics <= 1).all()
    # recompute one row by hand: fit on the fit split (seed), evaluate on the holdout (seed + 1)
    w, b = head_direction(discriminator)
    fit, _ = extract_features(discriminator, data.real_digits(n, 3, split="fit"))
    inside, in_logits = extract_features(discriminator, data.real_digits(n, 4, split="holdout"))
    noise, noise_logits = extract_features(discriminator, data.gaussian_noise(n, 3))
    row = table.set_index("group").loc["gaussian"]
    maha = MahalanobisDetector().fit(fit)
    assert row["mahalanobis_auroc"] == pytest.approx(auroc(maha.score(inside), maha.score(noise)))
    knn = KNNDetector(k=5).fit(fit)
    assert row["knn_fpr95"] == pytest.approx(fpr_at_tpr(knn.score(inside), knn.score(noise)))
    assert row["raw_score_auroc"] == pytest.approx(auroc(-in_logits, -noise_logits), abs=1e-6)
    norms_in, norms_out = -np.linalg.norm(inside, axis=1), -np.linalg.norm(noise, axis=1)
    assert row["feature_norm_auroc"] == pytest.approx(auroc(norms_in, norms_out))
    # reproducible
    again = ood_report(generator, discriminator, n=n, seed=3)
    np.testing.assert_allclose(again.drop(columns="group").to_numpy(float), table.drop(columns="group").to_numpy(float))
