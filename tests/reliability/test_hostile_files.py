"""Hostile input files, for every operation that uploads one: each is a clear typed error before any request.

Zero bytes, truncated PNG/JPEG/WEBP headers, a PNG that claims 100000 x 100000, a text file named ``.png``, a
directory, a missing path, an unreadable file, and a huge (sparse, 4 GiB) file: sniffing reads the header only,
so the huge one is refused at once with flat memory.
"""

from __future__ import annotations

import errno
import io
import os
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import stability
import stability._files.inputs
from stability.testing import FakeStability, Fault
from tests.raw_cases import png
from tests.reliability._support import FIGURES
from tests.reliability.test_bad_input import claimed_png


def _write(data: bytes, name: str = "input.png") -> Callable[[Path, Any], Path]:
    def make(tmp_path: Path, monkeypatch: Any) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return make


def _directory(tmp_path: Path, monkeypatch: Any) -> Path:
    (tmp_path / "folder.png").mkdir()
    return tmp_path / "folder.png"


def _missing(tmp_path: Path, monkeypatch: Any) -> Path:
    return tmp_path / "no-such-image.png"


def _unreadable(tmp_path: Path, monkeypatch: Any) -> Path:
    path = tmp_path / "locked.png"
    path.write_bytes(png(96, 96))
    path.chmod(0)
    real_open = open

    def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:  # as for a user without root's override
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(stability._files.inputs, "open", guarded, raising=False)
    return path


def _huge(tmp_path: Path, monkeypatch: Any) -> Path:
    path = tmp_path / "huge.png"
    with path.open("wb") as file:
        file.write(claimed_png(50_000, 50_000))
        file.truncate(4 << 30)  # 4 GiB, sparse: nothing but the header is ever read
    return path


FILES: dict[str, tuple[Callable[[Path, Any], Path], type[Exception]]] = {
    "zero_bytes": (_write(b""), stability.InvalidFileError),
    "truncated_png": (_write(png(96, 96)[:20]), stability.InvalidFileError),
    "truncated_jpeg": (_write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "input.jpg"), stability.InvalidFileError),
    "truncated_webp": (_write(b"RIFF\x24\x00\x00\x00WEBPVP8 ", "input.webp"), stability.InvalidFileError),
    "png_claiming_100000x100000": (_write(claimed_png(100_000, 100_000)), stability.ValidationError),
    "text_named_png": (_write(b"just some words, not an image\n"), stability.InvalidFileError),
    "directory": (_directory, stability.InvalidFileError),
    "missing_path": (_missing, stability.InvalidFileError),
    "unreadable_file": (_unreadable, stability.InvalidFileError),
    "huge_sparse_file": (_huge, stability.ValidationError),
}

UPLOADS: dict[str, Callable[[Any, Path], Any]] = {
    "image_to_image": lambda c, p: c.image_to_image("x", image=p),
    "masked_image_to_image.image": lambda c, p: c.masked_image_to_image("x", image=p, mask=png(512, 512)),
    "masked_image_to_image.mask": lambda c, p: c.masked_image_to_image("x", image=png(512, 512), mask=p),
    "inpaint.image": lambda c, p: c.inpaint("x", image=p, search_prompt="y"),
    "inpaint.mask": lambda c, p: c.inpaint("x", image=png(96, 96), mask=p),
    "upscale": lambda c, p: c.upscale("x", image=p),
    "image_to_video": lambda c, p: c.image_to_video(p),
}


@pytest.fixture(scope="module")
def hostile_fake() -> FakeStability:
    return FakeStability(fast=True)


@pytest.mark.parametrize("upload", list(UPLOADS))
@pytest.mark.parametrize("kind", list(FILES))
def test_hostile_file_is_typed_before_any_request(
    kind: str, upload: str, tmp_path: Path, monkeypatch: Any, hostile_fake: FakeStability
) -> None:
    make, expected = FILES[kind]
    path = make(tmp_path, monkeypatch)
    hostile_fake.reset()
    transport = hostile_fake.transport()
    with stability.Stability(hostile_fake.api_key, base_url="http://localhost", transport=transport) as client:
        tracemalloc.start()
        started = time.monotonic()
        try:
            with pytest.raises(stability.ValidationError) as caught:
                UPLOADS[upload](client, path)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(caught.value, expected), repr(caught.value)
    assert caught.value.field in ("image", "mask") and str(caught.value)
    assert hostile_fake.count() == 0, "a hostile file reached the API"
    assert time.monotonic() - started < 2.0 and peak < 4 << 20, (time.monotonic() - started, peak)
    FIGURES.add("hostile files refused before sending")
    FIGURES.add("inputs tried")
    FIGURES.outcome(type(caught.value).__name__)


# --------------------------------------------------------------------------- files that change or fail later


class _FailingFile(io.BytesIO):
    """A seekable file whose reads across ``fail_at`` fail (EIO): the header and the last bytes (the checks
    before sending) read fine, the upload, reading from the start, breaks."""

    def __init__(self, data: bytes, fail_at: int) -> None:
        super().__init__(data)
        self.fail_at = fail_at

    def read(self, size: int | None = -1) -> bytes:
        start = self.tell()
        if start < self.fail_at < start + (size if size is not None and size >= 0 else len(self.getbuffer())):
            raise OSError(errno.EIO, "Input/output error")
        return super().read(size)


def _large(data: bytes) -> bytes:
    """A real PNG made 300 KB longer by an ancillary chunk after its image data."""
    filler = b"\x00" * 300_000
    chunk = struct.pack(">I", len(filler)) + b"prVt" + filler + struct.pack(">I", zlib.crc32(b"prVt" + filler))
    return data[:-12] + chunk + data[-12:]


