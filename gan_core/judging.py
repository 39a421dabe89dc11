"""How good a judge a discriminator is, measured on the 1,000 held-out real digits (never trained on).

`judge_discriminator` gives D's mean probability per group, its AUROC for telling held-out real digits from a
generator's digits, and the notebook's four single answers: the numbers the manifest and the model card quote.
"""

import numpy as np

from . import data, notebook, scoring
from .metrics import auroc
from .models import ConvDiscriminator, ConvGenerator

JUDGE_GROUPS = ("gaussian", "binary", "uniform", "natural")


def real_vs_generated_auroc(real_probabilities, generated_probabilities) -> float:
    """P(D(real) > D(generated)) for a random held-out real and a random generated digit, ties half; in [0, 1],
    1 = a perfect judge, 0.5 = chance (`metrics.auroc` with the real digits as the positive class)."""
    return auroc(generated_probabilities, real_probabilities)


def judge_discriminator(
    discriminator: ConvDiscriminator, generator: ConvGenerator, n: int = 1000, seed: int = 7
) -> dict:
    """D on the holdout: {"real", "generated", "auroc", "gaussian", "binary", "uniform", "natural"} (mean
    probabilities in [0, 1] over n images each, seed; real = the held-out digits, all 1,000 when n >= 1,000),
    then the notebook's "noise_prob", "binary_prob", "generated_prob", "cat_prob"."""
    sources = data.group_sources(generator)
    real = data.real_digits_with_labels("holdout")[0][:n]
    groups = {"real": real, "generated": sources["generated"](n, seed)}
    groups |= {name: sources[name](n, seed) for name in JUDGE_GROUPS}
    scores = scoring.score_groups(discriminator, groups)
    p = {name: part["probability"].to_numpy() for name, part in scores.groupby("group", sort=False)}
    result = {name: float(np.mean(p[name])) for name in groups}
    result["auroc"] = real_vs_generated_auroc(p["real"], p["generated"])
    answers = notebook.run_notebook(generator, discriminator)
    return result | {k: v for k, v in answers.items() if k.endswith("_prob")}
