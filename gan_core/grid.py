"""Image grids: many 28x28 images in [-1, 1] as one uint8 picture. Torch-free (tensors are read through numpy),
so the dashboard's pages draw with the same code as `gan-ood sample`."""

import math
from pathlib import Path

import cv2
import numpy as np


def to_uint8(images) -> np.ndarray:
    """Any array or tensor in [-1, 1] (values outside are clipped, e.g. Gaussian noise) -> uint8 of the same shape."""
    array = np.asarray(images.detach().cpu()) if hasattr(images, "detach") else np.asarray(images)
    return np.clip((array.astype(np.float32) + 1) * 127.5 + 0.5, 0, 255).astype(np.uint8)


def make_grid(images, columns: int | None = None, pad: int = 2, scale: int = 1) -> np.ndarray:
    """(N,1,28,28) or (N,28,28) in [-1, 1] -> (H, W) uint8 grid, `pad` grey pixels between cells (and around them),
    nearest upscaling by `scale`. `columns` defaults to a square-ish grid."""
    tiles = to_uint8(images)
    tiles = tiles.reshape(-1, *tiles.shape[-2:])  # (N, h, w)
    n, h, w = tiles.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad), 128, np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        top, left = pad + r * (h + pad), pad + c * (w + pad)
        grid[top : top + h, left : left + w] = tile
    return upscale(grid, scale)


def upscale(image: np.ndarray, scale: int) -> np.ndarray:
    """Nearest-neighbour upscaling of a (H, W) or (H, W, C) image by an integer factor."""
    image = np.asarray(image)
    return image if scale == 1 else np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


def save_grid(images, path: str | Path, columns: int | None = None, scale: int = 3) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), make_grid(images, columns, scale=scale)):
        raise OSError(f"could not write {path}")
    return path
