"""Hostile destinations, over the public facade against the fake server: an overwrite never replaces a device
node, a FIFO or a socket (directly or through a link), a loop of symbolic links and a path that names a directory
are typed errors, all before anything is written or (for a job) requested."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import io
import os
import socket
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import stability
from stability._files.outputs import atomic_write, atomic_write_async, check_destination
from stability.testing import FakeStability

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
