"""Image sniffing: the format, size and alpha of a PNG, JPEG or WEBP from its header, no pixel decoded; and
whether the data reaches the image's end, for inputs (``_check_end``)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Final, Literal, Protocol

from .._core.errors import InvalidFileError
from .._core.limits import MAX_REQUEST_BYTES
from .._core.media import MediaCheck, check_media

if TYPE_CHECKING:
    pass

ImageFormat = Literal["png", "jpeg", "webp"]

MIME_TYPES: Final[dict[ImageFormat, str]] = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}

# Where a header may sit. Above the API's 10 MiB upload limit, so no upload the API would take is refused for
# where its header sits (a JPEG's SOF can follow several MiB of extended XMP); paths and seekable files are walked
# by seeking, so this bounds the time spent on a hostile file, not the memory.
_SCAN_LIMIT: Final = 16 * 1024 * 1024
# Each step reads a marker or chunk header (at most 8 bytes), so this also bounds the bytes read to 32 KiB.
_MAX_STEPS: Final = 4096
_PREFIX_SHOWN: Final = 16
# Read at once when sniffing a file: a PNG's IHDR, most JPEG frame headers and every WEBP header lie within.
_HEAD_SIZE: Final = 4096

# How a whole image's data ends when nothing follows the image, as encoders (Pillow's included) write it: a
# PNG's empty IEND chunk with its fixed CRC, a JPEG's EOI marker.
_PNG_END: Final = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_JPEG_END: Final = b"\xff\xd9"
# Read at a time when a file has to be walked to find where its image ends.
_END_READ: Final = 256 * 1024

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE: Final = b"\xff\xd8\xff"
# SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range but are not frame headers.
_JPEG_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# TEM and RST0..7 stand alone; every other marker before the frame header carries a length.
_JPEG_STANDALONE: Final = frozenset([0x01, *range(0xD0, 0xD8)])

# Formats people often try, named in the error so the fix is obvious.
_OTHER_FORMATS: Final = (
    (0, b"GIF87a", "GIF"),
    (0, b"GIF89a", "GIF"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (0, b"%PDF", "PDF"),
    (4, b"ftypheic", "HEIC"),
    (4, b"ftypheix", "HEIC"),
    (4, b"ftypmif1", "HEIF"),
    (4, b"ftypavif", "AVIF"),
    (0, b"BM", "BMP"),
)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What the header of an image says: its format, its size in pixels and whether it has an alpha channel."""

    format: ImageFormat
    width: int
    height: int
    has_alpha: bool

    @property
    def mime_type(self) -> str:
        """The content type to send the image with, such as ``image/png``."""
        return MIME_TYPES[self.format]

    @property
    def pixels(self) -> int:
        """Width times height."""
        return self.width * self.height


class _Bad(Exception):
    """A sniffing failure, in words; turned into an InvalidFileError by whoever knows the field and the value."""


class _Reader(Protocol):
    size: int

    def read_at(self, offset: int, size: int) -> bytes: ...


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def read_at(self, offset: int, size: int) -> bytes:
        return self.data[offset : offset + size]


class _FileReader:
    """Reads a seekable binary file at given offsets from ``start``, so headers are found without reading payloads.

    The first ``_HEAD_SIZE`` bytes are read in one go and kept: most headers lie within them, so sniffing a
    typical image costs one seek and one read, not one of each per chunk header.
    """

    def __init__(self, file: IO[bytes], start: int, size: int) -> None:
        self._file = file
        self._start = start
        self.size = size
        self._head: bytes | None = None

    def read_at(self, offset: int, size: int) -> bytes:
        size = max(0, min(size, self.size - offset))
        if self._head is None:
            self._head = self._read(0, min(_HEAD_SIZE, self.size))
        if offset + size <= len(self._head):
            return self._head[offset : offset + size]
        return self._read(offset, size)

    def _read(self, offset: int, size: int) -> bytes:
        parts: list[bytes] = []
        try:
            self._file.seek(self._start + offset)
            # Unbuffered and raw streams may return fewer bytes than asked for without being at the end.
            while size > 0:
                part = self._file.read(size)
                if not part:
                    break
                parts.append(part)
                size -= len(part)
        except OSError as exc:
            raise _Bad(f"could not read it: {exc.strerror or exc}") from exc
        return b"".join(parts)


def _need(reader: _Reader, offset: int, size: int, kind: str) -> bytes:
    data = reader.read_at(offset, size) if offset + size <= reader.size else b""
    if len(data) < size:
        raise _Bad(f"truncated {kind}: the data ends ({reader.size} bytes) before the end of the image header")
    return data


