"""The ``stability`` command run as a user runs it: the installed script, in a subprocess, against the fake
server over loopback. Every run is checked for the promises that hold on every path: no traceback (unless
``--debug``) and the key never printed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stability.testing import FakeStability
from tests.raw_cases import png

SCRIPT = Path(sys.executable).with_name("stability")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        lines = self.out.splitlines()
        assert len(lines) == 1, f"--json must print one JSON object, got {self.out!r}"
        return json.loads(lines[0])


class Cli:
    """Runs ``stability ARGS`` with the fake's key and URL in the environment, in ``cwd``."""

    def __init__(self, fake: FakeStability, cwd: Path) -> None:
        self.fake = fake
        self.cwd = cwd
        self.runs: list[Run] = []

    def env(self, **extra: str | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STABILITY_")}
        env.update(STABILITY_API_KEY=self.fake.api_key, STABILITY_BASE_URL=self.fake.base_url)
        for name, value in extra.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def __call__(self, *args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
        done = subprocess.run(
            [str(SCRIPT), *args],
            cwd=self.cwd,
            env=env if env is not None else self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        run = Run(done.returncode, done.stdout, done.stderr)
        self.runs.append(run)
        check_run(run, args, self.fake.api_key)
        return run


def check_run(run: Run, args: Sequence[str], key: str) -> None:
    assert key not in run.out + run.err, "the API key was printed"
    if "--debug" not in args:
        assert "Traceback" not in run.err, run.err
    if run.code not in (0, 130) and "--help" not in args:
        # One clear line: the error is the last stderr line, prefixed with the command's name.
        assert re.match(r"stability( [a-z-]+)?: error: ", run.err.splitlines()[-1]), run.err


@pytest.fixture(scope="session")
def script() -> Path:
    assert SCRIPT.exists(), f"the `stability` script is not installed next to {sys.executable}"
    return SCRIPT


@pytest.fixture
def fake() -> Iterator[FakeStability]:
    with FakeStability(job_duration=0.3) as server:
        yield server


@pytest.fixture
def cli(fake: FakeStability, tmp_path: Path, script: Path) -> Cli:
    (tmp_path / "photo.png").write_bytes(png(512, 512))
    (tmp_path / "mask.png").write_bytes(png(512, 512))
    (tmp_path / "frame.png").write_bytes(png(768, 768))
    (tmp_path / "frame-mask.png").write_bytes(png(768, 768))  # a mask the size of frame.png (DemoInput.MASK)
    return Cli(fake, tmp_path)
