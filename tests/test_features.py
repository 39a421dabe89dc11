import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from gan_core.features import (
    FeaturePCA,
    ScorePlane,
    extract_features,
    feature_table,
    head_direction,
    logit_decomposition,
    unit_split,
)


@pytest.fixture(scope="module")
def discriminator(tiny_pair):
    return tiny_pair[1]  # seeded, untrained (conftest)


@pytest.fixture(scope="module")
def images():
    return torch.randn(7, 1, 28, 28, generator=torch.Generator().manual_seed(1))


def test_extract_features_matches_the_model(discriminator, images):
    features, logits = extract_features(discriminator, images, batch_size=3)  # several chunks
    assert features.shape == (7, 4096) and features.dtype == np.float32
    assert logits.shape == (7,) and logits.dtype == np.float32
    with torch.no_grad():
        np.testing.assert_allclose(features, discriminator.features(images).numpy(), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(logits, discriminator.logit(images)[:, 0].numpy(), rtol=1e-5, atol=1e-5)


def test_head_direction_reproduces_the_logit(discriminator, images):
    w, b = head_direction(discriminator)
    assert w.shape == (4096,) and w.dtype == np.float32 and isinstance(b, float)
    features, logits = extract_features(discriminator, images)
    np.testing.assert_allclose(features.astype(np.float64) @ w + b, logits, rtol=1e-4, atol=1e-5)


def test_logit_decomposition_on_a_known_split():
    rng = np.random.default_rng(0)
    w = rng.normal(size=10)
    v = rng.normal(size=(5, 10))
    v -= np.outer(v @ w / (w @ w), w)  # orthogonal to w
    alpha = np.array([-2.0, -0.5, 0.0, 1.0, 3.0])
    phi = alpha[:, None] * w + v
    table = logit_decomposition(phi, w, b=0.7)
    np.testing.assert_allclose(table["parallel"], alpha * np.linalg.norm(w), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(table["orthogonal_norm"], np.linalg.norm(v, axis=1), rtol=1e-8)
    np.testing.assert_allclose(table["logit"], phi @ w + 0.7, rtol=1e-10)
    np.testing.assert_allclose(table["feature_norm"], np.linalg.norm(phi, axis=1), rtol=1e-10)


def test_logit_decomposition_on_model_features(discriminator, images):
    features, logits = extract_features(discriminator, images)
    w, b = head_direction(discriminator)
    table = logit_decomposition(features, w, b)
    np.testing.assert_allclose(table["logit"], logits, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(w) * table["parallel"] + b, table["logit"], rtol=1e-6)
    assert (table["orthogonal_norm"] >= 0).all()


def test_zero_head_is_refused():
    with pytest.raises(ValueError):
        logit_decomposition(np.ones((2, 3)), np.zeros(3), 0.0)


def _blob(n=300, d=40, seed=0):
    rng = np.random.default_rng(seed)
    scales = np.linspace(5, 0.5, d)
    return rng.normal(size=(n, d)) * scales + rng.normal(size=d)


def test_feature_pca_matches_sklearn():
    x = _blob()
    ours = FeaturePCA(2).fit(x)
    ref = PCA(n_components=2, svd_solver="full").fit(x)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-6)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-10)
    signs = np.sign(np.sum(ours.components_ * ref.components_, axis=1))  # components are defined up to sign
    np.testing.assert_allclose(ours.components_ * signs[:, None], ref.components_, atol=1e-6)
    np.testing.assert_allclose(ours.transform(x) * signs, ref.transform(x), atol=1e-5)
    assert ours.explained_variance_ratio_[0] > ours.explained_variance_ratio_[1] > 0


def test_direction_and_boundary_in_the_plane():
    x = _blob()
    pca = FeaturePCA(2).fit(x)
    c0, c1 = pca.components_
    w, b = 3 * c0 + 4 * c1, -1.5
    np.testing.assert_allclose(pca.project_direction(w), [3, 4], atol=1e-10)
    point, direction = pca.boundary_line(w, b)
    assert np.isclose(np.linalg.norm(direction), 1)
    for t in (-10.0, 0.0, 2.5):
        p = point + t * direction
        feature = pca.mean_ + pca.components_.T @ p  # the feature this plane point stands for
        assert abs(feature @ w + b) < 1e-8  # logit 0: D = 0.5


def test_boundary_segment_is_clipped_to_the_box():
    pca = FeaturePCA(2).fit(_blob())
    c0, c1 = pca.components_
    w = c0 + c1
    b = -(w @ pca.mean_)  # the line a.p = 0 passes through the origin: p_x + p_y = 0
    segment = pca.boundary_segment(w, b, (-1, 1), (-2, 2))
    np.testing.assert_allclose(sorted(segment[:, 0]), [-1, 1], atol=1e-9)
    np.testing.assert_allclose(segment.sum(axis=1), 0, atol=1e-9)
    assert pca.boundary_segment(w, b + 100, (-1, 1), (-1, 1)) is None  # the line is far outside


def test_no_boundary_when_the_head_is_orthogonal_to_the_plane():
    x = _blob()
    pca = FeaturePCA(2).fit(x)
    w = np.random.default_rng(3).normal(size=x.shape[1])
    w -= pca.components_.T @ (pca.components_ @ w)
    assert np.linalg.norm(pca.project_direction(w)) < 1e-10
    assert pca.boundary_line(w, 0.3) is None


