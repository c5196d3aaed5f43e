"""Image inputs: sources sniffed once, reopenable for every attempt, streamed from disk when they are paths.

Inputs are checked here, before any request is sent, so a wrong file costs nothing: the format and size come from
the header alone (no pixel is decoded, and a path is never read whole to sniff it), and the last bytes show that
the file is not cut short. An :class:`ImageSource` can be reopened for every attempt, because a retried multipart
upload needs the image from its first byte again.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Final

from .._core.errors import InvalidFileError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

from .outputs import _bad_path
from .sniffing import (
    ImageFormat,
    ImageInfo,
    _Bad,
    _BytesReader,
    _Described,
    _FileReader,
    _sniff,
    _sniff_input,
    shown,
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
        InvalidFileError: the file is missing, a directory, unreadable, empty, truncated (a PNG without its IEND
            chunk, a JPEG without its EOI marker, a WEBP shorter than its RIFF header says), not a PNG, JPEG or
            WEBP image, a path with a NUL byte or a character the file system cannot encode, or ``value`` is of
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
            readinto = getattr(self._inner, "readinto", None)
            if readinto is not None:  # straight into the caller's buffer: no copy of every chunk sent
                count = readinto(view[:wanted]) or 0
            else:
                data = self._inner.read(wanted)
                count = len(data)
                view[:count] = data
        except (OSError, ValueError) as exc:
            raise self._source._failed(
                f"could not be read while it was being sent ({exc}); the request was cut off, so it was not processed"
            ) from exc
        if not count:
            raise self._source._failed(
                f"changed while it was being sent: it ended after {self._position:,} of the {self._source.size:,} "
                "bytes checked; the request was cut off, so it was not processed"
            )
        self._position += count
        self._inner_position = self._position
        return count

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
    # Also a stream that cannot seek, read whole: all of it is in memory, so its end is checked at no cost.
    try:
        info = _sniff_input(_BytesReader(data))
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
            info = _sniff_input(_FileReader(file, 0, size))
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
        info = _sniff_input(_FileReader(value, start, size))
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
