"""Is this body a whole image (or video)? Structural checks in constant memory, whole or chunk by chunk.

A result is paid for, so a body cut short, or an error page served with status 200, must be refused rather
than handed over (or saved) as if it were the picture. No pixel is decoded: the checks walk the container.

- PNG: the signature, then every chunk (length, type, data, CRC) up to IEND; CRCs are not computed.
- JPEG: SOI first, then EOI (``FF D9``): as the last two bytes, or where the segments and the entropy-coded
  data end (bytes after it, an encoder's trailer or padding, are no cut).
- WEBP: ``RIFF`` size + 8 <= the length (bytes after the RIFF chunk are ignored, as decoders do), and
  ``WEBP`` as the form type.
- MP4: the top-level boxes add up exactly to the length (size 0 = to the end, size 1 = 64-bit largesize), and
  the first one is ``ftyp``.

The bytes decide, not the content type: a whole PNG served as ``text/html`` is the image that was paid for,
while an HTML or JSON page cannot start like any of these formats, so it is refused at its first bytes (the
content type only goes into the message).

``MediaCheck`` takes the body in chunks (for downloads streamed to disk); ``check_media`` takes it whole. A
whole-body check does not copy the body: the walk reads a few header bytes per PNG chunk or MP4 box.
"""

from __future__ import annotations

import struct
from typing import Final, Literal

__all__ = ["MediaCheck", "check_glb", "check_media"]

MediaKind = Literal["image", "video"]

_PNG: Final = b"\x89PNG\r\n\x1a\n"
_JPEG: Final = b"\xff\xd8\xff"
_HEAD: Final = 12  # enough leading bytes to tell PNG, JPEG, WEBP and MP4 apart
_PNG_MAX_CHUNK: Final = 0x7FFF_FFFF  # the PNG specification's bound on a chunk length


