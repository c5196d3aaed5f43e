"""SIGKILL a batch at ten random moments and rerun it each time: nothing is charged twice, no file is partial.

A subprocess runs a mixed batch (synchronous generations, creative upscales, image-to-video jobs) against a fake
the test runs on 127.0.0.1, whose answers are slowed so that kills land inside requests. Each item has its own
prompt or seed, so the fake's request log tells how many times each one was charged.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from PIL import Image

from stability._batch._manifest import Manifest
from stability._batch._run import MANIFEST_NAME
from stability.testing import FakeStability, Fault

ROOT = Path(__file__).resolve().parents[2]
STARTERS = ("generate_core", "upscale_creative", "image_to_video_v2beta")
CORE_ITEMS = 60
"""Enough work that ten kills (0.05-0.45 s into each run, 2.5 s in all on average) land before the batch is done:
with each charged answer 0.15 s late it takes ~3.9 s unkilled on a quiet 2-CPU machine, and longer killed (each kill
throws away the requests in flight)."""


def _lines(images: Path) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for i in range(CORE_ITEMS):
        lines.append({"operation": "generate_core", "id": f"core-{i}", "prompt": f"kill test {i}", "seed": 1000 + i})
    for i in range(5):
        lines.append(
            {"operation": "upscale_creative", "id": f"up-{i}", "prompt": f"upscale {i}", "image": "small.png",
             "seed": 2000 + i}
        )  # fmt: skip
    for i in range(5):
        lines.append({"operation": "image_to_video_v2beta", "id": f"video-{i}", "image": "video.png", "seed": 3000 + i})
    return lines


def _identity(operation: str | None, fields: dict[str, Any]) -> str:
    return f"{operation}:{fields.get('seed')}"


def _child(fake: FakeStability, path: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "tests.batch._kill_child",
        fake.base_url,
        fake.api_key,
        str(path),
        str(out),
        *extra,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(child: subprocess.Popen[str]) -> list[dict[str, Any]]:
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    return [json.loads(line) for line in stdout.splitlines()[1:]]


def test_killed_at_ten_random_moments_nothing_is_charged_twice(images: Path, jsonl: Any, tmp_path: Path) -> None:
    lines = _lines(images)
    path = jsonl(lines)
    out = tmp_path / "out"
    rng = random.Random(18)
    with FakeStability(fast=True, job_duration=0.15) as fake:
        # Slow answers (after the charge): a kill often lands between the charge and the answer.
        for operation in STARTERS:
            fake.inject(operation, Fault.delay(0.15), times=10_000)
        kills = 0
        for _ in range(10):
            child = _child(fake, path, out)
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
            try:
                child.wait(timeout=rng.uniform(0.05, 0.45))
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            child.communicate()
            kills += child.returncode == -signal.SIGKILL
        outcomes = _finish(_child(fake, path, out))
        assert kills >= 8, kills  # the moments fall inside the runs (a run that ended first was not killed)

        charged = Counter(
            _identity(r.operation, r.fields) for r in fake.requests if r.operation in STARTERS and r.status == 200
        )
        assert max(charged.values()) == 1, [k for k, n in charged.items() if n > 1]  # nothing charged twice
        assert fake.charges() == len(charged)  # the fake's count: the items that reached it, once each
        states = {o["key"]: o["state"] for o in outcomes}
        assert len(states) == len(lines) and set(states.values()) <= {"done", "skipped", "uncertain"}
        uncertain = {key for key, state in states.items() if state == "uncertain"}
        # Uncertain only where a kill landed while the item's charged request was in flight: its row still says
        # ``sending``, and at most one request per item at a time was in flight when each kill came.
        manifest = Manifest(out / MANIFEST_NAME)
        rows = manifest.rows()
        manifest.close()
        assert {key for key, row in rows.items() if row.state == "sending"} == uncertain
        assert len(uncertain) <= 10 * 4
        assert all(row.state == "done" for key, row in rows.items() if key not in uncertain)
        _check_files(out)

        # Asked to, the uncertain items are sent again, and done.
        outcomes = _finish(_child(fake, path, out, "--retry-uncertain"))
        assert {o["key"] for o in outcomes if o["state"] == "done"} == uncertain
        assert {o["state"] for o in outcomes} <= {"done", "skipped"}
        _check_files(out)
        assert len([p for p in out.iterdir() if p.suffix in (".png", ".mp4")]) == len(lines)


def _check_files(out: Path) -> None:
    """Every output whole (it decodes), and no temporary file of an interrupted write left behind."""
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.startswith(".") or n.endswith(".part")], names
    for name in names:
        file = out / name
        if file.suffix == ".png":
            with Image.open(file) as image:
                image.load()
        elif file.suffix == ".mp4":
            data = file.read_bytes()
            assert data[4:8] == b"ftyp" and len(data) > 100, name


def test_an_interrupt_anywhere_in_the_sync_coordinator_never_hangs(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "tests.batch._interrupt_child", str(tmp_path), "30"]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise AssertionError("a batch interrupted in its coordinator hung") from None
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ended 30 runs" in done.stdout