def _sniff(reader: _Reader) -> ImageInfo:
    if reader.size == 0:
        raise _Bad("it is empty (0 bytes)")
    head = reader.read_at(0, 12)
    if head.startswith(_PNG_SIGNATURE):
        return _sniff_png(reader)
    if head.startswith(_JPEG_SIGNATURE):
        return _sniff_jpeg(reader)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _sniff_webp(reader)
    if len(head) < 12:
        for kind, signature in (("PNG", _PNG_SIGNATURE), ("JPEG", _JPEG_SIGNATURE), ("WEBP", b"RIFF")):
            if signature.startswith(head[: len(signature)]) and (kind != "WEBP" or b"WEBP".startswith(head[8:])):
                raise _Bad(f"truncated {kind}: only {len(head)} bytes, too few for an image header")
    raise _Bad(_not_an_image(head + reader.read_at(12, _PREFIX_SHOWN - 12)))


def _not_an_image(head: bytes) -> str:
    looks = next((name for at, magic, name in _OTHER_FORMATS if head[at : at + len(magic)] == magic), None)
    if looks is None and head[:4] == b"RIFF":
        looks = f"a RIFF {head[8:12]!r} file"
    hint = f"it looks like {looks}; " if looks else ""
    return f"not a PNG, JPEG or WEBP image ({hint}starts with {head[:_PREFIX_SHOWN]!r})"


def _checked(fmt: ImageFormat, width: int, height: int, has_alpha: bool) -> ImageInfo:
    if width == 0 or height == 0:
        raise _Bad(f"the {fmt.upper()} header gives a zero size ({width}x{height})")
    return ImageInfo(fmt, width, height, has_alpha)


def _sniff_png(reader: _Reader) -> ImageInfo:
    ihdr = _need(reader, 8, 8 + 13 + 4, "PNG")
    length, kind, width, height, _depth, colour = struct.unpack(">I4sIIBB", ihdr[:18])
    if kind != b"IHDR" or length != 13 or colour not in (0, 2, 3, 4, 6):
        raise _Bad("corrupt PNG: the first chunk is not a valid IHDR")
    # Decoders refuse a header whose checksum is wrong; refusing it here costs nothing and no credits.
    if zlib.crc32(ihdr[4:21]) != struct.unpack(">I", ihdr[21:])[0]:
        raise _Bad("corrupt PNG: the IHDR checksum does not match")
    if colour in (4, 6):  # grey+alpha, RGBA: no need to look for tRNS
        return _checked("png", width, height, True)
    offset = 8 + 8 + 13 + 4
    for _ in range(_MAX_STEPS):
        if offset > _SCAN_LIMIT:
            break
        length, kind = struct.unpack(">I4s", _need(reader, offset, 8, "PNG"))
        if length >= 2**31 or not kind.isalpha():
            raise _Bad(f"corrupt PNG: no valid chunk at byte {offset}")
        if kind in (b"tRNS", b"IDAT"):
            return _checked("png", width, height, kind == b"tRNS")
        if kind == b"IEND":
            raise _Bad("corrupt PNG: it has no image data (IEND before IDAT)")
        offset += 12 + length
    raise _Bad("corrupt PNG: no image data (IDAT) found within the scanned chunks")


def _sniff_jpeg(reader: _Reader) -> ImageInfo:
    offset = 2
    for _ in range(_MAX_STEPS):
        if offset > _SCAN_LIMIT:
            break
        prefix, marker = _need(reader, offset, 2, "JPEG")
        if prefix != 0xFF:
            raise _Bad(f"corrupt JPEG: no segment marker at byte {offset}")
        if marker == 0xFF:  # a fill byte before the marker
            offset += 1
            continue
        offset += 2
        if marker in _JPEG_SOF:
            length, _precision, height, width = struct.unpack(">HBHH", _need(reader, offset, 7, "JPEG"))
            if length < 8:
                raise _Bad(f"corrupt JPEG: the frame header at byte {offset - 2} is too short")
            return _checked("jpeg", width, height, False)
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0xD9, 0xDA):
            raise _Bad("corrupt JPEG: the image data starts before any frame header (SOF)")
        (length,) = struct.unpack(">H", _need(reader, offset, 2, "JPEG"))
        if length < 2 or marker in (0x00, 0xD8):
            raise _Bad(f"corrupt JPEG: invalid segment at byte {offset - 2}")
        offset += length
    raise _Bad("corrupt JPEG: no frame header (SOF) found within the scanned segments")


