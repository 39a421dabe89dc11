"""The discriminator's feature space: phi(x) (4096-d, the head's input), the head w, b, and the views that
explain its scores.

The logit is linear in phi: logit = w . phi + b. Three ways to look at it:
* `ScorePlane`: x = the exact logit, y = the first principal component of phi orthogonal to w. The score
  direction is an axis of the picture, so a point's x position is its score, not an approximation.
* `FeaturePCA`: the classic PCA plane of phi. It need not contain w: `FeaturePCA.share_of` says how much of w it
  holds, and when that share is small the plane shows the data's shape, not the reason for the scores.
* `unit_split`: w . phi as the pull of the units with w_i > 0 ("real" units, raise the score) plus the push of
  the units with w_i < 0 ("fake" units), plus b. Inputs D never saw get high scores when their real units pull
  harder than their fake units push, not because they lie far along a line the head extrapolates.
"""

import numpy as np
import pandas as pd

from .scoring import DEFAULT_BATCH, discriminator_outputs


def extract_features(discriminator, images, batch_size: int = DEFAULT_BATCH) -> tuple[np.ndarray, np.ndarray]:
    """images (N,1,28,28) -> (features (N,4096) float32, logits (N,) float32). Eval mode, no gradients."""
    return discriminator_outputs(discriminator, images, batch_size)


def head_direction(discriminator) -> tuple[np.ndarray, float]:
    """The final Linear layer as (w (4096,) float32, b float): logit = w . phi + b."""
    head = discriminator.head
    w = head.weight.detach().cpu().numpy().reshape(-1).astype(np.float32)
    b = float(head.bias.detach().cpu().numpy().reshape(-1)[0]) if head.bias is not None else 0.0
    return w, b


def logit_decomposition(features: np.ndarray, w: np.ndarray, b: float) -> pd.DataFrame:
    """features (N,D), w (D,), b -> DataFrame with N rows:

    logit           w . phi + b (unbounded)
    parallel        w . phi / |w|, the signed length of phi along w, so logit = |w| * parallel + b
    orthogonal_norm |phi - (w . phi / |w|^2) w| >= 0, how far phi lies off the line the head reads
    feature_norm    |phi| >= 0 (parallel^2 + orthogonal_norm^2 = feature_norm^2)
    Computed in float64, the orthogonal part explicitly (not by Pythagoras, which cancels badly when phi
    lies almost along w).
    """
    phi = np.asarray(features, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    w_norm = np.linalg.norm(w)
    if w_norm == 0:
        raise ValueError("the head's weight vector is zero: no direction to decompose along")
    dot = phi @ w  # (N,)
    parallel = dot / w_norm
    feature_norm = np.linalg.norm(phi, axis=1)
    orthogonal = np.linalg.norm(phi - np.outer(dot / w_norm**2, w), axis=1)  # (N,)
    return pd.DataFrame(
        {"logit": dot + b, "parallel": parallel, "orthogonal_norm": orthogonal, "feature_norm": feature_norm}
    )


def feature_table(features: np.ndarray, w: np.ndarray, b: float, pcas: dict | None = None) -> pd.DataFrame:
    """features (N,D) -> one row per feature: logit, probability (D(x) in [0, 1]), parallel, orthogonal_norm,
    feature_norm (see logit_decomposition), then <name>_pc1, <name>_pc2, ... for each fitted plane in `pcas`
    ({name: FeaturePCA or ScorePlane}), the feature's coordinates in that plane."""
    from .scoring import sigmoid

    table = logit_decomposition(features, w, b)
    table.insert(1, "probability", sigmoid(table["logit"].to_numpy()))
    for name, pca in (pcas or {}).items():
        coords = pca.transform(features)
        for i in range(coords.shape[1]):
            table[f"{name}_pc{i + 1}"] = coords[:, i]
    return table


class FeaturePCA:
    """PCA of discriminator features (sklearn's PCA underneath), plus the head drawn in the PCA plane.

    A plane point p (n_components,) stands for the feature mean_ + components_.T @ p. Its logit is
    w . (mean_ + C^T p) + b = (C w) . p + (w . mean_ + b), linear in p: `project_direction(w)` = C w is the
    arrow along which the logit rises fastest in the plane, and `boundary_line` the D(x) = 0.5 (logit 0)
    line. Both describe the reconstructed features, not the points' own: a point's true logit also depends
    on the 4094 directions the plane drops, so points need not sit on the side of the line their score says.
    """

    def __init__(self, n_components: int = 2, random_state: int = 0):
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, features: np.ndarray) -> "FeaturePCA":
        """features (N,D) -> self, with mean_ (D,), components_ (k,D) orthonormal rows,
        explained_variance_ (k,), explained_variance_ratio_ (k,) in [0, 1]; float32 input gives float32
        attributes (as sklearn)."""
        from sklearn.decomposition import PCA

        # 4 power iterations (sklearn's default is 7 for 2 components): on 7,000 x 4,096 discriminator features
        # the components match the exact SVD to 1 - cos < 1e-6, as with 7, in 0.28 s instead of 0.52 s.
        pca = PCA(n_components=self.n_components, iterated_power=4, random_state=self.random_state)
        pca.fit(np.asarray(features))  # float32 stays float32: 7,000 x 4,096 features need no float64 copy
        self.pca_ = pca
        self.mean_ = pca.mean_
        self.components_ = pca.components_
        self.explained_variance_ = pca.explained_variance_
        self.explained_variance_ratio_ = pca.explained_variance_ratio_
        return self

    def transform(self, features: np.ndarray) -> np.ndarray:
        """features (N,D) -> plane coordinates (N,k) float64."""
        return (np.asarray(features, dtype=np.float64) - self.mean_) @ self.components_.T

    def project_direction(self, w: np.ndarray) -> np.ndarray:
        """w (D,) -> C w (k,): the head direction in the plane (the gradient of the plane logit).
        Its length over |w| is the share of the head the plane can show (1 if w lies in the plane)."""
        return self.components_ @ np.asarray(w, dtype=np.float64).reshape(-1)

    def share_of(self, w: np.ndarray) -> float:
        """The share of w the plane holds: |C w| / |w| in [0, 1], the cosine of the angle between w and the plane.
        C w is the gradient of the logit within the plane, so this is the fraction of the score's steepest slope
        the plane can show (1: w lies in the plane; 0: the score does not change across the plane)."""
        w = np.asarray(w, dtype=np.float64).reshape(-1)
        return float(np.linalg.norm(self.project_direction(w)) / np.linalg.norm(w))

    def boundary_line(self, w: np.ndarray, b: float) -> tuple[np.ndarray, np.ndarray] | None:
        """The plane points with plane logit 0, i.e. D = 0.5, as (point (k,), direction (k,) unit) for k = 2:
        {point + t * direction}. point is the line's closest point to the origin (the fitted mean).
        None when the projected w is zero (the plane logit is constant: no line, or the whole plane)."""
        if self.components_.shape[0] != 2:
            raise ValueError("the boundary is a line only in a 2-d PCA plane")
        w = np.asarray(w, dtype=np.float64).reshape(-1)
        a = self.project_direction(w)  # (2,)
        a_norm2 = float(a @ a)
        if a_norm2 <= 1e-24 * max(float(w @ w), 1e-300):
            return None
        offset = float(w @ self.mean_ + b)
        point = -offset * a / a_norm2  # a . point + offset = 0
        direction = np.array([-a[1], a[0]]) / np.sqrt(a_norm2)
        return point, direction

    def boundary_segment(
        self, w: np.ndarray, b: float, xlim: tuple[float, float], ylim: tuple[float, float]
    ) -> np.ndarray | None:
        """The D = 0.5 line clipped to the box xlim x ylim: endpoints (2, 2) [[x0, y0], [x1, y1]],
        or None when the line misses the box or does not exist."""
        line = self.boundary_line(w, b)
        if line is None:
            return None
        point, direction = line
        lo, hi = np.array([xlim[0], ylim[0]], float), np.array([xlim[1], ylim[1]], float)
        t_min, t_max = -np.inf, np.inf
        for axis in range(2):  # Liang-Barsky clipping of the parametric line
            if abs(direction[axis]) < 1e-15:
                if not lo[axis] <= point[axis] <= hi[axis]:
                    return None
                continue
            t0 = (lo[axis] - point[axis]) / direction[axis]
            t1 = (hi[axis] - point[axis]) / direction[axis]
            t_min, t_max = max(t_min, min(t0, t1)), min(t_max, max(t0, t1))
        if t_min > t_max:
            return None
        return np.stack([point + t_min * direction, point + t_max * direction])


