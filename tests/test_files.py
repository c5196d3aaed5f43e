"""stability/_files.py: sniffing, reopenable image sources, destination checks and atomic writes."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import io
import json
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from stability._core.errors import InvalidFileError, ValidationError
from stability._files.inputs import ImageSource, image_source
from stability._files.outputs import atomic_write, atomic_write_async, check_destination
from stability._files.sniffing import MIME_TYPES, ImageInfo, sniff_image

MiB = 1024 * 1024
FUZZ = settings(database=None, deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])


# --- images made with Pillow -------------------------------------------------------------------------------------


def _picture(mode: str, size: tuple[int, int] = (37, 23)) -> Image.Image:
    """A small image with varied content and transparent corners, so encoders keep every channel."""
    rgba = Image.linear_gradient("L").resize(size).convert("RGBA")
    rgba.putpixel((0, 0), (255, 0, 0, 0))
    rgba.putpixel((size[0] - 1, size[1] - 1), (0, 0, 255, 128))
    return rgba if mode == "RGBA" else rgba.convert(mode)


def _encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _with_big_exif(jpeg: bytes, payload_size: int = 60 * 1024) -> bytes:
    """The JPEG with an APP1 Exif segment of about 60 KiB right after SOI, as cameras write."""
    payload = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00" + bytes(payload_size)
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def _png_with_text(size: int) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * size)  # a tEXt chunk before IDAT that the sniffer has to step over
    return _encode(_picture("RGB"), "PNG", pnginfo=info)


def _make_cases() -> dict[str, tuple[bytes, ImageInfo]]:
    w, h = 37, 23
    rgb = _picture("RGB")
    p_trns = _picture("RGB").convert("P")
    cases = {
        "png_rgb": (_encode(rgb, "PNG"), ImageInfo("png", w, h, False)),
        "png_rgba": (_encode(_picture("RGBA"), "PNG"), ImageInfo("png", w, h, True)),
        "png_palette": (_encode(p_trns, "PNG"), ImageInfo("png", w, h, False)),
        "png_palette_trns": (_encode(p_trns, "PNG", transparency=0), ImageInfo("png", w, h, True)),
        "png_rgb_colour_key": (_encode(rgb, "PNG", transparency=(0, 0, 0)), ImageInfo("png", w, h, True)),
        "png_grey": (_encode(_picture("L"), "PNG"), ImageInfo("png", w, h, False)),
        "png_grey_alpha": (_encode(_picture("LA"), "PNG"), ImageInfo("png", w, h, True)),
        "png_16bit": (_encode(_picture("L").convert("I;16"), "PNG"), ImageInfo("png", w, h, False)),
        "png_big_text": (_png_with_text(100_000), ImageInfo("png", w, h, False)),
        "png_interlaced_tall": (_encode(_picture("RGB", (5, 301)), "PNG"), ImageInfo("png", 5, 301, False)),
        "jpeg_rgb": (_encode(rgb, "JPEG"), ImageInfo("jpeg", w, h, False)),
        "jpeg_grey": (_encode(_picture("L"), "JPEG"), ImageInfo("jpeg", w, h, False)),
        "jpeg_cmyk": (_encode(_picture("CMYK"), "JPEG"), ImageInfo("jpeg", w, h, False)),
        "jpeg_progressive": (_encode(rgb, "JPEG", progressive=True), ImageInfo("jpeg", w, h, False)),
        "jpeg_big_exif": (_with_big_exif(_encode(rgb, "JPEG")), ImageInfo("jpeg", w, h, False)),
        "jpeg_wide": (_encode(_picture("RGB", (1500, 3)), "JPEG"), ImageInfo("jpeg", 1500, 3, False)),
        "webp_lossy": (_encode(rgb, "WEBP"), ImageInfo("webp", w, h, False)),
        "webp_lossless": (_encode(rgb, "WEBP", lossless=True), ImageInfo("webp", w, h, False)),
        "webp_lossy_alpha": (_encode(_picture("RGBA"), "WEBP"), ImageInfo("webp", w, h, True)),
        "webp_lossless_alpha": (_encode(_picture("RGBA"), "WEBP", lossless=True), ImageInfo("webp", w, h, True)),
        "webp_extended_no_alpha": (
            _encode(rgb, "WEBP", exif=b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00"),
            ImageInfo("webp", w, h, False),
        ),
        "webp_big": (_encode(_picture("RGB", (3000, 2)), "WEBP"), ImageInfo("webp", 3000, 2, False)),
    }
    return cases


CASES = _make_cases()


def _header_end(data: bytes) -> int:
    """How many leading bytes a sniffer needs, found independently of stability._files."""
    if data.startswith(b"\x89PNG"):
        if data[25] in (4, 6):
            return 33
        return min(i for i in (data.find(b"IDAT"), data.find(b"tRNS")) if i > 0) + 4
    if data.startswith(b"\xff\xd8"):
        sof = re.search(rb"\xff[\xc0-\xc3\xc5-\xc7\xc9-\xcb\xcd-\xcf]", data)
        assert sof is not None
        return sof.start() + 9
    return {b"VP8 ": 30, b"VP8L": 25, b"VP8X": 30}[data[12:16]]


def _pillow_info(data: bytes) -> ImageInfo:
    with Image.open(io.BytesIO(data)) as image:
        alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        assert image.format is not None
        return ImageInfo(image.format.lower(), image.width, image.height, alpha)  # type: ignore[arg-type]


def _png_header(width: int, height: int, colour: int = 6, *, idat: bool = False) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return data + (struct.pack(">I", 0) + b"IDAT" + struct.pack(">I", zlib.crc32(b"IDAT")) if idat else b"")


# --- sniffing ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_sniff_matches_pillow(name: str) -> None:
    data, expected = CASES[name]
    info = sniff_image(data, field="image")
    assert info == expected
    assert info == _pillow_info(data)
    assert info.mime_type == MIME_TYPES[info.format] == Image.MIME[info.format.upper()]
    assert info.pixels == info.width * info.height


def test_sniff_reads_the_frame_header_of_a_progressive_jpeg() -> None:
    data = CASES["jpeg_progressive"][0]
    assert b"\xff\xc2" in data and b"\xff\xc0" not in data  # SOF2, so the SOF0 shortcut would miss it


def test_sniff_needs_only_the_header() -> None:
    for name, (data, expected) in CASES.items():
        assert sniff_image(data[: _header_end(data)], field="image") == expected, name


def test_image_info_is_frozen_and_mime_types_are_exact() -> None:
    info = ImageInfo("png", 2, 3, False)
    with pytest.raises(AttributeError):
        info.width = 5  # type: ignore[misc]
    assert MIME_TYPES == {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
    assert ImageInfo("jpeg", 1, 1, False).mime_type == "image/jpeg"


def test_huge_png_header_sniffs_fast_and_reports_its_size() -> None:
    for header in (_png_header(100_000, 100_000), _png_header(100_000, 100_000, colour=2, idat=True)):
        started = time.perf_counter()
        info = sniff_image(header, field="image")
        assert time.perf_counter() - started < 0.5
        assert (info.width, info.height, info.pixels) == (100_000, 100_000, 10**10)
    whole = _png_header(100_000, 100_000) + b"\x00\x00\x00\x00IEND\xaeB`\x82"  # an input must reach its end
    source = image_source(whole, field="image")  # limits are checked elsewhere
    assert source.info.pixels == 10**10


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty (0 bytes)"),
        (b"hello, I am a text file\n", "not a PNG, JPEG or WEBP image (starts with b'hello, I am a te')"),
        (b"GIF89a\x01\x00\x01\x00", "looks like GIF"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "looks like a RIFF b'WAVE' file"),
        (b"\x89PNG\r\n\x1a\n", "truncated PNG"),
        (b"\x89PN", "truncated PNG"),
        (b"\xff\xd8", "truncated JPEG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "truncated JPEG"),
        (b"RIFF\x00\x00\x00\x00WE", "truncated WEBP"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "truncated WEBP"),
        (_png_header(0, 10), "zero size (0x10)"),
        (_png_header(10, 0), "zero size (10x0)"),
        (_png_header(10, 10, colour=5), "not a valid IHDR"),
        (_png_header(10, 10)[:-1] + b"\x00", "IHDR checksum does not match"),
        (_png_header(10, 10, colour=2), "truncated PNG"),
        (_png_header(10, 10, colour=2) + b"\x00" * 12, "corrupt PNG"),
        (_png_header(10, 10, colour=2) + struct.pack(">I", 0) + b"IEND" + b"\x00" * 4, "no image data"),
        (b"\xff\xd8\xff\xda\x00\x02", "before any frame header"),
        (b"\xff\xd8\xff\xd9", "before any frame header"),
        (b"\xff\xd8\xff\xe0\x00\x00\xff\xc0", "invalid segment"),
        (b"\xff\xd8\xff\xe0\x00\x02\x12\x34", "no segment marker at byte 6"),
        (b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x00\x00\x10\x03", "zero size (16x0)"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "start code"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x00\x00\x00\x00\x00", "invalid VP8L"),
        (b"RIFF\x00\x00\x00\x00WEBPALPH\x00\x00\x00\x00", "unknown first chunk"),
    ],
)
def test_sniff_rejects_bad_headers_in_words(data: bytes, words: str) -> None:
    with pytest.raises(InvalidFileError) as caught:
        sniff_image(data, field="mask")
    assert caught.value.field == "mask"
    assert str(caught.value).startswith(f"mask=<{len(data)} bytes>: ")
    assert words in str(caught.value)
    assert isinstance(caught.value, ValidationError)


def test_zero_size_webp_and_the_jpeg_scan_limits() -> None:
    vp8 = b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00" + b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", 0, 5)
    with pytest.raises(InvalidFileError, match=r"zero size \(0x5\)"):
        sniff_image(vp8, field="image")
    # Thousands of empty comment segments: bounded work, then a clear refusal.
    many = b"\xff\xd8" + b"\xff\xfe\x00\x02" * 5000 + b"\xff\xc0\x00\x11\x08\x00\x10\x00\x10\x03"
    with pytest.raises(InvalidFileError, match="no frame header"):
        sniff_image(many, field="image")
    # Fill bytes before a marker are allowed.
    filled = b"\xff\xd8\xff\xff\xff\xc0\x00\x11\x08\x00\x07\x00\x09\x03"
    assert sniff_image(filled, field="image") == ImageInfo("jpeg", 9, 7, False)


def test_error_shows_only_a_short_prefix_of_the_content() -> None:
    data = b"A" * 100 + b"SECRET-CONTENT" + b"B" * 1000
    with pytest.raises(InvalidFileError) as caught:
        image_source(data, field="image")
    assert "SECRET" not in str(caught.value)
    assert "<1114 bytes>" in str(caught.value)


# --- hypothesis: truncation and garbage --------------------------------------------------------------------------


def _outcome(sniff: Callable[[], ImageInfo]) -> ImageInfo | str:
    """The info, or the rule of the InvalidFileError; any other exception fails the test."""
    try:
        return sniff()
    except InvalidFileError as exc:
        return exc.rule


def _via_file_object(data: bytes) -> ImageInfo | str:
    def sniff() -> ImageInfo:
        with io.BytesIO(data) as file:
            return image_source(file, field="image").info

    return _outcome(sniff)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_short_prefix_is_refused(name: str) -> None:
    data, _ = CASES[name]
    end = _header_end(data)
    # Every prefix of the small headers; both ends of the big ones (the EXIF JPEG and the PNG with a text chunk).
    for n in sorted({*range(min(end, 2048)), *range(max(0, end - 2048), end)}):
        with pytest.raises(InvalidFileError, match="truncated|empty"):
            sniff_image(data[:n], field="image")


@FUZZ
@given(st.sampled_from(sorted(CASES)), st.data())
def test_prefixes_are_refused_or_read_right(name: str, draw: st.DataObject) -> None:
    data, expected = CASES[name]
    end = _header_end(data)
    short = draw.draw(st.integers(0, end - 1))
    assert isinstance(_outcome(lambda: sniff_image(data[:short], field="image")), str)
    long = draw.draw(st.integers(end, len(data)))
    assert sniff_image(data[:long], field="image") == expected
    for n in (short, long):  # the seeking reader and the in-memory one agree
        assert _via_file_object(data[:n]) == _via_source_bytes(data[:n])


def _via_bytes(data: bytes) -> ImageInfo | str:
    return _outcome(lambda: sniff_image(data, field="image"))


def _via_source_bytes(data: bytes) -> ImageInfo | str:
    """As an input given as bytes: the header sniffed, and the end checked (``sniff_image`` reads the header only)."""
    return _outcome(lambda: image_source(data, field="image").info)


def _check_garbage(data: bytes) -> None:
    result = _via_bytes(data)
    if isinstance(result, ImageInfo):
        assert result.width > 0 and result.height > 0
        assert result.format in MIME_TYPES
    assert _via_file_object(data) == _via_source_bytes(data)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_or_read(data: bytes) -> None:
    _check_garbage(data)


@FUZZ
@given(st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF\x00\x00\x00\x00WEBP"]), st.binary(max_size=300))
def test_random_bytes_after_a_signature_are_refused_or_read(signature: bytes, rest: bytes) -> None:
    _check_garbage(signature + rest)


@FUZZ
@given(st.sampled_from(sorted(CASES)), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8))
def test_corrupted_headers_are_refused_or_read(name: str, changes: list[tuple[int, int]]) -> None:
    data = bytearray(CASES[name][0][: _header_end(CASES[name][0]) + 16])
    for at, value in changes:
        data[at % len(data)] = value
    _check_garbage(bytes(data))


# --- input kinds -------------------------------------------------------------------------------------------------


class _Stream:
    """A pipe-like binary stream: read() only, no seeking."""

    def __init__(self, data: bytes) -> None:
        self._buffer = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._buffer.read(min(size, 7) if size > 0 else size)  # short reads, as a socket gives

    def seekable(self) -> bool:
        return False


KINDS = ["str_path", "path", "bytes", "bytearray", "memoryview", "file_at_offset", "stream", "pil"]


@pytest.fixture
def make_source(tmp_path: Path) -> Iterator[Callable[[str, bytes], ImageSource]]:
    with contextlib.ExitStack() as stack:

        def make(kind: str, data: bytes) -> ImageSource:
            path = tmp_path / "input.bin"
            path.write_bytes(data)
            if kind == "str_path":
                return image_source(str(path), field="image")
            if kind == "path":
                return image_source(path, field="image")
            if kind == "bytes":
                return image_source(data, field="image")
            if kind == "bytearray":
                return image_source(bytearray(data), field="image")
            if kind == "memoryview":
                return image_source(memoryview(data), field="image")
            if kind == "file_at_offset":
                path.write_bytes(b"junk before the image" + data)
                file = stack.enter_context(open(path, "rb"))
                file.seek(21)
                source = image_source(file, field="image")
                assert file.tell() == 21  # left where it was found
                return source
            if kind == "stream":
                return image_source(_Stream(data), field="image")
            assert kind == "pil"
            image = stack.enter_context(Image.open(io.BytesIO(data)))
            return image_source(image, field="image")

        yield make


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["png_rgba", "png_palette_trns", "jpeg_big_exif", "webp_lossless_alpha"])
def test_every_input_kind_gives_the_same_source(
    make_source: Callable[[str, bytes], ImageSource], kind: str, name: str
) -> None:
    data, expected = CASES[name]
    source = make_source(kind, data)
    assert source.field == "image"
    if kind == "pil":  # re-encoded as PNG, pixels and alpha kept
        assert source.info == ImageInfo("png", expected.width, expected.height, expected.has_alpha)
        with Image.open(io.BytesIO(data)) as original, Image.open(source.open()) as sent:
            assert sent.convert("RGBA").tobytes() == original.convert("RGBA").tobytes()
        data = source.read()
    else:
        assert source.info == expected
    assert source.size == len(data)
    for _ in range(3):  # a fresh stream at the first byte for every attempt
        with source.open() as stream:
            assert stream.read() == data
    assert source.read() == data


@pytest.mark.parametrize("kind", KINDS)
def test_streams_can_be_read_in_pieces_and_measured(
    make_source: Callable[[str, bytes], ImageSource], kind: str
) -> None:
    data = CASES["png_big_text"][0]
    source = make_source(kind, data)
    if kind == "pil":
        data = source.read()
    with source.open() as first, source.open() as second:
        pieces = [first.read(1000), second.read(3), first.read(), second.read()]
        assert pieces[0] + pieces[2] == data == pieces[1] + pieces[3]
        # httpx sizes a body by seeking to the end; the size must be the image's, not the file's.
        assert first.seek(0, os.SEEK_END) == len(data) and first.seek(0) == 0
        assert first.read(8) == data[:8]


def test_a_seekable_file_stays_open_after_each_attempt(tmp_path: Path) -> None:
    data = CASES["jpeg_rgb"][0]
    path = tmp_path / "photo.jpg"
    path.write_bytes(data)
    with open(path, "rb") as file:
        source = image_source(file, field="init_image")
        for _ in range(3):
            with source.open() as stream:
                assert stream.read() == data
        assert not file.closed
        assert source.file_name == "photo.jpg"
    with pytest.raises(InvalidFileError, match="closed before the request was sent"):
        source.open()
    with io.BytesIO(data) as buffer:
        assert image_source(buffer, field="image").file_name == "image.jpeg"


def test_a_path_that_goes_away_fails_clearly_on_the_next_attempt(tmp_path: Path) -> None:
    path = tmp_path / "gone.png"
    path.write_bytes(CASES["png_rgb"][0])
    source = image_source(path, field="image")
    path.unlink()
    with pytest.raises(InvalidFileError, match="cannot open it again"):
        source.open()


def test_a_relative_path_is_reopened_after_the_directory_changes(tmp_path: Path, monkeypatch: Any) -> None:
    (tmp_path / "a.webp").write_bytes(CASES["webp_lossy"][0])
    monkeypatch.chdir(tmp_path)
    source = image_source("a.webp", field="image")
    monkeypatch.chdir("/")
    assert source.read() == CASES["webp_lossy"][0]


@pytest.mark.parametrize(
    ("name", "case", "expected"),
    [
        ("photo.png", "png_rgb", "photo.png"),
        ("photo.JPG", "jpeg_rgb", "photo.JPG"),
        ("photo.jpeg", "jpeg_rgb", "photo.jpeg"),
        ("photo.png", "jpeg_rgb", "photo.jpeg"),
        ("photo.gif", "webp_lossy", "photo.webp"),
        ("scan", "png_rgb", "scan.png"),
        ("v1.2.final", "webp_lossy", "v1.2.final.webp"),
    ],
)
def test_file_names_keep_the_name_and_get_the_right_extension(
    tmp_path: Path, name: str, case: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(CASES[case][0])
    assert image_source(path, field="image").file_name == expected
    assert image_source(CASES[case][0], field="mask").file_name == f"mask.{CASES[case][1].format}"


def test_pil_images_of_other_modes_are_converted_keeping_alpha() -> None:
    cmyk = image_source(_picture("CMYK"), field="image")
    assert cmyk.info == ImageInfo("png", 37, 23, False)
    premultiplied = image_source(_picture("RGBA").convert("RGBa"), field="image")
    assert premultiplied.info == ImageInfo("png", 37, 23, True)
    assert premultiplied.file_name == "image.png"
    with Image.open(premultiplied.open()) as sent:
        assert sent.mode == "RGBA"


def test_an_image_source_is_accepted_as_input() -> None:
    source = image_source(CASES["png_rgb"][0], field="image")
    assert image_source(source, field="image") is source
    renamed = image_source(source, field="init_image")
    assert (renamed.field, renamed.info, renamed.read()) == ("init_image", source.info, source.read())
    assert "init_image" in repr(renamed) and "37x23" in repr(renamed)


# --- hostile inputs ----------------------------------------------------------------------------------------------


def _refused(value: object, *words: str, field: str = "image") -> InvalidFileError:
    with pytest.raises(InvalidFileError) as caught:
        image_source(value, field=field)
    message = str(caught.value)
    assert caught.value.field == field and message.startswith(f"{field}=")
    for word in words:
        assert word in message, message
    return caught.value


def test_an_empty_input_is_refused_in_every_form(tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    _refused(empty, "empty.png", "empty (0 bytes)")
    _refused(b"", "empty (0 bytes)")
    with open(empty, "rb") as file:
        _refused(file, "empty (0 bytes)")
    _refused(_Stream(b""), "empty (0 bytes)")


def test_a_text_file_named_png_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("these are my notes, not an image\n")
    _refused(path, "notes.png", "not a PNG, JPEG or WEBP image (starts with b'these are my not')")


def test_a_truncated_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    data = CASES["jpeg_big_exif"][0]
    path.write_bytes(data[: _header_end(data) - 3])
    _refused(path, "cut.jpg", "truncated JPEG")


def test_a_directory_and_a_missing_path_are_refused(tmp_path: Path) -> None:
    _refused(tmp_path, str(tmp_path), "is a directory")
    _refused(tmp_path / "missing.png", "missing.png", "no such file")
    _refused(str(tmp_path / "missing" / "deeper.png"), "no such file")
    _refused("https://example.com/cat.png", "URLs are not downloaded")
    long = tmp_path / ("d" * 100) / "the-file-name.png"
    assert str(long) in str(_refused(long, "no such file"))  # kept whole though the value is shortened


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _refused(fifo, "not a regular file")
    if os.path.exists("/dev/zero"):  # a device: it would read forever
        _refused("/dev/zero", "not a regular file")


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.png"
    path.write_bytes(CASES["png_rgb"][0])
    path.chmod(0)
    try:
        try:
            with open(path, "rb"):
                pass
        except PermissionError:
            _refused(path, "secret.png", "permission denied")
        else:
            pytest.skip("this user can read a mode 000 file (root)")
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_permission_errors_are_reported_even_as_root(tmp_path: Path, monkeypatch: Any) -> None:
    from stability._files import inputs as _files

    path = tmp_path / "locked.png"
    path.write_bytes(CASES["png_rgb"][0])

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_files, "open", denied, raising=False)
    _refused(path, "locked.png", "permission denied")


def test_a_file_object_positioned_past_its_end_is_empty() -> None:
    with io.BytesIO(CASES["png_rgb"][0]) as file:
        file.seek(10_000)
        _refused(file, "empty (0 bytes)")


def test_text_mode_write_only_and_closed_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(CASES["png_rgb"][0])
    with open(path) as text:
        _refused(text, "binary mode")
    _refused(io.StringIO("abc"), "binary mode")
    with open(tmp_path / "out.png", "wb") as write_only:
        _refused(write_only, "cannot read it")
    with open(path, "rb") as closed:
        pass
    _refused(closed, "closed")


@pytest.mark.parametrize("value", [42, None, 3.5, ["a.png"], {"image": b"x"}, object()])
def test_other_types_are_refused(value: object) -> None:
    _refused(value, "expected a path, bytes, a binary file or a PIL.Image, got " + type(value).__name__)


# --- large files: the header is read, not the file ---------------------------------------------------------------


def _peak_while(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_64_mib_file_is_sniffed_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    with open(path, "wb") as file:
        file.write(_png_header(4000, 3000))
        file.truncate(64 * MiB)  # sparse: the rest reads as zeros
    sources: list[ImageSource] = []
    peak = _peak_while(lambda: sources.append(image_source(path, field="image")))
    assert peak < 2 * MiB
    assert sources[0].size == 64 * MiB and sources[0].info == ImageInfo("png", 4000, 3000, True)


def test_large_chunks_and_segments_are_skipped_not_read(tmp_path: Path) -> None:
    png = tmp_path / "text.png"
    with open(png, "wb") as file:
        file.write(_png_header(640, 480, colour=2) + struct.pack(">I", 10 * MiB) + b"tEXt")
        file.seek(10 * MiB + 4, os.SEEK_CUR)  # the text and its CRC, left sparse
        file.write(struct.pack(">I", 0) + b"IDAT")
        file.truncate(12 * MiB)
    jpeg = tmp_path / "xmp.jpg"
    with open(jpeg, "wb") as file:
        file.write(b"\xff\xd8")
        for _ in range(150):  # ~10 MiB of APP1 segments, as extended XMP can take
            file.write(b"\xff\xe1\xff\xff")
            file.seek(0xFFFF - 2, os.SEEK_CUR)
        file.write(b"\xff\xc0\x00\x11\x08\x03\x00\x04\x00\x03")
        file.truncate(12 * MiB)
    sources: list[ImageSource] = []
    peak = _peak_while(lambda: sources.extend([image_source(png, field="a"), image_source(jpeg, field="b")]))
    assert peak < 256 * 1024
    assert sources[0].info == ImageInfo("png", 640, 480, False)
    assert sources[1].info == ImageInfo("jpeg", 1024, 768, False)


def test_the_exif_jpeg_is_sniffed_from_a_path_by_seeking(tmp_path: Path) -> None:
    path = tmp_path / "camera.jpg"
    data = CASES["jpeg_big_exif"][0]
    path.write_bytes(data)
    image_source(path, field="image")  # warm up imports and caches
    peak = _peak_while(lambda: image_source(path, field="image"))
    assert peak < len(data) // 4


def test_a_frame_header_beyond_the_scan_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.jpg"
    with open(path, "wb") as file:
        file.write(b"\xff\xd8")
        for _ in range(300):  # ~19 MiB of segments before the frame header
            file.write(b"\xff\xe1\xff\xff")
            file.seek(0xFFFF - 2, os.SEEK_CUR)
        file.write(b"\xff\xc0\x00\x11\x08\x03\x00\x04\x00\x03")
    _refused(path, "no frame header")


def test_importing_the_module_does_not_import_pillow() -> None:
    code = (
        "import sys, stability._files.inputs, stability._files.outputs; assert 'PIL' not in sys.modules, 'PIL imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- check_destination -------------------------------------------------------------------------------------------


def test_check_destination(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert check_destination("out.png", overwrite=False) == tmp_path.resolve() / "out.png"
    (tmp_path / "out.png").write_bytes(b"old")
    with pytest.raises(FileExistsError, match="out.png already exists; pass overwrite=True"):
        check_destination("out.png", overwrite=False)
    assert check_destination(tmp_path / "out.png", overwrite=True) == tmp_path.resolve() / "out.png"
    for bad, words in [
        (tmp_path, "is a directory"),
        (tmp_path / "no-such-dir" / "out.png", "does not exist"),
        (tmp_path / "out.png" / "inner.png", "is not a directory"),
    ]:
        with pytest.raises(InvalidFileError, match=words) as caught:
            check_destination(bad, overwrite=True)
        assert caught.value.field == "path"
    assert (tmp_path / "out.png").read_bytes() == b"old"


# --- atomic writes -----------------------------------------------------------------------------------------------


def _listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _chunks(
    total: int, size: int = 1000, *, fail_at: int | None = None, error: BaseException | None = None
) -> Iterator[bytes]:
    for offset in range(0, total, size):
        if fail_at is not None and offset >= fail_at:
            raise error or OSError("connection dropped")
        yield bytes([offset // size % 256]) * min(size, total - offset)


def _expected_content(total: int, size: int = 1000) -> bytes:
    return b"".join(_chunks(total, size))


async def _achunks(total: int, *, fail_at: int | None = None) -> AsyncIterator[bytes]:
    for chunk in _chunks(total, fail_at=fail_at):
        await asyncio.sleep(0)
        yield chunk


def _write(path: Path, chunks: Any, *, overwrite: bool = False, mode: str = "sync") -> Path:
    if mode == "sync":
        return atomic_write(path, chunks, overwrite=overwrite)

    async def agen() -> AsyncIterator[bytes]:
        for chunk in chunks:
            await asyncio.sleep(0)
            yield chunk

    return asyncio.run(atomic_write_async(path, agen(), overwrite=overwrite))


MODES = ["sync", "async"]


@pytest.mark.parametrize("mode", MODES)
def test_atomic_write_writes_the_exact_content(tmp_path: Path, mode: str) -> None:
    dest = tmp_path / "out.png"
    assert _write(dest, _chunks(10_500), mode=mode) == dest.resolve()
    assert dest.read_bytes() == _expected_content(10_500)
    assert _listing(tmp_path) == ["out.png"]
    _write(tmp_path / "empty.bin", [], mode=mode)
    assert (tmp_path / "empty.bin").read_bytes() == b""
    _write(tmp_path / "views.bin", [bytearray(b"ab"), memoryview(b"cd")], mode=mode)
    assert (tmp_path / "views.bin").read_bytes() == b"abcd"


@pytest.mark.parametrize("mode", MODES)
def test_atomic_write_writes_beside_the_destination_under_a_hidden_name(tmp_path: Path, mode: str) -> None:
    seen: list[list[str]] = []

    def spying() -> Iterator[bytes]:
        yield b"first"
        seen.append(_listing(tmp_path))
        yield b"second"

    _write(tmp_path / "out.png", spying(), mode=mode)
    assert len(seen[0]) == 1 and re.fullmatch(r"\.out\.png\.[0-9a-f]{8}\.part", seen[0][0])
    assert (tmp_path / "out.png").read_bytes() == b"firstsecond"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("error", [OSError("connection dropped"), KeyboardInterrupt()])
@pytest.mark.parametrize("existing", [False, True])
def test_a_failing_iterator_leaves_nothing_behind(
    tmp_path: Path, mode: str, error: BaseException, existing: bool
) -> None:
    dest = tmp_path / "out.png"
    if existing:
        dest.write_bytes(b"the old image")
    with pytest.raises(type(error)):
        _write(dest, _chunks(10_000, fail_at=5000, error=error), overwrite=existing, mode=mode)
    assert _listing(tmp_path) == (["out.png"] if existing else [])
    if existing:
        assert dest.read_bytes() == b"the old image"


@pytest.mark.parametrize("mode", MODES)
def test_without_overwrite_an_existing_file_is_never_replaced(tmp_path: Path, mode: str) -> None:
    dest = tmp_path / "out.png"
    dest.write_bytes(b"keep me")
    consumed: list[bytes] = []

    def recording() -> Iterator[bytes]:
        consumed.append(b"x")
        yield b"x"

    with pytest.raises(FileExistsError, match="overwrite=True"):
        _write(dest, recording(), mode=mode)
    assert consumed == []  # refused before the first chunk was asked for
    assert dest.read_bytes() == b"keep me" and _listing(tmp_path) == ["out.png"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("links", [True, False])
def test_a_destination_created_meanwhile_is_not_clobbered(
    tmp_path: Path, monkeypatch: Any, mode: str, links: bool
) -> None:
    if not links:  # a file system without hard links: the checked fallback must refuse too

        def no_link(*args: object) -> None:
            raise PermissionError(1, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
    dest = tmp_path / "out.png"

    def racing() -> Iterator[bytes]:
        yield b"mine"
        dest.write_bytes(b"theirs")
        yield b"more"

    with pytest.raises(FileExistsError, match="already exists"):
        _write(dest, racing(), mode=mode)
    assert dest.read_bytes() == b"theirs" and _listing(tmp_path) == ["out.png"]
    (tmp_path / "other.png").unlink(missing_ok=True)
    assert _write(tmp_path / "other.png", [b"ok"], mode=mode).read_bytes() == b"ok"
    assert _listing(tmp_path) == ["other.png", "out.png"]


@pytest.mark.parametrize("mode", MODES)
def test_overwrite_replaces(tmp_path: Path, mode: str) -> None:
    dest = tmp_path / "out.png"
    dest.write_bytes(b"old content that is longer")
    _write(dest, [b"new"], overwrite=True, mode=mode)
    assert dest.read_bytes() == b"new" and _listing(tmp_path) == ["out.png"]


def test_atomic_write_refuses_bad_destinations_before_reading(tmp_path: Path) -> None:
    with pytest.raises(InvalidFileError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "out.png", _chunks(10, fail_at=0))
    with pytest.raises(InvalidFileError, match="is a directory"):
        atomic_write(tmp_path, [b"x"], overwrite=True)
    assert _listing(tmp_path) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_the_written_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        mode = stat.S_IMODE(atomic_write(tmp_path / "out.png", [b"x"]).stat().st_mode)
    finally:
        os.umask(umask)
    assert mode == 0o644  # not the 0600 of a temporary file


def test_memory_does_not_grow_with_the_size_written(tmp_path: Path) -> None:
    chunk = bytes(MiB)

    def many() -> Iterator[bytes]:
        for _ in range(48):
            yield chunk

    peak = _peak_while(lambda: atomic_write(tmp_path / "big.bin", many()))
    assert peak < 2 * MiB
    assert (tmp_path / "big.bin").stat().st_size == 48 * MiB


def test_async_cancellation_while_waiting_for_a_chunk_leaves_nothing_behind(tmp_path: Path) -> None:
    dest = tmp_path / "out.png"

    async def main() -> None:
        waiting = asyncio.Event()

        async def stalled() -> AsyncIterator[bytes]:
            yield b"first chunk"
            waiting.set()
            await asyncio.Event().wait()  # a download that never sends the rest
            yield b"never"

        task = asyncio.create_task(atomic_write_async(dest, stalled()))
        await waiting.wait()
        assert len(_listing(tmp_path)) == 1  # the temporary file exists while waiting
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert _listing(tmp_path) == []


def test_async_failure_and_keyboard_interrupt(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="connection dropped"):
        asyncio.run(atomic_write_async(tmp_path / "a.png", _achunks(5000, fail_at=2000)))
    assert asyncio.run(atomic_write_async(tmp_path / "b.png", _achunks(5000))).read_bytes() == _expected_content(5000)
    assert _listing(tmp_path) == ["b.png"]


# --- saving: names, links, interrupts, full and read-only disks -------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["\u3042" * 84, "\u3042" * 83 + "-.png", "\U0001f30a" * 63, "x" * 251 + ".png"])
def test_a_name_of_up_to_255_bytes_is_saved(tmp_path: Path, mode: str, name: str) -> None:
    assert 250 <= len(os.fsencode(name)) <= 255  # a valid file name: the temporary one is cut by bytes
    dest = _write(tmp_path / name, [b"first", b"second"], mode=mode)
    assert dest.read_bytes() == b"firstsecond" and _listing(tmp_path) == [name]


def test_a_name_over_255_bytes_is_an_invalid_path(tmp_path: Path) -> None:
    with pytest.raises(InvalidFileError, match="name too long") as caught:
        atomic_write(tmp_path / ("\u3042" * 86), [b"x"])
    assert caught.value.field == "path" and _listing(tmp_path) == []


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("target", ["missing.png", "existing.png", "sub/missing.png"])
def test_a_symbolic_link_at_the_destination_is_an_existing_file(tmp_path: Path, mode: str, target: str) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "existing.png").write_bytes(b"keep me")
    link = tmp_path / "out.png"
    link.symlink_to(tmp_path / target)
    with pytest.raises(FileExistsError, match="already exists"):
        _write(link, [b"new"], mode=mode)
    with pytest.raises(FileExistsError):
        check_destination(link, overwrite=False)
    assert link.is_symlink() and os.readlink(link) == str(tmp_path / target)
    assert not (tmp_path / "missing.png").exists() and not (tmp_path / "sub" / "missing.png").exists()
    assert (tmp_path / "existing.png").read_bytes() == b"keep me"
    assert no_part_files(tmp_path) == []


def no_part_files(directory: Path) -> list[str]:
    return [p.name for p in directory.rglob("*.part")]


class _Interrupter:
    """A trace function that raises KeyboardInterrupt at the ``at``-th point it sees: every line and opcode of
    ``stability/_files.py`` and (with ``entries``) every function entry below it, where a real signal's handler
    runs too."""

    def __init__(self, at: int, *, entries: bool) -> None:
        self.at = at
        self.seen = 0
        self.entries = entries

    def __call__(self, frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == _FILES_MODULE:
            frame.f_trace_opcodes = True
            self._count()
            return self._local
        if self.entries:
            self._count()  # the entry of any other function (os, pathlib, secrets...): no finer
        return None

    def _local(self, frame: Any, event: str, arg: Any) -> Any:
        if event in ("line", "opcode"):
            self._count()
        return self._local

    def _count(self) -> None:
        self.seen += 1
        if self.seen == self.at:
            raise KeyboardInterrupt(f"injected at point {self.at}")


_FILES_MODULE = sys.modules[atomic_write.__module__].__file__


def _open_files() -> set[str]:
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            found.add(os.readlink(f"/proc/self/fd/{fd}"))
    return found


async def _achunks_of(content: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in content:
        await asyncio.sleep(0)
        yield chunk


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists open files through /proc")
@pytest.mark.parametrize("mode", MODES)
def test_an_interrupt_at_any_moment_leaves_no_temporary_file_and_closes_each_file_once(
    tmp_path: Path, mode: str
) -> None:
    folder = Path(tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else tmp_path))  # fsync is free
    dest = folder / "out.png"
    content = [b"first chunk", b"second chunk"]
    unraisable: list[Any] = []
    before = _open_files()
    at = 0
    old_hook, old_trace = sys.unraisablehook, sys.gettrace()  # (a coverage tool's tracer comes back after)
    sys.unraisablehook = unraisable.append
    try:
        while True:
            at += 1
            dest.unlink(missing_ok=True)
            interrupter = _Interrupter(at, entries=mode == "sync")  # (asyncio's own calls are not counted)
            with warnings.catch_warnings():
                # A file object an interrupt drops is closed by its finalizer, which warns; it is closed once.
                warnings.simplefilter("ignore", ResourceWarning)
                sys.settrace(interrupter)
                try:
                    if mode == "sync":
                        atomic_write(dest, iter(content))
                    else:
                        asyncio.run(atomic_write_async(dest, _achunks_of(content)))
                    finished = True
                except KeyboardInterrupt as exc:
                    finished = False
                    assert str(exc) == f"injected at point {at}"
                finally:
                    sys.settrace(old_trace)
            assert _listing(folder) in ([], ["out.png"]), (at, _listing(folder))
            if _listing(folder):
                assert dest.read_bytes() == b"".join(content), at  # whole, or not there
            assert [u for u in unraisable if not isinstance(u.exc_value, ResourceWarning)] == [], at
            # (The directory itself may stay open: an interrupt right after _sync_directory's os.open() returns
            # leaves a descriptor no object owns; Python has no file object for a directory.)
            assert {p for p in _open_files() - before if p.startswith(f"{folder}{os.sep}")} == set(), at
            if finished:
                break
    finally:
        sys.unraisablehook = old_hook
        shutil.rmtree(folder, ignore_errors=True)
    assert at > 300, at  # every point of a whole write was tried


# Runs in a private mount namespace, on a 64 KiB tmpfs (full after one big write) and a read-only tmpfs: real
# ENOSPC and EROFS from the kernel, gone with the process.
_FULL_AND_READ_ONLY = r"""
import asyncio, errno, json, os, sys
from pathlib import Path
from stability import ImageResult, StabilityError
from stability._files.outputs import atomic_write, atomic_write_async, check_destination

