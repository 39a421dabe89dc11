"""Hostile and awkward uploads (issue 5, "Images"): each refused with its code, or handled by its policy.

Every check here was made to fail once by removing the protection it covers (see the closing note)."""

import io
import json
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import hostile_files as hf
from benchmarks.hostile_files import png, zero_rows
from gan_core import preprocess as pp
from gan_core.data import real_digits_with_labels

ROOT = Path(__file__).resolve().parent.parent


def encode(ext: str, image: np.ndarray, params=()) -> bytes:
    ok, buf = cv2.imencode(ext, image, list(params))
    assert ok
    return buf.tobytes()


def refused(data: bytes, pipeline: str = "notebook") -> pp.ImageError:
    with pytest.raises(pp.ImageError) as err:
        pp.prepare_image(data, pipeline)
    assert str(err.value) and "Traceback" not in str(err.value)
    return err.value


def digit_ink(size: int = 112) -> np.ndarray:
    """A real MNIST digit's ink coverage, upscaled. (size, size) uint8, 255 = ink."""
    images, _ = real_digits_with_labels("holdout")
    ink = np.rint((images[7, 0].numpy() + 1) * 127.5).astype(np.uint8)
    return cv2.resize(ink, (size, size), interpolation=cv2.INTER_CUBIC)


# ---- hand-built PNGs (benchmarks/hostile_files.py): headers that claim anything, bodies that cost nothing ----
def bombs() -> dict[str, tuple[bytes, str]]:
    """name -> (file bytes, expected code): the issue's four decompression bombs."""
    return {
        # a complete, valid 30000x30000 1-bit PNG: ~110 KB that OpenCV would expand to 900 MB
        "png_30000_full": (hf.bomb_png(30000), "too_many_pixels"),
        "png_40000_header": (png(40000, 40000, 8, 0, zero_rows(40000, 2)), "too_many_pixels"),
        "pgm_19_bytes": (b"P5\n30000 30000\n255\n", "unsupported_format"),
        "png_12000_rgba16": (png(12000, 12000, 16, 6, zero_rows(12000 * 8, 2)), "too_many_pixels"),
    }


BOMB_PROBE = textwrap.dedent("""
    import json, resource, sys
    sys.path.insert(0, sys.argv[1])
    sys.path.insert(0, sys.argv[2])
    from gan_core.preprocess import ImageError, prepare_image
    from test_hostile_images import bombs
    cases = bombs()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux: the peak so far
    codes = {}
    for name, (data, _) in cases.items():
        for pipeline in ("notebook", "mnist"):
            try:
                prepare_image(data, pipeline)
                codes[name] = "accepted"
            except ImageError as exc:
                codes[name] = exc.code
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"codes": codes, "grown_kib": grown, "sizes": {k: len(v[0]) for k, v in cases.items()}}))
""")


def test_decompression_bombs_are_refused_from_the_header_with_little_memory():
    # a fresh process, so the peak resident size (ru_maxrss) measures these decodes and nothing else
    done = subprocess.run(
        [sys.executable, "-c", BOMB_PROBE, str(ROOT), str(ROOT / "tests")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["codes"] == {name: code for name, (_, code) in bombs().items()}
    assert result["grown_kib"] < 100 * 1024
    assert 50_000 < result["sizes"]["png_30000_full"] < 200_000 and result["sizes"]["pgm_19_bytes"] == 19


def test_bomb_details_name_the_claimed_size():
    err = refused(png(40000, 40000, 8, 0, zero_rows(40000, 2)))
    assert err.details == {"width": 40000, "height": 40000, "limit": pp.MAX_PIXELS}


def test_opencv_itself_refuses_big_images_once_gan_core_is_imported():
    # belt and braces: the environment limit works only when set before cv2 is first imported
    probe = textwrap.dedent("""
        import sys; sys.path.insert(0, sys.argv[1])
        import gan_core, cv2, numpy as np, zlib, struct
        sys.path.insert(0, sys.argv[2])
        from test_hostile_images import png, zero_rows
        data = png(6000, 5000, 1, 0, zero_rows(750, 5000))  # 30 M pixels: over the 25 M limit
        try:
            print("refused" if cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED) is None else "decoded")
        except cv2.error:  # OpenCV 5 raises from its size check
            print("refused")
    """)
    done = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT), str(ROOT / "tests")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "refused"


def patched(data: bytes, offset: int, fmt: str, *values) -> bytes:
    return data[:offset] + struct.pack(fmt, *values) + data[offset + struct.calcsize(fmt) :]


def huge_headers() -> dict[str, bytes]:
    """Small valid files of every allowed format whose header is edited to claim 30000x30000 or more."""
    small = cv2.GaussianBlur(np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8), (5, 5), 2)
    jpeg = encode(".jpg", small)
    sof = jpeg.index(b"\xff\xc0")
    gif = encode(".gif", small)
    frame = gif.index(b"\x2c", 13 + 768)  # the image descriptor after the 256-colour global table
    return {
        "jpeg_sof": patched(jpeg, sof + 5, ">HH", 30000, 30000),
        "gif_screen": patched(gif, 6, "<HH", 30000, 30000),
        "gif_frame_beyond_screen": patched(gif, frame + 5, "<HH", 30000, 30000),
        "bmp": patched(encode(".bmp", small), 18, "<ii", 30000, -30000),
        "webp_vp8": patched(encode(".webp", small, (cv2.IMWRITE_WEBP_QUALITY, 80)), 26, "<HH", 16000, 16000),
        "webp_vp8l": patched(encode(".webp", small, (cv2.IMWRITE_WEBP_QUALITY, 101)), 21, "<I", 16383 | (16383 << 14)),
        "webp_vp8x": patched(
            encode(".webp", np.dstack([small, small[..., :1]]), (cv2.IMWRITE_WEBP_QUALITY, 80)),
            24,
            "<HBH",
            29999,
            0,
            29999,
        ),
    }


