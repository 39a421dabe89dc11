"""Images for the screen: [-1, 1] arrays -> uint8, nearest-neighbour upscaled so every pixel stays visible, as PNG
bytes or data URLs. The uint8 conversion, upscaling and grids are gan_core.grid's."""

import base64

import cv2
import numpy as np

from gan_core.grid import make_grid, to_uint8, upscale

SCALE = 7  # 28 -> 196 screen pixels: each model pixel is a visible 7x7 square
THUMB_SIDE = 196  # longest side of an uploaded original kept in the session (as wide as the 28x28 view)


def model_view(image: np.ndarray, scale: int = SCALE) -> np.ndarray:
    """A 28x28 model input in [-1, 1] as the screen shows it: uint8 (28*scale, 28*scale)."""
    return upscale(to_uint8(image), scale)


def show(where, image: np.ndarray, scale: int = SCALE, caption: str | None = None) -> None:
    """Show a 28x28 model input in `where` (st or a column) at exactly 28*scale pixels, as PNG (JPEG smears pixels)."""
    where.image(model_view(image, scale), width=28 * scale, output_format="PNG", caption=caption)


def strip(images: np.ndarray, scale: int = 4, pad: int = 2) -> np.ndarray:
    """(k, 28, 28) in [-1, 1] -> one uint8 row, grey `pad` columns between tiles, nearest upscaled by scale."""
    tiles = [to_uint8(im) for im in images]
    gap = np.full((tiles[0].shape[0], pad), 128, np.uint8)
    row = np.concatenate([part for tile in tiles for part in (tile, gap)][:-1], axis=1)
    return upscale(row, scale)


def grid(images: np.ndarray, columns: int = 8, pad: int = 2) -> np.ndarray:
    """(n, 28, 28) in [-1, 1] -> uint8 grid, `pad` grey pixels between tiles (not upscaled)."""
    return make_grid(images, columns, pad)


def thumbnail(image: np.ndarray, side: int = THUMB_SIDE) -> np.ndarray:
    """Shrink a uint8 (H, W[, C]) image so its longest side is at most `side` (area averaging); small ones stay."""
    image = np.asarray(image)
    h, w = image.shape[:2]
    factor = side / max(h, w)
    if factor >= 1:
        return image
    return cv2.resize(image, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)


def png_bytes(image: np.ndarray) -> bytes:
    """uint8 (H, W) grey or (H, W, 3) RGB -> PNG file bytes (for downloads)."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[2] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("PNG encoding failed")
    return encoded.tobytes()


def data_url(image: np.ndarray, scale: int = 1) -> str:
    """(28, 28) in [-1, 1] -> "data:image/png;base64,..." (~0.4-1.2 kB), for chart tooltips. At the model's 28 px:
    the page's CSS draws it larger with hard pixel edges (feature_charts.TOOLTIP_CSS), cheaper than a bigger PNG."""
    ok, encoded = cv2.imencode(".png", upscale(to_uint8(image), scale), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:
        raise ValueError("PNG encoding failed")
    return "data:image/png;base64," + base64.b64encode(encoded.tobytes()).decode("ascii")
