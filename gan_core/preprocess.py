"""Any user image -> the discriminator's (1, 1, 28, 28) input, refusing hostile files before decoding them.

Policies (each tested in tests/test_hostile_images.py):
- the format is decided by magic bytes against ALLOWED_FORMATS, never by the file name;
- the pixel count is read from the header (gan_core.image_headers) and refused over MAX_PIXELS before any
  pixel is decoded;
- OpenCV decodes what it can (so the notebook pipeline is bit-exact with the notebook's `cv2.imread`); Pillow
  (with pillow-heif for HEIC) decodes the rest: HEIC, AVIF, APNG frame 0, 16-bit bitfield BMPs, ...;
- "this kind of file cannot be decoded here" (`undecodable`) and "damaged" (`corrupt`) are different refusals;
- alpha is composited onto a stated background using alpha only: the colour under alpha=0 never matters; a PNG's
  tRNS colour key counts as alpha;
- 16-bit input is scaled to 8 bits (/257), never clipped;
- animations (GIF, APNG, animated WebP): the first frame is used, with the note "first_frame_of_animation";
- EXIF orientation is applied, as phones and the notebook's `cv2.imread` expect (note "exif_rotated").
Files from users go through gan_core.sandbox, which runs `prepare_image` in a resource-limited process.
"""

import io
import struct
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from .image_headers import detect_format, exif_orientation, header_size, is_animated, png_transparency_key

MAX_PIXELS = 25_000_000  # the same value as OPENCV_IO_MAX_IMAGE_PIXELS in gan_core/__init__.py
MAX_BYTES = 20 * 1024 * 1024
ALLOWED_FORMATS = ("png", "jpeg", "webp", "bmp", "gif", "tiff", "heic", "avif")
OPENCV_FORMATS = ("png", "jpeg", "webp", "bmp", "gif", "tiff", "avif")  # tried first; Pillow decodes what OpenCV cannot
PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP", "bmp": "BMP", "gif": "GIF", "tiff": "TIFF"}
PILLOW_FORMATS |= {"heic": "HEIF", "avif": "AVIF"}
NOTES = ("first_frame_of_animation", "exif_rotated", "scaled_16bit", "alpha_composited", "inverted")
PIPELINES = ("notebook", "mnist", "paper")  # paper: a phone photo of ink on paper (gan_core.paper)
DISPLAY_SIDE = 512  # longer side of PreparedImage.original
SIDE, BOX, CENTRE = 28, 20, 14  # MNIST: ink fitted in 20x20, centre of mass at pixel (14, 14) of 28x28
INK_THRESHOLD = 0.2  # fraction of the brightest ink that counts as ink when cropping

_MESSAGES = {
    "empty": "The file is empty.",
    "too_large": "The file has {size} bytes; the limit is {limit} bytes.",
    "too_many_pixels": "The image is {width}x{height} pixels; the limit is {limit} pixels.",
    "unsupported_format": "Unsupported image format ({detected}). Use PNG, JPEG, WebP, GIF, BMP, TIFF, HEIC or AVIF.",
    "undecodable": "This {format} file uses a variant of the format that cannot be decoded here.",
    "corrupt": "The image could not be read: {reason}.",
    "decode_limit": "Decoding the image was stopped: it needed more than {memory_mb} MB of memory, {cpu_s} s of "
    "processor time or {wall_s} s in all.",
    "not_a_file": "This is not a regular file but a {kind}.",
}
REFUSAL_CODES = tuple(_MESSAGES)
# Pillow's words for "I do not know this variant" (anything else it raises means a damaged file)
_UNSUPPORTED_WORDS = ("not supported", "unsupported", "unknown", "not available", "unrecognized")


class ImageError(ValueError):
    """A refused image. `code` is stable (the dashboard translates by it); `details` fill the message."""

    def __init__(self, code: str, **details):
        self.code, self.details = code, details
        super().__init__(_MESSAGES[code].format(**details))

    def __reduce__(self):  # pickles with its code and details (the default would pass only the message)
        return partial(ImageError, self.code, **self.details), ()


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


# ---- format and size, from the bytes alone (gan_core.image_headers) ----
def sniff_format(data: bytes) -> str:
    """Magic bytes -> one of ALLOWED_FORMATS; anything else raises ImageError (empty / unsupported_format)."""
    if not data:
        raise ImageError("empty")
    fmt = detect_format(data)
    if fmt not in ALLOWED_FORMATS:
        raise ImageError("unsupported_format", detected=fmt)
    return fmt


