"""Real media for the fake: format sniffing from bytes, deterministic images, and a playable MP4 (see `_h264`).

Formats and sizes are read from the bytes (PNG IHDR, JPEG SOF, WEBP VP8/VP8L/VP8X headers), never from file
names, and without decoding, so limits are checked before any pixel is touched. Pillow is imported lazily:
importing `stability.testing` (as the pytest plugin does) must work without the `testing` extra installed.
Every picture is a function of a seed and a salt (the prompt and operation), so the same request gives the same
bytes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import math
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

CHUNK_SIZE = 1 << 20

_MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


def media_type(fmt: str) -> str:
    """The media type of an image format name (`png` -> `image/png`)."""
    return _MEDIA_TYPES[fmt]


@dataclass(frozen=True, slots=True)
class Probe:
    """What the first bytes of an image say: its format, size and whether it has an alpha channel."""

    format: str
    width: int
    height: int
    has_alpha: bool

    @property
    def pixels(self) -> int:
        return self.width * self.height


def probe(data: bytes) -> Probe | None:
    """The format and size of a PNG, JPEG or WEBP from its header bytes; None for anything else."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return _probe_png(data)
        if data.startswith(b"\xff\xd8\xff"):
            return _probe_jpeg(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _probe_webp(data)
    except (struct.error, IndexError):
        return None
    return None


def _probe_png(data: bytes) -> Probe | None:
    if data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    color_type = data[25]
    has_alpha = color_type in (4, 6)
    offset = 8
    while not has_alpha and offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind in (b"IDAT", b"IEND"):
            break
        has_alpha = kind == b"tRNS"
        offset += 12 + length
    return _checked("png", width, height, has_alpha)


_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _probe_jpeg(data: bytes) -> Probe | None:
    offset = 2
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        if marker == 0xFF:
            offset += 1
            continue
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", data[offset + 5 : offset + 9])
            return _checked("jpeg", width, height, False)
        if 0xD0 <= marker <= 0xD9 or marker == 0x01:
            offset += 2
            continue
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length
    return None


def _probe_webp(data: bytes) -> Probe | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return _checked("webp", width & 0x3FFF, height & 0x3FFF, False)
    if chunk == b"VP8L" and data[20] == 0x2F:
        (bits,) = struct.unpack("<I", data[21:25])
        return _checked("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, bool((bits >> 28) & 1))
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return _checked("webp", width, height, bool(data[20] & 0x10))
    return None


def _checked(fmt: str, width: int, height: int, has_alpha: bool) -> Probe | None:
    return Probe(fmt, width, height, has_alpha) if width > 0 and height > 0 else None


# ------------------------------------------------------------------------------------------------ pictures


def _palette(seed: int, salt: str) -> bytes:
    return hashlib.sha256(f"{seed}:{salt}".encode()).digest()


def render(width: int, height: int, *, seed: int, salt: str, filtered: bool = False) -> Image:
    """A picture that depends only on (seed, salt): a background and a few shapes; flat grey when filtered."""
    from PIL import Image, ImageDraw

    if filtered:
        return Image.new("RGB", (width, height), (128, 128, 128))
    digest = _palette(seed, salt)
    image = Image.new("RGB", (width, height), (digest[0], digest[1], digest[2]))
    draw = ImageDraw.Draw(image)
    for shape in range(4):
        d = digest[3 + shape * 7 : 10 + shape * 7]
        x0, y0 = d[0] * width // 256, d[1] * height // 256
        x1, y1 = x0 + (d[2] + 16) * width // 512, y0 + (d[3] + 16) * height // 512
        fill = (d[4], d[5], d[6])
        (draw.ellipse if shape % 2 else draw.rectangle)((x0, y0, x1, y1), fill=fill)
    return image


def decode(data: bytes) -> Image:
    """Decode an image fully; raises ValueError when the bytes are not a readable image."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise ValueError(str(exc)) from exc
    return image


def encode(image: Image, fmt: str) -> bytes:
    """Encode as png, jpeg or webp, quickly (low compression effort)."""
    out = io.BytesIO()
    if fmt == "png":
        image.save(out, "PNG", compress_level=1)
    elif fmt == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=85)
    else:
        image.save(out, "WEBP", quality=80, method=0)
    return out.getvalue()


def blend(init: Image, generated: Image, strength: float) -> Image:
    """`strength` 0 keeps `init`, 1 gives `generated` (the v1alpha step schedule)."""
    from PIL import Image

    return Image.blend(init.convert("RGB"), generated, max(0.0, min(1.0, strength)))


def repaint_mask(init: Image, mask: Image | None, source: str) -> Image:
    """The L-mode mask of pixels to repaint (255 = repaint) for a v1alpha mask source or v2alpha mask."""
    from PIL import ImageOps

    if source == "INIT_IMAGE_ALPHA" or mask is None:
        alpha = init.convert("RGBA").getchannel("A")
        return ImageOps.invert(alpha)
    grey = mask.convert("L")
    if grey.size != init.size:
        grey = grey.resize(init.size)
    return ImageOps.invert(grey) if source == "MASK_IMAGE_BLACK" else grey


def composite(init: Image, generated: Image, mask: Image) -> Image:
    """`generated` where `mask` is white, `init` where it is black."""
    from PIL import Image

    return Image.composite(generated, init.convert("RGB"), mask)


def center_mask(size: tuple[int, int]) -> Image:
    """The middle half of the picture, standing in for what a search prompt found."""
    from PIL import Image, ImageDraw

    mask = Image.new("L", size, 0)
    width, height = size
    ImageDraw.Draw(mask).rectangle((width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=255)
    return mask


SIDE_MULTIPLE = 64
PIXEL_TOLERANCE = 0.1


@functools.lru_cache(maxsize=256)
def generation_size(megapixels: float, ratio: float) -> tuple[int, int]:
    """The size of a v2beta generation of `megapixels` (of 1,048,576 pixels) at width/height `ratio`.

    Each side a multiple of 64; among the sizes whose pixel count is within 10% of the target, the one whose
    ratio is nearest (on a log scale, so a ratio and its inverse get transposed sizes), then the one nearest
    the target. The document gives no size per aspect ratio: this is the fake's choice (the package docstring
    lists the sizes it gives).
    """
    target = megapixels * 1_048_576
    step = SIDE_MULTIPLE
    best: tuple[tuple[float, float], int, int] | None = None
    for width in range(step, int(target * (1 + PIXEL_TOLERANCE) / step) + step, step):
        low = max(1, math.ceil(target * (1 - PIXEL_TOLERANCE) / width / step))
        high = math.floor(target * (1 + PIXEL_TOLERANCE) / width / step)
        for height in range(low * step, high * step + 1, step):
            key = (round(abs(math.log(width / height / ratio)), 9), abs(width * height - target))
            if best is None or key < best[0]:
                best = (key, width, height)
    assert best is not None, f"no size of {megapixels} megapixels at {ratio}"
    return best[1], best[2]


def scaled_size(width: int, height: int, pixels: int) -> tuple[int, int]:
    """`width`x`height` scaled to about `pixels`, its shape kept as nearly as whole pixels allow."""
    factor = math.sqrt(pixels / (width * height))
    return max(1, round(width * factor)), max(1, round(height * factor))


def upscale_size(width: int, height: int, max_pixels: int = 4_194_304) -> tuple[int, int]:
    """4x when the result stays under `max_pixels` (4 megapixels), else 2x: bigger, yet quick to encode."""
    factor = 4 if width * height * 16 <= max_pixels else 2
    return width * factor, height * factor


def resized(image: Image, size: tuple[int, int]) -> Image:
    """The image as RGB at `size` (a fast upscale)."""
    from PIL import Image

    return image.convert("RGB").resize(size, Image.Resampling.BILINEAR)


def upscale(image: Image, size: tuple[int, int], generated: Image, creativity: float) -> Image:
    """The image resized to `size`, with `creativity` / 2 of a seeded picture blended in."""
    from PIL import Image

    resized = image.convert("RGB").resize(size, Image.Resampling.BILINEAR)
    return Image.blend(resized, generated.resize(size), creativity / 2)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary (lowercase 1st letter), private (2nd), reserved bit clear (3rd), safe to copy (4th): every decoder
# skips it, so a padded PNG decodes to the same picture.
_PAD_CHUNK = b"paDd"


def pad_png(data: bytes, size: int | None) -> bytes:
    """A PNG padded to exactly `size` bytes with a private chunk before IEND (unchanged if already as large).

    Rendered pictures compress to a few KiB; padding gives realistic response sizes without the cost of
    encoding noise.
    """
    padding = (size or 0) - len(data) - 12
    if padding < 0 or not data.startswith(PNG_SIGNATURE) or data[-8:-4] != b"IEND":
        return data
    payload = bytes(padding)
    chunk = struct.pack(">I", padding) + _PAD_CHUNK + payload + struct.pack(">I", zlib.crc32(_PAD_CHUNK + payload))
    return data[:-12] + chunk + data[-12:]


# ------------------------------------------------------------------------------------------------ bodies


@dataclass(frozen=True, slots=True)
class StreamBody:
    """A body of known length produced in chunks, so a large one is never held whole."""

    length: int
    chunks: Callable[[], Iterator[bytes]]

    def read_all(self) -> bytes:
        """The whole body in memory."""
        return b"".join(self.chunks())


Body = bytes | StreamBody


def body_length(body: Body) -> int:
    return len(body) if isinstance(body, bytes) else body.length


def iter_body(body: Body) -> Iterator[bytes]:
    if isinstance(body, bytes):
        if body:
            yield body
        return
    yield from body.chunks()


def json_with_base64(prefix: bytes, payload: Body, suffix: bytes) -> Body:
    """`prefix + base64(payload) + suffix`, streamed when the payload is."""
    if isinstance(payload, bytes):
        return prefix + base64.b64encode(payload) + suffix

    def chunks() -> Iterator[bytes]:
        yield prefix
        pending = b""
        for chunk in payload.chunks():
            data = pending + chunk
            cut = len(data) - len(data) % 3
            if cut:
                yield base64.b64encode(data[:cut])
            pending = data[cut:]
        yield base64.b64encode(pending) + suffix

    encoded = 4 * ((payload.length + 2) // 3)
    return StreamBody(len(prefix) + encoded + len(suffix), chunks)


# ------------------------------------------------------------------------------------------------ MP4

FPS = 10
FRAMES = 25
"""2.5 seconds at a low frame rate: only the first frame is raw samples (width * height * 1.5 bytes, about
0.9 MB at the image-to-video sizes); the others are motion vectors of about 1.5 KB each (see `_h264`)."""
PAN = 0.06
"""How far the picture moves over the clip, as a share of its shorter side."""


def pan(width: int, height: int, *, seed: int, salt: str) -> list[tuple[int, int]]:
    """Each later frame's offset from the first, in whole pixels: a straight, even pan in a seeded direction."""
    angle = _palette(seed, salt)[0] / 256 * 2 * math.pi
    reach = PAN * min(width, height)
    steps = [index / (FRAMES - 1) for index in range(1, FRAMES)]
    return [(round(step * reach * math.cos(angle)), round(step * reach * math.sin(angle))) for step in steps]


def mp4(width: int, height: int, *, seed: int, salt: str, size: int | None = None, image: Image | None = None) -> Body:
    """A playable H.264 MP4 (see `_h264`) of `image` (else a seeded picture) panning slowly, `FRAMES` frames.

    With `size` larger than the clip, its mdat is padded with zeros after the frames so the file is exactly
    `size` bytes, and the result is a `StreamBody` that converts the picture and produces the padding chunk
    by chunk when it is read.
    """
    from . import _h264

    picture = render(width, height, seed=seed, salt=salt) if image is None else image.convert("RGB")
    if picture.size != (width, height):
        picture = resized(picture, (width, height))
    stream = _h264.Stream(width, height, FPS)
    moved = [stream.moved(index, dx, dy) for index, (dx, dy) in enumerate(pan(width, height, seed=seed, salt=salt), 1)]
    layout = _h264.layout(stream, moved, size)
    if not layout.padding:
        return b"".join((layout.head, *_h264.samples(stream, picture, moved)))

    def chunks() -> Iterator[bytes]:
        yield layout.head
        for sample in _h264.samples(stream, picture, moved):
            for start in range(0, len(sample), CHUNK_SIZE):
                yield sample[start : start + CHUNK_SIZE]
        block = bytes(CHUNK_SIZE)
        left = layout.padding
        while left > 0:
            step = min(left, CHUNK_SIZE)
            yield block if step == CHUNK_SIZE else block[:step]
            left -= step

    return StreamBody(layout.length, chunks)
