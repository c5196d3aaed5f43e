"""Fixtures for the facade tests: the fake server over real sockets, and one ``client`` fixture that is the
sync ``Stability`` or the async ``AsyncStability`` (driven through a blocking portal), so every behaviour is
written once and tested for both clients."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

import stability
from stability.testing import FakeStability
from tests.raw_cases import png


@pytest.fixture
def fake() -> Iterator[FakeStability]:
    with FakeStability(job_duration=0.0) as server:
        yield server


class Blocking:
    """Calls an async object's methods from synchronous test code, on one event loop."""

    def __init__(self, target: Any, portal: BlockingPortal) -> None:
        self._target = target
        self._portal = portal

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value) or inspect.isclass(value):
            return _wrap(value, self._portal)

        @functools.wraps(value)
        def call(*args: Any, **kwargs: Any) -> Any:
            result = value(*args, **kwargs)
            if inspect.isawaitable(result):
                result = self._portal.call(_await, result)
            return _wrap(result, self._portal)

        return call

    def __repr__(self) -> str:
        return repr(self._target)


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _wrap(value: Any, portal: BlockingPortal) -> Any:
    if type(value).__module__.startswith("stability._async_client"):
        return Blocking(value, portal)
    return value


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_client(fake: FakeStability, mode: str) -> Iterator[Any]:
    """``make_client(**options)``: a client of the current mode against the fake, closed at teardown."""
    made: list[Any] = []
    with start_blocking_portal() as portal:

        def make(**options: Any) -> Any:
            options.setdefault("api_key", fake.api_key)
            options.setdefault("base_url", fake.base_url)
            if mode == "sync":
                client: Any = stability.Stability(**options)
            else:
                client = Blocking(stability.AsyncStability(**options), portal)
            made.append(client)
            return client

        yield make
        for client in made:
            client.close() if mode == "sync" else client.aclose()


@pytest.fixture
def client(make_client: Any) -> Any:
    return make_client()


@pytest.fixture
def image_path(tmp_path: Any) -> Any:
    path = tmp_path / "input.png"
    path.write_bytes(png(512, 512))
    return path
