"""gan_core.paper on generated phone photos of a dark "3" on white paper: shadows, noise, perspective, a 12 MP
JPEG. Each 28x28 must match the clean digit's (ink IoU >= 0.8), where the MNIST pipeline takes shadow for ink."""

import cv2
import numpy as np
import pytest

from gan_core import paper, preprocess

PAPER, INK = 235, 35


def ink_iou(a: np.ndarray, b: np.ndarray) -> float:
    """IoU of the ink (pixels above mid-grey) of two (28, 28) model inputs in [-1, 1]."""
    ink_a, ink_b = a > 0, b > 0
    return float((ink_a & ink_b).sum() / max(1, (ink_a | ink_b).sum()))


def sheet(height: int = 800, width: int = 600, digit: str = "3") -> np.ndarray:
    """(height, width) float32: white paper with a dark hand-sized digit, evenly lit."""
    image = np.full((height, width), PAPER, np.uint8)
    scale, thickness = height / 90, max(2, height // 36)
    (w, h), _ = cv2.getTextSize(digit, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    cv2.putText(image, digit, ((width - w) // 2, (height + h) // 2), cv2.FONT_HERSHEY_SIMPLEX, scale, INK, thickness)
    return image.astype(np.float32)


def lit(image: np.ndarray, darkest: float = 0.3) -> np.ndarray:
    """A gradient shadow from full light (top left) down to `darkest` (bottom right), plus a soft hand shadow."""
    height, width = image.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 1 - (1 - darkest) * (xs / width + ys / height) / 2
    hand = cv2.GaussianBlur((xs > 0.65 * width).astype(np.float32), (0, 0), width / 40)
    return image * light * (1 - 0.35 * hand)


def photo(image: np.ndarray, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """float -> uint8, with Gaussian sensor noise of `noise` grey levels."""
    if noise:
        image = image + np.random.default_rng(seed).normal(0, noise, image.shape).astype(np.float32)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def tilted(image: np.ndarray, share: float = 0.08) -> np.ndarray:
    """A perspective view: the top edge shrunk by `share` of the width on each side (the phone held at an angle)."""
    height, width = image.shape
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    moved = np.float32([[share * width, 0], [(1 - share) * width, 0], [width, height], [0, height]])
    matrix = cv2.getPerspectiveTransform(corners, moved)
    return cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)


@pytest.fixture(scope="module")
def clean():
    """The clean digit's 28x28: MNIST's centring of the evenly lit, noiseless sheet."""
    return preprocess.mnist_pipeline(photo(sheet()))


def test_output_is_an_mnist_style_model_input(clean):
    out = paper.paper_pipeline(photo(sheet()))
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() == -1 and out.max() == 1
    assert ink_iou(out, clean) >= 0.9
    rows, cols = np.flatnonzero((out > -1).any(axis=1)), np.flatnonzero((out > -1).any(axis=0))
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 <= 21  # fitted in MNIST's 20x20 box (+ soft edge)


def test_gradient_shadow_is_not_ink(clean):
    shadowed = photo(lit(sheet()))
    assert ink_iou(preprocess.mnist_pipeline(shadowed), clean) < 0.5  # the problem: the shadow becomes ink
    assert ink_iou(paper.paper_pipeline(shadowed), clean) >= 0.8


def test_shadow_and_sensor_noise(clean):
    assert ink_iou(paper.paper_pipeline(photo(lit(sheet()), noise=12, seed=1)), clean) >= 0.8


def test_perspective_with_shadow_and_noise(clean):
    tilted_photo = photo(tilted(lit(sheet())), noise=8, seed=2)
    assert ink_iou(paper.paper_pipeline(tilted_photo), clean) >= 0.8


def test_a_12_megapixel_phone_jpeg(clean):
    big = photo(lit(sheet(4032, 3024)), noise=6, seed=3)
    ok, jpeg = cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    _, gray, _ = preprocess.decode_gray(jpeg.tobytes())  # the path an upload or a camera photo takes
    assert gray.shape == (4032, 3024)
    assert ink_iou(paper.paper_pipeline(gray), clean) >= 0.8


def test_light_digit_on_dark_is_inverted_first(clean):
    assert ink_iou(paper.paper_pipeline(255 - photo(sheet())), clean) >= 0.9


def test_blank_shadowed_paper_gives_a_blank_input():
    blank = photo(lit(np.full((800, 600), PAPER, np.float32)), noise=4)
    assert (paper.paper_pipeline(blank) == -1).all()


def test_a_stray_mark_is_dropped_for_the_largest_component(clean):
    image = sheet()
    cv2.circle(image, (60, 60), 12, INK, -1)  # a dot in the corner, far smaller than the digit
    assert ink_iou(paper.paper_pipeline(photo(lit(image))), clean) >= 0.8
    assert ink_iou(preprocess.mnist_pipeline(photo(image)), clean) < 0.8  # it would have moved the crop
