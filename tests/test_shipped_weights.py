"""The shipped weights tell the lesson: the default pair reproduces the notebook's observations, the jointly trained
discriminator does not. Thresholds are the ones the project promised (issue 2), not the measured values."""

import pytest

from gan_core import data, notebook, scoring, weights


@pytest.fixture(scope="module")
def generator():
    return weights.load_generator()


def _mean(discriminator, images) -> float:
    return float(scoring.score_batch(discriminator, images)["probability"].mean())


def test_default_pair_reproduces_the_notebook(generator):
    answers = notebook.run_notebook(generator, weights.load_discriminator())
    assert answers["noise_prob"] > 0.5 and answers["binary_prob"] > 0.5 and answers["cat_prob"] > 0.5
    assert answers["generated_prob"] < 0.2


def test_default_discriminator_group_means(generator):
    discriminator = weights.load_discriminator()
    assert _mean(discriminator, data.gaussian_noise(1000, 7)) >= 0.7
    assert _mean(discriminator, data.binary_noise(1000, 7)) >= 0.7
    assert _mean(discriminator, data.generated_digits(generator, 1000, 7)) <= 0.25


def test_joint_discriminator_rejects_noise():
    joint = weights.load_discriminator(weights.WEIGHTS_DIR / "discriminator_joint.pt")
    for source in (data.gaussian_noise, data.binary_noise, data.uniform_noise):
        assert _mean(joint, source(1000, 7)) <= 0.1


def test_every_discriminator_ranks_real_above_generated(generator):
    real, fake = data.real_digits(1000, 7), data.generated_digits(generator, 1000, 7)
    for name in weights.shipped_weights(kind="discriminator"):
        discriminator = weights.load_discriminator(weights.WEIGHTS_DIR / name)
        assert _mean(discriminator, real) > _mean(discriminator, fake), name
