"""Benchmark 6: many jobs on one ``AsyncStability``, and many threads on one ``Stability``.

Jobs: one image-to-video job alone, then N at once with ``asyncio.gather``, in alternating rounds, each on a
fresh client (so each starts with an empty pool). A job's wall time runs from the start call to its result;
the ratio is N jobs' total over one job's. The fake counts the TCP connections it accepted and the result
requests (polls) it answered, reset before each measurement. The same schedule in plain httpx is measured on
three pools (``BASELINES``): httpx's defaults, ``Limits(max_connections=100)`` (which also lifts the keep-alive
bound) and a pool of 10, and by HTTP written by hand (``_Floor``: the least any client can do). Everything runs twice: on a quiet machine (6a), and with a process spinning on each
CPU, started by the benchmark (6b): a loaded machine is where a client's CPU per request turns into latency.
Threads: T threads share one sync client and
make C text-to-image calls each; every exception is counted as an error.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks._common import FakeServer, Result, Target, write_png

RATIO_LIMIT = 1.3
FLOOR = "floor (HTTP by hand)"
"""The baseline no client can beat here (``_Floor``)."""
VIDEO_IMAGE = (768, 768)


@dataclass(frozen=True)
class ConcurrencyConfig:
    jobs: int = 200
    job_duration: float = 1.0
    poll_interval: float = 0.2
    rounds: int = 5
    threads: int = 16
    calls_per_thread: int = 50


@dataclass
class JobsRun:
    wall: float
    errors: int
    connections: int
    polls_max: int
    polls_mean: float
    server_polls: int


async def _one_job(client: object, image: Path, interval: float) -> int:
    from stability import AsyncStability, JobStatus

    assert isinstance(client, AsyncStability)
    polls = 0

    def progress(status: JobStatus) -> None:
        nonlocal polls
        polls = status.polls

    job = await client.image_to_video(image)
    await job.wait(poll_interval=interval, timeout=120, on_progress=progress)
    return polls


async def _one_raw_job(http: object, fake: FakeServer, image: Path, interval: float) -> int:
    """The same job in plain httpx: the POST, then a GET every ``interval`` until 200 (the physical limit)."""
    import httpx

    assert isinstance(http, httpx.AsyncClient)
    auth = {"Authorization": f"Bearer {fake.api_key}"}
    with image.open("rb") as file:
        started = await http.post(
            f"{fake.base_url}/v2alpha/generation/image-to-video",
            headers=auth,
            files={"image": ("frame.png", file, "image/png")},
        )
    started.raise_for_status()
    job_id = started.json()["id"]
    polls = 0
    while True:
        await asyncio.sleep(interval)
        polls += 1
        answer = await http.get(
            f"{fake.base_url}/v2alpha/generation/image-to-video/result/{job_id}",
            headers={**auth, "Accept": "video/*"},
        )
        if answer.status_code == 200:
            return polls
        if answer.status_code != 202:
            answer.raise_for_status()


# The plain httpx baselines: what a user would write, and the pool shapes that change its result.
BASELINES: dict[str, dict[str, int | None]] = {
    "httpx defaults": {},  # httpx.AsyncClient(): 100 connections, 20 kept alive
    "httpx max_connections=100": {"max_connections": 100},  # keep-alive unbounded (max_keepalive_connections=None)
    "httpx pool of 10": {"max_connections": 10, "max_keepalive_connections": 10},
}


async def _raw_jobs(fake: FakeServer, image: Path, count: int, interval: float, baseline: str) -> JobsRun:
    import httpx

    fake.reset()
    shape = BASELINES[baseline]
    args = {"limits": httpx.Limits(**shape)} if shape else {}
    async with httpx.AsyncClient(timeout=120, **args) as http:  # type: ignore[arg-type]
        start = time.perf_counter()
        outcomes = await asyncio.gather(
            *(_one_raw_job(http, fake, image, interval) for _ in range(count)), return_exceptions=True
        )
        wall = time.perf_counter() - start
    return _jobs_run(fake, wall, outcomes)


class _Floor:
    """The least a client can do on this schedule: HTTP/1.1 written and read by hand over asyncio streams, up to
    100 keep-alive connections, no checks, no retries, no deadlines. What it takes is what the fake and this
    machine cost any client: the floor under every ratio here."""

    def __init__(self, fake: FakeServer) -> None:
        url = httpx.URL(fake.base_url)
        self.host, self.port = url.host, url.port or 80
        self.auth = f"Authorization: Bearer {fake.api_key}\r\nHost: {self.host}:{self.port}\r\n".encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.gate = asyncio.Semaphore(100)

    async def request(self, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
        async with self.gate:
            reader, writer = self.idle.pop() if self.idle else await asyncio.open_connection(self.host, self.port)
            writer.write(head + self.auth + b"\r\n" + body)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) != b"\r\n":
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            content = await reader.readexactly(length)
            self.idle.append((reader, writer))
            return status, content

    async def job(self, image: bytes, interval: float) -> int:
        boundary = "floor-boundary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="frame.png"\r\n'
            f"Content-Type: image/png\r\n\r\n".encode()
            + image
            + f"\r\n--{boundary}--\r\n".encode()
        )
        head = (
            f"POST /v2alpha/generation/image-to-video HTTP/1.1\r\nContent-Length: {len(body)}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        ).encode()
        status, content = await self.request(head, body)
        if status != 200:
            raise RuntimeError(f"start: {status}")
        job_id = json.loads(content)["id"]
        polls = 0
        while True:
            await asyncio.sleep(interval)
            polls += 1
            path = f"/v2alpha/generation/image-to-video/result/{job_id}"
            status, content = await self.request(f"GET {path} HTTP/1.1\r\nAccept: video/*\r\n".encode())
            if status == 200:
                return polls
            if status != 202:
                raise RuntimeError(f"result: {status}")

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


async def _floor_jobs(fake: FakeServer, image: Path, count: int, interval: float) -> JobsRun:
    fake.reset()
    floor, content = _Floor(fake), image.read_bytes()
    start = time.perf_counter()
    outcomes = await asyncio.gather(*(floor.job(content, interval) for _ in range(count)), return_exceptions=True)
    wall = time.perf_counter() - start
    floor.close()
    return _jobs_run(fake, wall, outcomes)


@contextmanager
def _load(loaded: bool) -> Iterator[None]:
    """A busy machine: one process spinning on each CPU, started for the rounds and killed after."""
    if not loaded:
        yield
        return
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    try:
        time.sleep(0.2)  # let them get going
        yield
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait()


async def _jobs(fake: FakeServer, image: Path, count: int, interval: float) -> JobsRun:
    from stability import AsyncStability

    fake.reset()
    async with AsyncStability(api_key=fake.api_key, base_url=fake.base_url, timeout=120) as client:
        start = time.perf_counter()
        outcomes = await asyncio.gather(
            *(_one_job(client, image, interval) for _ in range(count)), return_exceptions=True
        )
        wall = time.perf_counter() - start
    return _jobs_run(fake, wall, outcomes)


def _jobs_run(fake: FakeServer, wall: float, outcomes: list[int | BaseException]) -> JobsRun:
    count = len(outcomes)
    stats = fake.stats()
    polls = [outcome for outcome in outcomes if isinstance(outcome, int)]
    return JobsRun(
        wall=wall,
        errors=count - len(polls),
        connections=stats["connections_opened"],
        polls_max=max(polls, default=0),
        polls_mean=sum(polls) / len(polls) if polls else 0.0,
        server_polls=stats["counts"]["image_to_video_result"],
    )


def jobs(fake: FakeServer, config: ConcurrencyConfig, workdir: Path) -> list[Result]:
    """N concurrent image-to-video jobs against one alone, on a quiet machine (6a) and a loaded one (6b)."""
    image = write_png(workdir / "video-input.png", *VIDEO_IMAGE)
    fake.configure(job_duration=config.job_duration)
    try:
        asyncio.run(_jobs(fake, image, 1, config.poll_interval))  # warm-up: imports, the fake's paths
        return [_jobs_result(fake, config, image, loaded) for loaded in (False, True)]
    finally:
        fake.configure(job_duration=0.0)
        fake.reset()


def _jobs_result(fake: FakeServer, config: ConcurrencyConfig, image: Path, loaded: bool) -> Result:
    from stability._drivers import LIMITS

    label, machine = (
        ("6b", "a loaded machine (a process spinning on each CPU)") if loaded else ("6a", "a quiet machine")
    )
    title = (
        f"{label}. concurrency: {config.jobs} image-to-video jobs on one AsyncStability, {machine} "
        f"(job {config.job_duration:g} s, poll every {config.poll_interval:g} s)"
    )
    result = Result("concurrency_jobs_loaded" if loaded else "concurrency_jobs", title)
    single: list[JobsRun] = []
    many: list[JobsRun] = []
    raw: dict[str, tuple[list[JobsRun], list[JobsRun]]] = {name: ([], []) for name in (*BASELINES, FLOOR)}
    with _load(loaded):
        for _ in range(config.rounds):
            single.append(asyncio.run(_jobs(fake, image, 1, config.poll_interval)))
            many.append(asyncio.run(_jobs(fake, image, config.jobs, config.poll_interval)))
            for name, (one, all_) in raw.items():
                if name == FLOOR:
                    one.append(asyncio.run(_floor_jobs(fake, image, 1, config.poll_interval)))
                    all_.append(asyncio.run(_floor_jobs(fake, image, config.jobs, config.poll_interval)))
                    continue
                one.append(asyncio.run(_raw_jobs(fake, image, 1, config.poll_interval, name)))
                all_.append(asyncio.run(_raw_jobs(fake, image, config.jobs, config.poll_interval, name)))
    result.figure("one job: wall time", "s", [run.wall for run in single])
    result.figure(f"{config.jobs} jobs: total wall time", "s", [run.wall for run in many])
    ratio = result.figure("total / one job", "x", [m.wall / s.wall for m, s in zip(many, single, strict=True)])
    connections = result.figure("TCP connections opened", "count", [float(run.connections) for run in many])
    errors = result.figure("errors", "count", [float(run.errors) for run in many])
    polls = result.figure("polls per job, max (client)", "count", [float(run.polls_max) for run in many])
    result.figure("polls per job, mean (client)", "count", [run.polls_mean for run in many])
    result.figure("polls per job, mean (server count)", "count", [run.server_polls / config.jobs for run in many])
    for name, (one, all_) in raw.items():
        result.figure(f"{name}: {config.jobs} jobs: total wall time", "s", [run.wall for run in all_])
        result.figure(f"{name}: total / one job", "x", [m.wall / s.wall for m, s in zip(all_, one, strict=True)])
        result.figure(f"{name}: TCP connections opened", "count", [float(run.connections) for run in all_])
        result.figure(f"{name}: errors", "count", [float(run.errors) for run in all_])
        result.figure(f"facade / {name}, {config.jobs} jobs wall", "x",
                      [m.wall / r.wall for m, r in zip(many, all_, strict=True)])  # fmt: skip
    result.notes.append(
        "httpx baselines: the same schedule (POST, then GET every interval) on one httpx.AsyncClient: "
        + "; ".join(
            f"{name}: Limits({', '.join(f'{k}={v}' for k, v in shape.items()) or 'default'})"
            for name, shape in BASELINES.items()
        )  # fmt: skip
    )
    result.notes.append(
        f"{FLOOR}: the same schedule written by hand over asyncio streams (100 keep-alive connections, no checks): "
        "what the fake and this machine cost any client; a ratio no client reaches is the fixture's, not the client's"
    )
    pool = LIMITS.max_connections or 0
    allowed_polls = math.ceil(config.job_duration / config.poll_interval) + 2
    result.targets += [
        Target("total / one job wall time", ratio.median, RATIO_LIMIT),
        Target("TCP connections opened (worst round)", max(connections.values), pool),
        Target("errors (all rounds)", sum(errors.values), 0),
        Target("polls per job (worst job, worst round)", max(polls.values), allowed_polls),
    ]
    return result


def _thread_work(client: object, barrier: threading.Barrier, calls: int, errors: list[BaseException]) -> None:
    from stability import Stability

    assert isinstance(client, Stability)
    barrier.wait()  # all threads start together, so they really contend for the pool
    for _ in range(calls):
        try:
            client.text_to_image("a lighthouse at dawn", width=512, height=512, seed=7)
        except Exception as exc:  # counted: the benchmark reports errors, whatever they are
            errors.append(exc)


def threads(fake: FakeServer, config: ConcurrencyConfig) -> Result:
    """T threads sharing one sync ``Stability``."""
    from stability import Stability

    total = config.threads * config.calls_per_thread
    title = f"6c. concurrency: {config.threads} threads x {config.calls_per_thread} text-to-image on one Stability"
    result = Result("concurrency_threads", title)
    walls: list[float] = []
    error_counts: list[float] = []
    connections: list[float] = []
    for _ in range(config.rounds):
        fake.reset()
        errors: list[BaseException] = []
        barrier = threading.Barrier(config.threads)
        with Stability(api_key=fake.api_key, base_url=fake.base_url, timeout=120) as client:
            work = functools.partial(_thread_work, client, barrier, config.calls_per_thread, errors)
            workers = [threading.Thread(target=work) for _ in range(config.threads)]
            start = time.perf_counter()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            walls.append(time.perf_counter() - start)
        stats = fake.stats()
        served = stats["counts"]["text_to_image"]
        error_counts.append(float(len(errors) + max(0, total - len(errors) - served)))
        connections.append(float(stats["connections_opened"]))
    result.figure("total wall time", "s", walls)
    result.figure("calls per second", "count", [round(total / wall, 1) for wall in walls])
    result.figure("TCP connections opened", "count", connections)
    errors_fig = result.figure("errors", "count", error_counts)
    result.targets.append(Target("errors (all rounds)", sum(errors_fig.values), 0))
    return result
