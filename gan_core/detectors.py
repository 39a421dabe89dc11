"""OOD detectors on discriminator features: one small base class (as pytorch-ood's `Detector`) and one registry.

Every detector is sklearn style: `fit(features)` on in-distribution features (real digits) returns self, learned
attributes end in `_`, and `score(features)` returns one float64 per row where HIGHER = MORE OUT-OF-DISTRIBUTION
(the convention of gan_core.metrics); scoring before fitting raises `NotFittedError`.

features are (N, D) arrays (D = 4096 for the discriminator); every detector also works on any D.
As in sklearn, float32 features keep the large products (projections, distances) in float32; sums and the final
scores are float64 either way. Any other dtype is computed in float64. The distance detectors measure from a
`Reference`: `fit_all` gives every one of them the same Reference and `score_all` scores them from one product.

Adding a detector: a `Detector` subclass and one line in DETECTORS, plus its texts (`fs.det_<name>` in
dashboard/i18n.py); gan_core.ood_report and the Feature space page take every registered detector.
"""

from collections.abc import Callable
from typing import ClassVar

import numpy as np


def _as_2d(features) -> np.ndarray:
    x = np.asarray(features)
    x = x.astype(np.float32 if x.dtype == np.float32 else np.float64, copy=False)
    if x.ndim != 2:
        raise ValueError(f"features must be (N, D), got shape {x.shape}")
    return x


class NotFittedError(RuntimeError):
    """score() called before fit()."""


class Detector:
    """A feature-space OOD detector: `fit(features)` -> self, `score(features)` -> (N,) float64, higher = more OOD."""

    name: ClassVar[str]

    def fit(self, features) -> "Detector":
        raise NotImplementedError

    def score(self, features) -> np.ndarray:
        raise NotImplementedError

    @property
    def fitted(self) -> bool:
        return any(key.endswith("_") and not key.startswith("_") for key in vars(self))

    def _check_fitted(self) -> None:
        if not self.fitted:
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit(features) first")


