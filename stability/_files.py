"""Image inputs and file outputs: sniffing, reopenable sources, destination checks and atomic writes.

Inputs are checked here, before any request is sent, so a wrong file costs nothing: the format and size come from
the header alone (no pixel is decoded, and a path is never read whole to sniff it). An :class:`ImageSource` can be
reopened for every attempt, because a retried multipart upload needs the image from its first byte again.

Outputs are written to a hidden temporary file in the destination's directory and moved into place only once
complete, so an interrupted download never leaves a half-written image under the name the caller asked for.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
import stat
import struct
import zlib
from collections.abc import AsyncIterable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Final, Literal, Protocol

from ._errors import InvalidFileError, SaveError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "MIME_TYPES",
    "ImageFormat",
    "ImageInfo",
    "ImageSource",
    "atomic_write",
    "atomic_write_async",
    "check_destination",
    "image_source",
    "sniff_image",
]

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

_EXTENSIONS: Final[dict[ImageFormat, tuple[str, ...]]] = {
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "webp": (".webp",),
}
# Extensions replaced (not kept beside the right one) when a file's name disagrees with its content.
_IMAGE_EXTENSIONS: Final = frozenset(
    [*(ext for exts in _EXTENSIONS.values() for ext in exts), ".gif", ".bmp", ".tif", ".tiff", ".heic", ".avif"]
)
# Modes PNG stores as they are; any other is converted so that Pillow can save it.
_PNG_MODES: Final = frozenset(["1", "L", "LA", "P", "RGB", "RGBA", "I;16"])


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
        self._data = data
        self.size = len(data)

    def read_at(self, offset: int, size: int) -> bytes:
        return self._data[offset : offset + size]


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


class ImageSource:
    """A prepared image input: sniffed once, reopenable for every attempt, streamed from disk when it is a path.

    Made by :func:`image_source`. Every call to :meth:`open` gives a new stream at the first byte of the image,
    which the caller closes; a retried upload opens it again. What is sent is what was checked: a path or file
    that changed since it was sniffed is refused when it is opened again, before anything is sent.
    """

    __slots__ = ("_check", "_opener", "_shown", "field", "file_name", "info", "size")

    def __init__(
        self,
        *,
        field: str,
        info: ImageInfo,
        file_name: str,
        size: int,
        opener: Callable[[], BinaryIO],
        check: Callable[[BinaryIO], str | None] | None = None,
        shown: object = None,
    ) -> None:
        self.field = field
        """The parameter's name."""
        self.info = info
        """The format, size and alpha read from the header."""
        self.file_name = file_name
        """The file name to send, with the extension of the real format."""
        self.size = size
        """The size in bytes."""
        self._opener = opener
        # Given a stream from the opener, says how the data differs from what was sniffed (None: it does not).
        self._check = check
        self._shown = file_name if shown is None else shown

    def open(self) -> BinaryIO:
        """A new binary stream of exactly the bytes that were checked, at their start; the caller closes it.

        A read error while the stream is read (a failing disk, a file object whose ``read()`` fails) raises
        ``InvalidFileError``, and so does a file changed while it is read: a request cut off that way is never
        complete, so the API cannot process (or charge) it.

        Raises:
            InvalidFileError: the file went away, was closed, or changed (size, time stamps, identity or header)
                since the source was prepared.
        """
        inner = self._opener()
        try:
            self._verify(inner)
        except BaseException:
            inner.close()
            raise
        return io.BufferedReader(_Checked(self, inner))

    def _verify(self, inner: BinaryIO) -> None:
        if self._check is None:
            return
        try:
            change = self._check(inner)
        except (OSError, ValueError) as exc:
            raise self._failed(f"could not be checked again: {exc}") from None
        if change is not None:
            raise self._failed(
                f"changed since it was checked ({change}); nothing more was sent: pass it again to have it checked"
            )

    def _failed(self, rule: str) -> InvalidFileError:
        return InvalidFileError(self.field, self._shown, rule)

    def read(self) -> bytes:
        """The whole image. Streams from :meth:`open` keep a path's content out of memory; prefer them."""
        with self.open() as stream:
            return stream.read()

    def __repr__(self) -> str:
        info = self.info
        return (
            f"<ImageSource {self.field}={self.file_name!r} {info.format} {info.width}x{info.height}"
            f"{' alpha' if info.has_alpha else ''} {self.size} bytes>"
        )


