"""Why a discriminator scores each group as it does: one row per group of the lesson's inputs.

`explain_groups` puts side by side, per group: the mean logit and its unit split (real-unit pull + fake-unit push +
bias = the logit, exactly), the mean feature norm, the mean Mahalanobis distance to the features of the 4,000 fit
digits (class-agnostic: one mean and covariance for all digits), the share of w the classic PCA plane holds, and the
mean score in eval mode next to train mode on homogeneous batches (the BatchNorm effect). The real group is the
held-out digits, never trained on.
"""

import numpy as np
import pandas as pd
import torch

from . import data
from .batchnorm_effect import batchnorm_effect
from .detectors import MahalanobisDetector
from .features import FeaturePCA, extract_features, head_direction, unit_split
from .models import ConvDiscriminator, ConvGenerator

COLUMNS = [
    "group",
    "n",
    "mean_logit",
    "real_units",
    "fake_units",
    "bias",
    "mean_feature_norm",
    "mean_mahalanobis_to_fit",
    "pca_share_of_w",
    "eval_mean",
    "train_mode_mean",
]


def explain_images(generator: ConvGenerator, n: int, seed: int) -> dict[str, torch.Tensor]:
    """{group: (N_g,1,28,28)}: "real" = the first n held-out digits, then n images of every other standard group
    (seed) and the notebook's cat (1 image)."""
    sources = data.group_sources(generator)
    groups = {"real": data.real_digits_with_labels("holdout")[0][:n]}
    groups |= {name: source(n, seed) for name, source in sources.items() if name != "real"}
    return groups | {"cat": data.cat_image()}


def explain_groups(
    discriminator: ConvDiscriminator, groups: dict[str, torch.Tensor], fit_digits: torch.Tensor
) -> pd.DataFrame:
    """groups {name: images} (must hold "real" and "generated": D's world, where the PCA plane is fitted),
    fit_digits (M,1,28,28) the digits distances are measured to -> one row per group, columns COLUMNS.
    real_units + fake_units + bias == mean_logit (means of the per-image split); scores in [0, 1]."""
    w, b = head_direction(discriminator)
    features = {name: extract_features(discriminator, images)[0] for name, images in groups.items()}
    distance = MahalanobisDetector().fit(extract_features(discriminator, fit_digits)[0])
    share = FeaturePCA(2).fit(np.concatenate([features["real"], features["generated"]])).share_of(w)
    effect = batchnorm_effect(discriminator, groups).groupby("group", sort=False)
    rows = []
    for name, phi in features.items():
        split = unit_split(phi, w, b).mean()
        rows.append(
            {
                "group": name,
                "n": len(phi),
                "mean_logit": split["logit"],
                "real_units": split["real_units"],
                "fake_units": split["fake_units"],
                "bias": split["bias"],
                "mean_feature_norm": float(np.linalg.norm(phi.astype(np.float64), axis=1).mean()),
                "mean_mahalanobis_to_fit": float(distance.score(phi).mean()),
                "pca_share_of_w": share,
                "eval_mean": float(effect.get_group(name)["eval_probability"].mean()),
                "train_mode_mean": float(effect.get_group(name)["train_probability"].mean()),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def explain(discriminator: ConvDiscriminator, generator: ConvGenerator, n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """`explain_groups` on the standard groups (n each, seed) with distances to all 4,000 fit digits."""
    fit_digits = data.real_digits_with_labels("fit")[0]
    return explain_groups(discriminator, explain_images(generator, n, seed), fit_digits)
