"""Write the example images used by the tests and the dashboard's demo (run: python data/examples/make_examples.py).

A hand-drawn-style "3" in four forms that the MNIST-style pipeline should all read as the same digit:
light ink on dark, dark ink on light, black ink on a transparent background, and a JPEG "photo" of the
digit on uneven paper with sensor noise.
"""

from pathlib import Path

import cv2
import numpy as np

HERE = Path(__file__).resolve().parent


def draw_three(size: int = 140) -> np.ndarray:
    """A "3" as white anti-aliased strokes on black. (size, size) uint8."""
    image = np.zeros((size * 4, size * 4), np.uint8)  # drawn 4x larger, then shrunk: smooth edges
    s = size * 4 / 140
    for centre_y in (45, 95):  # two open arcs, the upper a little smaller
        axes = (int(28 * s), int((22 if centre_y == 45 else 26) * s))
        cv2.ellipse(
            image,
            (int(68 * s), int(centre_y * s)),
            axes,
            0,
            -150,
            100 if centre_y == 45 else 150,
            255,
            int(10 * s),
            cv2.LINE_AA,
        )
    return cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)


def make_all(out: Path = HERE) -> dict[str, Path]:
    ink = draw_three()
    paths = {
        name: out / name
        for name in ("digit_light_on_dark.png", "digit_dark_on_light.png", "digit_transparent.png", "digit_photo.jpg")
    }
    cv2.imwrite(str(paths["digit_light_on_dark.png"]), ink)
    cv2.imwrite(str(paths["digit_dark_on_light.png"]), 255 - ink)
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[..., 3] = ink  # black strokes whose coverage is the alpha channel
    cv2.imwrite(str(paths["digit_transparent.png"]), rgba)
    rng = np.random.default_rng(0)
    photo = cv2.resize(255 - ink, (200, 180), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    paper = np.linspace(215, 245, 200, dtype=np.float32)[None, :]  # light falls off to one side
    photo = np.clip(photo / 255 * paper + rng.normal(0, 4, photo.shape), 0, 255).astype(np.uint8)
    bgr = cv2.merge([photo, photo, np.clip(photo.astype(np.int16) + 6, 0, 255).astype(np.uint8)])  # warm paper
    cv2.imwrite(str(paths["digit_photo.jpg"]), bgr, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return paths


if __name__ == "__main__":
    for path in make_all().values():
        print(path, path.stat().st_size, "bytes")
