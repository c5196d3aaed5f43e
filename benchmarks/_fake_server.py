"""The fake for a benchmark run, in its own process: ``python -m benchmarks._fake_server``.

It prints ``{"base_url", "api_key"}`` and then answers one JSON command per input line (``reset``, ``set``,
``stats``) until its input closes. ``python -m stability.testing`` serves the same fake but cannot be
asked, across the process boundary, how many TCP connections it accepted, which the concurrency benchmark
needs; running the fake in the client's process instead would count its CPU time and GIL contention as the
client's.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from stability.testing import OPERATIONS, FakeStability

SETTABLE = ("job_duration", "video_bytes", "image_bytes")


def _answer(fake: FakeStability, command: dict[str, Any]) -> dict[str, Any]:
    name = command.pop("cmd", None)
    if name == "reset":
        fake.reset()
        return {"ok": True}
    if name == "set":
        for key, value in command.items():
            if key not in SETTABLE:
                return {"ok": False, "error": f"cannot set {key!r}"}
            setattr(fake, key, value)
        return {"ok": True}
    if name == "stats":
        counts = {operation: fake.count(operation) for operation in OPERATIONS}
        return {"ok": True, "connections_opened": fake.connections_opened, "counts": counts}
    return {"ok": False, "error": f"unknown command {name!r}"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._fake_server")
    parser.add_argument("--job-duration", type=float, default=0.0)
    parser.add_argument("--image-bytes", type=int, default=None)
    args = parser.parse_args(argv)
    fake = FakeStability(
        job_duration=args.job_duration, rate_limit=None, image_bytes=args.image_bytes, fast=True, port=0
    )
    with fake:
        print(json.dumps({"base_url": fake.base_url, "api_key": fake.api_key}), flush=True)
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(_answer(fake, json.loads(line))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
