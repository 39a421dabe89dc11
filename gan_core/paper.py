"""A phone photo of a digit written on paper -> an MNIST-style 28x28, whatever the light.

Uneven light is the problem: under a shadow, white paper is darker than ink in full light, so a global threshold
(gan_core.preprocess.mnist_pipeline) takes the shadow for ink. Here the paper's own brightness is estimated first
(a grey morphological closing: the max-then-min filter wipes out strokes thinner than its window and keeps the
slowly varying illumination), each pixel is divided by it, ink is what stays clearly darker than its local paper
(Otsu on that ratio), the largest ink component is kept (with any piece at least a quarter of its size: broken
strokes), and the result is cropped and centred exactly as MNIST was (preprocess.mnist_pipeline).
"""

import cv2
import numpy as np

from .preprocess import mnist_pipeline

WORK_SIDE = 512  # the longer side the photo is shrunk to first: strokes stay several pixels wide
WINDOW_SHARE = 1 / 10  # the closing window, as a share of the longer side: wider than any pen stroke
SMOOTH_SIGMA = 1.5  # pixels at WORK_SIDE: well under a stroke's width
MIN_CONTRAST = 0.12  # ink must be at least this much darker than its paper (share of the paper's brightness)
PIECE_SHARE = 0.25  # other ink pieces kept when at least this share of the largest one


def shrink(gray: np.ndarray, side: int = WORK_SIDE) -> np.ndarray:
    """(H, W) uint8 -> longer side at most `side` (area averaging: no aliasing of fine noise)."""
    height, width = gray.shape
    scale = side / max(height, width)
    if scale >= 1:
        return gray
    return cv2.resize(gray, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)


def paper_brightness(gray: np.ndarray) -> np.ndarray:
    """(H, W) uint8 dark ink on light paper -> (H, W) float32 > 0: the paper's brightness under each pixel."""
    size = max(3, int(max(gray.shape) * WINDOW_SHARE) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    # No smoothing after it: a closing never falls below the photo itself, so a sharp shadow edge stays an edge
    # of the paper, not a band of false ink beside it.
    return np.maximum(cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel).astype(np.float32), 1.0)


def ink_strength(gray: np.ndarray) -> np.ndarray:
    """(H, W) uint8 dark ink on light paper -> (H, W) float32 in [0, 1]: how much darker than its paper."""
    # Sensor noise smoothed away first: the closing takes local maxima, which noise in dark corners would inflate.
    smooth = cv2.GaussianBlur(gray, (0, 0), SMOOTH_SIGMA)
    return np.clip(1 - smooth.astype(np.float32) / paper_brightness(smooth), 0, 1)


def is_dark_ink(gray: np.ndarray) -> bool:
    """(H, W) uint8 -> True when the marks are darker than the paper around them. The local median is the paper
    either way (a page is mostly paper); the border's brightness (preprocess.is_dark_on_light) cannot decide this:
    a shadow can make white paper darker than mid-grey."""
    size = max(3, int(max(gray.shape) * WINDOW_SHARE) | 1)
    paper = cv2.medianBlur(gray, size).astype(np.float32)
    contrast = (gray.astype(np.float32) - paper) / np.maximum(paper, 1.0)
    dark, light = int((contrast < -MIN_CONTRAST).sum()), int((contrast > MIN_CONTRAST).sum())
    return light <= 2 * dark + gray.size // 1000  # dark ink, the usual case, unless light marks clearly dominate


def ink_mask(ink: np.ndarray) -> np.ndarray:
    """(H, W) float32 in [0, 1] -> (H, W) bool: the largest ink component and pieces PIECE_SHARE of its size."""
    level = np.rint(ink * 255).astype(np.uint8)
    otsu, _ = cv2.threshold(level, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = (level > max(otsu, MIN_CONTRAST * 255)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return np.zeros(ink.shape, bool)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = 1 + np.flatnonzero(areas >= PIECE_SHARE * areas.max())
    return np.isin(labels, keep)


def paper_pipeline(gray: np.ndarray) -> np.ndarray:
    """(H, W) uint8 photo of a dark digit on light paper (or a light one on a dark board) -> (28, 28) float32 in
    [-1, 1], ink +1 on -1, centred as MNIST. No ink found -> all -1."""
    gray = shrink(np.asarray(gray, np.uint8))
    ink = ink_strength(gray if is_dark_ink(gray) else 255 - gray)
    mask = ink_mask(ink)
    if not mask.any():
        return np.full((28, 28), -1, np.float32)
    # The kept strokes with their own soft edges (one pixel around the mask), light on black for MNIST's centring.
    near = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    strokes = np.where(near, ink, 0) / max(float(ink[mask].max()), 1e-6)
    return mnist_pipeline(np.rint(np.clip(strokes, 0, 1) * 255).astype(np.uint8))