@pytest.mark.parametrize("upload", ["upscale", "inpaint.mask", "image_to_image"])
def test_a_file_whose_read_fails_while_it_is_sent_is_a_typed_error(clients: Any, upload: str) -> None:
    client = clients(transport="sockets")
    image = _FailingFile(_large(png(512, 512) if upload == "image_to_image" else png(96, 96)), fail_at=100_000)
    with pytest.raises(stability.InvalidFileError) as caught:
        if upload == "upscale":
            client.upscale("x", image=image)
        elif upload == "inpaint.mask":
            client.inpaint("x", image=png(96, 96), mask=image)
        else:
            client.image_to_image("x", image=image)
    assert caught.value.field == ("mask" if upload == "inpaint.mask" else "image")
    assert "could not be read while it was being sent" in caught.value.rule and "Input/output error" in str(
        caught.value
    )
    assert clients.fake.count() == 0 and clients.fake.charges() == 0  # cut off: never a whole request
    FIGURES.add("scenarios")
    FIGURES.add("hostile files refused before sending")
    FIGURES.outcome(type(caught.value).__name__)


def _rewrite_same_size_keep_mtime(path: Path) -> None:
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF  # another byte of image data, same length
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the time stamp a careless copy keeps


def _replace(path: Path) -> None:
    other = path.with_name("other.png")
    other.write_bytes(path.read_bytes())  # the same bytes, another file
    os.replace(other, path)


CHANGES: dict[str, Callable[[Path], None]] = {
    "rewritten_in_place_same_size_same_mtime": _rewrite_same_size_keep_mtime,
    "replaced_by_another_file": _replace,
    "now_a_text_file": lambda path: path.write_bytes(b"not an image any more\n"),
    "now_a_huge_image": lambda path: path.write_bytes(claimed_png(100_000, 100_000)),
    "grown": lambda path: path.write_bytes(path.read_bytes() + b"\x00" * 1000),
}


def _change_at_the_retry_sleep(client: Any, mode: str, change: Callable[[], None]) -> None:
    target = getattr(client, "_target", client)
    if mode == "sync":
        target._driver._sleep = lambda seconds: change()
    else:

        async def sleep(seconds: float) -> None:
            change()

        target._driver._sleep = sleep


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_path_changed_before_a_retry_is_refused_not_sent(
    clients: Any, mode: str, tmp_path: Path, change: str
) -> None:
    path = tmp_path / "input.png"
    path.write_bytes(png(96, 96))
    client = clients(transport="sockets")
    clients.fake.inject("upscale", Fault.rate_limited(retry_after="1"))  # a 429 is retried: it was not charged
    _change_at_the_retry_sleep(client, mode, lambda: CHANGES[change](path))
    with pytest.raises(stability.InvalidFileError) as caught:
        client.upscale("x", image=path)
    assert caught.value.field == "image" and "changed since it was checked" in caught.value.rule, caught.value
    assert clients.fake.count("upscale") == 1 and clients.fake.charges() == 0  # the 429 only
    FIGURES.add("scenarios")
    FIGURES.outcome(type(caught.value).__name__)


@pytest.mark.parametrize("kind", ["bytes_io", "open_file"])
def test_a_file_object_changed_before_a_retry_is_refused_not_sent(
    clients: Any, mode: str, tmp_path: Path, kind: str
) -> None:
    original, other = png(96, 96), png(80, 120)
    path = tmp_path / "input.png"
    path.write_bytes(original)
    handle: Any = io.BytesIO(original) if kind == "bytes_io" else path.open("r+b")
    client = clients(transport="sockets")
    clients.fake.inject("upscale", Fault.rate_limited(retry_after="1"))

    def change() -> None:
        handle.seek(0)
        handle.truncate()
        handle.write(other)
        handle.flush()

    _change_at_the_retry_sleep(client, mode, change)
    try:
        with pytest.raises(stability.InvalidFileError) as caught:
            client.upscale("x", image=handle)
    finally:
        handle.close()
    assert caught.value.field == "image" and "changed since it was checked" in caught.value.rule, caught.value
    assert clients.fake.count("upscale") == 1
    FIGURES.add("scenarios")
    FIGURES.outcome(type(caught.value).__name__)


def test_an_unchanged_path_is_sent_again_after_a_429(clients: Any, tmp_path: Path) -> None:
    path = tmp_path / "input.png"
    path.write_bytes(png(96, 96))
    client = clients(transport="sockets")
    clients.fake.inject("upscale", Fault.rate_limited(retry_after="1"))
    assert client.upscale("x", image=path).id
    assert clients.fake.count("upscale") == 2
    FIGURES.add("scenarios")


@pytest.mark.skipif(os.name == "nt", reason="file names are bytes on POSIX only")
def test_a_path_whose_name_is_not_utf8_is_sent_under_a_name_a_header_can_carry(clients: Any, tmp_path: Path) -> None:
    name = os.fsdecode(b"photo-\xff\xfe.png")  # a valid POSIX name; Python keeps the bytes as lone surrogates
    (tmp_path / name).write_bytes(png(96, 96))
    client = clients(transport="sockets")
    assert client.upscale("x", image=tmp_path / name).id  # was a raw UnicodeEncodeError while sending
    sent = clients.fake.requests[-1].files["image"]
    assert sent.filename == "photo-__.png" and sent.size == len(png(96, 96))
    FIGURES.add("scenarios")
