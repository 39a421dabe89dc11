import numpy as np
import pytest
from scipy.special import expit
from sklearn.covariance import LedoitWolf, ShrunkCovariance, ledoit_wolf_shrinkage
from sklearn.metrics import roc_auc_score

from gan_core.detectors import (
    DETECTORS,
    Detector,
    FeatureNormDetector,
    KNNDetector,
    MahalanobisDetector,
    NotFittedError,
    RawScoreDetector,
    ReferenceDetector,
    fit_all,
    score_all,
)
from gan_core.metrics import auroc


def _correlated(n, d, seed, shift=0.0):
    rng = np.random.default_rng(seed)
    mix = np.random.default_rng(100).normal(size=(d, d)) / np.sqrt(d)  # the same covariance for every call
    return rng.normal(size=(n, d)) @ mix + shift


@pytest.mark.parametrize("n,d", [(200, 10), (15, 40)])  # more samples than features, and fewer
def test_mahalanobis_matches_sklearn_ledoit_wolf(n, d):
    x, y = _correlated(n, d, 0), _correlated(30, d, 1, shift=0.5)
    ours = MahalanobisDetector().fit(x)
    ref = LedoitWolf().fit(x)
    assert ours.shrinkage_ == pytest.approx(ref.shrinkage_, rel=1e-8)
    assert ours.shrinkage_ == pytest.approx(ledoit_wolf_shrinkage(x), rel=1e-8)
    np.testing.assert_allclose(ours.score(y) ** 2, ref.mahalanobis(y), rtol=1e-7)


def test_mahalanobis_with_fixed_shrinkage_matches_the_formula():
    x, y = _correlated(50, 8, 2), _correlated(20, 8, 3, shift=1.0)
    ours = MahalanobisDetector(shrinkage=0.3).fit(x)
    np.testing.assert_allclose(ours.score(y) ** 2, ShrunkCovariance(shrinkage=0.3).fit(x).mahalanobis(y), rtol=1e-8)
    cov = np.cov(x.T, bias=True)
    sigma = 0.7 * cov + 0.3 * np.trace(cov) / 8 * np.eye(8)
    diff = y - x.mean(0)
    explicit = np.sqrt(np.einsum("ij,jk,ik->i", diff, np.linalg.inv(sigma), diff))
    np.testing.assert_allclose(ours.score(y), explicit, rtol=1e-8)


def test_mahalanobis_without_shrinkage_is_the_pseudo_inverse():
    x, y = _correlated(6, 10, 4), _correlated(5, 10, 5)  # rank-deficient covariance
    ours = MahalanobisDetector(shrinkage=0.0).fit(x)
    diff = y - x.mean(0)
    pinv = np.linalg.pinv(np.cov(x.T, bias=True), hermitian=True)
    np.testing.assert_allclose(ours.score(y) ** 2, np.einsum("ij,jk,ik->i", diff, pinv, diff), rtol=1e-6)


@pytest.mark.parametrize("n,d", [(120, 300), (300, 40)])  # wide (N x N Gram) and tall (D x D Gram)
def test_float32_features_give_the_float64_scores(n, d):
    # The dashboard passes float32 features to keep the big products in float32; only rounding may differ.
    x, y = _correlated(n, d, 8, shift=3.0), _correlated(50, d, 9, shift=3.5)
    for detector in (MahalanobisDetector(), KNNDetector(k=5), FeatureNormDetector()):
        exact = type(detector)(**vars(detector)).fit(x).score(y)
        fast = detector.fit(x.astype(np.float32)).score(y.astype(np.float32))
        assert fast.dtype == np.float64
        np.testing.assert_allclose(fast, exact, rtol=2e-4)
    assert MahalanobisDetector().fit(x.astype(np.float32)).components_.dtype == np.float32


def test_knn_of_a_fitted_point_is_its_own_distance_zero():
    x = _correlated(30, 500, 10, shift=50.0).astype(np.float32)  # a large shared offset, as D's features have
    np.testing.assert_allclose(KNNDetector(k=1).fit(x).score(x), 0.0, atol=1e-3 * np.linalg.norm(x[0] - x[1]))


def _head(d, seed=20):
    rng = np.random.default_rng(seed)
    return rng.normal(size=d), 0.3


def _own_scores(x, y, head):
    """Each registered detector fitted and scored on its own, as a user would."""
    return {name: make(head).fit(x).score(y) for name, make in DETECTORS.items()}


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-9), (np.float32, 1e-4)])
def test_score_all_shares_one_product_and_equals_each_detectors_own(dtype, rtol, monkeypatch):
    x, y = _correlated(60, 200, 11, shift=2.0).astype(dtype), _correlated(25, 200, 12, shift=2.5).astype(dtype)
    head = _head(200)
    detectors = fit_all(x, head)
    assert list(detectors) == list(DETECTORS)
    distances = [d for d in detectors.values() if isinstance(d, ReferenceDetector)]
    assert len(distances) == 2 and distances[0].reference_ is distances[1].reference_
    expected = _own_scores(x, y, head)
    products = []
    reference_type = type(distances[0].reference_)
    real_products = reference_type.products
    monkeypatch.setattr(reference_type, "products", lambda self, f: products.append(len(f)) or real_products(self, f))
    got = score_all(detectors, y)
    assert products == [25]  # one product served both distance detectors
    assert list(got) == list(DETECTORS)
    for name in DETECTORS:
        np.testing.assert_allclose(got[name], expected[name], rtol=rtol)


def test_score_all_falls_back_when_nothing_is_shared():
    x, y = _correlated(80, 10, 13), _correlated(7, 10, 14)  # N > D: Mahalanobis has no coef_
    head = _head(10)
    detectors = fit_all(x, head)
    assert detectors["mahalanobis"].coef_ is None
    with pytest.raises(ValueError):
        detectors["mahalanobis"].score_products(*detectors["knn"].reference_.products(y))
    got, expected = score_all(detectors, y), _own_scores(x, y, head)
    for name in DETECTORS:
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-10)