class ReferenceDetector(Detector):
    """A distance from a `Reference` of the fitted features; `score_products` scores from the Reference's
    products, so several such detectors sharing one Reference pay for the large product once (score_all)."""

    reference_: "Reference"

    def fit(self, features) -> "ReferenceDetector":
        return self.fit_reference(Reference(features))

    def fit_reference(self, reference: "Reference") -> "ReferenceDetector":
        raise NotImplementedError

    def score_products(self, cross: np.ndarray, square_norms: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @property
    def raw_reference(self) -> bool:
        """Whether the Reference holds the features as given (fit_all can share it), not transformed ones."""
        return True

    @property
    def shares_products(self) -> bool:
        """Whether score_products gives score() exactly (else score_all calls score)."""
        return self.raw_reference


class MahalanobisDetector(ReferenceDetector):
    """Distance to the fitted mean under a shrunk covariance: sqrt((x - m)^T Sigma^-1 (x - m)).

    Sigma = (1 - s) S + s mu I, with S the empirical covariance (1/n), mu = trace(S) / D and s the shrinkage:
    "ledoit_wolf" estimates s as sklearn's LedoitWolf does, a float in [0, 1] fixes it (sklearn's
    ShrunkCovariance). Shrinkage is what makes Sigma invertible when there are fewer samples than
    features (1,000 digits, 4,096 features). Computed from the eigenpairs of the centred data's smaller Gram
    matrix (N x N when N < D), so D x D is never formed: the score is exact, and directions the data never spans
    get the variance s mu.
    score**2 equals sklearn's `LedoitWolf().fit(X).mahalanobis(Y)`. With s = 0 and N < D the inverse is
    the pseudo-inverse (distance inside the data's span only), again as sklearn.
    """

    name = "mahalanobis"

    def __init__(self, shrinkage="ledoit_wolf"):
        self.shrinkage = shrinkage

    def fit_reference(self, reference: "Reference") -> "MahalanobisDetector":
        """fit() on features already centred in a Reference (fit_all shares one with the other distances)."""
        centred = reference.rows
        d = centred.shape[1]
        self.reference_ = reference
        self.location_ = reference.centre  # (D,)
        eig, vt, coef = _covariance_eigen(centred)  # (r,) eigenvalues of S, (r, D) orthonormal rows, (r, n) or None
        mu = eig.sum() / d
        if self.shrinkage == "ledoit_wolf":
            shrinkage = _ledoit_wolf_shrinkage(centred, eig, mu)
        else:
            shrinkage = float(self.shrinkage)
            if not 0 <= shrinkage <= 1:
                raise ValueError("shrinkage must be 'ledoit_wolf' or a float in [0, 1]")
        self.shrinkage_ = shrinkage
        self.residual_variance_ = shrinkage * mu  # Sigma's eigenvalue off the data's span
        # Null directions are already gone: _covariance_eigen keeps only eigenvalues above 1e-10 of the largest.
        self.components_ = vt  # (r, D) orthonormal, the features' dtype
        self.coef_ = coef  # (r, n) with components_ = coef_ @ reference.rows, or None when n > D
        self.variances_ = (1 - shrinkage) * eig + self.residual_variance_  # (r,) Sigma's eigenvalues on the span
        return self

    def score(self, features) -> np.ndarray:
        """features (N, D) -> Mahalanobis distance (N,) >= 0."""
        self._check_fitted()
        diff = _as_2d(features) - self.location_  # (N, D)
        return self._distance(diff @ self.components_.T, _square_norms(diff))  # (N, r) projections

    def score_products(self, cross: np.ndarray, square_norms: np.ndarray) -> np.ndarray:
        """score() from reference_.products(features): cross (N, n), square_norms (N,). Needs coef_ (fitted with
        N <= D); the projections are then cross @ coef_.T, an (n x r) product instead of a (D x r) one."""
        if self.coef_ is None:
            raise ValueError("score_products needs a fit with fewer samples than features (coef_ is None)")
        return self._distance(cross @ self.coef_.T, square_norms)

    @property
    def shares_products(self) -> bool:
        return self.coef_ is not None

    def _distance(self, proj: np.ndarray, square_norms: np.ndarray) -> np.ndarray:
        """proj (N, r) onto components_, square_norms (N,) = |x - m|^2 -> distance (N,) float64."""
        d2 = np.sum(proj.astype(np.float64) ** 2 / self.variances_, axis=1)
        if self.residual_variance_ > 0:
            rest = np.clip(square_norms - _square_norms(proj), 0.0, None)
            d2 += rest / self.residual_variance_
        return np.sqrt(d2)


class Reference:
    """In-distribution features about their mean, the reference both distance detectors measure from.

    centre (D,), rows (n, D) centred, square_norms (n,) float64. `products` gives everything the kNN and
    Mahalanobis scores need from scored features, so a caller running both pays for the large product once.
    """

    def __init__(self, features: np.ndarray):
        x = _as_2d(features)
        self.centre = x.mean(axis=0)  # (D,)
        self.rows = x - self.centre  # (n, D)
        self.square_norms = _square_norms(self.rows)  # (n,)

    def products(self, features) -> tuple[np.ndarray, np.ndarray]:
        """features (N, D) -> ((x - centre) . row_j (N, n) in the features' dtype, |x - centre|^2 (N,) float64)."""
        diff = _as_2d(features) - self.centre
        return diff @ self.rows.T, _square_norms(diff)


def _covariance_eigen(centred: np.ndarray, rcond: float = 1e-10) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """centred (N, D) -> (eig (r,) float64 descending, vt (r, D) orthonormal rows in the input's dtype, coef): the
    eigenpairs of S = X^T X / N whose eigenvalue exceeds rcond * the largest (the others hold no data).
    When N <= D, coef (r, N) gives vt = coef @ X; otherwise coef is None.

    Through the smaller Gram matrix, X X^T (N x N) or X^T X (D x D), formed in float64: one product and a
    small eigh instead of LAPACK's SVD, which spends its time in memory-bound steps (1,000 x 4,096: 1.4 s ->
    0.4 s). Squaring the condition number only costs accuracy in directions below rcond, which are dropped.
    """
    n, d = centred.shape
    x64 = centred.astype(np.float64, copy=False)
    if n <= d:
        lam, u = np.linalg.eigh(x64 @ x64.T)  # (N,), (N, N) ascending
    else:
        lam, v = np.linalg.eigh(x64.T @ x64)  # (D,), (D, D) ascending
    lam, order = lam[::-1], slice(None, None, -1)
    keep = lam > rcond * max(lam[0], 0.0) if len(lam) else np.zeros(0, bool)
    lam = lam[keep]
    if n > d:
        return lam / n, v[:, order][:, keep].T.astype(centred.dtype), None
    # right singular vectors from the left ones: v_i = X^T u_i / sigma_i
    coef = (u[:, order][:, keep] / np.sqrt(lam)).T.astype(centred.dtype)  # (r, N)
    return lam / n, coef @ centred, coef


def _square_norms(x: np.ndarray) -> np.ndarray:
    """(N, D) -> (N,) float64 squared row norms (accumulated in float64: their difference can be small)."""
    return np.einsum("ij,ij->i", x, x, dtype=np.float64)


def _ledoit_wolf_shrinkage(centred: np.ndarray, eig: np.ndarray, mu: float) -> float:
    """sklearn's ledoit_wolf_shrinkage, rewritten with sum_ij (X^T X)_ij^2 = sum sigma^4 and
    sum_ij (X2^T X2)_ij = sum_rows |x|^4 so no D x D matrix is needed."""
    n, d = centred.shape
    delta_ = np.sum((eig * n) ** 2) / n**2
    beta_ = np.sum(_square_norms(centred) ** 2)
    beta = (beta_ / n - delta_) / (d * n)
    delta = (delta_ - 2.0 * mu * eig.sum() + d * mu**2) / d
    beta = min(beta, delta)
    return 0.0 if beta == 0 else float(beta / delta)


class KNNDetector(ReferenceDetector):
    """Distance to the k-th nearest fitted feature (Sun et al. 2022, "deep nearest neighbours").

    normalize=False (default): plain Euclidean distance in feature space, so a feature far out along any
    direction, including a huge norm, is far from the data. normalize=True: both fitted and scored features
    are L2-normalised first (the paper's choice), so only the direction of phi counts, not its length.
    A scored point that is itself in the fitted set finds itself at distance 0: score held-out data.
    """

    name = "knn"
    CHUNK = 2048  # query rows per product: (2,048 x n_fitted) float64 distances at a time

    def __init__(self, k: int = 5, normalize: bool = False):
        self.k = k
        self.normalize = normalize

    def _prepare(self, features) -> np.ndarray:
        x = _as_2d(features)
        if self.normalize:
            x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        return x

    def fit(self, features) -> "KNNDetector":
        return self.fit_reference(Reference(self._prepare(features)))

    def fit_reference(self, reference: "Reference") -> "KNNDetector":
        """fit() on features already centred in a Reference (fit_all shares one with Mahalanobis).
        Distances are taken about the fitted mean: it removes the features' shared offset, so the
        |a|^2 + |b|^2 - 2 a.b expansion does not cancel away float32 precision."""
        if not 1 <= self.k <= len(reference.rows):
            raise ValueError(f"k={self.k} needs at least k fitted samples, got {len(reference.rows)}")
        self.reference_ = reference
        self.n_fitted_ = len(reference.rows)
        return self

    def score(self, features) -> np.ndarray:
        """features (N, D) -> Euclidean distance to the k-th nearest fitted feature (N,) >= 0, float64.
        Brute force, as sklearn's NearestNeighbors on 4,096-d features, with one matrix product per chunk."""
        self._check_fitted()
        x = self._prepare(features)
        parts = [
            self.score_products(*self.reference_.products(x[i : i + self.CHUNK])) for i in range(0, len(x), self.CHUNK)
        ]
        return np.concatenate(parts) if parts else np.zeros(0)

    def score_products(self, cross: np.ndarray, square_norms: np.ndarray) -> np.ndarray:
        """score() from reference_.products(features): cross (N, n), square_norms (N,) -> (N,) float64."""
        d2 = square_norms[:, None] + self.reference_.square_norms[None, :] - 2 * cross.astype(np.float64)  # (N, n)
        return np.sqrt(np.clip(np.partition(d2, self.k - 1, axis=1)[:, self.k - 1], 0.0, None))

    @property
    def raw_reference(self) -> bool:
        return not self.normalize  # normalised features need a Reference of their own


class FeatureNormDetector(Detector):
    """score = -|phi|: a SMALL feature norm means OOD.

    One definition, fixed in advance and never flipped after seeing the data: it is the usual feature-norm
    OOD score (in-distribution inputs drive larger activations; Dhamija et al. 2018, Yu et al. 2023).
    Nothing guarantees it here: an AUROC below 0.5 means this discriminator gives the OOD group LARGER norms
    than real digits, and is reported as it is. fit only records the in-distribution norms (for display).
    """

    name = "feature_norm"

    def fit(self, features) -> "FeatureNormDetector":
        norms = np.sqrt(_square_norms(_as_2d(features)))
        self.fitted_norm_median_ = float(np.median(norms))
        return self

    def score(self, features) -> np.ndarray:
        """features (N, D) -> -|phi| (N,) <= 0."""
        self._check_fitted()
        return -np.sqrt(_square_norms(_as_2d(features)))


class RawScoreDetector(Detector):
    """The discriminator itself as a detector: OOD means 1 - D(x) is high (a discriminator that says "real"
    is taken to say "in-distribution").

    `score` returns -logit = -(w . phi + b), which ranks every pair exactly as 1 - D(x) = sigmoid(-logit)
    does (sigmoid is strictly increasing), so AUROC and FPR95 are those of 1 - D(x); unlike 1 - D(x) it
    does not round confident images to the same 0 or 1 (ties would blur the metrics).
    fit learns nothing from the features: it records the head (w, b) it was built with.
    """

    name = "raw_score"

    def __init__(self, w, b: float):
        self.w = np.asarray(w, dtype=np.float64).reshape(-1)
        self.b = float(b)

    @classmethod
    def from_discriminator(cls, discriminator) -> "RawScoreDetector":
        from .features import head_direction

        return cls(*head_direction(discriminator))

    def fit(self, features=None) -> "RawScoreDetector":
        self.head_ = (self.w, self.b)
        return self

    def logits(self, features) -> np.ndarray:
        """features (N, D) -> w . phi + b (N,), unbounded."""
        return _as_2d(features).astype(np.float64, copy=False) @ self.w + self.b

    def score(self, features) -> np.ndarray:
        """features (N, D) -> -logit (N,), unbounded; higher = the discriminator calls it less real."""
        self._check_fitted()
        return -self.logits(features)


# ----- the registry: name -> a new detector, given D's head (w, b); the order of every table's columns -----

Head = tuple[np.ndarray, float]
DETECTORS: dict[str, Callable[[Head], Detector]] = {
    "raw_score": lambda head: RawScoreDetector(*head),
    "mahalanobis": lambda head: MahalanobisDetector(),  # class-agnostic (one mean, one covariance)
    "knn": lambda head: KNNDetector(k=5),  # unnormalised features (Sun et al. 2022 normalise; normalize=True)
    "feature_norm": lambda head: FeatureNormDetector(),
}


def fit_all(features, head: Head, names=None) -> dict[str, Detector]:
    """Every registered detector (or `names`) fitted on in-distribution features (N, D); the distance detectors
    that can share one Reference get the same one."""
    shared: Reference | None = None
    fitted: dict[str, Detector] = {}
    for name in names or DETECTORS:
        detector = DETECTORS[name](head)
        if isinstance(detector, ReferenceDetector) and detector.raw_reference:
            shared = shared or Reference(features)
            fitted[name] = detector.fit_reference(shared)
        else:
            fitted[name] = detector.fit(features)
    return fitted


def score_all(detectors: dict[str, Detector], features) -> dict[str, np.ndarray]:
    """features (N, D) -> {name: (N,) scores}, equal to each detector's own score(). Distance detectors on one
    Reference are scored from one (N, D) x (D, n) product per chunk instead of one product each."""
    x = _as_2d(features)
    by_reference: dict[int, dict[str, ReferenceDetector]] = {}
    scores: dict[str, np.ndarray] = {}
    for name, detector in detectors.items():
        if isinstance(detector, ReferenceDetector) and detector.shares_products:
            by_reference.setdefault(id(detector.reference_), {})[name] = detector
        else:
            scores[name] = detector.score(x)
    for group in by_reference.values():
        reference = next(iter(group.values())).reference_
        parts: dict[str, list[np.ndarray]] = {name: [] for name in group}
        for start in range(0, len(x), KNNDetector.CHUNK):  # bounded (chunk x n) products
            cross, square_norms = reference.products(x[start : start + KNNDetector.CHUNK])
            for name, detector in group.items():
                parts[name].append(detector.score_products(cross, square_norms))
        for name in group:
            scores[name] = np.concatenate(parts[name]) if parts[name] else np.zeros(0)
    return {name: scores[name] for name in detectors}