def image_source(value: object, *, field: str) -> ImageSource:
    """Prepare an image input: check it is a PNG, JPEG or WEBP image and make it reopenable.

    Args:
        value: A path (``str`` or ``os.PathLike``), the image's bytes (``bytes``, ``bytearray``,
            ``memoryview``), a binary file object, or a ``PIL.Image.Image`` (sent as PNG, alpha kept). A seekable
            file is read from its current position, and again from there on every attempt; a stream that cannot
            seek is read whole once.
        field: The parameter's name, for the errors and the file name sent.

    Every attempt sends the bytes checked here: a path or file changed before a retry (or while it is being
    sent) raises ``InvalidFileError`` instead of sending what was not checked.

    Raises:
        InvalidFileError: the file is missing, a directory, unreadable, empty, truncated, not a PNG, JPEG or WEBP
            image, a path with a NUL byte or a character the file system cannot encode, or ``value`` is of
            another type.
    """
    if isinstance(value, ImageSource):
        return value if value.field == field else _renamed(value, field)
    if isinstance(value, str | os.PathLike):
        return _from_path(value, field)
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)  # a copy of a mutable buffer, so later changes cannot disagree with what was sniffed
        return _from_bytes(data, field, None, _Described(f"<{len(data)} bytes>"))
    if type(value).__module__.startswith("PIL."):
        return _from_pil(value, field)
    if callable(getattr(value, "read", None)):
        return _from_file_object(value, field)
    raise InvalidFileError(field, shown(value), _expected(f"got {type(value).__name__}"))


def _expected(what: str) -> str:
    return f"expected a path, bytes, a binary file or a PIL.Image, {what}"


def _renamed(source: ImageSource, field: str) -> ImageSource:
    return ImageSource(
        field=field,
        info=source.info,
        file_name=source.file_name,
        size=source.size,
        opener=source._opener,
        check=source._check,
        shown=source._shown,
    )