def test_a_normalised_knn_gets_a_reference_of_its_own(monkeypatch):
    x, y = _correlated(30, 40, 15, shift=1.0), _correlated(5, 40, 16)
    monkeypatch.setitem(DETECTORS, "knn_normalised", lambda head: KNNDetector(k=3, normalize=True))
    detectors = fit_all(x, _head(40))
    assert detectors["knn_normalised"].reference_ is not detectors["knn"].reference_
    np.testing.assert_allclose(
        score_all(detectors, y)["knn_normalised"], KNNDetector(k=3, normalize=True).fit(x).score(y), rtol=1e-10
    )


@pytest.mark.parametrize("name", list(DETECTORS))
def test_every_registered_detector_refuses_to_score_before_fit(name):
    detector = DETECTORS[name](_head(4))
    assert isinstance(detector, Detector) and detector.name == name
    assert not detector.fitted
    with pytest.raises(NotFittedError):
        detector.score(np.ones((2, 4)))
    assert detector.fit(_correlated(10, 4, 17)) is detector and detector.fitted
    assert detector.score(np.ones((2, 4))).shape == (2,)


def test_mahalanobis_rejects_bad_shrinkage():
    with pytest.raises(ValueError):
        MahalanobisDetector(shrinkage=1.5).fit(np.ones((3, 2)))


def test_knn_matches_a_brute_force_reference():
    x, y = _correlated(40, 6, 6), _correlated(9, 6, 7)
    distances = np.sort(np.linalg.norm(y[:, None] - x[None], axis=2), axis=1)
    np.testing.assert_allclose(KNNDetector(k=5).fit(x).score(y), distances[:, 4], rtol=1e-10)
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    yn = y / np.linalg.norm(y, axis=1, keepdims=True)
    distances = np.sort(np.linalg.norm(yn[:, None] - xn[None], axis=2), axis=1)
    np.testing.assert_allclose(KNNDetector(k=3, normalize=True).fit(x).score(y), distances[:, 2], rtol=1e-10)
    # normalised kNN ignores length; plain kNN does not
    assert np.allclose(KNNDetector(normalize=True).fit(x).score(10 * y), KNNDetector(normalize=True).fit(x).score(y))
    assert not np.allclose(KNNDetector().fit(x).score(10 * y), KNNDetector().fit(x).score(y))


def test_knn_needs_k_samples():
    with pytest.raises(ValueError):
        KNNDetector(k=5).fit(np.ones((3, 2)))


def test_feature_norm_sign_is_fixed():
    x = np.array([[3.0, 4.0], [0.0, 1.0]])
    detector = FeatureNormDetector().fit(x)
    np.testing.assert_allclose(detector.score(x), [-5.0, -1.0])
    assert detector.fitted_norm_median_ == 3.0
    small, large = np.ones((50, 4)) * 0.1, np.ones((50, 4)) * 10
    assert auroc(detector.score(large), detector.score(small)) == 1.0  # small norm = OOD
    assert auroc(detector.score(small), detector.score(large)) == 0.0  # and it is not flipped


def test_raw_score_ranks_as_one_minus_the_probability():
    rng = np.random.default_rng(8)
    w, b = rng.normal(size=5), 0.3
    phi = rng.normal(size=(10, 5)) * 20  # logits far past float saturation on both sides
    detector = RawScoreDetector(w, b).fit(phi)
    logits = phi @ w + b
    np.testing.assert_allclose(detector.score(phi), -logits, rtol=1e-12)
    assert len(np.unique(detector.score(phi))) == 10  # no saturation ties
    # same ranking as 1 - p wherever 1 - p can tell two images apart
    p = 1 - expit(logits)
    i, j = np.triu_indices(10, 1)
    distinct = p[i] != p[j]
    assert np.array_equal(
        np.sign(detector.score(phi)[i] - detector.score(phi)[j])[distinct], np.sign(p[i] - p[j])[distinct]
    )


def test_raw_score_from_a_discriminator():
    import torch

    from gan_core.models import ConvDiscriminator

    torch.manual_seed(0)
    model = ConvDiscriminator().eval()
    detector = RawScoreDetector.from_discriminator(model)
    x = torch.randn(4, 1, 28, 28)
    with torch.no_grad():
        phi, prob = model.features(x).numpy(), model(x)[:, 0].numpy()
    detector.fit()
    np.testing.assert_allclose(expit(detector.score(phi)), 1 - prob, atol=1e-5)  # sigmoid(-logit) = 1 - D(x)


@pytest.mark.parametrize(
    "detector",
    [MahalanobisDetector(), KNNDetector(k=5), KNNDetector(k=5, normalize=True)],
    ids=["mahalanobis", "knn", "knn-normalised"],
)
def test_distance_detectors_separate_a_shifted_blob(detector):
    fit, inside = _correlated(300, 20, 10), _correlated(200, 20, 11)
    shifted = _correlated(200, 20, 12, shift=np.r_[3.0, np.zeros(19)] + 2.0)
    detector.fit(fit)
    in_scores, out_scores = detector.score(inside), detector.score(shifted)
    assert auroc(in_scores, out_scores) > 0.97
    labels = np.r_[np.zeros(200), np.ones(200)]
    assert auroc(in_scores, out_scores) == pytest.approx(roc_auc_score(labels, np.r_[in_scores, out_scores]))
    same = _correlated(200, 20, 13)  # another draw from the in-distribution
    assert abs(auroc(in_scores, detector.score(same)) - 0.5) < 0.1
