import gzip

import numpy as np
import pytest
import torch

from gan_core import data

BOUNDED = {
    "binary": data.binary_noise,
    "uniform": data.uniform_noise,
    "real": data.real_digits,
    "natural": data.natural_images,
}


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_bounded_sources_shape_range_and_seed(name):
    source = BOUNDED[name]
    a, b, c = source(7, 1), source(7, 1), source(7, 2)
    assert a.shape == (7, 1, 28, 28) and a.dtype == torch.float32
    assert a.min() >= -1 and a.max() <= 1 and torch.isfinite(a).all()
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_gaussian_noise_is_the_notebooks_draw():
    torch.manual_seed(42)
    expected = torch.randn((1, 1, 28, 28), dtype=torch.float32)
    assert torch.equal(data.gaussian_noise(1, 42), expected)


def test_binary_noise_is_exactly_plus_minus_one():
    values = data.binary_noise(50, 0).unique()
    assert values.tolist() == [-1.0, 1.0]


def test_uniform_noise_fills_its_range():
    x = data.uniform_noise(100, 0)
    assert x.min() < -0.99 and x.max() > 0.99 and abs(float(x.mean())) < 0.02


def test_generated_digits_use_the_generator_in_eval_mode(tiny_pair):
    generator, _ = tiny_pair
    x = data.generated_digits(generator, 5, seed=3, batch_size=2)
    assert x.shape == (5, 1, 28, 28)
    with torch.inference_mode():
        expected = generator.eval()(data.latent_noise(5, 3))
    torch.testing.assert_close(x, expected)


def test_real_digits_splits_are_disjoint_and_labelled():
    fit, _ = data.real_digits_with_labels("fit")
    holdout, holdout_labels = data.real_digits_with_labels("holdout")
    assert len(fit) == 4000 and len(holdout) == 1000
    assert set(np.unique(holdout_labels)) == set(range(10))
    fit_keys = {row.tobytes() for row in fit.numpy()}
    assert not any(row.tobytes() in fit_keys for row in holdout.numpy()[:200])
    # MNIST is white ink on black: the background is -1
    assert float(np.median(fit.numpy())) == -1.0


def test_real_digits_past_the_pool_size_draw_with_replacement():
    assert data.real_digits(1200, 0, split="holdout").shape == (1200, 1, 28, 28)


def test_cat_is_the_notebook_pipeline_on_chelsea():
    import cv2
    import skimage.data

    gray = cv2.cvtColor(skimage.data.chelsea(), cv2.COLOR_RGB2GRAY)
    expected = torch.tensor(cv2.resize(gray, (28, 28)), dtype=torch.float32) / 127.5 - 1
    torch.testing.assert_close(data.cat_image(), expected.view(1, 1, 28, 28))


def test_whole_photos_cycle_through_the_shipped_photos():
    whole = data.natural_images(len(data.NATURAL_IMAGE_NAMES) + 1, seed=0, crops=False)
    torch.testing.assert_close(whole[0:1], data.cat_image())
    torch.testing.assert_close(whole[-1:], data.cat_image())


def test_idx_reader_round_trip(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    raw = b"\x00\x00\x08\x03" + b"".join(int(v).to_bytes(4, "big") for v in (3, 28, 28)) + images.tobytes()
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(raw))
    assert np.array_equal(data.read_idx_images(path), images)
    x = data.idx_digits(path, 3, seed=0)
    assert x.shape == (3, 1, 28, 28) and x.min() >= -1 and x.max() <= 1


def test_idx_reader_refuses_bad_files(tmp_path):
    bad = tmp_path / "bad"
    bad.write_bytes(b"\x00\x00\x08\x03" + (5).to_bytes(4, "big") * 3 + bytes(10))
    with pytest.raises(ValueError, match="header says"):
        data.read_idx_images(bad)
    bad.write_bytes(b"not idx at all, no")
    with pytest.raises(ValueError, match="not an IDX"):
        data.read_idx_images(bad)


def test_group_sources_cover_the_lessons_groups(tiny_pair):
    sources = data.group_sources(tiny_pair[0])
    assert {"real", "generated", "gaussian", "binary", "uniform", "natural"} <= set(sources)
    assert ("fashion" in sources) == data.fashion_mnist_available()
    for source in sources.values():
        assert source(2, 0).shape == (2, 1, 28, 28)
