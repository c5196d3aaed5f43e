"""Fixtures for the batch tests: small input images and batch files written into ``tmp_path``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image


@pytest.fixture
def images(tmp_path: Path) -> Path:
    """``small.png`` (128x128, upscalable) and ``video.png`` (768x768, image-to-video's size) in ``tmp_path``."""
    Image.new("RGB", (128, 128), "red").save(tmp_path / "small.png")
    Image.new("RGB", (768, 768), "blue").save(tmp_path / "video.png")
    return tmp_path


@pytest.fixture
def jsonl(tmp_path: Path) -> Callable[[Iterable[dict[str, Any] | str]], Path]:
    """Write lines (objects as JSON, strings as they are) to ``tmp_path/batch.jsonl``."""

    def write(lines: Iterable[dict[str, Any] | str], name: str = "batch.jsonl") -> Path:
        path = tmp_path / name
        path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
        return path

    return write
