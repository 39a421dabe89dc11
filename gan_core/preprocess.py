"""Any user image -> the discriminator's (1, 1, 28, 28) input, refusing hostile files before decoding them.

Policies (each tested in tests/test_hostile_images.py):
- the format is decided by magic bytes against ALLOWED_FORMATS, never by the file name;
- the pixel count is read from the header (parsed here) and refused over MAX_PIXELS before any pixel is decoded;
- alpha is composited onto a stated background using alpha only: the colour under alpha=0 never matters;
- 16-bit input is scaled to 8 bits (/257), never clipped;
- animations (GIF, APNG, animated WebP): the first frame is used, with the note "first_frame_of_animation";
- EXIF orientation is applied, as phones and the notebook's `cv2.imread` expect (note "exif_rotated").
"""
import struct
from dataclasses import dataclass

import cv2
import numpy as np

MAX_PIXELS = 25_000_000  # the same value as OPENCV_IO_MAX_IMAGE_PIXELS in gan_core/__init__.py
MAX_BYTES = 20 * 1024 * 1024
ALLOWED_FORMATS = ("png", "jpeg", "webp", "bmp", "gif")
PIPELINES = ("notebook", "mnist")
DISPLAY_SIDE = 512  # longer side of PreparedImage.original
SIDE, BOX, CENTRE = 28, 20, 14  # MNIST: ink fitted in 20x20, centre of mass at pixel (14, 14) of 28x28
INK_THRESHOLD = 0.2  # fraction of the brightest ink that counts as ink when cropping

_MESSAGES = {
    "empty": "The file is empty.",
    "too_large": "The file has {size} bytes; the limit is {limit} bytes.",
    "too_many_pixels": "The image is {width}x{height} pixels; the limit is {limit} pixels.",
    "unsupported_format": "Unsupported image format ({detected}). Use PNG, JPEG, WebP, BMP or GIF.",
    "corrupt": "The image could not be read: {reason}.",
}


class ImageError(ValueError):
    """A refused image. `code` is stable (the dashboard translates by it); `details` fill the message."""

    def __init__(self, code: str, **details):
        self.code, self.details = code, details
        super().__init__(_MESSAGES[code].format(**details))


@dataclass(frozen=True, eq=False)
class PreparedImage:
    original: np.ndarray  # (H, W, 3) uint8 RGB for display, longer side <= DISPLAY_SIDE
    gray: np.ndarray  # (H, W) uint8, full resolution, after compositing / 16-bit scaling
    model_input: np.ndarray  # (28, 28) float32 in [-1, 1]
    notes: tuple[str, ...]
    format: str

    @property
    def tensor(self):
        """(1, 1, 28, 28) float32 torch tensor."""
        import torch  # lazily: dashboard pages import this module and never import torch

        return torch.from_numpy(self.model_input.copy()).view(1, 1, SIDE, SIDE)


# ---- format and header: pure byte parsing, nothing decoded ----
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
          (b"BM", "bmp"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"%PDF", "pdf"))


def sniff_format(data: bytes) -> str:
    """Magic bytes -> one of ALLOWED_FORMATS; anything else raises ImageError (empty / unsupported_format)."""
    if not data:
        raise ImageError("empty")
    found = next((fmt for magic, fmt in _MAGIC if data.startswith(magic)), None)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        found = "webp"
    elif data[4:8] == b"ftyp":  # ISO media: HEIC (iPhone photos), AVIF
        found = data[8:12].decode("ascii", "replace").strip()
    elif found is None and data[:1] == b"P" and data[1:2] in b"1234567" and data[2:3].isspace():
        found = "pnm"  # PGM/PPM/PBM: no compression, so a tiny file may claim any size
    elif found is None:
        head = data[:1024]
        text = all(b >= 0x20 or b in b"\t\n\r" for b in head)
        found = "svg" if b"<svg" in head.lower() else "text" if text else "unknown"
    if found not in ALLOWED_FORMATS:
        raise ImageError("unsupported_format", detected=found)
    return found


_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # JPEG frame headers (DHT, JPG, DAC excluded)


