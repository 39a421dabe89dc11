import numpy as np
import pytest
import torch

from gan_core.batchnorm_effect import batchnorm_effect, summarise_effect, train_mode_scores
from gan_core.scoring import score_batch


@pytest.fixture(scope="module")
def discriminator(tiny_pair):
    return tiny_pair[1]


def _images(n, seed):
    return torch.randn(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def test_train_mode_leaves_the_model_unchanged(discriminator):
    before = {k: v.clone() for k, v in discriminator.state_dict().items()}
    train_mode_scores(discriminator, _images(10, 0), batch_size=4)
    assert not discriminator.training
    assert all(torch.equal(before[k], v) for k, v in discriminator.state_dict().items())


def test_train_mode_uses_the_statistics_of_each_homogeneous_batch(discriminator):
    x = _images(10, 1)
    logits = train_mode_scores(discriminator, x, batch_size=4)  # batches 0-3, 4-7, 8-9
    model = type(discriminator)()
    model.load_state_dict(discriminator.state_dict())
    model.train()
    with torch.no_grad():
        by_hand = torch.cat([model.logit(x[i : i + 4])[:, 0] for i in (0, 4, 8)]).numpy()
    np.testing.assert_allclose(logits, by_hand, rtol=1e-5, atol=1e-5)
    other = x.clone()
    other[1:4] = _images(3, 2)  # new batch-mates for image 0
    changed = train_mode_scores(discriminator, other, batch_size=4)
    assert abs(changed[0] - logits[0]) > 1e-4  # train mode: an image's score depends on its batch
    eval_a, eval_b = score_batch(discriminator, x)["logit"], score_batch(discriminator, other)["logit"]
    assert eval_a[0] == pytest.approx(eval_b[0], abs=1e-6)  # eval mode: it does not


def test_batchnorm_effect_table(discriminator):
    groups = {"a": _images(5, 3), "b": torch.zeros(3, 1, 28, 28)}
    effect = batchnorm_effect(discriminator, groups, batch_size=4)
    assert effect["group"].tolist() == ["a"] * 5 + ["b"] * 3
    np.testing.assert_allclose(effect["eval_logit"][:5], score_batch(discriminator, groups["a"])["logit"], atol=1e-5)
    np.testing.assert_allclose(effect["train_logit"][:5], train_mode_scores(discriminator, groups["a"], 4), atol=1e-6)
    np.testing.assert_allclose(effect["train_probability"], 1 / (1 + np.exp(-effect["train_logit"])), atol=1e-6)
    summary = summarise_effect(effect)
    assert summary["group"].tolist() == ["a", "b"] and summary["n"].tolist() == [5, 3]
    assert summary["train_mean"][0] == pytest.approx(effect["train_probability"][:5].mean())