full, read_only = Path(sys.argv[1]), Path(sys.argv[2])
big = os.urandom(256 * 1024)
(full / "old.png").write_bytes(b"the old image")

async def chunks():
    yield big

def outcome(call):
    try:
        call()
    except Exception as exc:
        return {"type": type(exc).__name__, "typed": isinstance(exc, StabilityError),
                "oserror": isinstance(exc, OSError), "errno": getattr(exc, "errno", None),
                "field": getattr(exc, "field", None), "text": str(exc),
                "left": sorted(os.listdir(full)) + sorted(os.listdir(read_only))}
    return {"type": None}

image = ImageResult(big, "image/png", 1, "SUCCESS", width=1, height=1)
print(json.dumps({
    "save": outcome(lambda: image.save(full / "new.png")),
    "write": outcome(lambda: atomic_write(full / "new.png", [big[:1000], big])),
    "async": outcome(lambda: asyncio.run(atomic_write_async(full / "new.png", chunks()))),
    "overwrite": outcome(lambda: atomic_write(full / "old.png", [big], overwrite=True)),
    "old": (full / "old.png").read_bytes().decode(),
    "read_only_save": outcome(lambda: image.save(read_only / "new.png")),
    "read_only_check": outcome(lambda: check_destination(read_only / "new.png", overwrite=True)),
}))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="Linux mount namespaces (util-linux's unshare)")
def test_a_full_disk_and_a_read_only_one_are_typed_errors_that_leave_nothing(tmp_path: Path) -> None:
    full, read_only = tmp_path / "full", tmp_path / "read-only"
    full.mkdir()
    read_only.mkdir()
    namespace = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "--map-root-user", "--mount"]
    mounts = 'mount -t tmpfs -o size=64k tmpfs "$1" && mount -t tmpfs -o ro,size=16k tmpfs "$2" && exec "$3" -c "$4" "$1" "$2"'
    done = subprocess.run(
        [*namespace, "sh", "-c", mounts, "sh", str(full), str(read_only), sys.executable, _FULL_AND_READ_ONLY],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    for case in ("save", "write", "async", "overwrite"):  # ENOSPC: a SaveError (an OSError too) keeping errno
        assert seen[case]["type"] == "SaveError" and seen[case]["typed"] and seen[case]["oserror"], seen[case]
        assert seen[case]["errno"] == errno.ENOSPC and "nothing was saved" in seen[case]["text"], seen[case]
        assert seen[case]["left"] == ["old.png"], seen[case]  # no temporary file, no partial output
    assert seen["old"] == "the old image"  # an overwrite that did not fit kept the old file
    for case in ("read_only_save", "read_only_check"):  # refused before writing (and, for -o, before paying)
        assert seen[case]["type"] == "InvalidFileError" and seen[case]["typed"], seen[case]
        assert seen[case]["field"] == "path", seen[case]
        assert "read-only file system" in seen[case]["text"], seen[case]
