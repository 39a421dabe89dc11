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


# ----- issue 11: unit split, BatchNorm effect, training over time -----


@dataclass(frozen=True)
class UnitReading:
    real_pull: float  # the real digits' mean real-unit pull
    real_push: float  # their mean fake-unit push (negative)
    real_logit: float  # their mean logit (pull + push + bias)
    group: str  # the off-data group whose real units pull hardest
    pull: float
    push: float
    logit: float


def unit_reading(units: pd.DataFrame) -> UnitReading | None:
    """The feature view's unit table (group, real_units, fake_units, logit) -> the real digits' split next to the
    off-data group whose real units pull hardest (None without real digits or an off-data group)."""
    by_group = units.set_index("group")
    far = by_group.drop(index=["real", "generated"], errors="ignore")
    if "real" not in by_group.index or far.empty:
        return None
    other = str(far["real_units"].idxmax())
    row, real = far.loc[other], by_group.loc["real"]
    return UnitReading(
        float(real["real_units"]),
        float(real["fake_units"]),
        float(real["logit"]),
        other,
        float(row["real_units"]),
        float(row["fake_units"]),
        float(row["logit"]),
    )


@dataclass(frozen=True)
class BatchNormReading:
    real_eval: float  # mean D(x) of the real digits in eval mode
    real_train: float  # ... in train mode on all-real batches
    generated_eval: float
    generated_train: float


def batchnorm_reading(summary: pd.DataFrame) -> BatchNormReading | None:
    """cache.batchnorm_view's table (group, eval_mean, train_mean) -> the real and generated means in both modes."""
    by_group = summary.set_index("group")
    if not {"real", "generated"} <= set(by_group.index):
        return None
    real, fake = by_group.loc["real"], by_group.loc["generated"]
    return BatchNormReading(
        float(real["eval_mean"]), float(real["train_mean"]), float(fake["eval_mean"]), float(fake["train_mean"])
    )


def first_epoch_below(history: pd.DataFrame, group: str, threshold: float = 0.5) -> float | None:
    """The first epoch (fractional within an epoch where the table has steps) at which one model's mean D(x) for
    `group` is below threshold (history: one model's rows of scores_over_time.csv), or None if it never is."""
    rows = history[(history["group"] == group) & (history["mean_probability"] < threshold)]
    return float(rows["epoch"].min()) if len(rows) else None


def last_epoch_means(history: pd.DataFrame, group: str) -> dict:
    """scores_over_time.csv -> {scheme: mean over that scheme's models of `group`'s mean D(x) at each model's last
    epoch}, for every scheme present."""
    last = history[history["epoch"] == history.groupby("model")["epoch"].transform("max")]
    rows = last[last["group"] == group]
    return {str(k): float(v) for k, v in rows.groupby("scheme")["mean_probability"].mean().items()}


@dataclass(frozen=True)
class RevealReading:
    noise: float  # D(x) of the notebook's Gaussian noise, in [0, 1]
    binary: float  # D(x) of its binary noise
    verdict: str  # "real": D calls both noises real (>= 0.5); "fake": both fake; "split": one each


def reveal_reading(examples: pd.DataFrame) -> RevealReading:
    """The notebook's examples (cache.notebook_examples' scores: name, probability) -> what the reveal says."""
    probability = examples.set_index("name")["probability"]
    noise, binary = float(probability["noise"]), float(probability["binary"])
    real = [p >= 0.5 for p in (noise, binary)]
    return RevealReading(noise, binary, "real" if all(real) else "fake" if not any(real) else "split")


# ----- issue 12: the fooling climb, the guided lesson's reveals -----

FOOLED = 0.9  # D(x) at which a fooling climb counts as fooled
REJECTED = 0.1  # D(x) at or below which a start counts as rejected


@dataclass(frozen=True)
class FoolingReading:
    start: float  # D(x) at step 0, in [0, 1]
    end: float  # D(x) at the last step
    reached: int | None  # the first step with D(x) >= FOOLED, or None
    candidates: int  # how many seeded inputs the start was chosen from
    verdict: str  # "fooled": rejected start (<= REJECTED), fooled end; "accepted": the start already scored above
    # REJECTED; "climbing": rejected start, not fooled yet


def fooling_reading(probabilities, candidates) -> FoolingReading:
    """D(x) per step of a fooling path (k+1,) and the start's candidates' D(x) (m,) -> what the section says."""
    scores = [float(p) for p in probabilities]
    hits = [step for step, p in enumerate(scores) if p >= FOOLED]
    reached = hits[0] if hits else None
    start, end = scores[0], scores[-1]
    verdict = "accepted" if start > REJECTED else "fooled" if end >= FOOLED else "climbing"
    return FoolingReading(start, end, reached, len(candidates), verdict)