def _jpeg_size(data: bytes) -> tuple[int, int]:
    pos = 2
    while True:  # walk the marker segments up to the first frame header
        if data[pos] != 0xFF:
            raise ValueError("not a marker")
        while data[pos] == 0xFF:
            pos += 1
        marker, pos = data[pos], pos + 1
        if marker in _SOF:
            height, width = struct.unpack_from(">HH", data, pos + 3)
            return width, height
        if marker in (0xD9, 0xDA):
            raise ValueError("no frame header before the image data")
        if not (0xD0 <= marker <= 0xD8 or marker == 0x01):  # these markers have no length field
            pos += struct.unpack_from(">H", data, pos)[0]


def _gif_table(flags: int) -> int:
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0  # colour table bytes


def _gif_frames(data: bytes) -> list[tuple[int, int]]:
    """(right, bottom) of every frame, found by walking the blocks; tolerates a missing trailer."""
    pos, frames = 13 + _gif_table(data[10]), []
    while pos < len(data) and data[pos] != 0x3B:  # 0x3B: trailer
        if data[pos] == 0x2C:  # image descriptor, then its colour table and LZW code size
            left, top, width, height, flags = struct.unpack_from("<HHHHB", data, pos + 1)
            frames.append((left + width, top + height))
            pos += 11 + _gif_table(flags)
        elif data[pos] == 0x21:  # extension: introducer and label
            pos += 2
        else:
            raise ValueError("unknown GIF block")
        while pos < len(data) and data[pos]:  # data sub-blocks, ended by a zero length
            pos += data[pos] + 1
        pos += 1
    return frames


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8X":  # extended: 24-bit canvas size minus one
        return ((struct.unpack_from("<I", data, 24)[0] & 0xFFFFFF) + 1,
                (struct.unpack_from("<I", data, 27)[0] & 0xFFFFFF) + 1)
    if chunk == b"VP8L":  # lossless: 14-bit sizes minus one after the 0x2F signature
        bits = struct.unpack_from("<I", data, 21)[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":  # lossy: 14-bit sizes after the frame tag and start code
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    raise ValueError("unknown WebP chunk")


def _bmp_size(data: bytes) -> tuple[int, int]:
    if struct.unpack_from("<I", data, 14)[0] == 12:  # OS/2 BITMAPCOREHEADER: 16-bit sizes
        return struct.unpack_from("<HH", data, 18)
    width, height = struct.unpack_from("<ii", data, 18)
    return abs(width), abs(height)  # negative height: top-down rows


def _gif_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack_from("<HH", data, 6)  # logical screen; a frame may claim more
    frames = _gif_frames(data)
    return max([width] + [r for r, _ in frames]), max([height] + [b for _, b in frames])


def _png_size(data: bytes) -> tuple[int, int]:
    if data[12:16] != b"IHDR":
        raise ValueError("IHDR is not the first chunk")
    return struct.unpack_from(">II", data, 16)


_SIZE_READERS = {"png": _png_size, "jpeg": _jpeg_size, "gif": _gif_size, "bmp": _bmp_size, "webp": _webp_size}


def read_header_size(data: bytes, fmt: str) -> tuple[int, int]:
    """(width, height) from the header alone; ImageError("corrupt") when the header cannot be parsed."""
    try:
        width, height = _SIZE_READERS[fmt](data)
    except (IndexError, ValueError, struct.error) as exc:
        raise ImageError("corrupt", reason=f"the {fmt} header is damaged ({exc or 'truncated'})") from None
    if width <= 0 or height <= 0:
        raise ImageError("corrupt", reason=f"the header says {width}x{height} pixels")
    return width, height


def _is_animated(data: bytes, fmt: str) -> bool:
    if fmt == "gif":
        return len(_gif_frames(data)) > 1
    if fmt == "webp":
        return data[12:16] == b"VP8X" and bool(data[20] & 0x02)  # VP8X animation flag
    if fmt != "png":
        return False
    pos = 8
    while pos + 12 <= len(data):  # APNG: an acTL chunk before the first IDAT
        length, kind = struct.unpack_from(">I4s", data, pos)
        if kind in (b"acTL", b"IDAT"):
            return kind == b"acTL" and struct.unpack_from(">I", data, pos + 8)[0] > 1
        pos += 12 + length
    return False


def _exif_orientation(blob: bytes) -> int:
    """The Orientation tag (1..8) of a TIFF-structured EXIF blob; 1 when absent or unreadable."""
    blob = blob[6:] if blob.startswith(b"Exif\x00\x00") else blob
    order = {b"II": "<", b"MM": ">"}.get(blob[:2])
    try:
        ifd = struct.unpack_from(order + "I", blob, 4)[0]
        for i in range(struct.unpack_from(order + "H", blob, ifd)[0]):
            tag, _, _, value = struct.unpack_from(order + "HHIH", blob, ifd + 2 + 12 * i)
            if tag == 0x0112:
                return value if 1 <= value <= 8 else 1
    except (TypeError, struct.error):
        pass
    return 1


def _orient(image: np.ndarray, orientation: int) -> np.ndarray:
    """Apply EXIF orientation exactly as OpenCV's imread does (transpose, then flip)."""
    if orientation >= 5:
        image = cv2.transpose(image)
    flip = {2: 1, 3: -1, 4: 0, 6: 1, 7: -1, 8: 0}.get(orientation)
    return image if flip is None else cv2.flip(image, flip)


# ---- pixels ----
def _over(values: np.ndarray, alpha, background: float, peak: int) -> np.ndarray:
    """values (H,W[,C]) in 0..peak over a 0..255 background, weighted by alpha only -> uint8."""
    if alpha is None and peak == 255:
        return values
    out = values.astype(np.float32) * np.float32(255 / peak)
    if alpha is not None:  # (v - bg) * a + bg, in place to keep big images at two float planes
        a = alpha.astype(np.float32) / np.float32(peak)
        out -= background
        out *= a if out.ndim == 2 else a[..., None]
        out += background
    return np.rint(out).astype(np.uint8)


def _flatten(image: np.ndarray, background, bgr: bool):
    """Pixels (H,W[,C]) uint8/uint16, BGR(A) or RGB(A) -> (display RGB uint8, gray uint8 (H,W), notes).

    background None picks black or white, whichever contrasts with the visible ink (the drawing canvas)."""
    image = image if image.ndim == 3 else image[..., None]
    channels, peak = image.shape[2], 65535 if image.dtype == np.uint16 else 255
    alpha = image[..., -1] if channels in (2, 4) else None
    alpha = None if alpha is not None and alpha.min() == peak else alpha  # fully opaque
    code = {3: cv2.COLOR_BGR2GRAY, 4: cv2.COLOR_BGRA2GRAY} if bgr else {3: cv2.COLOR_RGB2GRAY, 4: cv2.COLOR_RGBA2GRAY}
    gray = cv2.cvtColor(image, code[channels]) if channels >= 3 else image[..., 0]
    if background is None:
        weight = np.ones_like(gray, np.float64) if alpha is None else alpha.astype(np.float64)
        ink = (gray * weight).sum() / max(weight.sum(), 1) / peak
        background = 0 if ink > 0.5 else 255
    notes = ("scaled_16bit",) * (peak == 65535) + ("alpha_composited",) * (alpha is not None)
    height, width = gray.shape
    scale = min(1.0, DISPLAY_SIDE / max(height, width))
    small = image if scale == 1 else cv2.resize(
        image, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    small = small if small.ndim == 3 else small[..., None]
    colour = small[..., :3] if channels >= 3 else small[..., :1]
    rgb = _over(colour, small[..., -1] if alpha is not None else None, background, peak)
    rgb = np.repeat(rgb, 3, axis=2) if rgb.shape[2] == 1 else rgb[..., ::-1] if bgr else rgb
    return np.ascontiguousarray(rgb), _over(gray, alpha, background, peak), notes


def decode_gray(data: bytes, background: int = 255) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Encoded bytes -> (display RGB uint8 (h,w,3), gray uint8 (H,W), notes). Refuses before decoding."""
    if not data:
        raise ImageError("empty")
    if len(data) > MAX_BYTES:
        raise ImageError("too_large", size=len(data), limit=MAX_BYTES)
    fmt = sniff_format(data)
    width, height = read_header_size(data, fmt)
    if width * height > MAX_PIXELS:
        raise ImageError("too_many_pixels", width=width, height=height, limit=MAX_PIXELS)
    try:  # IMREAD_UNCHANGED keeps alpha and 16 bits but skips EXIF orientation: _orient applies it
        image, kinds, blobs = cv2.imdecodeWithMetadata(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    except cv2.error:
        image = None
    if image is None or image.size == 0:
        raise ImageError("corrupt", reason="the pixel data is truncated or damaged")
    if image.dtype not in (np.uint8, np.uint16):
        raise ImageError("unsupported_format", detected=f"{fmt} {image.dtype}")
    exif = [bytes(np.asarray(b).ravel()) for k, b in zip(np.ravel(kinds), blobs) if k == cv2.IMAGE_METADATA_EXIF]
    orientation = _exif_orientation(exif[0]) if exif else 1
    notes = ("first_frame_of_animation",) * _is_animated(data, fmt) + ("exif_rotated",) * (orientation != 1)
    rgb, gray, more = _flatten(_orient(image, orientation), background, bgr=True)
    return rgb, gray, notes + more


# ---- the two pipelines: gray uint8 (H, W) -> (28, 28) float32 in [-1, 1] ----
def notebook_pipeline(gray: np.ndarray) -> np.ndarray:
    """Exactly the notebook's cat: cv2.resize to 28x28 (bilinear), / 127.5 - 1."""
    return cv2.resize(gray, (SIDE, SIDE)).astype(np.float32) / 127.5 - 1


def _border(gray: np.ndarray) -> np.ndarray:
    return np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])


