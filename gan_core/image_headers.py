"""What an image file's bytes claim, read without decoding a single pixel.

Pure byte parsing for gan_core.preprocess: the format from magic bytes, the pixel size from the header
(PNG IHDR, JPEG SOFn, GIF screen and frames, BMP info header, WebP VP8/VP8L/VP8X), whether the file is an
animation, and the EXIF orientation tag. Parsers raise ValueError, IndexError or struct.error on damaged
bytes; the caller turns those into one clear refusal.
"""

import re
import struct

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"%PDF", "pdf"),
)
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # JPEG frame headers (not DHT, JPG, DAC)
# Bounds on the Python loops below, which hold the GIL while they run: real files stay far inside them.
MAX_GIF_BLOCKS = 300_000  # a 20 MB GIF written in full 255-byte sub-blocks has ~80,000
MAX_SEGMENTS = 10_000  # JPEG segments before the frame header, PNG chunks before the first IDAT: real files ~10
_FILL = re.compile(rb"\xff+")


def detect_format(data: bytes) -> str:
    """A short name for what the bytes are: png, jpeg, gif, bmp, webp, or tiff, pdf, pnm, heic, avif, svg,
    text, unknown. Decided by content only."""
    found = next((fmt for magic, fmt in _MAGIC if data.startswith(magic)), None)
    if found:
        return found
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp":  # ISO media: HEIC (iPhone photos), AVIF
        return data[8:12].decode("ascii", "replace").strip()
    if data[:1] == b"P" and data[1:2] in b"1234567" and data[2:3].isspace():
        return "pnm"  # PGM/PPM/PBM: uncompressed, so a 19-byte file may claim any size
    head = data[:1024]
    if b"<svg" in head.lower():
        return "svg"
    return "text" if all(b >= 0x20 or b in b"\t\n\r" for b in head) else "unknown"


def _jpeg_size(data: bytes) -> tuple[int, int]:
    pos = 2
    for _ in range(MAX_SEGMENTS):  # walk the marker segments up to the first frame header
        if data[pos] != 0xFF:
            raise ValueError("not a marker")
        pos = _FILL.match(data, pos).end()  # 0xFF fill bytes, skipped in C
        marker, pos = data[pos], pos + 1
        if marker in _SOF:
            height, width = struct.unpack_from(">HH", data, pos + 3)
            return width, height
        if marker in (0xD9, 0xDA):
            raise ValueError("no frame header before the image data")
        if not (0xD0 <= marker <= 0xD8 or marker == 0x01):  # these markers have no length field
            pos += struct.unpack_from(">H", data, pos)[0]
    raise ValueError("too many segments before the frame header")


def _gif_table(flags: int) -> int:
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0  # colour table bytes


def gif_frames(data: bytes, limit: int = 2) -> list[tuple[int, int]]:
    """(right, bottom) of the first `limit` GIF frames, found by walking the blocks (OpenCV decodes only the
    first; a second one means an animation). Tolerates a missing trailer; refuses a crafted maze of blocks."""
    pos, frames, steps = 13 + _gif_table(data[10]), [], 0
    while pos < len(data) and data[pos] != 0x3B and len(frames) < limit:  # 0x3B: trailer
        if data[pos] == 0x2C:  # image descriptor, then its colour table and LZW code size
            left, top, width, height, flags = struct.unpack_from("<HHHHB", data, pos + 1)
            frames.append((left + width, top + height))
            pos += 11 + _gif_table(flags)
        elif data[pos] == 0x21:  # extension: introducer and label
            pos += 2
        else:
            raise ValueError("unknown GIF block")
        while pos < len(data) and data[pos] and steps < MAX_GIF_BLOCKS:  # sub-blocks, ended by a zero length
            pos, steps = pos + data[pos] + 1, steps + 1
        pos, steps = pos + 1, steps + 1
        if steps >= MAX_GIF_BLOCKS:
            raise ValueError("too many GIF blocks")
    return frames


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8X":  # extended: 24-bit canvas size minus one
        return tuple((struct.unpack_from("<I", data, at)[0] & 0xFFFFFF) + 1 for at in (24, 27))
    if chunk == b"VP8L":  # lossless: 14-bit sizes minus one after the 0x2F signature
        bits = struct.unpack_from("<I", data, 21)[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":  # lossy: 14-bit sizes after the frame tag and start code
        return tuple(v & 0x3FFF for v in struct.unpack_from("<HH", data, 26))
    raise ValueError("unknown WebP chunk")


def header_size(data: bytes, fmt: str) -> tuple[int, int]:
    """(width, height) claimed by the header of a png/jpeg/gif/bmp/webp file."""
    if fmt == "png":
        if data[12:16] != b"IHDR":
            raise ValueError("IHDR is not the first chunk")
        return struct.unpack_from(">II", data, 16)
    if fmt == "jpeg":
        return _jpeg_size(data)
    if fmt == "bmp":  # OS/2 headers (size 12) hold 16-bit sizes; a negative height means top-down rows
        small = struct.unpack_from("<I", data, 14)[0] == 12
        return tuple(map(abs, struct.unpack_from("<HH" if small else "<ii", data, 18)))
    if fmt == "gif":  # the logical screen, or more where a frame reaches beyond it
        frames = [struct.unpack_from("<HH", data, 6)] + gif_frames(data)
        return max(f[0] for f in frames), max(f[1] for f in frames)
    if fmt == "webp":
        return _webp_size(data)
    raise ValueError(f"no header reader for {fmt}")


def is_animated(data: bytes, fmt: str) -> bool:
    """More than one frame: GIF image descriptors, APNG acTL before the first IDAT, WebP VP8X flag."""
    if fmt == "gif":
        return len(gif_frames(data)) > 1
    if fmt == "webp":
        return data[12:16] == b"VP8X" and len(data) > 20 and bool(data[20] & 0x02)
    pos = 8
    for _ in range(MAX_SEGMENTS if fmt == "png" else 0):
        if pos + 12 > len(data):
            break
        length, kind = struct.unpack_from(">I4s", data, pos)
        if kind in (b"acTL", b"IDAT"):
            return kind == b"acTL" and struct.unpack_from(">I", data, pos + 8)[0] > 1
        pos += 12 + length
    return False


def exif_orientation(blob: bytes) -> int:
    """The Orientation tag (1..8) of a TIFF-structured EXIF blob; 1 when absent or unreadable."""
    blob = blob[6:] if blob.startswith(b"Exif\x00\x00") else blob
    order = {b"II": "<", b"MM": ">"}.get(blob[:2])
    if order is None:
        return 1
    try:
        ifd = struct.unpack_from(order + "I", blob, 4)[0]
        for i in range(struct.unpack_from(order + "H", blob, ifd)[0]):
            tag, _, _, value = struct.unpack_from(order + "HHIH", blob, ifd + 2 + 12 * i)
            if tag == 0x0112:
                return value if 1 <= value <= 8 else 1
    except struct.error:
        pass
    return 1