def _sniff_webp(reader: _Reader) -> ImageInfo:
    kind = _need(reader, 12, 8, "WEBP")[:4]
    if kind == b"VP8 ":  # lossy: a key frame's start code, then 14-bit sizes
        data = _need(reader, 20, 10, "WEBP")
        if data[3:6] != b"\x9d\x01\x2a":
            raise _Bad("corrupt WEBP: the VP8 frame has no key frame start code")
        width, height = struct.unpack("<HH", data[6:10])
        return _checked("webp", width & 0x3FFF, height & 0x3FFF, False)
    if kind == b"VP8L":  # lossless: a signature byte, then 14-bit sizes minus one, the alpha hint and a version
        data = _need(reader, 20, 5, "WEBP")
        (bits,) = struct.unpack("<I", data[1:5])
        if data[0] != 0x2F or bits >> 29 != 0:
            raise _Bad("corrupt WEBP: invalid VP8L header")
        return _checked("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, bool(bits >> 28 & 1))
    if kind == b"VP8X":  # extended: flags, then 24-bit canvas sizes minus one
        data = _need(reader, 20, 10, "WEBP")
        width = int.from_bytes(data[4:7], "little") + 1
        height = int.from_bytes(data[7:10], "little") + 1
        return _checked("webp", width, height, bool(data[0] & 0x10))
    raise _Bad(f"corrupt WEBP: unknown first chunk {kind!r}")


def _sniff_input(reader: _Reader) -> ImageInfo:
    """An input's header read (``_sniff``) and its end checked (``_check_end``): what every kind of input gets."""
    info = _sniff(reader)
    _check_end(reader, info.format)
    return info


def _check_end(reader: _Reader, fmt: ImageFormat) -> None:
    """Raise ``_Bad`` when the data stops before the image does: a file cut short by a copy or a download.

    Decoders refuse such a file, so the API would answer 400 only after the upload. The rules are the results
    side's (``_core.media``), so an input is whole exactly when a downloaded result would be: a PNG holds a
    whole IEND chunk, a JPEG reaches its EOI marker, a WEBP holds the whole RIFF chunk its header announces.
    Bytes after the image's end (an encoder's padding, a phone's trailer such as a motion photo's video) are no
    cut: decoders ignore them, so they stay accepted as before.

    Most images end exactly where their data ends, which their last bytes show: one read. Otherwise the data
    is walked (in memory, or in constant memory for a file), but only when it is at most the largest request
    body the API takes: a bigger input would take long to read whole, cannot go to most operations anyway
    (the request-size check refuses it), and is let through as before.
    """
    size = reader.size
    if fmt == "webp":  # the RIFF header says the length; nothing needs to be read
        announced = int.from_bytes(reader.read_at(4, 4), "little") + 8
        if announced > size:
            raise _Bad(f"truncated WEBP: its RIFF header says {announced:,} bytes, the data has {size:,}")
        return
    end = _PNG_END if fmt == "png" else _JPEG_END
    if reader.read_at(max(0, size - len(end)), len(end)) == end or size > MAX_REQUEST_BYTES:
        return
    try:
        if isinstance(reader, _BytesReader):
            check_media(reader.data, "image", None)
            return
        check = MediaCheck("image", None)
        for offset in range(0, size, _END_READ):
            check.feed(reader.read_at(offset, _END_READ))
        check.finish()
    except ValueError as exc:
        raise _Bad(f"truncated or corrupt {fmt.upper()}: {exc}") from None


class _Described:
    """Stands in for a large value in an error, so that the message gives its size and not its content."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text


def shown(value: object) -> object:
    """``value`` for an error: an integer too long to print (``repr`` refuses past 4300 digits) is described."""
    if isinstance(value, int) and value.bit_length() > 256:
        return _Described(f"<an integer of {value.bit_length()} bits>")
    return value


def sniff_image(head: bytes, *, field: str) -> ImageInfo:
    """Read the format, size and alpha of an image from its leading bytes, without decoding any pixel.

    Args:
        head: The start of the file. It must reach past the header: the IHDR chunk (and, for a PNG without an
            alpha channel, up to its first IDAT or tRNS chunk), a JPEG's frame header (SOF), which may follow
            large EXIF or XMP segments, or a WEBP's first chunk. Pass the whole file when in doubt.
        field: The parameter's name, for the error.

    Raises:
        InvalidFileError: ``head`` is empty, not a PNG, JPEG or WEBP image, truncated, or gives a zero size.
    """
    data = bytes(head)
    try:
        return _sniff(_BytesReader(data))
    except _Bad as exc:
        raise InvalidFileError(field, _Described(f"<{len(data)} bytes>"), str(exc)) from None
