"""Hostile and awkward files, built in memory: what the tests refuse or accept and what benchmarks/sandbox.py and
the load test time. One builder per kind, each small to make and cheap to hold (a bomb is what it claims, not
what it weighs).

Images: decompression bombs, chunk lengths of 0xFFFFFFFF, a progressive JPEG that repeats one scan, junk before
JPEG markers, bitfield BMPs, tRNS-keyed PNGs, 16-bit APNGs, HEIC/AVIF/TIFF written by Pillow and pillow-heif.
Weights: a torch zip whose storage deflates to gigabytes, float64 values that overflow float32, negative
BatchNorm variances, huge weights, float8 / sparse / meta tensors, tensors with attributes set by the file.
"""

import io
import itertools
import re
import struct
import zipfile
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---------------- PNG ----------------
def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int, depth: int, colour: int, idat: bytes, extra: bytes = b"") -> bytes:
    """A PNG from its parts: IHDR, `extra` chunks, one IDAT (already compressed), IEND."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return PNG_SIGNATURE + png_chunk(b"IHDR", ihdr) + extra + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def zero_rows(row_bytes: int, rows: int) -> bytes:
    """zlib stream of `rows` all-zero PNG rows (filter byte + pixels), compressed in slices: ~1000:1."""
    packer, block = zlib.compressobj(9), bytes(row_bytes + 1) * 1000
    parts = [packer.compress(block) for _ in range(rows // 1000)]
    return b"".join(parts) + packer.compress(bytes(row_bytes + 1) * (rows % 1000)) + packer.flush()


def bomb_png(side: int = 30_000) -> bytes:
    """A complete, valid side x side 1-bit grey PNG of zeros: ~110 KB for 30000 (900 MB once decoded)."""
    return png(side, side, 1, 0, zero_rows((side + 7) // 8, side))


def huge_chunk_png(kind: bytes = b"tEXt", length: int = 0xFFFFFFFF) -> bytes:
    """A 10x10 PNG whose second chunk claims `length` bytes (libpng's huge_tEXt_chunk / huge_IDAT crashers): the
    file ends right after the chunk's type. OpenCV allocated what the chunk declares."""
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 10, 10, 8, 0, 0, 0, 0))
    return PNG_SIGNATURE + ihdr + struct.pack(">I", length) + kind + b"\x00" * 12


def trns_grey_png(pixels: np.ndarray, key: int, depth: int = 8) -> bytes:
    """A grey PNG (uint8 values < 2**depth) whose tRNS chunk makes the value `key` transparent."""
    height, width = pixels.shape
    per_byte = 8 // depth if depth < 8 else 1
    rows = []
    for row in pixels.astype(np.uint16):
        if depth < 8:
            padded = np.concatenate([row, np.zeros((-len(row)) % per_byte, np.uint16)]).reshape(-1, per_byte)
            shifts = depth * np.arange(per_byte - 1, -1, -1)
            packed = (padded << shifts).sum(axis=1).astype(np.uint8).tobytes()
        else:
            packed = row.astype(">u2" if depth == 16 else np.uint8).tobytes()
        rows.append(b"\x00" + packed)
    trns = png_chunk(b"tRNS", struct.pack(">H", key))
    return png(width, height, depth, 0, zlib.compress(b"".join(rows)), extra=trns)


def apng_16bit(first_rgb: tuple[int, int, int], second_rgb: tuple[int, int, int], side: int = 16) -> bytes:
    """A two-frame 16-bit RGB APNG whose default image (frame 0) is `first_rgb` (8-bit values, stored x257)."""

    def rows(rgb):
        pixel = struct.pack(">HHH", *(257 * v for v in rgb))
        return zlib.compress((b"\x00" + pixel * side) * side)

    def fctl(sequence: int) -> bytes:  # frame control: the whole canvas, 1/10 s
        return png_chunk(b"fcTL", struct.pack(">IIIIIHHBB", sequence, side, side, 0, 0, 1, 10, 0, 0))

    actl = png_chunk(b"acTL", struct.pack(">II", 2, 0))
    second = rows(second_rgb)
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 16, 2, 0, 0, 0))
    return (
        PNG_SIGNATURE
        + ihdr
        + actl
        + fctl(0)
        + png_chunk(b"IDAT", rows(first_rgb))
        + fctl(1)
        + png_chunk(b"fdAT", struct.pack(">I", 2) + second)
        + png_chunk(b"IEND", b"")
    )


# ---------------- JPEG ----------------
def scan_repeat_jpeg(side: int = 5000, repeats: int = 5000) -> bytes:
    """A progressive side x side grey JPEG whose smallest scan (42 bytes for a flat image) is repeated `repeats`
    times: ~300 KB for the defaults, and each repeat costs the decoder a pass over the whole coefficient buffer."""
    import cv2

    data = cv2.imencode(".jpg", np.full((side, side), 128, np.uint8), [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])[1].tobytes()
    marks = [m.start() for m in re.finditer(rb"\xff[\xc4\xda\xd9]", data)]
    scans = [(a, b) for a, b in itertools.pairwise(marks) if data[a + 1] == 0xDA]
    start, end = min(scans, key=lambda s: s[1] - s[0])
    return data[:end] + data[start:end] * repeats + data[end:]


