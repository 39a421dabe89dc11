"""Image grids: many (N,1,28,28) images in [-1, 1] as one uint8 picture."""

import math
from pathlib import Path

import cv2
import numpy as np
import torch


def to_uint8(images: torch.Tensor | np.ndarray) -> np.ndarray:
    """(N,1,28,28) or (N,28,28) in [-1, 1] -> (N,28,28) uint8 in [0, 255], clipped."""
    array = images.detach().cpu().numpy() if isinstance(images, torch.Tensor) else np.asarray(images)
    array = array.reshape(-1, *array.shape[-2:])
    return np.clip((array + 1) * 127.5 + 0.5, 0, 255).astype(np.uint8)


def make_grid(images, columns: int | None = None, pad: int = 2, scale: int = 1) -> np.ndarray:
    """(N,1,28,28) in [-1, 1] -> (H, W) uint8 grid, `pad` grey pixels between cells, nearest upscaling by `scale`."""
    tiles = to_uint8(images)
    n, h, w = tiles.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad), 128, np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (w + pad) : pad + c * (w + pad) + w] = tile
    return np.kron(grid, np.ones((scale, scale), np.uint8)) if scale > 1 else grid


def save_grid(images, path: str | Path, columns: int | None = None, scale: int = 3) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), make_grid(images, columns, scale=scale)):
        raise OSError(f"could not write {path}")
    return path
