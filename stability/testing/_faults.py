"""Faults a test can inject into the fake: failed answers, slow answers and broken connections.

A fault is a value (`Fault.status(503)`, `Fault.drop_after_request()`, ...); `FakeStability.inject()` queues it
for an operation (or for any operation) a number of times, and each matching request consumes one, first in,
first out. Every fault works both over the in-process transport and over sockets:

| fault                 | in-process                                  | over sockets                                    |
|-----------------------|---------------------------------------------|-------------------------------------------------|
| `drop_before_request` | raises `httpx.ConnectError`                 | closes after the request line and headers, body unread |
| `drop_after_request`  | raises `httpx.RemoteProtocolError`          | reads and processes (charges), closes unanswered |
| `truncated_body`      | the body stream raises `RemoteProtocolError`| sends half the promised Content-Length, closes  |
| `delay`               | sleeps; `httpx.ReadTimeout` past the read timeout | sleeps before answering                   |

Only the faults that let the request be processed charge for it: `drop_after_request`, `delay`,
`truncated_body` and `wrong_content_type` answer (or drop) after normal processing; the others answer in
place of the service and charge nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .._operations.registry import REGISTRY

FaultKind = Literal[
    "status",
    "rate_limited",
    "delay",
    "drop_before_request",
    "drop_after_request",
    "truncated_body",
    "wrong_content_type",
    "html_error",
    "malformed_json",
    "empty_body",
    "never_finish",
    "not_found",
]

# The operations that answer a job's result (and so may answer 202 in progress).
RESULT_OPERATIONS = frozenset(name for name, entry in REGISTRY.items() if entry.finishes)

# Faults that replace processing entirely; the others run the request first (and so may charge).
REPLACING_KINDS: frozenset[FaultKind] = frozenset(
    {"status", "rate_limited", "html_error", "malformed_json", "empty_body", "not_found", "drop_before_request"}
)


@dataclass(frozen=True, slots=True)
class Fault:
    """One way for the fake to misbehave; build it with a constructor such as `Fault.status(503)`."""

    kind: FaultKind
    status_code: int = 0
    body: bytes | None = None
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default=())
    seconds: float = 0.0

    @classmethod
    def status(
        cls,
        code: int,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Answer `code` instead of processing; the body defaults to the API version's error body."""
        if not 100 <= code <= 599:
            raise ValueError(f"not an HTTP status code: {code}")
        pairs = tuple((headers or {}).items())
        return cls("status", status_code=code, body=body, content_type=content_type, headers=pairs)

    @classmethod
    def rate_limited(cls, retry_after: str | None = None) -> Fault:
        """Answer the documented 429 (`rate_limit_exceeded` and its sentence), with a `Retry-After` header only
        when given (seconds or an HTTP date): the service documents none."""
        pairs = (("Retry-After", retry_after),) if retry_after is not None else ()
        return cls("rate_limited", status_code=429, headers=pairs)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Process the request, then wait `seconds` before answering (to outlast a client timeout)."""
        if seconds < 0:
            raise ValueError("a delay cannot be negative")
        return cls("delay", seconds=seconds)

    @classmethod
    def drop_before_request(cls) -> Fault:
        """Close the connection before the request is read: nothing is processed or charged."""
        return cls("drop_before_request")

    @classmethod
    def drop_after_request(cls) -> Fault:
        """Read and process the request (charging it), then close the connection without answering."""
        return cls("drop_after_request")

    @classmethod
    def truncated_body(cls) -> Fault:
        """Answer normally, but close the connection before the whole body promised by Content-Length."""
        return cls("truncated_body")

    @classmethod
    def wrong_content_type(cls, content_type: str = "text/plain") -> Fault:
        """Answer normally, but with this Content-Type."""
        return cls("wrong_content_type", content_type=content_type)

    @classmethod
    def html_error(cls, status: int = 502) -> Fault:
        """Answer an HTML error page, as a proxy in front of the service would."""
        return cls("html_error", status_code=status, content_type="text/html; charset=utf-8")

    @classmethod
    def malformed_json(cls, status: int = 500) -> Fault:
        """Answer a body that claims to be JSON and is cut in the middle."""
        return cls("malformed_json", status_code=status, content_type="application/json")

    @classmethod
    def empty_body(cls, status: int = 500) -> Fault:
        """Answer a JSON content type with an empty body."""
        return cls("empty_body", status_code=status, content_type="application/json")

    @classmethod
    def never_finish(cls) -> Fault:
        """On a result endpoint: the poll answers 202 in-progress even when the generation is done.

        Each poll consumes one; inject it `times=N` to hold a job for N polls (a large N: forever).
        """
        return cls("never_finish")

    @classmethod
    def not_found(cls) -> Fault:
        """Answer 404 (`generation_not_found` on v2alpha and v2beta, `not_found` on v1alpha and v1)."""
        return cls("not_found", status_code=404)

    def applies_to(self, operation: str) -> bool:
        """Whether this fault can act on `operation` (never_finish only acts on result endpoints)."""
        return self.kind != "never_finish" or operation in RESULT_OPERATIONS


@dataclass(slots=True)
class _Queued:
    operation: str | None
    fault: Fault
    remaining: int


class FaultQueue:
    """Injected faults in order; not thread-safe on its own (the app holds its lock around it)."""

    def __init__(self) -> None:
        self._queue: list[_Queued] = []

    def add(self, operation: str | None, fault: Fault, times: int) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        self._queue.append(_Queued(operation, fault, times))

    def take(self, operation: str) -> Fault | None:
        """Consume and return the first fault queued for `operation` or for any operation."""
        for index, queued in enumerate(self._queue):
            if queued.operation not in (None, operation) or not queued.fault.applies_to(operation):
                continue
            queued.remaining -= 1
            if queued.remaining == 0:
                del self._queue[index]
            return queued.fault
        return None

    def pending(self) -> int:
        return sum(queued.remaining for queued in self._queue)

    def clear(self) -> None:
        self._queue.clear()
