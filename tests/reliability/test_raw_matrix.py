"""Raw generated calls (``stability_api``) against every fault, sync and async.

The generated layer has no retry policy and no error tree of its own: it returns a ``Response`` for whatever the
server answered. The decision recorded here: a raw call either returns a ``Response`` (for any status, with
``parsed`` a model or None) or raises an ``httpx.TransportError`` when no complete answer arrived (connection
refused or dropped, a timeout, a truncated body); those are httpx's own documented exceptions and the raw layer
passes them through. It must never crash while reading an answer: no ``json.JSONDecodeError``,
``UnicodeDecodeError``, ``KeyError``, ``TypeError`` or ``ValueError`` from a broken body.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from stability.testing import FakeStability, Fault
from stability_api import AuthenticatedClient
from stability_api.types import Response
from tests.raw_cases import CASES, RawCase
from tests.reliability._matrix import FAULTS, SLOW_TIMEOUT, FaultCase, call
from tests.reliability._support import FIGURES, assert_no_key, object_texts, timed

RAW_CELLS = [
    pytest.param(case, fault, id=f"{case.operation}-{fault}")
    for case in CASES
    for fault in FAULTS
    if case.in_progress or not fault.results_only
]


@pytest.fixture(scope="module")
def closed_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def _raw_client(fake: FakeStability, fault: FaultCase, closed_port: int) -> AuthenticatedClient:
    timeout = httpx.Timeout(SLOW_TIMEOUT if fault.name == "slower_than_timeout" else 10.0)
    if fault.transport == "in-process":
        args = {"transport": fake.transport()}
        return AuthenticatedClient(base_url="http://localhost", token=fake.api_key, timeout=timeout, httpx_args=args)
    base_url = f"http://127.0.0.1:{closed_port}" if fault.transport == "closed" else fake.base_url
    return AuthenticatedClient(base_url=base_url, token=fake.api_key, timeout=timeout)


def _job_id(fake: FakeStability, case: RawCase) -> str:
    import stability

    assert case.entry.finishes
    with stability.Stability(fake.api_key, base_url="http://localhost", transport=fake.transport()) as client:
        return str(call(client, case.entry.finishes[0]).id)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("case", "fault"), RAW_CELLS)
def test_raw_call_never_crashes(
    case: RawCase, fault: FaultCase, mode: str, fake: FakeStability, closed_port: int
) -> None:
    kwargs = case.kwargs()
    if case.in_progress:
        kwargs["id"] = _job_id(fake, case)
        fake.inject(case.operation, Fault.never_finish())  # mid-poll: one 202 first
    if fault.make is not None:
        fake.inject(case.operation, fault.make(), times=2)
    client = _raw_client(fake, fault, closed_port)

    def call() -> Any:
        if mode == "sync":
            with client:
                if case.in_progress:
                    case.module.sync_detailed(client=client, **kwargs)  # the 202
                return case.module.sync_detailed(client=client, **kwargs)

        async def run() -> Any:
            async with client:
                if case.in_progress:
                    await case.module.asyncio_detailed(client=client, **kwargs)
                return await case.module.asyncio_detailed(client=client, **kwargs)

        return asyncio.run(run())

    value, elapsed = timed(call)
    if isinstance(value, BaseException):
        assert isinstance(value, httpx.TransportError), f"a raw call crashed: {value!r}"
        assert fault.effect.kind in ("connect", "sent"), f"an answer arrived, yet: {value!r}"
    else:
        assert isinstance(value, Response)
        assert fault.effect.kind not in ("connect", "sent")
        if value.status_code >= 400 or "json" in value.headers.get("content-type", ""):
            assert value.parsed is None or hasattr(value.parsed, "to_dict")
    assert elapsed < 5.0
    FIGURES.cell(case.operation, fault.name, raw=True)
    FIGURES.add("raw matrix runs")
    FIGURES.add("scenarios")
    FIGURES.outcome("raw " + (type(value).__name__ if isinstance(value, BaseException) else "Response"))
    assert_no_key(fake.api_key, object_texts(value))
