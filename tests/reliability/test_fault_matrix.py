"""Every facade operation, sync and async, against every fault the fake can inject, once and on every request.

Each cell asserts: the outcome is success or exactly the typed exception the documented policy names (never an
httpx, JSON or Unicode exception); the fake saw exactly the requests the policy allows and charged a generation
at most once; the call returned well within its timeouts; a save left no partial file and kept the file that was
there; Retry-After was followed; and the key appears in no log record, repr, message or exception argument.

Status faults run in process (the same bytes reach the client); connection faults run over the loopback
socket server, and a refused connection uses a port nobody listens on.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import stability
from stability.testing import FakeStability, Fault
from tests.reliability._matrix import (
    DEADLINE,
    MAX_RETRIES,
    PERSISTENT,
    SLOW_TIMEOUT,
    Context,
    FaultCase,
    Operation,
    Pattern,
    call,
    cells,
    expect,
    short_deadline,
)
from tests.reliability._support import FIGURES, assert_no_key, no_partial_files, object_texts, outcome_label, timed

EXISTING = b"the file that was there before"


@pytest.fixture(scope="module")
def closed_port() -> Iterator[int]:
    with socket.socket() as sock:  # bound but never listening: every connection is refused
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


CELLS = [
    pytest.param(operation, fault, pattern, id=f"{operation}-{fault}-{pattern}")
    for operation, fault, pattern in cells()
]


def _start_job(clients: Any, operation: Operation) -> str:
    assert operation.job is not None
    return str(call(clients(), operation.job).id)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("operation", "fault", "pattern"), CELLS)
def test_fault_matrix(
    operation: Operation,
    fault: FaultCase,
    pattern: Pattern,
    clients: Any,
    fake: FakeStability,
    tmp_path: Any,
    closed_port: int,
) -> None:
    ctx = Context(tmp_path)
    if short_deadline(operation, fault, pattern):
        ctx.deadline = DEADLINE
        clients.sleeps.cap = 0.01  # let the deadline pass in real time, polling every 10 ms
    if operation.job:
        ctx.job_id = _start_job(clients, operation)
    if operation.kind == "save":
        ctx.destination = tmp_path / "output.bin"
        if operation.overwrite:
            ctx.destination.write_bytes(EXISTING)
            ctx.existing = EXISTING

    options: dict[str, Any] = {"max_retries": MAX_RETRIES}
    if fault.name == "slower_than_timeout":
        # Each read times out at once; the whole call's budget (the sum of the parts) leaves room for retries.
        options["timeout"] = httpx.Timeout(SLOW_TIMEOUT, pool=30.0)
    if fault.transport == "closed":
        client = clients(transport="socket", base_url=f"http://127.0.0.1:{closed_port}", **options)
    else:
        client = clients(transport=fault.transport, **options)
        if operation.kind in ("wait", "save"):
            fake.inject(operation.fake_op, Fault.never_finish())  # strike mid-poll, after one 202
        assert fault.make is not None
        fake.inject(operation.fake_op, fault.make(), times=1 if pattern == "once" else PERSISTENT)
    sleeps_before = len(clients.sleeps.seconds)

    value, elapsed = timed(lambda: operation.run(client, ctx))
    expected = expect(operation, fault, pattern)

    # The outcome: success, or exactly the documented typed error (so never a raw httpx/JSON/Unicode one).
    if expected.error is None:
        assert not isinstance(value, BaseException), f"expected success, got {value!r}"
        assert operation.check(value, ctx), value
    else:
        assert isinstance(value, stability.StabilityError), f"not typed: {value!r}"
        assert type(value) is expected.error, f"expected {expected.error.__name__}, got {value!r}"
        if isinstance(value, stability.APIError | stability.APIConnectionError):
            assert value.attempts >= 1
    FIGURES.outcome(outcome_label(value))

    # What the fake saw: no more requests than the policy allows, no generation charged twice.
    if expected.requests is not None:
        assert fake.count(operation.fake_op) == expected.requests
    charges = fake.charges(operation.start_op or operation.fake_op)
    if charges > 1:
        FIGURES.add("duplicate charges", charges - 1)
    assert charges == (1 if operation.start_op else expected.charges)

    # No hang: waits have a 10 s deadline here (0.3 s when the job never finishes), requests 0.02..10 s timeouts.
    budget = DEADLINE + 2.0 if ctx.deadline == DEADLINE else 5.0
    assert elapsed < budget, f"took {elapsed:.2f}s"

    if expected.retried_after_hint:
        waited = clients.sleeps.seconds[sleeps_before:]
        assert any(1.0 <= s <= 3.0 for s in waited), f"Retry-After not followed: slept {waited}"

    if operation.kind == "save":
        _check_destination(ctx, value)

    FIGURES.cell(operation.name, fault.name)
    FIGURES.add("fault matrix runs")
    FIGURES.add("scenarios")
    assert_no_key(fake.api_key, object_texts(value, client))


def _check_destination(ctx: Context, value: Any) -> None:
    assert ctx.destination is not None
    partial = no_partial_files(ctx.tmp_path)
    FIGURES.add("partial files", len(partial))
    assert partial == []
    if isinstance(value, BaseException):
        if ctx.existing is not None:
            clobbered = ctx.destination.read_bytes() != ctx.existing
            FIGURES.add("clobbered files", int(clobbered))
            assert not clobbered
        else:
            assert not ctx.destination.exists()
    FIGURES.add("saves checked")