@pytest.mark.parametrize("name", list(huge_headers()))
def test_every_format_is_size_checked_from_its_header(name):
    err = refused(huge_headers()[name])
    assert err.code == "too_many_pixels"
    assert err.details["width"] * err.details["height"] > pp.MAX_PIXELS


def test_crafted_block_mazes_are_refused_not_walked_for_seconds():
    # the header walkers are Python loops holding the GIL: a 20 MB maze of tiny blocks would stall every
    # session for seconds, so the walk is bounded and the file refused (asserted by code, not by time)
    gif = encode(".gif", cv2.cvtColor(digit_ink(28), cv2.COLOR_GRAY2BGR))
    table_end = 13 + 768  # cv2 writes a 256-colour global table
    gif_maze = gif[:table_end] + b"\x21\xfe" + b"\x01x" * 400_000 + b"\x00" + gif[table_end:]
    jpeg = encode(".jpg", digit_ink(28))
    jpeg_maze = jpeg[:2] + b"\xff\xfe\x00\x02" * 20_000 + jpeg[2:]  # empty comment segments
    for maze in (gif_maze, jpeg_maze):
        err = refused(maze)
        assert err.code == "corrupt" and "too many" in err.details["reason"]


# ---- bad files ----
def tiny_png() -> bytes:
    return encode(".png", digit_ink(28))


@pytest.mark.parametrize(
    "data, code, detected",
    [
        (b"", "empty", None),
        (np.random.default_rng(0).bytes(4096), "unsupported_format", "unknown"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><circle r="9"/></svg>',
            "unsupported_format",
            "svg",
        ),
        (b"definitely a picture of a seven, honest\n", "unsupported_format", "text"),
        (b"P5\n2 2\n255\n\x00\xff\xff\x00", "unsupported_format", "pnm"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41", "unsupported_format", "iso-media"),  # a video
        (b"\x00\x00\x00\x10ftyp\xff\xfe\xfd\xfc\x00\x00\x00\x00", "unsupported_format", "iso-media"),
        (b"II+\x00\x08\x00\x00\x00", "unsupported_format", "bigtiff"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "unsupported_format", "pdf"),
    ],
)
def test_bad_files_are_refused_by_content(data, code, detected):
    err = refused(data)
    assert err.code == code
    assert err.details.get("detected") == detected


def test_tiff_named_png_is_read_as_tiff_by_content():
    # the bytes are all there is: a .png name never reaches the module
    prepared = pp.prepare_image(encode(".tif", digit_ink(28)))
    assert prepared.format == "tiff"
    np.testing.assert_array_equal(prepared.gray, digit_ink(28))


def test_heic_header_without_an_image_is_corrupt_not_unsupported():
    err = refused(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
    assert err.code == "corrupt"


def test_png_chunk_lengths_past_the_file_are_refused_before_decoding():
    # libpng's crashers huge_tEXt_chunk / huge_IDAT: OpenCV allocated what the chunk declared (4.2 GB)
    for kind in (b"tEXt", b"IDAT", b"zTXt"):
        err = refused(hf.huge_chunk_png(kind))
        assert err.code == "corrupt" and "more bytes than the file holds" in err.details["reason"]


def test_undecodable_variant_and_damaged_file_are_different_refusals():
    argb4444 = hf.bitfield_bmp((0x0F00, 0x00F0, 0x000F, 0xF000), 0xFF00)  # neither OpenCV nor Pillow reads it
    err = refused(argb4444)
    assert (err.code, err.details) == ("undecodable", {"format": "BMP"})
    assert str(err) == "This BMP file uses a variant of the format that cannot be decoded here."
    assert refused(encode(".bmp", digit_ink())[:300]).code == "corrupt"


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x00\x00\x10ftyp\xff\xfe\x80\x81\x00\x00\x00\x00",
        b"\xff\xd8\xff\xc0\x00\x11\x08\xff\xff",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xff\xff\xff\xfe\xfe",
        b"RIFF\x00\x00\x00\x00WEBP\xe9\xe8\xe7\xe6",
        np.random.default_rng(1).bytes(64),
    ],
)
def test_messages_never_echo_raw_bytes(data):
    message = str(refused(data))
    assert message.isascii() and message.isprintable()
    assert not any(chr(b) in message for b in data if b >= 0x80 or b < 0x20)


