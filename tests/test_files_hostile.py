"""Hostile destinations and inputs, over the public facade against the fake server.

Saves: an overwrite never replaces a device node, a FIFO or a socket (directly or through a link), a loop of
symbolic links and a path that names a directory are typed errors, all before anything is written or (for a
job) requested. Inputs: an image cut short is refused before the request that the API would answer 400,
whatever form it comes in, while every image Pillow writes, and bytes after a whole image, are still accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import io
import os
import socket
import stat
import struct
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

import stability
from stability._files.inputs import image_source
from stability._files.outputs import atomic_write, atomic_write_async, check_destination
from stability.testing import FakeStability
from tests.test_files import _peak_while

MiB = 1024 * 1024


# --- the fake server, a client and a paid result -------------------------------------------------------------


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeStability]:
    with FakeStability(job_duration=0.0, rate_limit=None) as server:
        yield server


@pytest.fixture(scope="module")
def client(fake: FakeStability) -> Iterator[stability.Stability]:
    with stability.Stability(api_key=fake.api_key, base_url=fake.base_url) as made:
        yield made


@pytest.fixture(scope="module")
def result(client: stability.Stability) -> Any:
    return client.generate_core("a cat")


def _picture(mode: str, size: tuple[int, int]) -> Image.Image:
    rgba = Image.linear_gradient("L").resize(size).convert("RGBA")
    rgba.putpixel((0, 0), (255, 0, 0, 0))
    return rgba if mode == "RGBA" else rgba.convert(mode)


def _encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _job(client: stability.Stability) -> Any:
    return client.upscale_creative("a cat", image=_encode(_picture("RGB", (64, 64)), "PNG"))


def _listing(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


# --- destinations that are not regular files -----------------------------------------------------------------


@contextlib.contextmanager
def _node(kind: str, name: str) -> Iterator[str]:
    """A FIFO, a unix socket or a character device (/dev/null's numbers) called ``name`` in the current
    directory, which the tests make their own tmp_path; removed afterwards."""
    if kind == "fifo":
        os.mkfifo(name)
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(name)  # the node stays once the socket is closed
    else:
        try:
            os.mknod(name, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except (PermissionError, AttributeError):
            pytest.skip("cannot make a device node here")
    try:
        yield name
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


_WORDS = {"fifo": "a named pipe (FIFO)", "socket": "a socket", "device": "a character device"}
_IS = {"fifo": stat.S_ISFIFO, "socket": stat.S_ISSOCK, "device": stat.S_ISCHR}


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_an_overwriting_save_never_replaces_a_device_fifo_or_socket(
    result: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.chdir(tmp_path)  # short relative names: a unix socket's path is limited to about 100 bytes
    with _node(kind, "node.png"):
        os.symlink("node.png", "link.png")
        for name, leads in (("node.png", False), ("link.png", True)):
            with pytest.raises(stability.InvalidFileError) as caught:
                result.save(name, overwrite=True)
            assert caught.value.field == "path" and caught.value.value == name
            assert _WORDS[kind] in caught.value.rule and "only a regular file is ever replaced" in caught.value.rule
            assert ("leads to" in caught.value.rule) == leads
            with pytest.raises(FileExistsError):  # without overwrite it is an existing file, as before
                result.save(name)
        assert _IS[kind](os.lstat("node.png").st_mode) and os.path.islink("link.png")
        assert _listing(tmp_path) == ["link.png", "node.png"]  # no temporary file either
        with pytest.raises(stability.InvalidFileError, match="only a regular file"):
            check_destination("node.png", overwrite=True)  # what the CLI checks -o with

    # A link to a regular file is still followed and its target replaced.
    Path("target.png").write_bytes(b"old")
    os.symlink("target.png", "to-file.png")
    assert result.save("to-file.png", overwrite=True) == tmp_path.resolve() / "target.png"
    assert Path("target.png").read_bytes() == result.data and os.path.islink("to-file.png")


def test_a_job_save_onto_a_fifo_is_refused_before_any_request(
    client: stability.Stability, fake: FakeStability, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    job = _job(client)
    with _node("fifo", "job.png"):
        sent = fake.count()
        with pytest.raises(stability.InvalidFileError, match="named pipe"):
            job.save("job.png", overwrite=True)
        assert fake.count() == sent  # no poll, no download
        assert stat.S_ISFIFO(os.lstat("job.png").st_mode)
    assert job.save("job.png", overwrite=True).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_async_job_save_onto_a_fifo_is_refused_before_any_request(
    fake: FakeStability, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    image = _encode(_picture("RGB", (64, 64)), "PNG")

    async def main() -> None:
        async with stability.AsyncStability(api_key=fake.api_key, base_url=fake.base_url) as client:
            job = await client.upscale_creative("a cat", image=image)
            sent = fake.count()
            with pytest.raises(stability.InvalidFileError, match="named pipe"):
                await job.save("job.png", overwrite=True)
            assert fake.count() == sent

    with _node("fifo", "job.png"):
        asyncio.run(main())
        assert stat.S_ISFIFO(os.lstat("job.png").st_mode)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_fifo_that_takes_the_destinations_place_during_the_write_is_not_replaced(tmp_path: Path, mode: str) -> None:
    # A job's download can take minutes after the destination was checked.
    dest = tmp_path / "out.png"
    dest.write_bytes(b"old")

    def chunks() -> Iterator[bytes]:
        yield b"new "
        dest.unlink()
        os.mkfifo(dest)
        yield b"image"

    async def achunks() -> AsyncIterator[bytes]:
        for chunk in chunks():
            yield chunk

    with pytest.raises(stability.SaveError) as caught:
        if mode == "sync":
            atomic_write(dest, chunks(), overwrite=True)
        else:
            asyncio.run(atomic_write_async(dest, achunks(), overwrite=True))
    assert caught.value.errno == errno.EEXIST and caught.value.filename == str(dest)
    assert "named pipe" in str(caught.value) and "nothing was saved" in str(caught.value)
    assert stat.S_ISFIFO(os.lstat(dest).st_mode) and _listing(tmp_path) == ["out.png"]


# --- loops of symbolic links ---------------------------------------------------------------------------------


def test_a_loop_of_symbolic_links_is_an_invalid_path(
    client: stability.Stability,
    fake: FakeStability,
    result: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    os.symlink("self.png", "self.png")
    os.symlink("b.png", "a.png")
    os.symlink("a.png", "b.png")
    os.symlink("loop", "loop")
    cases = [("self.png", True), ("a.png", True), ("loop/out.png", True), ("loop/out.png", False)]
    for name, overwrite in cases:
        with pytest.raises(stability.InvalidFileError) as caught:
            result.save(name, overwrite=overwrite)
        assert caught.value.field == "path" and "loop of symbolic links" in caught.value.rule, name
        with pytest.raises(stability.InvalidFileError, match="loop of symbolic links"):
            check_destination(name, overwrite=overwrite)
    with pytest.raises(FileExistsError):  # without overwrite the name exists, as any link does
        result.save("self.png")
    job = _job(client)
    sent = fake.count()
    for name, overwrite in cases:
        with pytest.raises(stability.InvalidFileError, match="loop of symbolic links"):
            job.save(name, overwrite=overwrite)
    assert fake.count() == sent
    assert _listing(tmp_path) == ["a.png", "b.png", "loop", "self.png"]


# --- paths that name a directory -----------------------------------------------------------------------------


def test_a_path_ending_in_a_separator_names_a_directory(
    client: stability.Stability,
    fake: FakeStability,
    result: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("kept.png").write_bytes(b"old")
    names = ["newdir/", f"newdir{os.sep}", "newdir/.", "newdir//", "kept.png/", str(tmp_path / "newdir") + "/"]
    for name in names:
        for overwrite in (False, True):
            with pytest.raises(stability.InvalidFileError) as caught:
                result.save(name, overwrite=overwrite)
            assert caught.value.field == "path" and "names a directory" in caught.value.rule, name
    job = _job(client)
    sent = fake.count()
    with pytest.raises(stability.InvalidFileError, match="names a directory"):
        job.save("newdir/", overwrite=True)
    assert fake.count() == sent
    assert _listing(tmp_path) == ["kept.png"] and Path("kept.png").read_bytes() == b"old"
    os.mkdir("existing")
    with pytest.raises(stability.InvalidFileError, match="is a directory"):  # as before
        result.save("existing/", overwrite=True)


# --- image inputs cut short ----------------------------------------------------------------------------------


def _png_with_text_after_idat(image: Image.Image) -> bytes:
    data = _encode(image, "PNG")
    iend = len(data) - 12
    body = b"tEXtComment\x00written after the image data"
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    return data[:iend] + chunk + data[iend:]


def _png_with_big_text(image: Image.Image) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * 50_000)
    return _encode(image, "PNG", pnginfo=info)


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "a description"  # ImageDescription
    return exif.tobytes()


_EXIF = _exif()


def _pillow_images() -> dict[str, bytes]:
    images: dict[str, bytes] = {}
    for size in ((1, 1), (37, 23), (300, 7)):
        tag = f"{size[0]}x{size[1]}"
        rgb, rgba = _picture("RGB", size), _picture("RGBA", size)
        for mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            source = _picture("L", size).convert("I;16") if mode == "I;16" else _picture(mode, size)
            images[f"png_{mode}_{tag}"] = _encode(source, "PNG")
        images[f"png_optimized_{tag}"] = _encode(rgb, "PNG", optimize=True)
        images[f"png_text_after_idat_{tag}"] = _png_with_text_after_idat(rgb)
        images[f"png_big_text_{tag}"] = _png_with_big_text(rgb)
        images[f"apng_{tag}"] = _encode(rgba, "PNG", save_all=True, append_images=[rgb])
        for mode in ("L", "RGB", "CMYK"):
            images[f"jpeg_{mode}_{tag}"] = _encode(_picture(mode, size), "JPEG")
        images[f"jpeg_progressive_{tag}"] = _encode(rgb, "JPEG", progressive=True)
        images[f"jpeg_optimized_{tag}"] = _encode(rgb, "JPEG", optimize=True, quality=10)
        images[f"jpeg_exif_icc_{tag}"] = _encode(rgb, "JPEG", exif=_EXIF, icc_profile=b"p" * 5000)
        images[f"webp_lossy_{tag}"] = _encode(rgb, "WEBP")
        images[f"webp_lossless_{tag}"] = _encode(rgb, "WEBP", lossless=True)
        images[f"webp_alpha_{tag}"] = _encode(rgba, "WEBP")
        images[f"webp_exif_{tag}"] = _encode(rgb, "WEBP", exif=_EXIF)
        images[f"webp_animated_{tag}"] = _encode(rgba, "WEBP", save_all=True, append_images=[rgb])
    return images


IMAGES = _pillow_images()


class _Stream:
    """A pipe-like binary stream: read() only, no seeking."""

    def __init__(self, data: bytes) -> None:
        self._buffer = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._buffer.read(size)


KINDS = ["bytes", "path", "file", "stream"]


@pytest.fixture
def as_input(tmp_path: Path) -> Iterator[Callable[[str, bytes], Any]]:
    """The data as an input of a kind: bytes, a path, a seekable file (the image after some other bytes), or a
    stream that cannot seek."""
    with contextlib.ExitStack() as stack:
        count = iter(range(10**9))

        def make(kind: str, data: bytes) -> Any:
            if kind == "bytes":
                return data
            path = tmp_path / f"input-{next(count)}.img"
            if kind == "path":
                path.write_bytes(data)
                return path
            if kind == "file":
                path.write_bytes(b"other bytes first" + data)
                file = stack.enter_context(open(path, "rb"))
                file.seek(17)
                return file
            return _Stream(data)

        yield make


def _cuts(name: str, data: bytes) -> list[int]:
    """Lengths to cut the image to: in its pixel data, and just short of its end."""
    lengths = {len(data) // 2, len(data) - 1}
    if name.startswith(("png", "apng")):
        lengths |= {len(data) - 12, len(data) - 4}  # no IEND at all; an IEND without its CRC
    if name.startswith("jpeg"):
        lengths.add(len(data) - 2)  # the scan data whole, the EOI marker missing
    return sorted(lengths)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_an_image_cut_short_is_refused_before_any_request(
    client: stability.Stability,
    fake: FakeStability,
    as_input: Callable[[str, bytes], Any],
    kind: str,
    fmt: str,
) -> None:
    data = _encode(_picture("RGB", (64, 64)), fmt.upper())
    for length in _cuts(fmt, data):
        sent = fake.count()
        with pytest.raises(stability.InvalidFileError) as caught:
            client.upscale_fast(as_input(kind, data[:length]))
        assert caught.value.field == "image" and "truncated" in caught.value.rule, (length, caught.value.rule)
        assert fake.count() == sent  # refused before the request the API would have answered 400
    sent = fake.count()
    client.upscale_fast(as_input(kind, data))  # the whole image goes out
    assert fake.count() == sent + 1


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_every_image_pillow_writes_is_accepted_and_any_cut_of_it_refused(
    as_input: Callable[[str, bytes], Any], name: str
) -> None:
    data = IMAGES[name]
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()  # a whole image, as a decoder sees it
        size = opened.size
    for kind in KINDS:
        source = image_source(as_input(kind, data), field="image")
        assert (source.info.width, source.info.height) == size and source.read() == data, kind
    for length in _cuts(name, data):
        rules = set()
        for kind in KINDS:
            with pytest.raises(stability.InvalidFileError, match="truncated") as caught:
                image_source(as_input(kind, data[:length]), field="image")
            rules.add(caught.value.rule)
        assert len(rules) == 1, rules  # every kind of input says the same


@pytest.mark.parametrize("name", ["png_RGB_37x23", "jpeg_progressive_37x23", "webp_lossless_37x23"])
def test_every_prefix_is_refused_the_same_way_in_every_input_kind(
    as_input: Callable[[str, bytes], Any], name: str
) -> None:
    data = IMAGES[name]
    for length in range(len(data)):
        outcomes = set()
        for kind in ("bytes", "file", "stream"):
            with pytest.raises(stability.InvalidFileError) as caught:
                image_source(as_input(kind, data[:length]), field="image")
            outcomes.add(caught.value.rule)
        assert len(outcomes) == 1, (length, outcomes)


# Bytes some encoders and phones write after a whole image (zero padding, a motion photo's video, a vendor
# trailer); decoders ignore them, and so does the results side's check.
_TRAILERS = [bytes(64), b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(100), b"SEFHtrailer"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("fmt", "params"), [("PNG", {}), ("JPEG", {}), ("JPEG", {"progressive": True}), ("WEBP", {})])
def test_bytes_after_a_whole_image_are_no_cut_but_a_cut_before_them_is(
    as_input: Callable[[str, bytes], Any], kind: str, fmt: str, params: dict[str, Any]
) -> None:
    data = _encode(Image.effect_noise((128, 96), 60).convert("RGB"), fmt, **params)  # some KiB: room to cut
    for trailer in _TRAILERS:
        whole = data + trailer
        with Image.open(io.BytesIO(whole)) as opened:
            opened.load()
        assert image_source(as_input(kind, whole), field="image").read() == whole
        cut = data[: len(data) - len(trailer) - 3] + trailer  # shorter than the whole image, so a WEBP's too
        with pytest.raises(stability.InvalidFileError, match="truncated"):
            image_source(as_input(kind, cut), field="image")


def test_a_large_file_cut_short_is_walked_in_constant_memory(tmp_path: Path) -> None:
    # About 9 MiB of comment segments, as extended XMP can take, before a small image: the last bytes do not
    # show the end, so the file is walked to find it, within the API's 10 MiB and without reading it whole.
    jpeg = IMAGES["jpeg_RGB_37x23"]
    comments = (b"\xff\xfe\xff\xff" + bytes(0xFFFF - 2)) * 140
    path = tmp_path / "big.jpg"
    path.write_bytes(jpeg[:2] + comments + jpeg[2:-2])
    errors: list[stability.InvalidFileError] = []

    def refuse() -> None:
        try:
            image_source(path, field="image")
        except stability.InvalidFileError as exc:
            errors.append(exc)

    assert _peak_while(refuse) < 2 * MiB
    assert len(errors) == 1 and "truncated" in errors[0].rule
    path.write_bytes(jpeg[:2] + comments + jpeg[2:])
    assert image_source(path, field="image").size == len(jpeg) + len(comments)