def read_header_size(data: bytes, fmt: str) -> tuple[int, int]:
    """(width, height) from the header alone; ImageError("corrupt") when the header cannot be parsed."""
    try:
        width, height = header_size(data, fmt)
    except (IndexError, ValueError, struct.error) as exc:
        why = str(exc) if type(exc) is ValueError else "it ends too early"
        raise ImageError("corrupt", reason=f"the {fmt} header is damaged: {why}") from None
    if width <= 0 or height <= 0:
        raise ImageError("corrupt", reason=f"the header says {width}x{height} pixels")
    return width, height


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
    to_gray = (
        {3: cv2.COLOR_BGR2GRAY, 4: cv2.COLOR_BGRA2GRAY} if bgr else {3: cv2.COLOR_RGB2GRAY, 4: cv2.COLOR_RGBA2GRAY}
    )
    gray = cv2.cvtColor(image, to_gray[channels]) if channels >= 3 else image[..., 0]
    if background is None:
        weight = np.ones_like(gray, np.float64) if alpha is None else alpha.astype(np.float64)
        ink = (gray * weight).sum() / max(weight.sum(), 1) / peak
        background = 0 if ink > 0.5 else 255
    notes = ("scaled_16bit",) * (peak == 65535) + ("alpha_composited",) * (alpha is not None)
    height, width = gray.shape
    scale = min(1.0, DISPLAY_SIDE / max(height, width))
    small = (
        image
        if scale == 1
        else cv2.resize(
            image, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA
        )
    )
    small = small if small.ndim == 3 else small[..., None]
    colour = small[..., :3] if channels >= 3 else small[..., :1]
    rgb = _over(colour, small[..., -1] if alpha is not None else None, background, peak)
    rgb = np.repeat(rgb, 3, axis=2) if rgb.shape[2] == 1 else rgb[..., ::-1] if bgr else rgb
    return np.ascontiguousarray(rgb), _over(gray, alpha, background, peak), notes


def check_header(data: bytes) -> str:
    """The fast first refusal, from the bytes alone (no pixel decoded): empty, too large, not an allowed format,
    damaged header, too many pixels. Returns the format."""
    if not data:
        raise ImageError("empty")
    if len(data) > MAX_BYTES:
        raise ImageError("too_large", size=len(data), limit=MAX_BYTES)
    fmt = sniff_format(data)
    width, height = read_header_size(data, fmt)
    if width * height > MAX_PIXELS:
        raise ImageError("too_many_pixels", width=width, height=height, limit=MAX_PIXELS)
    return fmt


def _with_png_key(image: np.ndarray, data: bytes) -> np.ndarray:
    """OpenCV ignores a grey/RGB PNG's tRNS colour key: add the alpha channel it means (key colour -> 0)."""
    key = png_transparency_key(data)
    if key is None or (image.ndim == 3 and image.shape[2] in (2, 4)):
        return image
    depth = data[24]
    if depth < 8:  # libpng expands 1/2/4-bit grey to 8 bits by scaling: 1 -> 255 at depth 1
        key = tuple(k * 255 // (2**depth - 1) for k in key)
    pixels = image if image.ndim == 3 else image[..., None]  # (H, W, 1 | 3), BGR
    match = np.all(pixels == np.array(key[::-1], image.dtype), axis=2)
    alpha = np.where(match, 0, np.iinfo(image.dtype).max).astype(image.dtype)
    return np.dstack([pixels, alpha])


def _decode_opencv(data: bytes, fmt: str) -> tuple[np.ndarray, int] | None:
    """(pixels (H,W[,C]) uint8/uint16 BGR(A), EXIF orientation), or None where OpenCV cannot decode the file."""
    try:  # IMREAD_UNCHANGED keeps alpha and 16 bits but skips EXIF orientation: _orient applies it
        image, kinds, blobs = cv2.imdecodeWithMetadata(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    except cv2.error:
        return None
    if image is None or image.size == 0 or image.dtype not in (np.uint8, np.uint16):
        return None
    exif = [
        bytes(np.asarray(b).ravel())
        for k, b in zip(np.ravel(kinds), blobs, strict=False)
        if k == cv2.IMAGE_METADATA_EXIF
    ]
    orientation = exif_orientation(exif[0]) if exif else 1
    return (_with_png_key(image, data) if fmt == "png" else image), orientation


def _pillow_pixels(im) -> np.ndarray:
    """A loaded PIL image -> (H,W[,C]) uint8/uint16 RGB(A) or grey(+alpha); transparency keys become alpha."""
    if "transparency" in im.info and im.mode in ("1", "L", "I;16", "RGB", "P"):
        im = im.convert("RGBA" if im.mode in ("RGB", "P") else "LA")
    if im.mode in ("L", "LA", "RGB", "RGBA"):
        return np.asarray(im)
    if im.mode.startswith("I;16"):
        return np.asarray(im).astype(np.uint16)
    if im.mode in ("I", "F"):  # 32-bit integers or floats (TIFF): floats in [0, 1] are the usual convention
        values = np.asarray(im, np.float64)
        return np.clip(values * (65535 if im.mode == "F" and values.max() <= 1 else 1), 0, 65535).astype(np.uint16)
    if im.mode == "1":
        return np.asarray(im.convert("L"))
    return np.asarray(im.convert("RGBA" if im.mode in ("PA", "RGBa", "La", "LA") else "RGB"))


def _decode_pillow(data: bytes, fmt: str) -> tuple[np.ndarray, int]:
    """(pixels RGB(A) or grey, EXIF orientation) through Pillow (frame 0 of an animation); ImageError otherwise."""
    from PIL import Image

    if fmt == "heic":
        try:
            from pillow_heif import register_heif_opener
        except ImportError:  # an install without pillow-heif cannot read HEIC
            raise ImageError("undecodable", format="HEIC") from None
        register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own bomb check, the same limit
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[fmt]]) as im:
            if im.width * im.height > MAX_PIXELS:
                raise ImageError("too_many_pixels", width=im.width, height=im.height, limit=MAX_PIXELS)
            im.load()
            orientation = im.getexif().get(0x0112, 1) if fmt not in ("heic", "avif") else 1  # libheif rotates
            return _pillow_pixels(im), orientation if orientation in range(1, 9) else 1
    except (ImageError, MemoryError):
        raise
    except Exception as exc:  # Pillow's words only pick the code: the message never echoes them or the bytes
        words = str(exc).lower()
        if isinstance(exc, NotImplementedError) or any(w in words for w in _UNSUPPORTED_WORDS):
            raise ImageError("undecodable", format=fmt.upper()) from None
        raise ImageError("corrupt", reason="the pixel data is truncated or damaged") from None


