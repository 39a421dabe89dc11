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
class UnseenReading:
    real: float  # mean D(x) of the real digits
    generated: float | None  # of the generated digits (None when that group is not shown)
    unseen: int  # groups shown that D never trained on (noise, photos, clothes)
    above: tuple[str, ...]  # those whose mean is at least the real digits', in the page's order


def unseen_reading(scores: pd.DataFrame) -> UnseenReading | None:
    """cache.group_scores' table (the groups the page shows) -> how the never-seen groups compare with the real
    digits on average. None without real digits or without any never-seen group."""
    means = scores.groupby("group", sort=False)["probability"].mean()
    unseen = [g for g in means.index if g in OOD_GROUPS]
    if "real" not in means.index or not unseen:
        return None
    real = float(means["real"])
    generated = float(means["generated"]) if "generated" in means.index else None
    return UnseenReading(real, generated, len(unseen), tuple(g for g in unseen if means[g] >= real))


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

    def numbers(self) -> dict:
        """The sentence's numbers by placeholder name (the group is worded by the page)."""
        return {name: value for name, value in vars(self).items() if name != "group"}


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


@dataclass(frozen=True)
class DigitReading:
    probability: float  # D(x) of the lesson's real digit, in [0, 1]
    real_mean: float  # mean D(x) of the n real digits it is one of (the distributions step's draw)
    real_share: float  # their share at D(x) >= 0.5, in [0, 1]
    generated_mean: float  # mean D(x) of as many generated digits
    n: int
    verdict: str  # "real": this digit gets >= 0.5; "fake": below


def digit_reading(scores: pd.DataFrame, index: int = 0) -> DigitReading:
    """cache.group_scores' table (group, index, probability) -> the real digit `index` next to its group."""
    real = scores[scores["group"] == "real"]
    probability = float(real.loc[real["index"] == index, "probability"].iloc[0])
    generated = scores.loc[scores["group"] == "generated", "probability"]
    return DigitReading(
        probability,
        float(real["probability"].mean()),
        float((real["probability"] >= 0.5).mean()),
        float(generated.mean()),
        len(real),
        "real" if probability >= 0.5 else "fake",
    )


@dataclass(frozen=True)
class GroupsReading:
    real: float  # mean D(x) of the real digits
    generated: float  # of the generated ones
    noise: float  # of the Gaussian noise
    ordered: bool  # real digits above generated ones (means)
    noise_vs_real: str  # "above": noise's mean >= the real digits'; "below"


def groups_reading(scores: pd.DataFrame) -> GroupsReading:
    """cache.group_scores' table -> the means the distributions step compares (real, generated, Gaussian noise)."""
    means = scores.groupby("group")["probability"].mean()
    real, generated, noise = (float(means[g]) for g in ("real", "generated", "gaussian"))
    return GroupsReading(real, generated, noise, real > generated, "above" if noise >= real else "below")


@dataclass(frozen=True)
class PathReading:
    low: float  # the lowest D(x) along the interpolation strip
    low_alpha: float
    high: float  # the highest
    high_alpha: float
    verdict: str  # "varied": high - low >= PATH_VARIED; "flat": less


PATH_VARIED = 0.2  # a spread of D(x) along the path this wide is called "very different scores"


def path_reading(path: pd.DataFrame) -> PathReading:
    """cache.interpolate's table (alpha, probability) -> the path's lowest and highest score and where."""
    low, high = path.loc[path["probability"].idxmin()], path.loc[path["probability"].idxmax()]
    lo, hi = float(low["probability"]), float(high["probability"])
    return PathReading(
        lo, float(low["alpha"]), hi, float(high["alpha"]), "varied" if hi - lo >= PATH_VARIED else "flat"
    )


@dataclass(frozen=True)
class CatReading:
    cat: float  # D(x) of the notebook's cat
    generated: float  # of the notebook's generated digit
    real_mean: float  # mean D(x) of the real digits
    verdict: str  # "real": the cat gets >= 0.5; "fake"
    vs_real: str  # "above": the cat scores at least the real digits' mean; "below"


def cat_reading(examples: pd.DataFrame, scores: pd.DataFrame) -> CatReading:
    """cache.notebook_examples' scores (name, probability) and cache.group_scores' table -> the cat's reveal."""
    probability = examples.set_index("name")["probability"]
    cat, generated = float(probability["cat"]), float(probability["generated"])
    real_mean = float(scores.loc[scores["group"] == "real", "probability"].mean())
    return CatReading(
        cat, generated, real_mean, "real" if cat >= 0.5 else "fake", "above" if cat >= real_mean else "below"
    )
