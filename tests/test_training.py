import pytest
import torch

from gan_core import data, training


def _real(n=96):
    return data.real_digits(n, seed=0)


def test_dcgan_is_reproducible_from_its_seed(tmp_path):
    _, _, log_a = training.train_dcgan(
        _real(), epochs=1, seed=5, batch_size=32, progress=False, checkpoint_dir=tmp_path
    )
    _, _, log_b = training.train_dcgan(_real(), epochs=1, seed=5, batch_size=32, progress=False)
    _, _, log_c = training.train_dcgan(_real(), epochs=1, seed=6, batch_size=32, progress=False)
    assert log_a.rows == log_b.rows and log_a.rows != log_c.rows
    assert len(log_a.rows) == 3  # 96 // 32 steps
    assert (tmp_path / "generator_epoch01.pt").exists() and (tmp_path / "discriminator_epoch01.pt").exists()


def test_dcgan_steps_move_the_discriminator_towards_its_targets():
    _, _, log = training.train_dcgan(_real(192), epochs=1, seed=0, batch_size=32, progress=False)
    first, last = log.rows[0], log.rows[-1]
    assert last["d_real"] > first["d_real"] and last["d_fake"] < first["d_fake"]


def test_phase_two_trains_a_fresh_discriminator_against_a_frozen_generator(tiny_pair, tmp_path):
    generator, _ = tiny_pair
    before = {k: v.clone() for k, v in generator.state_dict().items()}
    disc_a, log_a = training.train_discriminator(generator, _real(), epochs=1, seed=1, batch_size=32, progress=False)
    _, log_b = training.train_discriminator(generator, _real(), epochs=1, seed=1, batch_size=32, progress=False)
    assert all(torch.equal(before[k], v) for k, v in generator.state_dict().items())
    assert log_a.rows == log_b.rows and not disc_a.training
    assert log_a.rows[-1]["d_loss"] < log_a.rows[0]["d_loss"]
    path = log_a.save_csv(tmp_path / "log.csv")
    assert path.read_text().splitlines()[0] == "epoch,step,d_loss,d_real,d_fake"


def _spy_on_batches(monkeypatch) -> list:
    """Record every batch the training loop would draw in an epoch, but hand it only the first two (fast)."""
    seen, original = [], training._batches

    def spy(images, batch_size, rng):
        batches = list(original(images, batch_size, rng))
        seen.extend(batches)
        yield from batches[:2]

    monkeypatch.setattr(training, "_batches", spy)
    return seen


def _rows(images: torch.Tensor) -> set:
    return {row.numpy().tobytes() for row in images.reshape(len(images), -1)}


@pytest.mark.parametrize("phase", ["dcgan", "discriminator"])
def test_a_model_trained_by_the_cli_never_sees_a_holdout_digit(phase, tiny_pair, tmp_path, monkeypatch):
    from gan_core import cli
    from gan_core.weights import save_state_dict

    seen = _spy_on_batches(monkeypatch)
    args = ["train", phase, "--epochs", "1", "--seed", "0"]
    if phase == "dcgan":
        args += ["--out", str(tmp_path / "run")]
    else:
        args += ["--generator", str(save_state_dict(tiny_pair[0], tmp_path / "g.pt")), "--out", str(tmp_path / "d.pt")]
    assert cli.main(args) == 0
    drawn = _rows(torch.cat(seen))
    fit, holdout = (_rows(data.real_digits_with_labels(split)[0]) for split in ("fit", "holdout"))
    assert len(holdout) == 1000 and not fit & holdout  # no digit is in both splits
    assert not drawn & holdout
    assert len(drawn) == 4000 // 64 * 64 and drawn <= fit  # a whole epoch of fit digits, ragged tail dropped


def test_the_mixed_scheme_shuffles_real_and_fake_into_one_batch(tiny_pair, monkeypatch):
    generator, _ = tiny_pair
    sizes = []
    original = training._mixed_step

    def spy(discriminator, real, fake, rng):
        sizes.append((len(real), len(fake)))
        return original(discriminator, real, fake, rng)

    monkeypatch.setitem(training.SCHEMES, "mixed", spy)
    disc_a, log_a = training.train_discriminator(
        generator, _real(), epochs=1, seed=1, batch_size=32, progress=False, scheme="mixed"
    )
    _, log_b = training.train_discriminator(
        generator, _real(), epochs=1, seed=1, batch_size=32, progress=False, scheme="mixed"
    )
    _, log_separate = training.train_discriminator(generator, _real(), epochs=1, seed=1, batch_size=32, progress=False)
    assert sizes == [(32, 32)] * 6 and log_a.rows == log_b.rows and log_a.rows != log_separate.rows
    assert log_a.rows[-1]["d_loss"] < log_a.rows[0]["d_loss"] and not disc_a.training


def test_the_mixed_step_feeds_one_shuffled_batch_and_sums_the_class_means():
    calls = []

    class Recorder(torch.nn.Module):
        def forward(self, x):
            calls.append(x.clone())
            return torch.sigmoid(x.mean((1, 2, 3)))[:, None]  # (B, 1): real images (+1) score high

    real, fake = torch.ones(4, 1, 28, 28), -torch.ones(4, 1, 28, 28)
    loss, p_real, p_fake = training._mixed_step(Recorder(), real, fake, torch.Generator().manual_seed(0))
    (batch,) = calls
    assert batch.shape == (8, 1, 28, 28) and not torch.equal(batch, torch.cat([real, fake]))  # one shuffled batch
    assert torch.allclose(p_real, torch.sigmoid(torch.tensor(1.0))) and torch.allclose(p_fake, 1 - p_real)
    expected = -torch.log(p_real).mean() - torch.log(1 - p_fake).mean()  # as the separate scheme's loss
    assert torch.allclose(loss, expected)


def test_an_unknown_scheme_is_refused(tiny_pair):
    with pytest.raises(ValueError, match="unknown batch scheme"):
        training.train_discriminator(tiny_pair[0], _real(), epochs=1, seed=0, batch_size=32, progress=False, scheme="x")


def test_step_checkpoints_leave_the_run_unchanged(tmp_path):
    from gan_core.weights import load_model

    _, disc_a, log_a = training.train_dcgan(
        _real(), epochs=1, seed=5, batch_size=32, progress=False, checkpoint_dir=tmp_path, step_checkpoints=(0, 2)
    )
    _, _, log_b = training.train_dcgan(_real(), epochs=1, seed=5, batch_size=32, progress=False)
    assert log_a.rows == log_b.rows
    assert sorted(p.name for p in tmp_path.glob("discriminator_step*")) == [
        "discriminator_step0000.pt",
        "discriminator_step0002.pt",
    ]
    _, fresh = training._new_models(5, torch.device("cpu"))
    start = load_model(tmp_path / "discriminator_step0000.pt", "discriminator")
    assert all(torch.equal(v, fresh.state_dict()[k]) for k, v in start.state_dict().items())  # before any step
    last = load_model(tmp_path / "discriminator_epoch01.pt", "discriminator").state_dict()
    assert all(torch.equal(v, disc_a.state_dict()[k]) for k, v in last.items())
