"""gan_core.preprocess on good input: formats and headers, the two pipelines against their references,
compositing, the drawing canvas. Hostile input lives in test_hostile_images.py."""

import io
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage.data

import gan_core
from benchmarks import hostile_files as hf
from gan_core import preprocess as pp
from gan_core.data import cat_image, natural_photo, real_digits_with_labels

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"


def encode(ext: str, image: np.ndarray, params=()) -> bytes:
    ok, buf = cv2.imencode(ext, image, list(params))
    assert ok
    return buf.tobytes()


def smooth(h: int, w: int, channels: int = 3, seed: int = 0) -> np.ndarray:
    noise = np.random.default_rng(seed).integers(0, 256, (h, w, channels), dtype=np.uint8)
    return cv2.GaussianBlur(noise, (9, 9), 3)


def digit(index: int = 0) -> np.ndarray:
    """A real MNIST digit as light-on-dark uint8 (28, 28)."""
    images, _ = real_digits_with_labels("holdout")
    return np.rint((images[index, 0].numpy() + 1) * 127.5).astype(np.uint8)


# ---- format and header ----
@pytest.mark.parametrize(
    "ext, fmt, params",
    [
        (".png", "png", ()),
        (".jpg", "jpeg", ()),
        (".jpg", "jpeg", (cv2.IMWRITE_JPEG_PROGRESSIVE, 1)),
        (".bmp", "bmp", ()),
        (".gif", "gif", ()),
        (".webp", "webp", (cv2.IMWRITE_WEBP_QUALITY, 80)),  # lossy: VP8 chunk
        (".webp", "webp", (cv2.IMWRITE_WEBP_QUALITY, 101)),  # lossless: VP8L chunk
    ],
)
def test_sniff_and_header_match_the_real_size(ext, fmt, params):
    data = encode(ext, smooth(37, 53), params)
    assert pp.sniff_format(data) == fmt
    assert pp.read_header_size(data, fmt) == (53, 37)


def test_webp_with_alpha_uses_the_extended_header():
    data = encode(".webp", smooth(37, 53, 4), (cv2.IMWRITE_WEBP_QUALITY, 80))
    assert data[12:16] == b"VP8X"
    assert pp.read_header_size(data, "webp") == (53, 37)


def test_opencv_pixel_limit_is_set_and_equals_max_pixels():
    assert gan_core.__name__ == "gan_core"  # imported first: it sets the limit before cv2 is imported
    assert int(os.environ["OPENCV_IO_MAX_IMAGE_PIXELS"]) == pp.MAX_PIXELS


# ---- pipelines against their references ----
def test_notebook_pipeline_is_the_notebooks_cat():
    # the notebook: imread (BGR) -> BGR2GRAY -> resize 28x28 -> /127.5 - 1; a lossless PNG of the same cat
    cat_bgr = cv2.cvtColor(skimage.data.chelsea(), cv2.COLOR_RGB2BGR)
    prepared = pp.prepare_image(encode(".png", cat_bgr), "notebook")
    np.testing.assert_array_equal(prepared.model_input, cat_image().numpy()[0, 0])
    expected = cv2.resize(natural_photo("chelsea"), (28, 28)).astype(np.float32) / 127.5 - 1
    np.testing.assert_array_equal(pp.notebook_pipeline(natural_photo("chelsea")), expected)


def test_mnist_pipeline_recovers_real_digits_from_large_dark_on_light_renderings():
    corrs = []
    for index in range(16):
        original = digit(index)
        rendered = 255 - cv2.resize(original, (140, 140), interpolation=cv2.INTER_CUBIC)  # 5x, dark ink on paper
        prepared = pp.prepare_image(encode(".png", rendered), "mnist")
        assert "inverted" in prepared.notes
        corrs.append(np.corrcoef(prepared.model_input.ravel(), original.ravel().astype(np.float32))[0, 1])
    # MNIST placed digits by whole pixels (centre of mass within +-0.5 px of 14), so a re-made digit can land
    # one pixel off its original: most match almost exactly, none badly
    assert np.mean(corrs) > 0.9 and min(corrs) > 0.7


