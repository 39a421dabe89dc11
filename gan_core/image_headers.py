"""What an image file's bytes claim, read without decoding a single pixel.

Pure byte parsing for gan_core.preprocess: the format from magic bytes, the pixel size from the header
(PNG IHDR, JPEG SOFn, GIF screen and frames, BMP info header, WebP VP8/VP8L/VP8X, TIFF's first IFD, HEIF/AVIF
`ispe` boxes), whether the file is an animation, a PNG's tRNS transparency key, and the EXIF orientation tag.
Parsers raise ValueError, IndexError or struct.error on damaged bytes; the caller turns those into one clear
refusal. Every name returned and every ValueError text is from this module's own fixed vocabulary: nothing
here ever echoes the file's bytes.
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
    (b"II+\x00", "bigtiff"),
    (b"MM\x00+", "bigtiff"),
    (b"%PDF", "pdf"),
)
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # JPEG frame headers (not DHT, JPG, DAC)
# Bounds on the Python loops below, which hold the GIL while they run: real files stay far inside them.
MAX_GIF_BLOCKS = 300_000  # a 20 MB GIF written in full 255-byte sub-blocks has ~80,000
MAX_SEGMENTS = 10_000  # JPEG segments before the frame header, PNG chunks before the first IDAT: real files ~10
MAX_ISPE = 1_000  # HEIF/AVIF image-size boxes looked at: a grid photo has one per tile, ~50
_FILL = re.compile(rb"\xff+")
# ISO media brands (the ftyp box): AVIF first, as AVIF files also list the generic HEIF brands mif1/msf1
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1", b"mif2"}


def detect_format(data: bytes) -> str:
    """A short name for what the bytes are: png, jpeg, gif, bmp, webp, tiff, heic, avif, or bigtiff, pdf, pnm,
    iso-media (another ISO media file: a video), svg, text, unknown. Decided by content only."""
    found = next((fmt for magic, fmt in _MAGIC if data.startswith(magic)), None)
    if found:
        return found
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp":  # ISO media: HEIC (iPhone photos), AVIF, or a video
        return _iso_media_kind(data)
    if data[:1] == b"P" and data[1:2] in b"1234567" and data[2:3].isspace():
        return "pnm"  # PGM/PPM/PBM: uncompressed, so a 19-byte file may claim any size
    head = data[:1024]
    if b"<svg" in head.lower():
        return "svg"
    return "text" if all(b >= 0x20 or b in b"\t\n\r" for b in head) else "unknown"


def _iso_media_kind(data: bytes) -> str:
    """avif, heic or iso-media from the ftyp box's major and compatible brands."""
    size = min(max(struct.unpack_from(">I", data)[0], 16), 4096, len(data))
    brands = {data[at : at + 4] for at in range(8, size - 3, 4)} - {data[12:16]}  # 12..16 is the minor version
    if brands & _AVIF_BRANDS:
        return "avif"
    return "heic" if brands & _HEIF_BRANDS else "iso-media"


def _jpeg_size(data: bytes) -> tuple[int, int]:
    pos = 2
    for _ in range(MAX_SEGMENTS):  # walk the marker segments up to the first frame header
        if data[pos] != 0xFF:  # junk between segments: libjpeg skips to the next 0xFF, and so do we
            pos = data.find(b"\xff", pos)
            if pos < 0:
                raise ValueError("no frame header before the end of the file")
        fill = _FILL.match(data, pos)  # 0xFF fill bytes, skipped in C; data[pos] is 0xFF here, so it matches
        pos = fill.end() if fill else pos + 1
        marker, pos = data[pos], pos + 1
        if marker == 0x00:  # a stuffed 0xFF 0x00 inside junk: not a marker, keep looking
            continue
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
    frames: list[tuple[int, int]] = []
    pos, steps = 13 + _gif_table(data[10]), 0
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