def _decode(data: bytes, background: int) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], str]:
    fmt = check_header(data)
    animated = is_animated(data, fmt)
    # APNG goes to Pillow: OpenCV's first APNG frame is not always the default image (16-bit ones came out black)
    decoded = _decode_opencv(data, fmt) if fmt in OPENCV_FORMATS and not (animated and fmt == "png") else None
    image, orientation = decoded or _decode_pillow(data, fmt)
    notes = ("first_frame_of_animation",) * animated + ("exif_rotated",) * (orientation != 1)
    rgb, gray, more = _flatten(_orient(image, orientation), background, bgr=decoded is not None)
    return rgb, gray, notes + more, fmt


def decode_gray(data: bytes, background: int = 255) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Encoded bytes -> (display RGB uint8 (h,w,3), gray uint8 (H,W), notes). Refuses before decoding."""
    return _decode(data, background)[:3]


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
    ink = 255 - gray if is_dark_on_light(gray) else gray  # uint8 throughout: a big photo costs one copy
    # the paper's own level -> 0 (saturating); dtype stated: OpenCV reads a (4, 1) image as a scalar otherwise
    ink = cv2.subtract(ink, float(np.median(_border(ink))), dtype=cv2.CV_8U)  # type: ignore[call-overload]  # stubs lack scalars
    out = np.full((SIDE, SIDE), -1, np.float32)
    if ink.max() == 0:
        return out  # blank: nothing drawn
    mask = ink > INK_THRESHOLD * ink.max()
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = BOX / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    small = cv2.resize(crop, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    if small.max() == 0:
        return out  # ink too sparse to survive the shrink
    small /= small.max()
    ys, xs = np.indices(small.shape)
    top = int(np.clip(round(CENTRE - (ys * small).sum() / small.sum()), 0, SIDE - small.shape[0]))
    left = int(np.clip(round(CENTRE - (xs * small).sum() / small.sum()), 0, SIDE - small.shape[1]))
    out[top : top + small.shape[0], left : left + small.shape[1]] = small * 2 - 1
    return out


def _prepared(rgb, gray, notes, pipeline: str, fmt: str) -> PreparedImage:
    if pipeline not in PIPELINES:
        raise ValueError(f"pipeline must be one of {PIPELINES}, not {pipeline!r}")
    if pipeline == "mnist":
        notes += ("inverted",) * is_dark_on_light(gray)
        return PreparedImage(rgb, gray, mnist_pipeline(gray), notes, fmt)
    if pipeline == "paper":
        from .paper import paper_pipeline  # it builds on this module's mnist_pipeline

        return PreparedImage(rgb, gray, paper_pipeline(gray), notes, fmt)
    return PreparedImage(rgb, gray, notebook_pipeline(gray), notes, fmt)


def prepare_image(data: bytes, pipeline: str = "notebook", background: int = 255) -> PreparedImage:
    """Encoded image bytes -> PreparedImage. Raises ImageError with a stable code for any refused input."""
    rgb, gray, notes, fmt = _decode(data, background)
    return _prepared(rgb, gray, notes, pipeline, fmt)


def prepare_array(rgba_or_gray: np.ndarray, pipeline: str = "mnist", background: int | None = None) -> PreparedImage:
    """An in-memory RGB(A) or gray uint8/uint16 array (the drawing canvas gives RGBA uint8) -> PreparedImage.

    Transparent pixels are composited onto `background`; None picks black or white, whichever contrasts
    with the drawn strokes, so white-on-transparent and black-on-transparent drawings both work."""
    image = np.asarray(rgba_or_gray)
    if image.size == 0:
        raise ImageError("empty")
    if (
        image.dtype not in (np.uint8, np.uint16)
        or image.ndim not in (2, 3)
        or (image.ndim == 3 and image.shape[2] not in (1, 2, 3, 4))
    ):
        raise ImageError("unsupported_format", detected=f"array {image.dtype} {image.shape}")
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        raise ImageError("too_many_pixels", width=image.shape[1], height=image.shape[0], limit=MAX_PIXELS)
    rgb, gray, notes = _flatten(image, background, bgr=False)
    return _prepared(rgb, gray, notes, pipeline, "array")