def test_mnist_pipeline_output_is_mnist_shaped():
    out = pp.mnist_pipeline(255 - cv2.resize(digit(3), (300, 300)))
    assert out.shape == (28, 28) and out.dtype == np.float32
    ink = (out + 1) / 2
    assert out.max() == pytest.approx(1.0) and (out[:2] == -1).all() and (out[:, -2:] == -1).all()
    ys, xs = np.indices(ink.shape)
    assert abs((ys * ink).sum() / ink.sum() - 14) <= 1 and abs((xs * ink).sum() / ink.sum() - 14) <= 1
    rows, cols = np.nonzero(ink > 0.05)
    assert max(np.ptp(rows), np.ptp(cols)) + 1 <= 20  # fitted in the 20x20 box


def test_mnist_pipeline_keeps_aspect_and_handles_blank_images():
    bar = np.zeros((100, 400), np.uint8)
    bar[45:55, 20:380] = 255  # a wide dash: 20 wide, a few pixels tall, not stretched to 20x20
    rows, cols = np.nonzero(pp.mnist_pipeline(bar) > 0)
    assert np.ptp(cols) + 1 == 20 and np.ptp(rows) + 1 <= 2
    np.testing.assert_array_equal(pp.mnist_pipeline(np.full((50, 50), 200, np.uint8)), -1)


def test_light_on_dark_is_not_inverted():
    prepared = pp.prepare_image(encode(".png", cv2.resize(digit(1), (84, 84))), "mnist")
    assert "inverted" not in prepared.notes
    assert prepared.model_input.max() == pytest.approx(1.0)


# ---- PreparedImage ----
def test_prepared_image_shapes_and_display_downscale():
    prepared = pp.prepare_image(encode(".jpg", smooth(700, 1000)), "notebook")
    assert prepared.format == "jpeg"
    assert prepared.original.shape == (358, 512, 3) and prepared.original.dtype == np.uint8
    assert prepared.gray.shape == (700, 1000) and prepared.gray.dtype == np.uint8
    tensor = prepared.tensor
    assert tuple(tensor.shape) == (1, 1, 28, 28) and str(tensor.dtype) == "torch.float32"


def test_display_is_rgb_not_bgr():
    bgr = np.zeros((10, 10, 3), np.uint8)
    bgr[..., 2] = 255  # pure red in OpenCV's BGR order
    prepared = pp.prepare_image(encode(".png", bgr))
    assert tuple(prepared.original[5, 5]) == (255, 0, 0)
    assert prepared.gray[5, 5] == cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)[5, 5]


def test_unknown_pipeline_is_refused():
    with pytest.raises(ValueError, match="pipeline"):
        pp.prepare_image(encode(".png", smooth(10, 10)), "fancy")


# ---- the drawing canvas (RGBA, RGB order, strokes on transparent) ----
def canvas(stroke: int, under: int) -> np.ndarray:
    """A 200x200 RGBA canvas: a real digit's strokes in colour `stroke`, transparent pixels coloured `under`."""
    coverage = cv2.resize(digit(5), (200, 200), interpolation=cv2.INTER_CUBIC)
    rgba = np.full((200, 200, 4), under, np.uint8)
    rgba[coverage > 0, :3] = stroke
    rgba[..., 3] = coverage
    return rgba


def test_canvas_strokes_of_either_colour_give_the_same_digit():
    white = pp.prepare_array(canvas(255, 0))
    black = pp.prepare_array(canvas(0, 0))
    assert "alpha_composited" in white.notes
    np.testing.assert_allclose(white.model_input, black.model_input, atol=0.02)
    corr = np.corrcoef(white.model_input.ravel(), digit(5).ravel().astype(np.float32))[0, 1]
    assert corr > 0.8


def test_canvas_with_a_stated_background():
    on_white = pp.prepare_array(canvas(0, 0), background=255)
    assert on_white.gray[0, 0] == 255 and "inverted" in on_white.notes


def test_prepare_array_accepts_gray_and_refuses_odd_arrays():
    assert pp.prepare_array(digit(2)).model_input.shape == (28, 28)
    with pytest.raises(pp.ImageError) as err:
        pp.prepare_array(np.zeros((0, 5), np.uint8))
    assert err.value.code == "empty"
    with pytest.raises(pp.ImageError) as err:
        pp.prepare_array(np.zeros((5, 5), np.float64))
    assert err.value.code == "unsupported_format"


