import numpy as np
import pandas as pd
import pytest
import torch

from gan_core import data, explain
from gan_core.cli import main
from gan_core.detectors import MahalanobisDetector
from gan_core.features import FeaturePCA, extract_features, head_direction
from gan_core.scoring import score_batch
from gan_core.weights import save_state_dict


@pytest.fixture(scope="module")
def table(tiny_pair):
    generator, discriminator = tiny_pair
    groups = {"real": data.real_digits(20, 1, "holdout"), "generated": data.generated_digits(generator, 20, 1)}
    groups["gaussian"] = data.gaussian_noise(10, 1)
    fit = data.real_digits(50, 2, "fit")
    return explain.explain_groups(discriminator, groups, fit), groups, fit


def test_the_unit_split_adds_up_to_the_mean_logit(table, tiny_pair):
    frame, groups, _ = table
    assert list(frame.columns) == explain.COLUMNS and frame["group"].tolist() == ["real", "generated", "gaussian"]
    np.testing.assert_allclose(
        frame["real_units"] + frame["fake_units"] + frame["bias"], frame["mean_logit"], rtol=1e-9
    )
    for row in frame.itertuples():
        scores = score_batch(tiny_pair[1], groups[row.group])
        assert row.n == len(groups[row.group])
        assert row.mean_logit == pytest.approx(float(scores["logit"].mean()), abs=1e-4)
        assert row.eval_mean == pytest.approx(float(scores["probability"].mean()), abs=1e-5)


def test_distances_and_share_come_from_the_fit_digits_and_d_world(table, tiny_pair):
    frame, groups, fit = table
    discriminator = tiny_pair[1]
    detector = MahalanobisDetector().fit(extract_features(discriminator, fit)[0])
    noise = extract_features(discriminator, groups["gaussian"])[0]
    assert frame["mean_mahalanobis_to_fit"][2] == pytest.approx(detector.score(noise).mean(), rel=1e-6)
    world = np.concatenate([extract_features(discriminator, groups[g])[0] for g in ("real", "generated")])
    share = FeaturePCA(2).fit(world).share_of(head_direction(discriminator)[0])
    assert np.allclose(frame["pca_share_of_w"], share, rtol=1e-4) and 0 <= share <= 1  # float32 PCA
    norms = np.linalg.norm(noise.astype(np.float64), axis=1).mean()
    assert frame["mean_feature_norm"][2] == pytest.approx(norms, rel=1e-6)


def test_explain_images_use_the_holdout_digits(tiny_pair):
    groups = explain.explain_images(tiny_pair[0], n=5, seed=0)
    assert torch.equal(groups["real"], data.real_digits_with_labels("holdout")[0][:5])
    assert len(groups["cat"]) == 1 and all(len(x) == 5 for name, x in groups.items() if name != "cat")


def test_the_cli_prints_and_writes_the_table(tmp_path, tiny_pair, capsys, monkeypatch):
    generator, discriminator = tiny_pair
    split = data.real_digits_with_labels
    fewer = {"fit": split("fit")[0][:300]}  # a 4,000-digit covariance fit is slow on this box; the plumbing is the same
    monkeypatch.setattr(
        data, "real_digits_with_labels", lambda name="all": (fewer[name], None) if name in fewer else split(name)
    )
    g, d = save_state_dict(generator, tmp_path / "g.pt"), save_state_dict(discriminator, tmp_path / "d.pt")
    out = tmp_path / "explain.csv"
    args = ["explain", "--generator", str(g), "--discriminator", str(d), "--n", "8", "--seed", "3"]
    assert main([*args, "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == explain.COLUMNS and frame["group"].iloc[0] == "real"
    assert frame.set_index("group")["n"].drop("cat").eq(8).all()
    np.testing.assert_allclose(
        frame["real_units"] + frame["fake_units"] + frame["bias"], frame["mean_logit"], atol=1e-9
    )
    assert "mean_mahalanobis_to_fit" in capsys.readouterr().out
