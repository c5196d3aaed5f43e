"""Benchmark 7: a batch at the rate limit (``client.batch``), sync and async.

N mixed items (synchronous Core generations, creative upscales and image-to-video jobs) run against a fake that
enforces a rate limit scaled up from the account's (75 requests per SECOND instead of 150 per 10 s, lockout 6 s),
in its own process, so the client's CPU is the only CPU measured here. Why 75 and not the issue's example of
150 per second: the client needs 5-7 ms of CPU per request, so at 150 per second it alone needs most of a core
of this 2-core machine, which also runs the fake (and the lead's other work); the run then measures the CPU, not
the pacing. At 75 per second the client needs under half a core, the window is still ten times shorter than the
real one (a 2,000-item run takes ~35 s per client), and the figure that matters for users, CPU per request at the
real limit, does not depend on the scaled one. The limiter's margin is 44 ms, the default's share of
the real window (4% + 40 ms of 10 s) scaled to the 1 s one like the rest (the default itself, meant for the real
window, would be 8% of a 1 s one). It is not there for lateness, which the limiter tolerates by construction
(a request counts until one window after its answer), only for an API that counts in coarse steps. Figures: the requests per second the
run achieved over the limit's (a run's slow start and its last jobs' polls included), the 429s the fake
answered (the target is none), the client's CPU per item and per request (``time.process_time``, every thread
of this process), and from that, the fraction of one core a run at the REAL limit (150 per 10 s) needs: the
CPU per request times 15 requests per second. Reading and checking the file is timed apart.

    python -m benchmarks.batch serve REQUESTS WINDOW LOCKOUT   # the rate-limited fake, steered like FakeServer
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._common import Child, Result, Target, write_png

REAL_RATE = 150 / 10.0
"""Requests per second at the documented account limit."""
THROUGHPUT_SHORTFALL_LIMIT = 10.0
"""Percent of the limit's throughput a run may leave unused (the issue's "no less than 90%")."""


@dataclass(frozen=True)
class BatchConfig:
    items: int = 2000
    requests: int = 75
    per: float = 1.0
    margin: float = 0.044
    lockout: float = 6.0
    concurrency: int = 8
    poll_interval: float = 0.25
    clients: tuple[str, ...] = ("sync", "async")


class LimitedFake(Child):
    """The fake with its rate limiter on, in a child process (``python -m benchmarks.batch serve``)."""

    def __init__(self, config: BatchConfig) -> None:
        super().__init__("benchmarks.batch", ["serve", str(config.requests), str(config.per), str(config.lockout)])

    @property
    def base_url(self) -> str:
        return str(self.hello["base_url"])

    @property
    def api_key(self) -> str:
        return str(self.hello["api_key"])


def _lines(count: int) -> list[dict[str, Any]]:
    """70% Core generations, 15% creative upscales, 15% image-to-video jobs, interleaved; every item its own seed."""
    lines = []
    for i in range(count):
        kind = i % 20
        if kind < 14:
            lines.append({"operation": "generate_core", "prompt": f"item {i}", "seed": i + 1})
        elif kind < 17:
            lines.append({"operation": "upscale_creative", "prompt": f"item {i}", "image": "small.png", "seed": i + 1})
        else:
            lines.append({"operation": "image_to_video_v2beta", "image": "video.png", "seed": i + 1})
    return lines


@dataclass
class BatchRun:
    wall: float
    cpu: float
    read: float
    requests: int
    refused: int
    states: Counter[str]


def _run_once(fake: LimitedFake, config: BatchConfig, workdir: Path, mode: str) -> BatchRun:
    from stability import AsyncStability, RateLimit, Stability, read_batch
    from stability._batch._pacing import Limiter
    from stability._batch._run import batch

    out = workdir / f"batch-{mode}"
    shutil.rmtree(out, ignore_errors=True)
    path = workdir / "batch.jsonl"
    began = time.perf_counter()
    items = read_batch(path)
    read = time.perf_counter() - began
    fake.command("reset")
    options: dict[str, Any] = dict(
        out_dir=out,
        concurrency=config.concurrency,
        pacer=Limiter(RateLimit(config.requests, config.per), margin=config.margin),
        poll_interval=config.poll_interval,
    )
    states: Counter[str] = Counter()
    cpu, began = time.process_time(), time.perf_counter()
    if mode == "sync":
        with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
            for outcome in batch(client, items, **options):
                states[outcome.state] += 1
    else:

        async def main() -> None:
            async with AsyncStability(api_key=fake.api_key, base_url=fake.base_url) as client:
                async for outcome in batch(client, items, **options):
                    states[outcome.state] += 1

        asyncio.run(main())
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    stats = fake.command("stats")
    shutil.rmtree(out, ignore_errors=True)
    return BatchRun(wall, cpu, read, int(stats["requests"]), int(stats["refused"]), states)


QUICK = BatchConfig(items=40)


def batch_at_the_limit(workdir: Path, config: BatchConfig | None = None, *, quick: bool = False) -> list[Result]:
    """One run per client kind (each many times the limit's window long: 2,000 items take ~35 s)."""
    config = config or (QUICK if quick else BatchConfig())
    path = workdir / "batch.jsonl"
    write_png(workdir / "small.png", 128, 128)
    write_png(workdir / "video.png", 768, 768)
    path.write_text("".join(json.dumps(line) + "\n" for line in _lines(config.items)))
    results = []
    with LimitedFake(config) as fake:
        for mode in config.clients:
            run = _run_once(fake, config, workdir, mode)
            rate = run.requests / run.wall
            per_request = run.cpu / run.requests
            result = Result(
                f"batch_{mode}",
                f"7{'ab'[config.clients.index(mode)]}. batch of {config.items} mixed items at "
                f"{config.requests} requests per {config.per:g} s ({'Stability' if mode == 'sync' else 'AsyncStability'}"
                f", concurrency {config.concurrency})",
            )
            result.figure("requests per second", "req/s", [rate])
            result.figure("throughput / the limit's", "%", [100 * rate / (config.requests / config.per)])
            result.figure("run wall time", "s", [run.wall])
            result.figure("client CPU per item", "ms", [1000 * run.cpu / config.items])
            result.figure("client CPU per request", "ms", [1000 * per_request])
            result.figure("one core at the real limit (150/10 s)", "%", [100 * per_request * REAL_RATE])
            result.figure("reading and checking the file", "s", [run.read])
            result.targets.append(Target("errors: 429 answers", run.refused, 0))
            shortfall = 100 * (1 - rate / (config.requests / config.per))
            result.targets.append(Target("throughput below the limit (%)", shortfall, THROUGHPUT_SHORTFALL_LIMIT))
            result.targets.append(Target("errors: items not done", config.items - run.states["done"], 0))
            result.notes.append(f"{run.requests} requests for {config.items} items; outcomes {dict(run.states)}")
            results.append(result)
    return results


# ------------------------------------------------------------------------------------------- the fake


def _serve(requests: int, window: float, lockout: float) -> int:
    from stability.testing import FakeStability

    with FakeStability(rate_limit=(requests, window, lockout), fast=True) as fake:
        print(json.dumps({"base_url": fake.base_url, "api_key": fake.api_key}), flush=True)
        for line in sys.stdin:
            command = json.loads(line) if line.strip() else {}
            if command.get("cmd") == "reset":
                fake.reset()
                print(json.dumps({"ok": True}), flush=True)
            elif command.get("cmd") == "stats":
                statuses = [request.status for request in fake.requests]
                answer = {"ok": True, "requests": len(statuses), "refused": statuses.count(429)}
                print(json.dumps(answer), flush=True)
            else:
                print(json.dumps({"ok": False, "error": f"unknown command {command!r}"}), flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("requests", type=int)
    parser.add_argument("window", type=float)
    parser.add_argument("lockout", type=float)
    args = parser.parse_args(argv)
    return _serve(args.requests, args.window, args.lockout)


if __name__ == "__main__":
    raise SystemExit(main())