# ---- the shipped examples (data/examples/make_examples.py) ----
def test_examples_all_read_as_the_same_digit():
    names = ["digit_light_on_dark.png", "digit_dark_on_light.png", "digit_transparent.png", "digit_photo.jpg"]
    inputs = [pp.prepare_image((EXAMPLES / name).read_bytes(), "mnist").model_input for name in names]
    np.testing.assert_allclose(inputs[1], inputs[0], atol=0.02)
    np.testing.assert_allclose(inputs[2], inputs[0], atol=0.02)
    assert np.corrcoef(inputs[3].ravel(), inputs[0].ravel())[0, 1] > 0.9


def test_error_messages_are_english_and_carry_their_details():
    err = pp.ImageError("too_many_pixels", width=30000, height=20000, limit=pp.MAX_PIXELS)
    assert err.code == "too_many_pixels" and err.details["width"] == 30000
    assert "30000x20000" in str(err) and str(pp.MAX_PIXELS) in str(err)
    assert isinstance(err, ValueError)


def test_mnist_pipeline_survives_ink_too_sparse_to_shrink():
    gray = np.zeros((2000, 2000), np.uint8)
    gray[1, 1] = gray[1998, 1998] = 255  # two specks spanning the whole image: nothing left at 20x20
    out = pp.mnist_pipeline(gray)
    assert np.isfinite(out).all() and out.min() >= -1 and out.max() <= 1


def test_image_error_survives_pickling():
    import pickle

    err = pickle.loads(pickle.dumps(pp.ImageError("unsupported_format", detected="svg")))
    assert (err.code, err.details, str(err)) == (
        "unsupported_format",
        {"detected": "svg"},
        str(pp.ImageError("unsupported_format", detected="svg")),
    )


# ---- the formats students' devices make (issue 13) ----
def photo_rgb(h: int = 60, w: int = 90) -> np.ndarray:
    """A smooth RGB picture with a dark mark: (h, w, 3) uint8."""
    rgb = cv2.cvtColor(smooth(h, w), cv2.COLOR_BGR2RGB)
    rgb[10:30, 20:50] = (10, 20, 30)
    return rgb


def cv2_bytes(ext: str, rgb: np.ndarray, params=()) -> bytes:
    return encode(ext, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), params)


READ_BY_OPENCV = {
    "png": lambda rgb: cv2_bytes(".png", rgb),
    "jpeg": lambda rgb: cv2_bytes(".jpg", rgb),
    "progressive_jpeg": lambda rgb: cv2_bytes(".jpg", rgb, (cv2.IMWRITE_JPEG_PROGRESSIVE, 1)),
    "junk_before_marker_jpeg": lambda rgb: hf.junk_before_marker_jpeg(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)),
    "webp": lambda rgb: cv2_bytes(".webp", rgb, (cv2.IMWRITE_WEBP_QUALITY, 90)),
    "bmp": lambda rgb: cv2_bytes(".bmp", rgb),
    "tiff": lambda rgb: hf.pillow_bytes(rgb, "TIFF", compression="tiff_lzw"),
    "avif": lambda rgb: hf.pillow_bytes(rgb, "AVIF", quality=90),
}


@pytest.mark.parametrize("kind", list(READ_BY_OPENCV))
def test_notebook_pipeline_is_bit_exact_with_imread_for_what_opencv_reads(tmp_path, kind):
    data = READ_BY_OPENCV[kind](photo_rgb())
    path = tmp_path / "picture"
    path.write_bytes(data)
    gray = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2GRAY)  # the notebook's cat, as cat_image() makes it
    notebook = cv2.resize(gray, (28, 28)).astype(np.float32) / 127.5 - 1
    np.testing.assert_array_equal(pp.prepare_image(data, "notebook").model_input, notebook)


