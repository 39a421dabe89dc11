"""gan_core.image_headers: what the bytes claim, checked against what OpenCV writes and decodes."""

import struct

import cv2
import numpy as np
import pytest

from gan_core import image_headers as ih


def encode(ext: str, image: np.ndarray, params=()) -> bytes:
    ok, buf = cv2.imencode(ext, image, list(params))
    assert ok
    return buf.tobytes()


IMAGE = cv2.GaussianBlur(np.random.default_rng(0).integers(0, 256, (41, 67, 3), dtype=np.uint8), (7, 7), 2)


@pytest.mark.parametrize(
    "ext, fmt",
    [(".png", "png"), (".jpg", "jpeg"), (".gif", "gif"), (".bmp", "bmp"), (".webp", "webp"), (".tif", "tiff")],
)
def test_detect_format_names_what_opencv_wrote(ext, fmt):
    assert ih.detect_format(encode(ext, IMAGE)) == fmt


@pytest.mark.parametrize(
    "data, name",
    [
        (b"P6\n3 3\n255\n", "pnm"),
        (b"\x00\x00\x00\x1cftypavif", "avif"),
        (b"%PDF-1.4", "pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
        (b"hello\n", "text"),
        (b"\x00\x01\x02\xff", "unknown"),
    ],
)
def test_detect_format_names_the_refused(data, name):
    assert ih.detect_format(data) == name


def test_header_size_matches_the_decoded_size_for_each_format():
    for ext in (".png", ".jpg", ".gif", ".bmp", ".webp"):
        data = encode(ext, IMAGE)
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        assert ih.header_size(data, ih.detect_format(data)) == (decoded.shape[1], decoded.shape[0])
    with pytest.raises(ValueError):
        ih.header_size(encode(".tif", IMAGE), "tiff")


def test_os2_and_top_down_bitmaps():
    bmp = encode(".bmp", IMAGE)
    top_down = bmp[:22] + struct.pack("<i", -41) + bmp[26:]
    assert ih.header_size(top_down, "bmp") == (67, 41)
    core = bmp[:14] + struct.pack("<IHH", 12, 67, 41) + bmp[22:]
    assert ih.header_size(core, "bmp") == (67, 41)


def test_gif_frames_and_animation_flags():
    still = encode(".gif", IMAGE)
    assert ih.gif_frames(still) == [(67, 41)] and not ih.is_animated(still, "gif")
    animation = cv2.Animation()
    frame = cv2.cvtColor(IMAGE, cv2.COLOR_BGR2BGRA)
    animation.frames, animation.durations = [frame, 255 - frame, frame[::-1].copy()], [50] * 3
    for ext, fmt in ((".gif", "gif"), (".png", "png"), (".webp", "webp")):
        ok, data = cv2.imencodeanimation(ext, animation)
        assert ok and ih.is_animated(data.tobytes(), fmt)
        assert not ih.is_animated(encode(ext, IMAGE), fmt)
    assert not ih.is_animated(encode(".jpg", IMAGE), "jpeg")


def tiff_with_orientation(order: str, value: int) -> bytes:
    mark = b"II" if order == "<" else b"MM"
    entries = struct.pack(order + "HHIHH", 0x010F, 2, 4, 0, 0) + struct.pack(order + "HHIHH", 0x0112, 3, 1, value, 0)
    return mark + struct.pack(order + "HIH", 42, 8, 2) + entries + bytes(4)


@pytest.mark.parametrize("order", ["<", ">"])
def test_exif_orientation_in_either_byte_order(order):
    for value in range(1, 9):
        assert ih.exif_orientation(tiff_with_orientation(order, value)) == value
    assert ih.exif_orientation(b"Exif\x00\x00" + tiff_with_orientation(order, 6)) == 6
    assert ih.exif_orientation(tiff_with_orientation(order, 42)) == 1  # out of range: ignored


@pytest.mark.parametrize("blob", [b"", b"XX*\x00", b"II*\x00\xff\xff\xff\x00", tiff_with_orientation("<", 6)[:12]])
def test_unreadable_exif_means_no_rotation(blob):
    assert ih.exif_orientation(blob) == 1


def test_jpeg_fill_bytes_are_skipped():
    jpeg = encode(".jpg", IMAGE)
    padded = jpeg[:2] + b"\xff" * 100_000 + jpeg[2:]  # legal: any number of 0xFF before a marker
    assert ih.header_size(padded, "jpeg") == (67, 41)


def test_png_chunk_walk_is_bounded():
    png = encode(".png", IMAGE)
    idat = png.index(b"IDAT") - 4
    actl = struct.pack(">I", 8) + b"acTL" + struct.pack(">II", 2, 0) + bytes(4)
    assert ih.is_animated(png[:idat] + actl + png[idat:], "png")
    filler = (struct.pack(">I", 0) + b"tEXt" + bytes(4)) * (ih.MAX_SEGMENTS + 1)
    assert not ih.is_animated(png[:idat] + filler + actl + png[idat:], "png")  # gave up before the acTL
