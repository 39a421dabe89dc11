"""gan_core.image_headers: what the bytes claim, checked against what OpenCV writes and decodes."""

import struct

import cv2
import numpy as np
import pytest

from benchmarks import hostile_files as hf
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
    for ext in (".png", ".jpg", ".gif", ".bmp", ".webp", ".tif"):
        data = encode(ext, IMAGE)
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        assert ih.header_size(data, ih.detect_format(data)) == (decoded.shape[1], decoded.shape[0])
    with pytest.raises(ValueError):
        ih.header_size(encode(".tif", IMAGE), "pnm")


@pytest.mark.parametrize(
    "fmt, options",
    [("TIFF", {}), ("TIFF", {"compression": "tiff_lzw"}), ("TIFF", {"big_endian": True}), ("HEIF", {}), ("AVIF", {})],
)
def test_pillow_written_tiff_heic_avif_are_named_and_sized(fmt, options):
    data = hf.pillow_bytes(cv2.cvtColor(IMAGE, cv2.COLOR_BGR2RGB), fmt, **options)
    assert ih.detect_format(data) == {"TIFF": "tiff", "HEIF": "heic", "AVIF": "avif"}[fmt]
    width, height = ih.header_size(data, ih.detect_format(data))
    if fmt == "HEIF":  # ispe is the coded size: x265 pads to its 64-pixel blocks, a 'clap' box crops the rest
        assert 67 <= width < 67 + 64 and 41 <= height < 41 + 64
    else:
        assert (width, height) == (67, 41)


def test_iso_media_brands():
    def ftyp(major: bytes, *compatible: bytes) -> bytes:
        body = b"ftyp" + major + bytes(4) + b"".join(compatible)
        return struct.pack(">I", len(body) + 4) + body

    assert ih.detect_format(ftyp(b"heic", b"mif1", b"heic")) == "heic"
    assert ih.detect_format(ftyp(b"mif1", b"mif1", b"heix")) == "heic"
    assert ih.detect_format(ftyp(b"avif", b"avif", b"mif1", b"miaf")) == "avif"
    assert ih.detect_format(ftyp(b"mif1", b"avif", b"mif1")) == "avif"  # AVIF also lists the HEIF brands
    assert ih.detect_format(ftyp(b"isom", b"isom", b"mp41")) == "iso-media"  # a video
    assert ih.detect_format(b"\x00\x00\x00\x18ftyp\xff\xfe\x80\x00") == "iso-media"  # never the raw brand


def test_heif_grid_takes_the_largest_ispe():
    box = lambda w, h: struct.pack(">I4sIII", 20, b"ispe", 0, w, h)  # noqa: E731
    data = b"\x00\x00\x00\x10ftypheic\x00\x00\x00\x00" + box(512, 512) * 3 + box(4032, 3024) + box(512, 512)
    assert ih.header_size(data, "heic") == (4032, 3024)
    with pytest.raises(ValueError):
        ih.header_size(data[:16], "heic")


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


def test_jpeg_junk_before_a_marker_is_skipped_as_libjpeg_does():
    for junk in (b"\x00\x12junk", b"junk\xff\x00more", b"\x00" * 5000):
        assert ih.header_size(hf.junk_before_marker_jpeg(IMAGE, junk), "jpeg") == (67, 41)
    with pytest.raises(ValueError, match="no frame header"):
        ih.header_size(encode(".jpg", IMAGE)[:2] + b"\xff\xe0\x00\x04ab" + b"junk" * 10, "jpeg")


def test_png_chunks_that_claim_more_than_the_file_are_refused_from_the_header():
    for kind in (b"tEXt", b"IDAT", b"iCCP"):
        for length in (0xFFFFFFFF, 0x7FFFFFFF, 1000):
            with pytest.raises(ValueError, match="more bytes than the file holds"):
                ih.header_size(hf.huge_chunk_png(kind, length), "png")
    png = encode(".png", IMAGE)
    assert ih.header_size(png, "png") == (67, 41)


def test_png_transparency_key():
    grey = np.array([[0, 100], [100, 7]], np.uint8)
    assert ih.png_transparency_key(hf.trns_grey_png(grey, 100)) == (100,)
    assert ih.png_transparency_key(hf.trns_grey_png(grey % 2, 1, depth=1)) == (1,)
    assert ih.png_transparency_key(encode(".png", IMAGE)) is None
    assert ih.png_transparency_key(encode(".jpg", IMAGE)) is None


def test_png_chunk_walk_is_bounded():
    png = encode(".png", IMAGE)
    idat = png.index(b"IDAT") - 4
    actl = struct.pack(">I", 8) + b"acTL" + struct.pack(">II", 2, 0) + bytes(4)
    assert ih.is_animated(png[:idat] + actl + png[idat:], "png")
    filler = (struct.pack(">I", 0) + b"tEXt" + bytes(4)) * (ih.MAX_SEGMENTS + 1)
    assert not ih.is_animated(png[:idat] + filler + actl + png[idat:], "png")  # gave up before the acTL
