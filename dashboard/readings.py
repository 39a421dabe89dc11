"""What the numbers on a page say: the inputs of every sentence that states a fact about scores, computed from the
very table the page shows (never from an expectation). Pure pandas; the pages word the result through i18n."""

from dataclasses import dataclass

import pandas as pd

from gan_core.detectors import DETECTORS

OOD_GROUPS = ("gaussian", "binary", "uniform", "natural", "fashion")  # everything that is not a digit
FAR_GROUPS = ("gaussian", "binary", "uniform", "natural")  # noise and photos
FEATURE_DETECTORS = ("mahalanobis", "knn")  # distances in feature space
CLEAR_MARGIN = 0.02  # AUROC points by which feature-space distance must beat D's score to be called better


@dataclass(frozen=True)
class ZooReading:
    ordered: int  # discriminators whose real digits score above their generated ones (mean)
    total: int
    spread: float  # the largest max - min of one off-data group's mean across discriminators


def zoo_reading(summary: pd.DataFrame) -> ZooReading | None:
    """gan_core.scoring.summarise rows with a `label` column per discriminator -> the zoo's reading (None without
    real and generated rows)."""
    means = summary.pivot(index="label", columns="group", values="mean")
    if not {"real", "generated"} <= set(means.columns):
        return None
    ood = [g for g in OOD_GROUPS if g in means.columns]
    spread = float((means[ood].max() - means[ood].min()).max()) if ood else 0.0
    return ZooReading(int((means["real"] > means["generated"]).sum()), len(means), spread)


@dataclass(frozen=True)
class MetricsReading:
    means: dict  # detector -> mean AUROC over the far groups present
    features_win: bool  # a feature-space distance beats D's own score by more than CLEAR_MARGIN


def metrics_reading(metrics: pd.DataFrame) -> MetricsReading | None:
    """gan_core.ood_report's table -> mean AUROC per detector over noise and photos (None when none is present)."""
    far = metrics[metrics["group"].isin(FAR_GROUPS)]
    if far.empty:
        return None
    means = {name: float(far[f"{name}_auroc"].mean()) for name in DETECTORS}
    best = max(means[name] for name in FEATURE_DETECTORS)
    return MetricsReading(means, best > means["raw_score"] + CLEAR_MARGIN)