def is_dark_on_light(gray: np.ndarray) -> bool:
    """True when the outer ring of pixels is mostly light: dark ink on light paper."""
    return float(np.median(_border(gray))) > 127


def mnist_pipeline(gray: np.ndarray) -> np.ndarray:
    """As MNIST was made: light ink on black, cropped to the ink, fitted in 20x20 keeping the aspect,
    centred by centre of mass in 28x28. Ink -> +1, background -> -1; a blank image -> all -1."""
    ink = (255 - gray if is_dark_on_light(gray) else gray).astype(np.float32)
    ink = np.clip(ink - np.median(_border(ink)), 0, None)  # the paper's own level -> 0
    out = np.zeros((SIDE, SIDE), np.float32)
    if ink.max() > 0:
        rows, cols = np.nonzero(ink > INK_THRESHOLD * ink.max())
        crop = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
        scale = BOX / max(crop.shape)
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        small = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        small /= small.max()
        ys, xs = np.indices(small.shape)
        top = int(np.clip(round(CENTRE - (ys * small).sum() / small.sum()), 0, SIDE - small.shape[0]))
        left = int(np.clip(round(CENTRE - (xs * small).sum() / small.sum()), 0, SIDE - small.shape[1]))
        out[top:top + small.shape[0], left:left + small.shape[1]] = small
    return out * 2 - 1