def unit_split(features: np.ndarray, w: np.ndarray, b: float) -> pd.DataFrame:
    """features (N,D), w (D,), b -> DataFrame with N rows: real_units = sum of w_i phi_i over w_i > 0 (the pull of
    the units that raise the score), fake_units = the same over w_i < 0 (their push), bias = b, logit = their sum,
    exactly w . phi + b (float64; units with w_i = 0 add nothing)."""
    phi = np.asarray(features, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    real = phi @ np.where(w > 0, w, 0.0)  # (N,)
    fake = phi @ np.where(w < 0, w, 0.0)  # (N,)
    return pd.DataFrame({"real_units": real, "fake_units": fake, "bias": float(b), "logit": real + fake + float(b)})


class ScorePlane:
    """The score plane: x = the exact logit w . phi + b, y = the first principal component of phi orthogonal to w.

    fit(features of D's world (real + generated), w, b) learns unit_ (D,) = w / |w|, mean_ (D,), and
    orthogonal_ (D,), a unit vector orthogonal to w: the direction of largest variance once the score direction
    is removed; explained_variance_ratio_ is its share of the variance of the orthogonal part, in [0, 1].
    """

    def __init__(self, random_state: int = 0):
        self.random_state = random_state

    def fit(self, features: np.ndarray, w: np.ndarray, b: float) -> "ScorePlane":
        w = np.asarray(w, dtype=np.float64).reshape(-1)
        norm = np.linalg.norm(w)
        if norm == 0:
            raise ValueError("the head's weight vector is zero: no score direction")
        self.w_, self.b_, self.unit_ = w, float(b), w / norm
        phi = np.asarray(features, dtype=np.float64)
        self.mean_ = phi.mean(axis=0)  # (D,)
        rest = _remove(phi - self.mean_, self.unit_)  # (N, D), orthogonal to w
        pca = FeaturePCA(1, self.random_state).fit(rest)
        direction = _remove(pca.components_[0][None].astype(np.float64), self.unit_)[0]  # exact orthogonality
        self.orthogonal_ = direction / np.linalg.norm(direction)
        self.explained_variance_ratio_ = float(pca.explained_variance_ratio_[0])
        return self

    def transform(self, features: np.ndarray) -> np.ndarray:
        """features (N,D) -> (N, 2) float64: column 0 the logit w . phi + b exactly, column 1 (phi - mean_) . y."""
        phi = np.asarray(features, dtype=np.float64)
        return np.column_stack([phi @ self.w_ + self.b_, (phi - self.mean_) @ self.orthogonal_])


def _remove(x: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """x (N,D) minus its component along the unit vector (D,)."""
    return x - np.outer(x @ unit, unit)
