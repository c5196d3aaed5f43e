"""Fixtures of the reliability suite: one fake (in process and on a loopback socket), clients of both modes whose
sleeps are recorded, a capture of every log record, and the figures written at the end of the session."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

import stability
from stability.testing import FakeStability
from tests.facade.conftest import Blocking
from tests.reliability._support import FIGURES, LogCapture, Sleeps, assert_no_key, quick_sleeps
from tests.reliability.test_hostile_server import RawServer

REPORT_VARIABLE = "STABILITY_RELIABILITY_JSON"
IN_PROCESS_URL = "http://localhost"  # loopback by name: the key may go over http, and the transport answers


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get(REPORT_VARIABLE)
    if target:
        data = FIGURES.as_dict()
        data["exitstatus"] = int(exitstatus)
        Path(target).write_text(json.dumps(data, indent=2) + "\n")


@pytest.fixture(scope="module")
def server() -> Iterator[FakeStability]:
    with FakeStability(fast=True) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeStability) -> Iterator[FakeStability]:
    server.reset()
    server.job_duration = 0.0
    yield server
    server.reset()


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as running:
        yield running


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    with LogCapture().attached() as capture:
        yield capture


class Clients:
    """Makes clients of one mode against the fake; every one is closed, and its key searched for, at teardown."""

    def __init__(self, fake: FakeStability, mode: str, portal: BlockingPortal) -> None:
        self.fake, self.mode, self.portal = fake, mode, portal
        self.sleeps = Sleeps()
        self.made: list[Any] = []

    def __call__(self, *, transport: str = "in-process", **options: Any) -> Any:
        options.setdefault("api_key", self.fake.api_key)
        if transport == "in-process":
            options.setdefault("base_url", IN_PROCESS_URL)
            options["transport"] = self.fake.transport()
        else:
            options.setdefault("base_url", self.fake.base_url)
        if self.mode == "sync":
            client: Any = stability.Stability(**options)
        else:
            client = Blocking(stability.AsyncStability(**options), self.portal)
        quick_sleeps(client, self.sleeps, mode=self.mode)
        self.made.append(client)
        return client

    def close(self) -> None:
        for client in self.made:
            client.close() if self.mode == "sync" else client.aclose()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clients(fake: FakeStability, mode: str, portal: BlockingPortal, logs: LogCapture) -> Iterator[Clients]:
    made = Clients(fake, mode, portal)
    yield made
    made.close()
    assert_no_key(fake.api_key, logs.texts + [repr(c) for c in made.made] + [str(c) for c in made.made])


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    """Makes raw socket servers (``raw_server(respond, host="127.0.0.1")``) and closes them after the test."""
    made: list[RawServer] = []

    def make(respond: Callable[[bytes, socket.socket], None], host: str = "127.0.0.1") -> RawServer:
        server = RawServer(respond, host)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()