class _Window(io.RawIOBase):
    """A readable, seekable view of ``size`` bytes; subclasses read the bytes at ``_position`` in ``readinto``."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self._size = size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}.get(whence)
        if base is None:
            raise ValueError(f"invalid whence {whence!r}")
        if base + offset < 0:
            raise ValueError(f"negative seek position {base + offset}")
        self._position = base + offset
        return self._position


class _Checked(_Window):
    """What an upload reads: the source's ``size`` bytes, with read errors and changes as ``InvalidFileError``.

    It never gives more than was checked (a file that grew is cut at its checked size), and at the end of the
    data it checks the source again, so a file rewritten while it was being sent fails the request before its
    last part is sent.
    """

    def __init__(self, source: ImageSource, inner: BinaryIO) -> None:
        super().__init__(source.size)
        self._source = source
        self._inner = inner
        self._inner_position = 0

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self._size - self._position)
        if wanted <= 0:
            self._source._verify(self._inner)
            return 0
        try:
            if self._inner_position != self._position:
                self._inner.seek(self._position)
                self._inner_position = self._position
            data = self._inner.read(wanted)
        except (OSError, ValueError) as exc:
            raise self._source._failed(
                f"could not be read while it was being sent ({exc}); the request was cut off, so it was not processed"
            ) from exc
        if not data:
            raise self._source._failed(
                f"changed while it was being sent: it ended after {self._position:,} of the {self._source.size:,} "
                "bytes checked; the request was cut off, so it was not processed"
            )
        view[: len(data)] = data
        self._position += len(data)
        self._inner_position = self._position
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                super().close()


def _file_name(hint: str | None, fmt: ImageFormat, field: str) -> str:
    if not hint:
        return f"{field}.{fmt}"
    name = _sendable(os.path.basename(hint.rstrip("/\\"))) or field
    stem, ext = os.path.splitext(name)
    if ext.lower() in _EXTENSIONS[fmt]:
        return name
    # A wrong image extension would contradict the content type; any other suffix is part of the name.
    return f"{stem if ext.lower() in _IMAGE_EXTENSIONS else name}.{fmt}"


def _sendable(name: str) -> str:
    """``name`` as text a multipart header can carry: a path's bytes that are not UTF-8 (which Python keeps as
    lone surrogates, and which would fail the request when its header is encoded) become ``_``."""
    try:
        raw = os.fsencode(name)
    except UnicodeError:
        raw = name.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace").replace("\ufffd", "_")


def _from_bytes(data: bytes, field: str, name: str | None, described: object) -> ImageSource:
    try:
        info = _sniff(_BytesReader(data))
    except _Bad as exc:
        raise InvalidFileError(field, described, str(exc)) from None
    return ImageSource(
        field=field,
        info=info,
        file_name=_file_name(name, info.format, field),
        size=len(data),
        opener=lambda: io.BytesIO(data),
    )


_DIRECTORY: Final = "is a directory, not an image file"
_NONBLOCKING: Final = getattr(os, "O_NONBLOCK", 0)


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | _NONBLOCKING)


def _identity(file: IO[bytes]) -> tuple[int, ...]:
    """What changes when a file is written to or replaced: device, inode, size and time stamps (ctime cannot be
    set back by a program, so a write that restores the mtime still shows)."""
    st = os.fstat(file.fileno())
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _bad_path(exc: ValueError) -> str:
    if isinstance(exc, UnicodeError):
        return "is not a usable path: it holds a character the file system cannot encode (a lone surrogate)"
    return "is not a usable path: it holds a NUL byte, which no file name can contain"


def _from_path(value: str | os.PathLike[Any], field: str) -> ImageSource:
    shown = os.fsdecode(value)
    path = os.path.abspath(shown)  # later attempts open the same file even if the cwd changes

    def bad(rule: str) -> InvalidFileError:
        # The message shortens the value to 80 characters; keep a long path whole in the rule.
        return InvalidFileError(field, shown, rule if len(repr(shown)) <= 80 else f"{rule}: {shown}")

    try:
        # Opened before it is checked, so what is checked is what is read. Non-blocking, so that opening a FIFO
        # returns at once instead of waiting for a writer; it is refused just below.
        file = open(path, "rb", buffering=0, opener=_open_nonblocking)  # unbuffered: only the header is read
    except (FileNotFoundError, NotADirectoryError):
        hint = " (URLs are not downloaded; fetch the image first)" if shown.startswith(("http:", "https:")) else ""
        raise bad(f"no such file{hint}") from None
    except IsADirectoryError:
        raise bad(_DIRECTORY) from None
    except PermissionError:
        # Windows refuses to open a directory as a file with "permission denied".
        raise bad(_DIRECTORY if os.path.isdir(path) else "permission denied: the file cannot be read") from None
    except OSError as exc:
        raise bad(f"cannot open it: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL byte, or a lone surrogate that cannot become a file name's bytes
        raise bad(_bad_path(exc)) from None
    with file:
        st = os.fstat(file.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise bad(_DIRECTORY)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device cannot be reopened and read again per attempt
            raise bad("is not a regular file (pass its bytes or a file object instead)")
        size = st.st_size
        checked = _identity(file)
        try:
            info = _sniff(_FileReader(file, 0, size))
        except _Bad as exc:
            raise bad(str(exc)) from None

    def opener() -> BinaryIO:
        try:
            # Unbuffered: _Checked reads it in the upload's own chunks. Non-blocking: a FIFO put in its place
            # does not hang the open, and is then refused as another file.
            return open(path, "rb", buffering=0, opener=_open_nonblocking)
        except OSError as exc:
            raise bad(f"cannot open it again for sending: {exc.strerror or exc}") from None

    def check(stream: BinaryIO) -> str | None:
        # Each attempt opens the path again: it must still be the file that was checked, unchanged.
        return None if _identity(stream) == checked else "another size, time stamp or file"

    return ImageSource(
        field=field,
        info=info,
        file_name=_file_name(shown, info.format, field),
        size=size,
        opener=opener,
        check=check,
        shown=shown,
    )


def _from_file_object(value: Any, field: str) -> ImageSource:
    def bad(rule: str) -> InvalidFileError:
        return InvalidFileError(field, value, rule)

    text_mode = bad("a text-mode file; open it in binary mode ('rb')")
    if isinstance(value, io.TextIOBase):
        raise text_mode
    if getattr(value, "closed", False) is True:
        raise bad("the file is closed")
    try:
        probe = value.read(0)  # reads nothing, but tells text from binary and a write-only file from a readable one
    except (OSError, ValueError) as exc:
        raise bad(f"cannot read it: {exc}") from None
    if isinstance(probe, str):
        raise text_mode
    if not isinstance(probe, bytes | bytearray):
        raise bad(_expected(f"got a file whose read() returns {type(probe).__name__}"))
    name = getattr(value, "name", None)
    name = name if isinstance(name, str) else None
    start = _seekable_position(value)
    if start is None:
        try:
            data = _read_all(value)
        except (OSError, ValueError) as exc:
            raise bad(f"cannot read it: {exc}") from None
        return _from_bytes(data, field, name, value)
    try:
        value.seek(0, os.SEEK_END)
        size = max(0, value.tell() - start)  # a position past the end reads as empty
        info = _sniff(_FileReader(value, start, size))
        value.seek(start)
    except _Bad as exc:
        raise bad(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise bad(f"cannot read it: {exc}") from None

    checked = None
    if isinstance(value, io.FileIO | io.BufferedReader | io.BufferedRandom):  # (fileno() has side effects elsewhere)
        try:
            checked = _identity(value)
        except (OSError, ValueError):  # not a file on disk
            checked = None

    def opener() -> BinaryIO:
        if getattr(value, "closed", False) is True:
            raise bad("the file was closed before the request was sent; keep it open until the call returns")
        return io.BufferedReader(_FileWindow(value, start, size))

    def check(stream: BinaryIO) -> str | None:
        # The caller's file may have been written to since: same length from the same start, same header,
        # and for a file on disk the same identity and time stamps.
        if checked is not None and _identity(value) != checked:
            return "another size, time stamp or file"
        if value.seek(0, os.SEEK_END) - start != size:
            return f"it is no longer {size:,} bytes long"
        try:
            again = _sniff(_FileReader(value, start, size))
        except _Bad as exc:
            return str(exc)
        return None if again == info else f"its header now reads {again.format} {again.width}x{again.height}"

    return ImageSource(
        field=field,
        info=info,
        file_name=_file_name(name, info.format, field),
        size=size,
        opener=opener,
        check=check,
        shown=value,
    )


def _seekable_position(file: Any) -> int | None:
    try:
        if not file.seekable():
            return None
        position = file.tell()
    except (AttributeError, OSError, ValueError):
        return None
    return position if isinstance(position, int) else None


def _read_all(file: Any) -> bytes:
    parts: list[bytes] = []
    while part := file.read(1024 * 1024):
        parts.append(bytes(part))
    return b"".join(parts)


class _FileWindow(_Window):
    """A caller's seekable file seen from a fixed start and length; closing the window leaves the file open.

    Each read seeks first, so a window does not care where the file was left by the sniffing or an earlier attempt.
    """

    def __init__(self, file: IO[bytes], start: int, size: int) -> None:
        super().__init__(size)
        self._file = file
        self._start = start

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self._size - self._position)
        if wanted <= 0:
            return 0
        self._file.seek(self._start + self._position)
        data = self._file.read(wanted)
        view[: len(data)] = data
        self._position += len(data)
        return len(data)


def _from_pil(value: Any, field: str) -> ImageSource:
    image = value
    try:
        if image.mode not in _PNG_MODES:
            alpha = "A" in image.getbands() or "a" in image.mode or "transparency" in image.info
            image = image.convert("RGBA" if alpha else "RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
    except Exception as exc:  # Pillow raises OSError, ValueError or KeyError depending on the mode and plugin
        raise InvalidFileError(field, value, f"could not encode the PIL image as PNG: {exc}") from exc
    return _from_bytes(buffer.getvalue(), field, None, value)


def check_destination(path: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Check that an output can be written to ``path``; call it before paying for the output.

    The directory part is resolved (links followed). Without ``overwrite`` the name itself must not exist in
    any form, a symbolic link included, even one whose target is missing: a save never writes through a link
    it was not allowed to replace. With ``overwrite`` an existing link is followed and its target replaced.

    Returns:
        The absolute path to write.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
        InvalidFileError: ``path`` is not a path, holds a NUL byte or a character the file system cannot
            encode, is a directory, is too long, or its directory does not exist or cannot be written to
            (field ``path``).
    """
    try:
        shown = os.fsdecode(path)
    except TypeError:
        raise InvalidFileError("path", path, "must be a file path (str or os.PathLike)") from None
    try:
        if "\x00" in shown:
            raise ValueError("embedded null byte")
        os.fsencode(shown)  # pathlib's checks answer False for a path the file system cannot take; say why
        given = Path(shown)
        named = given.parent.resolve() / given.name
        dest = named.resolve() if overwrite else named
        if dest.is_dir():
            raise InvalidFileError("path", shown, "is a directory; give the path of a file to write")
        if not dest.parent.is_dir():
            what = "is not a directory" if dest.parent.exists() else "does not exist"
            raise InvalidFileError("path", shown, f"the directory {dest.parent} {what}")
        if not overwrite and os.path.lexists(dest):
            raise _exists(dest)
        unwritable = _unwritable(dest.parent)
    except ValueError as exc:  # a NUL byte, a lone surrogate (InvalidFileError is a ValueError too)
        if isinstance(exc, InvalidFileError):
            raise
        raise InvalidFileError("path", shown, _bad_path(exc)) from None
    except FileExistsError:
        raise
    except OSError as exc:  # a name too long, a loop of links, a directory that cannot be searched
        raise InvalidFileError("path", shown, f"cannot be used: {exc.strerror or exc}") from None
    if unwritable:
        raise InvalidFileError("path", shown, f"the directory {dest.parent} {unwritable}")
    return dest


