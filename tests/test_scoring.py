import numpy as np
import pandas as pd
import torch

from gan_core.scoring import discriminator_outputs, score_batch, score_groups, sigmoid, summarise


def test_score_batch_matches_the_model_forward(tiny_pair):
    _, discriminator = tiny_pair
    x = torch.randn(37, 1, 28, 28)
    scores = score_batch(discriminator, x, batch_size=8)
    with torch.no_grad():
        reference = discriminator(x)[:, 0].numpy()
    np.testing.assert_allclose(scores["probability"], reference, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sigmoid(scores["logit"]), scores["probability"])
    assert scores["logit"].shape == (37,) and scores["logit"].dtype == np.float32


def test_results_do_not_depend_on_batch_size(tiny_pair):
    _, discriminator = tiny_pair
    x = torch.randn(20, 1, 28, 28)
    np.testing.assert_allclose(
        score_batch(discriminator, x, 1)["logit"], score_batch(discriminator, x, 256)["logit"], rtol=1e-5, atol=1e-5
    )


def test_outputs_give_features_and_logits(tiny_pair):
    _, discriminator = tiny_pair
    x = torch.randn(4, 1, 28, 28)
    features, logits = discriminator_outputs(discriminator, x)
    assert features.shape == (4, 4096)
    w, b = discriminator.head.weight.detach().numpy()[0], discriminator.head.bias.item()
    np.testing.assert_allclose(features @ w + b, logits, rtol=1e-4, atol=1e-4)


def test_sigmoid_is_stable_at_extremes():
    out = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    assert out.tolist() == [0.0, 0.5, 1.0] and np.isfinite(out).all()


def test_score_groups_and_summary(tiny_pair):
    _, discriminator = tiny_pair
    frame = score_groups(discriminator, {"a": torch.randn(3, 1, 28, 28), "b": torch.zeros(2, 1, 28, 28)})
    assert list(frame.columns) == ["group", "index", "probability", "logit"]
    assert frame["group"].tolist() == ["a"] * 3 + ["b"] * 2
    summary = summarise(frame).set_index("group")
    assert summary.loc["a", "n"] == 3
    expected = frame[frame.group == "b"].probability
    assert summary.loc["b", "mean"] == expected.mean()
    assert summary.loc["b", "share_above_half"] == float((expected > 0.5).mean())


def test_score_groups_gives_each_group_its_own_scores(tiny_pair):
    # The groups are scored in one pass; each row must still be its own image's score, in order (equal up to the
    # float32 rounding that moves with a batch's size in oneDNN's kernels).
    _, discriminator = tiny_pair
    rng = torch.Generator().manual_seed(3)
    groups = {
        "a": torch.randn(5, 1, 28, 28, generator=rng),
        "empty": torch.zeros(0, 1, 28, 28),
        "b": torch.rand(4, 1, 28, 28, generator=rng),
    }
    frame = score_groups(discriminator, groups, batch_size=3)
    for name, images in groups.items():
        rows = frame[frame.group == name]
        assert rows["index"].tolist() == list(range(len(images)))
        np.testing.assert_allclose(
            rows["logit"].to_numpy(), score_batch(discriminator, images, 3)["logit"], rtol=1e-5, atol=1e-6
        )


def test_summary_share_above_half_counts_correctly():
    frame = pd.DataFrame({"group": ["g"] * 4, "probability": [0.1, 0.6, 0.7, 0.5], "logit": [0.0] * 4})
    assert summarise(frame)["share_above_half"].item() == 0.5


def test_empty_input(tiny_pair):
    scores = score_batch(tiny_pair[1], torch.zeros(0, 1, 28, 28))
    assert scores["probability"].shape == (0,)
    assert score_groups(tiny_pair[1], {}).empty