def test_feature_pca_randomized_path_matches_the_exact_svd():
    # 600 x 800 takes sklearn's randomized solver (as the dashboard's thousands x 4,096 features do), here with 4
    # power iterations: the plane must still be the exact one. Spectrum shaped like D's features: two leading
    # directions (26% and 8% of the variance there) above a broad bulk.
    rng = np.random.default_rng(1)
    directions = np.linalg.qr(rng.normal(size=(800, 2)))[0].T  # (2, 800) orthonormal
    x = rng.normal(size=(600, 2)) * [12.0, 6.0] @ directions + rng.normal(size=(600, 800)) * np.linspace(1, 0.2, 800)
    ours = FeaturePCA(2).fit(x)
    assert ours.pca_._fit_svd_solver == "randomized"
    ref = PCA(n_components=2, svd_solver="full").fit(x)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-6)
    np.testing.assert_allclose(np.abs(np.sum(ours.components_ * ref.components_, axis=1)), 1.0, atol=1e-6)


def test_float32_features_fit_like_float64():
    x = _blob().astype(np.float32)
    ours, ref = FeaturePCA(2).fit(x), PCA(n_components=2, svd_solver="full").fit(x.astype(np.float64))
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-4)
    assert ours.transform(x).dtype == np.float64


def test_feature_table_joins_decomposition_and_planes():
    x = _blob(n=50, d=6)
    w, b = np.arange(6.0), 0.5
    pcas = {"own": FeaturePCA(2).fit(x[:20]), "all": FeaturePCA(2).fit(x)}
    table = feature_table(x, w, b, pcas)
    assert list(table.columns) == [
        "logit",
        "probability",
        "parallel",
        "orthogonal_norm",
        "feature_norm",
        "own_pc1",
        "own_pc2",
        "all_pc1",
        "all_pc2",
    ]
    np.testing.assert_allclose(table["probability"], 1 / (1 + np.exp(-(x @ w + b))), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(table[["own_pc1", "own_pc2"]], pcas["own"].transform(x))
    np.testing.assert_allclose(table[["all_pc1", "all_pc2"]], pcas["all"].transform(x))


def test_unit_split_sums_to_the_logit(discriminator, images):
    features, logits = extract_features(discriminator, images)
    w, b = head_direction(discriminator)
    split = unit_split(features, w, b)
    assert list(split.columns) == ["real_units", "fake_units", "bias", "logit"]
    np.testing.assert_allclose(split["real_units"] + split["fake_units"] + split["bias"], split["logit"], rtol=1e-12)
    np.testing.assert_allclose(split["logit"], logits, rtol=1e-4, atol=1e-4)


def test_unit_split_on_a_hand_example():
    phi = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 4.0]])
    split = unit_split(phi, np.array([2.0, -1.0, 0.0]), b=0.5)
    np.testing.assert_allclose(split["real_units"], [2.0, -2.0])  # only unit 0 has w > 0
    np.testing.assert_allclose(split["fake_units"], [-2.0, 0.0])  # only unit 1 has w < 0; unit 2 adds nothing
    np.testing.assert_allclose(split["logit"], [0.5, -1.5])


def test_score_plane_x_is_the_logit_and_y_is_orthogonal_to_w(discriminator):
    world = torch.randn(60, 1, 28, 28, generator=torch.Generator().manual_seed(2))
    features, logits = extract_features(discriminator, world)
    w, b = head_direction(discriminator)
    plane = ScorePlane().fit(features, w, b)
    xy = plane.transform(features)
    np.testing.assert_allclose(xy[:, 0], logit_decomposition(features, w, b)["logit"], rtol=1e-12)
    np.testing.assert_allclose(xy[:, 0], logits, rtol=1e-4, atol=1e-4)
    assert abs(plane.orthogonal_ @ w) < 1e-9 * np.linalg.norm(w) and np.isclose(np.linalg.norm(plane.orthogonal_), 1)
    assert 0 < plane.explained_variance_ratio_ <= 1


def test_score_plane_y_is_the_top_component_off_w():
    rng = np.random.default_rng(0)
    d = 6
    w = np.zeros(d)
    w[0] = 2.0
    x = rng.normal(size=(500, d)) * np.array([10.0, 1.0, 5.0, 1.0, 1.0, 1.0])  # largest variance along w itself
    plane = ScorePlane().fit(x, w, 1.0)
    assert abs(abs(plane.orthogonal_[2]) - 1) < 1e-3  # axis 2: the largest variance once w's axis is removed
    np.testing.assert_allclose(plane.transform(x)[:, 0], 2 * x[:, 0] + 1.0, rtol=1e-12)


def test_share_of_w_in_the_pca_plane():
    pca = FeaturePCA(2).fit(_blob())
    c0, c1 = pca.components_.astype(np.float64)
    assert np.isclose(pca.share_of(3 * c0 + 4 * c1), 1.0)
    other = np.random.default_rng(5).normal(size=c0.size)
    other -= pca.components_.T @ (pca.components_ @ other)  # orthogonal to the plane
    other /= np.linalg.norm(other)
    assert pca.share_of(other) < 1e-12
    assert np.isclose(pca.share_of(c0 + other), np.sqrt(0.5))  # at 45 degrees to the plane