@pytest.mark.parametrize("ext", [".png", ".jpg", ".webp", ".gif", ".bmp"])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_files_are_corrupt(ext, keep):
    data = encode(ext, cv2.cvtColor(digit_ink(), cv2.COLOR_GRAY2BGR))
    assert refused(data[: int(len(data) * keep)]).code == "corrupt"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00",  # signature and half a length
        b"\xff\xd8\xff\xd9",  # SOI then EOI: no frame header
        b"\xff\xd8\xff\xe0\x00\x10JFIF",  # a segment cut short
        b"GIF89a\x10",
        b"BM\x00\x00",
        b"RIFF\x00\x00\x00\x00WEBPVP8Z",
    ],
)
def test_damaged_headers_are_corrupt(data):
    assert refused(data).code == "corrupt"


def test_oversized_file_is_refused_before_anything_else():
    err = refused(b"\x89PNG\r\n\x1a\n" + bytes(pp.MAX_BYTES))
    assert err.code == "too_large" and err.details["limit"] == pp.MAX_BYTES


def test_every_refusal_has_an_english_message():
    cases = [
        ("empty", {}),
        ("too_large", {"size": 1, "limit": 2}),
        ("too_many_pixels", {"width": 1, "height": 2, "limit": 3}),
        ("unsupported_format", {"detected": "svg"}),
        ("undecodable", {"format": "BMP"}),
        ("corrupt", {"reason": "truncated"}),
        ("decode_limit", {"memory_mb": 1, "cpu_s": 2, "wall_s": 3}),
        ("not_a_file", {"kind": "directory"}),
    ]
    assert {code for code, _ in cases} == set(pp.REFUSAL_CODES)
    for code, details in cases:
        message = str(pp.ImageError(code, **details))
        assert message[0].isupper() and message.endswith(".") and message.isascii()


# ---- awkward but valid files: one policy each ----
def test_16bit_is_scaled_not_clipped():
    values = np.array([[0, 257, 32896, 65535]], np.uint16)  # 0, 1, 128, 255 after /257
    prepared = pp.prepare_image(encode(".png", np.repeat(values, 3, axis=0)))
    np.testing.assert_array_equal(prepared.gray[0], [0, 1, 128, 255])
    assert "scaled_16bit" in prepared.notes


def test_16bit_digit_scores_like_its_8bit_version():
    ink8 = digit_ink()
    eight = pp.prepare_image(encode(".png", ink8), "mnist").model_input
    sixteen = pp.prepare_image(encode(".png", ink8.astype(np.uint16) * 257), "mnist").model_input
    np.testing.assert_array_equal(sixteen, eight)


@pytest.mark.parametrize("depth", [np.uint8, np.uint16])
@pytest.mark.parametrize("pipeline", pp.PIPELINES)
def test_transparent_black_and_transparent_white_digits_are_the_same(depth, pipeline):
    peak = np.iinfo(depth).max
    coverage = digit_ink().astype(np.float64) / 255
    versions = []
    for under in (0, peak):  # the colour stored under alpha = 0
        bgra = np.zeros((*coverage.shape, 4), depth)  # black strokes...
        bgra[coverage == 0, :3] = under
        bgra[..., 3] = np.rint(coverage * peak).astype(depth)  # ...whose coverage is alpha
        versions.append(pp.prepare_image(encode(".png", bgra), pipeline))
    assert "alpha_composited" in versions[0].notes
    np.testing.assert_array_equal(versions[0].model_input, versions[1].model_input)
    assert versions[0].gray[0, 0] == 255  # composited onto the default white background


def test_stated_background_is_used():
    bgra = np.zeros((40, 40, 4), np.uint8)  # fully transparent
    assert pp.prepare_image(encode(".png", bgra), background=0).gray.max() == 0
    assert pp.prepare_image(encode(".png", bgra), background=200).gray.min() == 200


def pil_jpeg(rgb: np.ndarray, mode: str) -> bytes:
    from PIL import Image  # only here: OpenCV cannot write CMYK

    out = io.BytesIO()
    Image.fromarray(rgb).convert(mode).save(out, "JPEG", quality=95)
    return out.getvalue()