@pytest.mark.parametrize(
    "fmt, options, tolerance",
    [("HEIF", {"quality": 95}, 6), ("AVIF", {"quality": 95}, 6), ("TIFF", {}, 0), ("WEBP", {"lossless": True}, 0)],
)
def test_pillow_and_plugin_files_read_as_their_pixels(fmt, options, tolerance):
    rgb = photo_rgb()
    prepared = pp.prepare_image(hf.pillow_bytes(rgb, fmt, **options))
    assert prepared.format == {"HEIF": "heic", "AVIF": "avif", "TIFF": "tiff", "WEBP": "webp"}[fmt]
    assert prepared.gray.shape == rgb.shape[:2]
    expected = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(int)
    assert np.abs(prepared.gray.astype(int) - expected).mean() <= tolerance


def test_one_colour_webp_is_read():
    prepared = pp.prepare_image(hf.pillow_bytes(np.full((16, 16, 3), (10, 200, 30), np.uint8), "WEBP", lossless=True))
    np.testing.assert_array_equal(prepared.original[0, 0], (10, 200, 30))


def test_bitfield_bmps_opencv_cannot_read_go_to_pillow():
    argb1555 = hf.bitfield_bmp((0x7C00, 0x03E0, 0x001F, 0x8000), 0xFC00)  # opaque pure red, BITMAPV4HEADER
    assert cv2.imdecode(np.frombuffer(argb1555, np.uint8), cv2.IMREAD_UNCHANGED) is None
    prepared = pp.prepare_image(argb1555)
    assert prepared.format == "bmp" and prepared.gray.shape == (3, 5)
    np.testing.assert_array_equal(prepared.original[0, 0], (255, 0, 0))
    rgb565 = hf.bitfield_bmp((0xF800, 0x07E0, 0x001F, 0), 0x001F, header=40)  # OpenCV reads this one: blue
    np.testing.assert_array_equal(pp.prepare_image(rgb565).original[0, 0], (0, 0, 248))


@pytest.mark.parametrize("depth", [1, 2, 4, 8, 16])
def test_trns_key_of_a_grey_png_is_transparency(depth):
    peak = 2 ** min(depth, 8) - 1
    grey = np.zeros((6, 6), np.uint16)
    grey[1:5, 1:5] = peak  # a light square on a dark ground...
    grey[2:4, 2:4] = peak // 3 if depth > 1 else 0  # ...with a hole of the key colour
    key = int(grey[2, 2]) if depth > 1 else 1  # 1-bit: the light square itself is the key
    if depth == 16:
        grey, key = grey * 257, key * 257
    prepared = pp.prepare_image(hf.trns_grey_png(grey, key, depth), background=77)
    assert "alpha_composited" in prepared.notes
    assert (prepared.gray[grey == key] == 77).all()
    assert (prepared.gray[grey != key] != 77).all()


def test_trns_key_of_an_rgb_png_is_transparency():
    from PIL import Image

    rgb = photo_rgb(20, 20)
    rgb[5:10, 5:10] = (1, 2, 3)
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "PNG", transparency=(1, 2, 3))
    prepared = pp.prepare_image(out.getvalue(), background=200)
    assert (prepared.gray[5:10, 5:10] == 200).all() and "alpha_composited" in prepared.notes


def test_16bit_apng_uses_its_default_image():
    # OpenCV's first frame of this file is the second frame (blue); Pillow's frame 0 is the default image (red)
    prepared = pp.prepare_image(hf.apng_16bit((255, 0, 0), (0, 0, 255)))
    np.testing.assert_array_equal(prepared.original[0, 0], (255, 0, 0))
    assert "first_frame_of_animation" in prepared.notes and "scaled_16bit" not in prepared.notes


@pytest.mark.parametrize("shape", [(4, 1), (1, 4), (4, 4)])
def test_mnist_pipeline_on_4_pixel_strips(shape):
    # hypothesis found it: cv2.subtract took a (4, 1) uint8 image for a scalar and refused the call
    gray = np.array([95, 130, 194, 217], np.uint8).reshape(shape) if shape != (4, 4) else np.full(shape, 9, np.uint8)
    out = pp.mnist_pipeline(gray)
    assert out.shape == (28, 28) and np.isfinite(out).all() and out.min() >= -1