def _unwritable(directory: Path) -> str | None:
    """Why no file can be created in ``directory``, or None; so that a save that must fail fails before the
    output is paid for (the CLI checks ``-o`` with this before it calls the API)."""
    if os.name == "nt":  # Windows' access() reports a read-only attribute that directories ignore
        return None
    if os.access(directory, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        return None
    try:
        if os.statvfs(directory).f_flag & os.ST_RDONLY:
            return "is on a read-only file system"
    except OSError:
        pass
    return "cannot be written to (permission denied)"


def _exists(dest: Path) -> FileExistsError:
    return FileExistsError(f"{dest} already exists; pass overwrite=True to replace it")


def _save_error(exc: OSError, dest: Path) -> SaveError:
    if exc.errno is None:
        return SaveError(f"could not save {dest}: {exc}; nothing was saved")
    return SaveError(exc.errno, f"{exc.strerror or exc}; nothing was saved", os.fspath(dest))


# The temporary file's name keeps this many bytes of the destination's name: with the dot, the random part and
# ``.part`` it stays far below the 255 bytes most file systems allow, whatever the name's characters.
_TEMP_NAME_BYTES: Final = 100


def _shortened(name: str, limit: int) -> str:
    """The longest start of ``name`` whose file-system encoding fits in ``limit`` bytes, cut between characters."""
    kept = 0
    for index, char in enumerate(name):
        try:
            kept += len(os.fsencode(char))
        except UnicodeError:
            kept += 4
        if kept > limit:
            return name[:index]
    return name


class _AtomicWriter:
    """One atomic write: a hidden temporary file beside the destination, moved into place by :meth:`commit`.

    :meth:`create` it, :meth:`write` to it, :meth:`commit` it; :meth:`abort` in a ``finally`` removes whatever is
    left. Interrupt-safe: :func:`atomic_write` calls :meth:`abort` in a ``finally`` (and again if that is interrupted),
    and the temporary name is recorded before the file exists, so a ``KeyboardInterrupt`` or a cancellation at
    any moment leaves no temporary file. Only the file object ever holds the temporary file's descriptor, so it
    is closed exactly once, even when an interrupt drops the object (its finalizer closes it).
    """

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool) -> None:
        self._dest = check_destination(path, overwrite=overwrite)
        self._overwrite = overwrite
        self._temp: Path | None = None
        self._file: BinaryIO | None = None

    def create(self) -> None:
        """Create the temporary file."""
        stem = _shortened(self._dest.name, _TEMP_NAME_BYTES)
        for _ in range(100):
            temp = self._dest.with_name(f".{stem}.{secrets.token_hex(4)}.part")
            self._temp = temp  # before it exists: an interrupt just after the open still finds it to remove
            try:
                # "x" is O_CREAT | O_EXCL; open() gives 0666 less the umask, the permissions of any new file
                # (tempfile.mkstemp's 0600 would survive the rename).
                self._file = open(temp, "xb")
            except FileExistsError:
                self._temp = None  # another writer's file
                continue
            except OSError as exc:
                self._temp = None
                raise _save_error(exc, self._dest) from exc
            return
        raise SaveError(errno.EEXIST, "could not create a temporary file; nothing was saved", os.fspath(self._dest))

    def write(self, chunk: bytes) -> None:
        assert self._file is not None, "write() after commit() or abort()"
        try:
            self._file.write(chunk)
        except OSError as exc:  # the disk is full, an I/O error, a file size limit
            raise _save_error(exc, self._dest) from exc

    def commit(self) -> Path:
        assert self._file is not None and self._temp is not None, "commit() after commit() or abort()"
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            if self._overwrite:
                os.replace(self._temp, self._dest)
            else:
                self._move_without_clobbering(self._temp)
        except FileExistsError:
            raise
        except OSError as exc:
            raise _save_error(exc, self._dest) from exc
        self._temp = None
        _sync_directory(self._dest.parent)
        return self._dest

    def _move_without_clobbering(self, temp: Path) -> None:
        try:
            os.link(temp, self._dest)  # fails if the destination appeared since check_destination
        except FileExistsError:
            raise _exists(self._dest) from None
        except OSError:  # no hard links on this file system (FAT, some network and container mounts)
            if os.name == "nt":
                try:
                    os.rename(temp, self._dest)  # Windows' rename refuses an existing destination
                except FileExistsError:
                    raise _exists(self._dest) from None
            else:
                if os.path.lexists(self._dest):
                    raise _exists(self._dest) from None
                os.replace(temp, self._dest)
            return
        try:
            os.unlink(temp)
        except OSError:
            pass  # the image is in place; a stray temporary name is not worth failing the write for

    def abort(self) -> None:
        """Close and remove the temporary file, if any; it is finished even when an interrupt breaks into it."""
        try:
            self._discard()
        except BaseException:
            self._discard()
            raise

    def _discard(self) -> None:
        file, temp = self._file, self._temp
        if file is not None:
            try:
                file.close()
            except OSError:
                pass
            self._file = None
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass  # already gone (moved into place), or it cannot be removed: nothing more to do
            self._temp = None


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable; Windows cannot open a directory, and some file systems refuse to sync one.
    if os.name == "nt":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike[str], chunks: Iterable[bytes], *, overwrite: bool = False) -> Path:
    """Write ``chunks`` to ``path`` so that the file appears whole or not at all.

    Each chunk is written as it comes, so memory does not grow with the file. Without ``overwrite`` an existing
    file (or a symbolic link) is never replaced, even one created while the chunks were arriving. Whatever
    stops the write (an error, a ``KeyboardInterrupt``) leaves no temporary file behind.

    Returns:
        The absolute path written.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
        InvalidFileError: ``path`` is not a usable path, a directory, or its directory does not exist or cannot
            be written to.
        SaveError: writing failed (disk full, read-only file system, I/O error); ``errno`` says why.
    """
    writer = _AtomicWriter(path, overwrite=overwrite)
    try:
        writer.create()
        for chunk in chunks:
            writer.write(chunk)
        return writer.commit()
    finally:
        try:
            writer.abort()
        except BaseException:  # interrupted on the way into abort(): run it again, then let the interrupt go on
            writer.abort()
            raise


async def atomic_write_async(
    path: str | os.PathLike[str], chunks: AsyncIterable[bytes], *, overwrite: bool = False
) -> Path:
    """:func:`atomic_write` for an async iterator; a cancellation while waiting for a chunk leaves nothing behind.

    The writes themselves block the loop briefly (they go to the page cache); running them in a thread would let
    a cancellation return before the thread stops, racing the clean-up against the rename.
    """
    writer = _AtomicWriter(path, overwrite=overwrite)
    try:
        writer.create()
        async for chunk in chunks:
            writer.write(chunk)
        return writer.commit()
    finally:
        try:
            writer.abort()
        except BaseException:  # interrupted on the way into abort(): run it again, then let the interrupt go on
            writer.abort()
            raise
