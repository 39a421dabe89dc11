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
    disc_b, log_b = training.train_discriminator(generator, _real(), epochs=1, seed=1, batch_size=32, progress=False)
    assert all(torch.equal(before[k], v) for k, v in generator.state_dict().items())
    assert log_a.rows == log_b.rows and not disc_a.training
    assert log_a.rows[-1]["d_loss"] < log_a.rows[0]["d_loss"]
    path = log_a.save_csv(tmp_path / "log.csv")
    assert path.read_text().splitlines()[0] == "epoch,step,d_loss,d_real,d_fake"
