"""gan_core.grid: [-1, 1] images -> uint8 pictures, the one implementation behind `gan-ood sample` and the
dashboard's pictures."""

import base64

import cv2
import numpy as np
import torch

from dashboard import pictures
from gan_core.grid import make_grid, save_grid, to_uint8, upscale


def test_to_uint8_maps_the_range_clips_and_keeps_the_shape():
    values = np.array([[-1.0, 0.0, 1.0], [-3.0, 0.5, 7.0]], np.float32)
    np.testing.assert_array_equal(to_uint8(values), [[0, 128, 255], [0, 191, 255]])
    batch = torch.from_numpy(np.stack([values, -values]))[:, None]  # (2, 1, 2, 3) tensor
    assert to_uint8(batch).shape == (2, 1, 2, 3) and to_uint8(batch).dtype == np.uint8
    np.testing.assert_array_equal(to_uint8(batch)[0, 0], to_uint8(values))


def test_make_grid_places_each_tile_with_grey_padding():
    tiles = np.stack([np.full((2, 3), v, np.float32) for v in (-1.0, 1.0, 0.0)])  # black, white, mid-grey
    grid = make_grid(tiles, columns=2, pad=1)
    assert grid.shape == (2 * 3 + 1, 2 * 4 + 1)
    np.testing.assert_array_equal(grid[1:3, 1:4], 0)
    np.testing.assert_array_equal(grid[1:3, 5:8], 255)
    np.testing.assert_array_equal(grid[4:6, 1:4], 128)
    np.testing.assert_array_equal(grid[4:6, 5:8], 128)  # the empty cell is padding grey
    assert grid[0].tolist() == [128] * grid.shape[1]
    np.testing.assert_array_equal(make_grid(tiles, columns=2, pad=1, scale=3), upscale(grid, 3))
    assert make_grid(torch.from_numpy(tiles[:, None])).shape == make_grid(tiles).shape  # (N,1,H,W) tensors too


def test_save_grid_writes_what_make_grid_draws(tmp_path):
    images = torch.linspace(-1, 1, 4 * 28 * 28).view(4, 1, 28, 28)
    path = save_grid(images, tmp_path / "sub" / "grid.png", columns=2, scale=2)
    np.testing.assert_array_equal(cv2.imread(str(path), cv2.IMREAD_GRAYSCALE), make_grid(images, 2, scale=2))


def test_the_dashboard_draws_with_the_same_grid_and_thumbnails():
    images = np.random.default_rng(0).uniform(-1, 1, (5, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(pictures.grid(images, columns=3), make_grid(images, columns=3))
    url = pictures.data_url(images[0])
    assert url.startswith("data:image/png;base64,")
    png = np.frombuffer(base64.b64decode(url.split(",", 1)[1]), np.uint8)
    np.testing.assert_array_equal(cv2.imdecode(png, cv2.IMREAD_GRAYSCALE), to_uint8(images[0]))
