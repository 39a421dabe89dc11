"""The OOD metrics table: real MNIST digits (in-distribution) against every other group, for four detectors
on the discriminator's features.

Protocol: the detectors are fitted on n real digits from the "fit" split (seed) and evaluated on n real
digits from the "holdout" split (seed + 1, never fitted on) against n images of each other group (seed).
"""

import functools

import numpy as np
import pandas as pd

from .detectors import fit_all, score_all
from .features import extract_features, head_direction
from .metrics import auroc, fpr_at_tpr
from .workers import parallel_map

IN_DISTRIBUTION = "real"


def fit_detectors(fit_features: np.ndarray, w: np.ndarray, b: float) -> dict:
    """Name -> every registered detector (gan_core.detectors.DETECTORS) fitted on fit_features (N_fit, D).
    w (D,), b: the discriminator's head. The distance detectors share one Reference (one product in score_table)."""
    return fit_all(fit_features, (w, b))


def score_table(detectors: dict, in_features: np.ndarray, groups: dict) -> pd.DataFrame:
    """Fitted detectors (fit_detectors) -> the ood_table (see there). Each feature set is scored by every detector
    as one task on gan_core.workers."""
    in_scores, *out_scores = parallel_map(lambda x: score_all(detectors, x), [in_features, *groups.values()])
    rows = []
    for (group, features), scores in zip(groups.items(), out_scores):
        row = {"group": group, "n_in": len(in_features), "n_out": len(features)}
        for name in detectors:
            row[f"{name}_auroc"] = auroc(in_scores[name], scores[name])
            row[f"{name}_fpr95"] = fpr_at_tpr(in_scores[name], scores[name], 0.95)
        rows.append(row)
    columns = ["group", "n_in", "n_out"] + [f"{d}_{m}" for d in detectors for m in ("auroc", "fpr95")]
    return pd.DataFrame(rows, columns=columns)


def ood_table(fit_features: np.ndarray, in_features: np.ndarray, groups: dict, w: np.ndarray, b: float) -> pd.DataFrame:
    """Metrics from features already extracted.

    fit_features (N_fit, D): real digits the detectors are fitted on; in_features (N_in, D): held-out real
    digits; groups {name: (N_g, D)}: the OOD groups. Returns one row per group, in order, with columns
    group, n_in, n_out, then <detector>_auroc and <detector>_fpr95 for each detector in DETECTORS
    (AUROC: OOD positive, 1 = perfect, 0.5 = chance; FPR95: share of the group accepted when 95% of held-out
    real digits are, 0 = perfect). See gan_core.metrics for the exact definitions.
    """
    return score_table(fit_detectors(fit_features, w, b), in_features, groups)


def report_sources(generator, n: int = 1000, seed: int = 0) -> dict:
    """report_images' groups, each drawn only when called: name -> () -> (n,1,28,28) float32 tensor (so a caller
    can draw and score them one group at a time)."""
    from . import data

    sources = {
        "fit": lambda: data.real_digits(n, seed, split="fit"),
        IN_DISTRIBUTION: lambda: data.real_digits(n, seed + 1, split="holdout"),
    }
    for name, source in data.group_sources(generator).items():
        if name != IN_DISTRIBUTION:
            sources[name] = functools.partial(source, n, seed)
    return sources


def report_images(generator, n: int = 1000, seed: int = 0) -> dict:
    """{"fit": n real digits of the fit split (seed), "real": n held-out real digits (seed + 1), then every
    other group of data.group_sources(generator) (seed)}: name -> (n,1,28,28) float32 tensor."""
    return {name: draw() for name, draw in report_sources(generator, n, seed).items()}


def report_features(discriminator, images: dict) -> dict:
    """{name: images (n,1,28,28)} -> {name: (features (n,4096), logits (n,))}."""
    return {name: extract_features(discriminator, x) for name, x in images.items()}


def ood_report(generator, discriminator, n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Real digits against every other group: the ood_table (one row per group) for n images per group.
    The holdout split has 1,000 digits; a larger n draws holdout digits with replacement."""
    features = report_features(discriminator, report_images(generator, n, seed))
    w, b = head_direction(discriminator)
    groups = {name: phi for name, (phi, _) in features.items() if name not in ("fit", IN_DISTRIBUTION)}
    return ood_table(features["fit"][0], features[IN_DISTRIBUTION][0], groups, w, b)
