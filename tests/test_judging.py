import numpy as np
import pytest

from gan_core import data, judging, notebook, scoring


def test_auroc_has_the_real_digits_as_the_positive_class():
    assert judging.real_vs_generated_auroc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert judging.real_vs_generated_auroc([0.1], [0.9]) == 0.0
    assert judging.real_vs_generated_auroc([0.5, 0.9], [0.5, 0.1]) == pytest.approx(0.875)  # ties count half


def test_judge_measures_on_the_holdout_digits(tiny_pair):
    generator, discriminator = tiny_pair
    judged = judging.judge_discriminator(discriminator, generator, n=20, seed=3)
    assert set(judged) == {"real", "generated", "auroc", *judging.JUDGE_GROUPS} | {
        "noise_prob",
        "binary_prob",
        "generated_prob",
        "cat_prob",
    }
    real = scoring.score_batch(discriminator, data.real_digits_with_labels("holdout")[0][:20])["probability"]
    fake = scoring.score_batch(discriminator, data.generated_digits(generator, 20, 3))["probability"]
    assert judged["real"] == pytest.approx(float(np.mean(real)))
    assert judged["auroc"] == pytest.approx(judging.real_vs_generated_auroc(real, fake))
    gaussian = scoring.score_batch(discriminator, data.gaussian_noise(20, 3))["probability"]
    assert judged["gaussian"] == pytest.approx(float(np.mean(gaussian)))
    assert judged["cat_prob"] == notebook.run_notebook(generator, discriminator)["cat_prob"]