def _prepared(rgb, gray, notes, pipeline: str, fmt: str) -> PreparedImage:
    if pipeline not in PIPELINES:
        raise ValueError(f"pipeline must be one of {PIPELINES}, not {pipeline!r}")
    if pipeline == "mnist":
        notes += ("inverted",) * is_dark_on_light(gray)
        return PreparedImage(rgb, gray, mnist_pipeline(gray), notes, fmt)
    return PreparedImage(rgb, gray, notebook_pipeline(gray), notes, fmt)


def prepare_image(data: bytes, pipeline: str = "notebook", background: int = 255) -> PreparedImage:
    """Encoded image bytes -> PreparedImage. Raises ImageError with a stable code for any refused input."""
    rgb, gray, notes = decode_gray(data, background)
    return _prepared(rgb, gray, notes, pipeline, sniff_format(data))


def prepare_array(rgba_or_gray: np.ndarray, pipeline: str = "mnist", background: int | None = None) -> PreparedImage:
    """An in-memory RGB(A) or gray uint8/uint16 array (the drawing canvas gives RGBA uint8) -> PreparedImage.

    Transparent pixels are composited onto `background`; None picks black or white, whichever contrasts
    with the drawn strokes, so white-on-transparent and black-on-transparent drawings both work."""
    image = np.asarray(rgba_or_gray)
    if image.size == 0:
        raise ImageError("empty")
    if image.dtype not in (np.uint8, np.uint16) or image.ndim not in (2, 3) or (
            image.ndim == 3 and image.shape[2] not in (1, 2, 3, 4)):
        raise ImageError("unsupported_format", detected=f"array {image.dtype} {image.shape}")
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        raise ImageError("too_many_pixels", width=image.shape[1], height=image.shape[0], limit=MAX_PIXELS)
    rgb, gray, notes = _flatten(image, background, bgr=False)
    return _prepared(rgb, gray, notes, pipeline, "array")