def test_cmyk_jpeg_scores_like_its_rgb_version():
    from gan_core.scoring import score_batch
    from gan_core.weights import load_discriminator

    rgb = np.zeros((112, 112, 3), np.uint8)
    ink = digit_ink() > 100
    rgb[...] = (240, 220, 180)  # paper
    rgb[ink] = (20, 40, 140)  # blue ink
    discriminator = load_discriminator()
    for pipeline in pp.PIPELINES:
        cmyk = pp.prepare_image(pil_jpeg(rgb, "CMYK"), pipeline)
        plain = pp.prepare_image(pil_jpeg(rgb, "RGB"), pipeline)
        assert np.abs(cmyk.model_input - plain.model_input).max() < 0.1
        assert np.abs(cmyk.original.astype(int) - plain.original.astype(int)).mean() < 4  # colours, not inverted
        p_cmyk = score_batch(discriminator, cmyk.tensor)["probability"][0]
        p_plain = score_batch(discriminator, plain.tensor)["probability"][0]
        assert abs(p_cmyk - p_plain) < 0.05


@pytest.mark.parametrize("ext", [".gif", ".png", ".webp"])  # GIF, APNG, animated WebP
def test_animation_uses_the_first_frame_and_says_so(ext):
    first = cv2.cvtColor(digit_ink(), cv2.COLOR_GRAY2BGRA)
    second = cv2.flip(first, 0)  # upside down: clearly another picture
    animation = cv2.Animation()
    animation.frames, animation.durations = [first, second], [100, 100]
    ok, data = cv2.imencodeanimation(ext, animation)
    assert ok
    prepared = pp.prepare_image(data.tobytes())
    assert "first_frame_of_animation" in prepared.notes
    assert "first_frame_of_animation" not in pp.prepare_image(encode(ext, first)).notes
    gray = prepared.gray.astype(np.float32)
    assert np.abs(gray - first[..., 0]).mean() < 3 < 20 < np.abs(gray - second[..., 0]).mean()


def with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    """Insert an APP1 EXIF segment holding only the Orientation tag, as cameras write it."""
    tiff = b"MM\x00*" + struct.pack(">IH", 8, 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + bytes(4)
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_like_imread(orientation):
    image = np.zeros((30, 50, 3), np.uint8)
    image[2:10, 3:20] = 255  # an asymmetric mark
    data = with_exif_orientation(encode(".jpg", image, (cv2.IMWRITE_JPEG_QUALITY, 100)), orientation)
    prepared = pp.prepare_image(data)
    expected = cv2.cvtColor(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2GRAY)
    np.testing.assert_array_equal(prepared.gray, expected)
    assert ("exif_rotated" in prepared.notes) == (orientation != 1)


def test_exif_orientation_in_png_is_applied_too():
    image = np.zeros((30, 50), np.uint8)
    image[2:10, 3:20] = 255
    tiff = b"II*\x00" + struct.pack("<IH", 8, 1) + struct.pack("<HHIHH", 0x0112, 3, 1, 6, 0) + bytes(4)
    ok, data = cv2.imencodeWithMetadata(".png", image, [cv2.IMAGE_METADATA_EXIF], [np.frombuffer(tiff, np.uint8)])
    assert ok
    prepared = pp.prepare_image(data.tobytes())
    np.testing.assert_array_equal(prepared.gray, cv2.flip(cv2.transpose(image), 1))


# ---- property: every accepted input becomes a valid model input ----
@st.composite
def encodable_images(draw):
    height, width = draw(st.integers(1, 300)), draw(st.integers(1, 300))
    depth = draw(st.sampled_from([np.uint8, np.uint16]))
    channels = draw(st.sampled_from([1, 3, 4]))
    kind = draw(st.sampled_from(["noise", "constant", "gradient"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    peak = int(np.iinfo(depth).max)
    shape = (height, width, channels) if channels > 1 else (height, width)
    if kind == "noise":
        return rng.integers(0, peak + 1, shape, dtype=depth)
    if kind == "constant":
        return np.full(shape, rng.integers(0, peak + 1), depth)
    ramp = np.linspace(0, peak, width)[None, :] * np.linspace(0, 1, height)[:, None]
    return np.broadcast_to(ramp.reshape(height, width, *([1] if channels > 1 else [])), shape).astype(depth)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(image=encodable_images())
def test_every_accepted_png_becomes_a_valid_model_input(image):
    data = encode(".png", image)
    for pipeline in pp.PIPELINES:
        prepared = pp.prepare_image(data, pipeline)
        tensor = prepared.tensor
        assert tuple(tensor.shape) == (1, 1, 28, 28) and str(tensor.dtype) == "torch.float32"
        values = tensor.numpy()
        assert np.isfinite(values).all() and values.min() >= -1 and values.max() <= 1
        assert prepared.gray.shape == image.shape[:2] and prepared.original.shape[2] == 3