def _tiff_size(data: bytes) -> tuple[int, int]:
    """ImageWidth (256) and ImageLength (257) of the first IFD; SHORT or LONG values."""
    order = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack_from(order + "I", data, 4)[0]
    found = {}
    for i in range(min(struct.unpack_from(order + "H", data, ifd)[0], MAX_SEGMENTS)):
        tag, kind, _, value = struct.unpack_from(order + "HHII", data, ifd + 2 + 12 * i)
        if tag in (256, 257):
            found[tag] = struct.unpack_from(order + "H", data, ifd + 10 + 12 * i)[0] if kind == 3 else value
    if len(found) < 2:
        raise ValueError("the TIFF header names no image size")
    return found[256], found[257]


def _ispe_size(data: bytes) -> tuple[int, int]:
    """The largest (width, height) of the HEIF/AVIF `ispe` (image spatial extent) boxes: a grid photo has one for
    the whole picture and one per tile. Found by searching in C, not by walking the box tree."""
    sizes: list[tuple[int, int]] = []
    pos = data.find(b"ispe")
    while pos >= 4 and len(sizes) < MAX_ISPE:
        sizes.append(struct.unpack_from(">II", data, pos + 8))  # after the box type: version/flags, width, height
        pos = data.find(b"ispe", pos + 4)
    if not sizes:
        raise ValueError("the header names no image size")
    return max(sizes, key=lambda s: s[0] * s[1])


def _png_chunks_fit(data: bytes) -> None:
    """Every chunk up to the first IDAT must fit in the file: a length of 0xFFFFFFFF makes a decoder allocate 4 GB."""
    pos = 8
    for _ in range(MAX_SEGMENTS):
        if pos + 8 > len(data):
            return  # cut short: the decoder says "damaged"
        length, kind = struct.unpack_from(">I4s", data, pos)
        if length > len(data) - pos - 12:
            raise ValueError("a chunk claims more bytes than the file holds")
        if kind == b"IDAT":
            return
        pos += 12 + length
    raise ValueError("too many chunks before the image data")


def header_size(data: bytes, fmt: str) -> tuple[int, int]:
    """(width, height) claimed by the header of a png/jpeg/gif/bmp/webp/tiff/heic/avif file."""
    if fmt == "png":
        if data[12:16] != b"IHDR":
            raise ValueError("IHDR is not the first chunk")
        _png_chunks_fit(data)
        return struct.unpack_from(">II", data, 16)
    if fmt == "jpeg":
        return _jpeg_size(data)
    if fmt == "bmp":  # OS/2 headers (size 12) hold 16-bit sizes; a negative height means top-down rows
        small = struct.unpack_from("<I", data, 14)[0] == 12
        return tuple(map(abs, struct.unpack_from("<HH" if small else "<ii", data, 18)))
    if fmt == "gif":  # the logical screen, or more where a frame reaches beyond it
        frames = [struct.unpack_from("<HH", data, 6), *gif_frames(data)]
        return max(f[0] for f in frames), max(f[1] for f in frames)
    if fmt == "webp":
        return _webp_size(data)
    if fmt == "tiff":
        return _tiff_size(data)
    if fmt in ("heic", "avif"):
        return _ispe_size(data)
    raise ValueError("no header reader for this format")


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


def png_transparency_key(data: bytes) -> tuple[int, ...] | None:
    """The tRNS colour key of a grey (1 sample) or RGB (R, G, B) PNG, in the file's bit depth; None when there is
    none. Pixels of exactly that colour are transparent. (Palette PNGs keep tRNS as alpha in every decoder.)"""
    if data[12:16] != b"IHDR" or data[25] not in (0, 2):
        return None
    pos, samples = 8, 1 if data[25] == 0 else 3
    for _ in range(MAX_SEGMENTS):
        if pos + 8 > len(data):
            return None
        length, kind = struct.unpack_from(">I4s", data, pos)
        if kind in (b"IDAT", b"IEND"):
            return None
        if kind == b"tRNS" and length >= 2 * samples:
            return struct.unpack_from(f">{samples}H", data, pos + 8)
        pos += 12 + length
    return None


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
