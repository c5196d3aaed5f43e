"""Hostile input files, for every operation that uploads one: each is a clear typed error before any request.

Zero bytes, truncated PNG/JPEG/WEBP headers, a PNG that claims 100000 x 100000, a text file named ``.png``, a
directory, a missing path, an unreadable file, and a huge (sparse, 4 GiB) file: sniffing reads the header only,
so the huge one is refused at once with flat memory.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import stability
import stability._files
from stability.testing import FakeStability

from ..raw_cases import png
from ._support import FIGURES
from .test_bad_input import claimed_png


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

    monkeypatch.setattr(stability._files, "open", guarded, raising=False)
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