def junk_before_marker_jpeg(image: np.ndarray, junk: bytes = b"\x00\x12junk\xff\x00") -> bytes:
    """A JPEG with junk bytes between two segments, before the frame header: libjpeg skips them with a warning."""
    import cv2

    data = cv2.imencode(".jpg", image)[1].tobytes()
    sof = data.index(b"\xff\xc0")
    return data[:sof] + junk + data[sof:]


# ---------------- BMP ----------------
def bitfield_bmp(masks: tuple[int, int, int, int], value: int, header: int = 108, width: int = 5, height: int = 3):
    """A 16-bit BI_BITFIELDS BMP, every pixel `value`; masks (R, G, B, A). header 40 (masks after the info header)
    or 108 (BITMAPV4HEADER, masks inside: the only place an alpha mask can go)."""
    row = struct.pack("<H", value) * width + bytes((-2 * width) % 4)
    body = row * height
    info = struct.pack("<IiiHHIIiiII", header, width, height, 1, 16, 3, len(body), 2835, 2835, 0, 0)
    info += struct.pack("<III", *masks[:3]) if header == 40 else struct.pack("<IIII", *masks) + bytes(header - 56)
    offset = 14 + len(info)
    return b"BM" + struct.pack("<IHHI", offset + len(body), 0, 0, offset) + info + body


# ---------------- formats through Pillow and its plugins ----------------
def pillow_bytes(rgb: np.ndarray, fmt: str, **options) -> bytes:
    """`rgb` (H, W, 3) uint8 saved by Pillow as fmt ("HEIF" through pillow-heif, "AVIF", "TIFF", "JPEG", ...)."""
    from PIL import Image

    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, fmt, **options)
    return out.getvalue()


# ---------------- weights ----------------
def _zip(entries: list[tuple[str, int, int, bytes, int]]) -> bytes:
    """A zip archive from (name, method, crc, stored bytes, declared uncompressed size) entries."""
    out, central = io.BytesIO(), b""
    for name, method, crc, stored, size in entries:
        offset, raw = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(stored), size, len(raw), 0))
        out.write(raw + stored)
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0,
                crc,
                len(stored),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    start = out.tell()
    out.write(central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), start, 0))
    return out.getvalue()


def deflate_bomb_weights(state: dict, gib: float = 2.0) -> bytes:
    """torch.save(state) with its first storage replaced by a deflate stream of `gib` GiB of zeros (~1 KB per
    MiB): the archive declares, and would inflate to, that size."""
    import torch

    buffer = io.BytesIO()
    torch.save(state, buffer)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    mib = int(gib * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(bytes(2**20)) + packer.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, needs no history
    stream = block * mib + b"\x03\x00"  # then one empty final block
    crc = 0
    zeros = bytes(2**20)
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    entries, replaced = [], False
    for info in archive.infolist():
        body = archive.read(info.filename)
        if not replaced and "/data/" in info.filename and not info.filename.endswith(".pkl"):
            entries.append((info.filename, 8, crc, stream, mib * 2**20))
            replaced = True
        else:
            entries.append((info.filename, 0, zlib.crc32(body), body, len(body)))
    return _zip(entries)


def torch_bytes(state: dict) -> bytes:
    import torch

    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def hostile_states(state: dict) -> dict[str, dict]:
    """name -> a broken copy of a discriminator `state` (float32 tensors, course keys):
    float64 1e300 (inf in float32), a negative BatchNorm running_var, weights of 3e38, a sparse weight, a tensor
    with attributes set by the file, a NaN num_batches_tracked stored as float."""
    import torch

    weight = next(k for k, v in state.items() if v.ndim == 4)
    var = next(k for k in state if k.endswith("running_var"))
    tracked = next(k for k in state if k.endswith("num_batches_tracked"))
    dense = dict(state)
    out = {
        "float64_1e300": {**dense, weight: torch.full_like(state[weight], 1e300, dtype=torch.float64)},
        "negative_running_var": {**dense, var: -torch.ones_like(state[var])},
        "weights_3e38": {k: torch.full_like(v, 3e38) if v.is_floating_point() else v for k, v in dense.items()},
        "sparse": {**dense, weight: state[weight].to_sparse()},
        "nan_num_batches_tracked": {**dense, tracked: torch.tensor(float("nan"))},
    }
    marked = state[weight].clone()
    marked.is_floating_point = False  # an instance attribute, pickled with the tensor and set again on load
    out["attribute_set_by_file"] = {**dense, weight: marked}
    return out


def float8_safetensors(state: dict) -> bytes:
    """The state as safetensors with its first float tensor in float8_e4m3fn."""
    import torch
    from safetensors.torch import save

    key = next(k for k, v in state.items() if v.is_floating_point())
    return save({**state, key: state[key].to(torch.float8_e4m3fn)})


def meta_tensor_weights(state: dict) -> bytes:
    """torch.save of the state with one tensor on the meta device (no values at all)."""
    key = next(iter(state))
    return torch_bytes({**state, key: state[key].to("meta")})