class MediaCheck:
    """Check a body chunk by chunk: ``feed`` every chunk, then ``finish``; both raise ``ValueError``.

    ``feed`` raises as soon as the body cannot be the media asked for (first bytes that start no PNG, JPEG or
    WEBP image resp. no MP4 ``ftyp`` box, as an HTML or JSON page's do; a corrupt PNG chunk or MP4 box
    header); ``finish`` raises when the body stops short of its end (PNG without IEND, JPEG without EOI, a WEBP
    or MP4 whose sizes do not add up to the length). Memory is constant whatever the body's size.
    """

    __slots__ = (
        "_done",
        "_format",
        "_head",
        "_jpeg",
        "_kind",
        "_label",
        "_needed",
        "_length",
        "_parts",
        "_pending",
        "_riff",
        "_skip",
        "_tail",
    )

    def __init__(self, kind: MediaKind, content_type: str | None) -> None:
        media = (content_type or "").split(";", 1)[0].strip().lower()
        self._label = f"the body ({media[:60]})" if media else "the body"
        self._kind: MediaKind = kind
        self._format = ""  # png, jpeg, webp or mp4 once the first bytes tell
        self._head = b""  # the first bytes, until they tell the format
        self._length = 0  # bytes fed so far
        self._pending = b""  # a PNG chunk or MP4 box header split across feeds (at most 16 bytes)
        self._skip = 0  # bytes of the current PNG chunk or MP4 box still to come
        self._parts = 0  # PNG chunks or MP4 boxes seen
        self._done = False  # PNG: IEND seen; MP4: a box that runs to the end of the body
        self._tail = b""  # JPEG: the last two bytes
        self._jpeg = _JpegWalk()  # JPEG: where its EOI marker is
        self._riff = 0  # WEBP: the RIFF size
        self._needed = 0  # MP4: which of moov and mdat were seen (bits)

    @property
    def format(self) -> str:
        """``png``, ``jpeg``, ``webp`` or ``mp4`` once the first bytes were fed, else ``""``."""
        return self._format

    def feed(self, chunk: bytes | bytearray | memoryview) -> None:
        """Check the next part of the body. Raises ``ValueError`` when it cannot be the expected media."""
        view = memoryview(chunk).cast("B") if not isinstance(chunk, bytes) else memoryview(chunk)
        if not view.nbytes:
            return
        self._length += view.nbytes
        if self._format:
            self._consume(view)
            return
        need = _HEAD - len(self._head)
        self._head += bytes(view[:need])
        if not self._detect():
            return
        head, self._head = self._head, b""
        self._consume(memoryview(head))
        if need < view.nbytes:
            self._consume(view[need:])

    def finish(self) -> None:
        """Say the body ended. Raises ``ValueError`` when it is empty, not the media, or cut short."""
        fmt = self._format
        if not fmt:
            if not self._length:
                raise ValueError(f"{self._label} is empty, not {_WHAT[self._kind]}")
            raise ValueError(f"{self._label} ends after {self._length} bytes, before {_WHAT[self._kind]} could begin")
        if fmt == "png" and not (self._done and not self._skip):
            raise ValueError(f"the PNG image is cut short: its {self._length} bytes hold no whole IEND chunk")
        if fmt == "jpeg" and self._tail != b"\xff\xd9" and not self._jpeg.done:
            raise ValueError(f"the JPEG image is cut short: its {self._length} bytes do not end with EOI (FF D9)")
        if fmt == "webp" and self._length < self._riff + 8:
            raise ValueError(f"the WEBP image's RIFF header says {self._riff + 8} bytes, the body has {self._length}")
        if fmt == "mp4" and not self._done and (self._skip or self._pending):
            raise ValueError(f"the MP4 video is cut short: its boxes need more than the {self._length} bytes received")
        if fmt == "mp4" and self._needed != _MP4_ALL:
            # A body cut exactly between two boxes adds up; one without its movie header or media data is
            # still not a video.
            raise ValueError(f"the MP4 video is cut short: its {self._length} bytes lack a moov or mdat box")

    # ------------------------------------------------------------------------------------------------ formats

    def _detect(self) -> bool:
        """Whether the head tells the format (then set); False while too short; ValueError when it is none."""
        head = self._head
        possible = False
        for name, signature in _SIGNATURES[self._kind]:
            n = min(len(head), len(signature))
            if all(s == _ANY or h == s for h, s in zip(head[:n], signature[:n], strict=True)):
                if len(head) < len(signature):
                    possible = True
                    continue
                self._format = name
                if name == "png":
                    self._skip = len(_PNG)  # the signature, then chunks
                elif name == "webp":
                    self._riff = int.from_bytes(head[4:8], "little")
                return True
        if possible:
            return False
        raise ValueError(f"{self._label} is not {_WHAT[self._kind]}: it starts with {head[:16]!r}")

    def _consume(self, view: memoryview) -> None:
        fmt = self._format
        if fmt == "jpeg":
            self._tail = (self._tail + bytes(view[-2:]))[-2:]
            if not self._jpeg.done:
                self._jpeg.feed(bytes(view))
        elif fmt != "webp":
            self._walk(view)

    def _walk(self, view: memoryview) -> None:
        """Skip through PNG chunks or MP4 boxes, reading only their headers."""
        png = self._format == "png"
        position, end = 0, view.nbytes
        while position < end:
            if self._skip:
                step = min(self._skip, end - position)
                self._skip -= step
                position += step
                continue
            if self._done:
                return  # after IEND (PNG) or inside a box that runs to the end (MP4): nothing left to check
            pending = self._pending
            want = 16 if not png and len(pending) >= 4 and pending[:4] == b"\0\0\0\1" else 8
            taken = view[position : position + want - len(pending)]
            position += taken.nbytes
            pending += bytes(taken)
            if len(pending) < want or (want == 8 and not png and pending[:4] == b"\0\0\0\1"):
                self._pending = pending
                continue
            self._pending = b""
            if png:
                self._png_chunk(pending)
            else:
                self._mp4_box(pending)
            self._parts += 1

    def _png_chunk(self, header: bytes) -> None:
        length, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if (
            length > _PNG_MAX_CHUNK
            or not (kind.isalpha() and kind.isascii())
            or (self._parts == 0) != (kind == b"IHDR")
        ):
            raise ValueError(f"the PNG image is corrupt: chunk {kind!r} of length {length} at chunk {self._parts}")
        self._skip = length + 4  # the data and the CRC
        self._done = kind == b"IEND"

    def _mp4_box(self, header: bytes) -> None:
        size, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if kind in _MP4_NEEDED:
            self._needed |= _MP4_NEEDED[kind]
        if size == 0:
            self._done = True
            return
        used = len(header)
        if size == 1:
            size = int.from_bytes(header[8:16], "big")
        if size < used:
            raise ValueError(f"the MP4 video is corrupt: box {kind!r} of size {size} at box {self._parts}")
        self._skip = size - used


