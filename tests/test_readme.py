"""Every Python block in README.md runs, against the fake server, so the README cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from stability.testing import FakeStability

from .raw_cases import png

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index: int, tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(png(512, 512))
    (tmp_path / "mask.png").write_bytes(png(512, 512))
    (tmp_path / "frame-768.png").write_bytes(png(768, 768))
    with FakeStability() as fake:
        env = {"STABILITY_API_KEY": fake.api_key, "STABILITY_BASE_URL": fake.base_url, "PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            [sys.executable, "-c", BLOCKS[index]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 0, done.stderr
    assert fake.api_key not in done.stdout + done.stderr