_ANY: Final = 0x3F  # "?" in a signature matches any byte
_SIGNATURES: Final[dict[str, tuple[tuple[str, bytes], ...]]] = {
    "image": (("png", _PNG), ("jpeg", _JPEG), ("webp", b"RIFF????WEBP")),
    "video": (("mp4", b"????ftyp"),),
}
_MP4_NEEDED: Final = {b"moov": 1, b"mdat": 2}
_MP4_ALL: Final = 3
_WHAT: Final = {"image": "a PNG, JPEG or WEBP image", "video": "an MP4 video (an ftyp box first)"}


def check_media(data: bytes | bytearray | memoryview, kind: MediaKind, content_type: str | None) -> None:
    """Raise ``ValueError`` unless ``data`` is a whole image (PNG, JPEG, WEBP) or MP4 video, per ``kind``."""
    # Every in-memory result goes through here: a whole body takes a direct walk (a few struct reads), and only
    # a body it does not accept takes the chunk-by-chunk check, the reference, which says what is wrong.
    if isinstance(data, bytes | bytearray) and _is_whole(data, kind):
        return
    check = MediaCheck(kind, content_type)
    check.feed(data)
    check.finish()


_GLB_HEADER: Final = struct.Struct("<4sII")
_GLB_CHUNK: Final = struct.Struct("<I4s")


def check_glb(data: bytes, content_type: str | None) -> None:
    """Raise ``ValueError`` unless ``data`` is a whole binary glTF 2.0 file (GLB).

    The 12-byte header (``glTF``, version 2, the total length), then chunks of 4-byte-aligned length and type,
    the first of them JSON, that add up exactly to that length.
    """
    served = f" (served as {content_type})" if content_type else ""
    if len(data) < _GLB_HEADER.size or not data.startswith(b"glTF"):
        raise ValueError(
            f"expected a binary glTF (GLB) model{served}, got {len(data)} bytes that do not start with glTF"
        )
    _, version, length = _GLB_HEADER.unpack_from(data)
    if version != 2:
        raise ValueError(f"expected a glTF 2.0 model, got version {version}")
    if length != len(data):
        raise ValueError(
            f"the model's header says {length} bytes, the body has {len(data)}: it was cut short or padded"
        )
    offset, first = _GLB_HEADER.size, True
    while offset < length:
        if offset + _GLB_CHUNK.size > length:
            raise ValueError(f"a chunk header at byte {offset} runs past the model's end")
        size, kind = _GLB_CHUNK.unpack_from(data, offset)
        if first and kind != b"JSON":
            raise ValueError(f"the model's first chunk is {kind!r}, not JSON")
        offset += _GLB_CHUNK.size + size
        first = False
    if first or offset != length:
        raise ValueError("the model's chunks do not add up to its length")


_CHUNK_HEADER: Final = struct.Struct(">I4s")
_LARGE_SIZE: Final = struct.Struct(">Q")


def _is_whole(data: bytes | bytearray, kind: MediaKind) -> bool:
    """The same rules as ``MediaCheck`` on a whole body, without its bookkeeping; False also when unsure."""
    size = len(data)
    if kind == "video":
        return _is_whole_mp4(data, size)
    if data.startswith(_PNG):
        return _is_whole_png(data, size)
    if data.startswith(_JPEG):
        return data.endswith(b"\xff\xd9") or _jpeg_ends(bytes(data))
    return size >= _HEAD and data[:4] == b"RIFF" and data[8:12] == b"WEBP" and _riff(data) + 8 <= size


def _riff(data: bytes | bytearray) -> int:
    return int.from_bytes(data[4:8], "little")


def _is_whole_png(data: bytes | bytearray, size: int) -> bool:
    position: int = len(_PNG)
    first = True
    while position + 8 <= size:
        length, kind = _CHUNK_HEADER.unpack_from(data, position)
        if length > _PNG_MAX_CHUNK or not kind.isalpha() or first != (kind == b"IHDR"):
            return False
        first = False
        position += 12 + length
        if kind == b"IEND":
            return position <= size
    return False


def _is_whole_mp4(data: bytes | bytearray, size: int) -> bool:
    position = 0
    needed: int = 0
    while position < size:
        if position + 8 > size:
            return False
        box, kind = _CHUNK_HEADER.unpack_from(data, position)
        if position == 0 and kind != b"ftyp":
            return False
        needed |= _MP4_NEEDED.get(kind, 0)
        if box == 0:  # runs to the end of the body
            return needed == _MP4_ALL
        header = 8
        if box == 1:
            if position + 16 > size:
                return False
            (box,) = _LARGE_SIZE.unpack_from(data, position + 8)
            header = 16
        if box < header:
            return False
        position += box
    return position == size and needed == _MP4_ALL


def _jpeg_ends(data: bytes) -> bool:
    walk = _JpegWalk()
    walk.feed(data)
    return walk.done


# _JpegWalk's states: look for FF (before a marker, or in entropy-coded data), the byte after it, a segment length.
_MARKER, _CODE, _SCAN, _SCAN_FF, _LENGTH_HIGH, _LENGTH_LOW = range(6)


class _JpegWalk:
    """Follows a JPEG's markers, segments and entropy-coded data, chunk by chunk, until its EOI marker.

    Many encoders end the file at EOI, but some append a trailer or padding, which decoders ignore: the image is
    whole once EOI is reached where a marker can be. Segments (an EXIF thumbnail's own EOI included) are
    skipped by their length, and in entropy-coded data ``FF`` is followed only by ``00`` or a restart marker,
    so an ``FF D9`` there is the end. Only the bytes around an ``FF`` are looked at one by one.
    """

    __slots__ = ("_high", "_scan", "_skip", "_state", "done")

    def __init__(self) -> None:
        self.done = False
        self._state = _MARKER
        self._skip = 0  # bytes of the current segment still to skip
        self._high = 0  # the high byte of a segment length
        self._scan = False  # the current segment is SOS: entropy-coded data follows it

    def feed(self, data: bytes) -> None:
        position, end = 0, len(data)
        while position < end and not self.done:
            if self._skip:
                step = min(self._skip, end - position)
                self._skip -= step
                position += step
                continue
            state = self._state
            if state in (_MARKER, _SCAN):
                found = data.find(b"\xff", position)
                if found < 0:
                    return
                position = found + 1
                self._state = _CODE if state == _MARKER else _SCAN_FF
                continue
            byte = data[position]
            position += 1
            if state == _SCAN_FF:
                if byte == 0x00 or 0xD0 <= byte <= 0xD7:  # a stuffed FF or a restart marker: still data
                    self._state = _SCAN
                elif byte != 0xFF:  # FF FF is fill; anything else is a marker that ends the data
                    self._marker(byte)
            elif state == _CODE:
                self._marker(byte)
            elif state == _LENGTH_HIGH:
                self._high = byte
                self._state = _LENGTH_LOW
            else:
                self._skip = max(0, (self._high << 8 | byte) - 2)
                self._state = _SCAN if self._scan else _MARKER

    def _marker(self, code: int) -> None:
        if code == 0xD9:
            self.done = True
        elif code == 0xFF:
            self._state = _CODE  # fill bytes before a marker
        elif code in (0x00, 0x01, 0xD8) or 0xD0 <= code <= 0xD7:
            self._state = _MARKER  # no segment follows these
        else:
            self._scan = code == 0xDA
            self._state = _LENGTH_HIGH
