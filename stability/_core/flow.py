"""The sans-I/O heart of every call: a generator that says what to send and how long to sleep.

Theory of operation. A call is a generator of *steps*. It yields ``Send`` (send this request and give me the
outcome) or ``Sleep`` (wait this long, then resume me). The driver, ``_transport.SyncDriver`` or
``AsyncDriver``, does exactly that and nothing else, so retries, error mapping and parsing are written (and
tested) once, with no network. The outcome sent back is an ``Answer`` (the API responded) or a ``Failure``
(it did not: the ``kind`` tells whether the request may have reached the API).

``call_flow`` is one request with retries; the job poller in ``_polling`` composes it with ``yield from``.

Downloads. A ``Send`` may carry a ``Sink`` (``job.save``): the driver streams a 200 body into it, within the
bounds and the step's deadline, instead of reading it into memory. A body that breaks off or is cut short is
a ``Failure`` like any broken read, so ``call_flow`` fetches it again by the same policy and deadline; what
the sink refuses (not the media, too large, a file that may not be replaced) is raised to the caller as is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Generic, Protocol, TypeVar

from .errors import APIConnectionError, APITimeoutError, StabilityError, error_from_response
from .limits import KEPT_ERROR_BODY, MAX_JSON_BODY
from .retry import FailureKind, RetryPolicy, retry_delay

T = TypeVar("T")
logger = logging.getLogger("stability")


@dataclass(slots=True)
class Request:
    """httpx request arguments (from a generated ``_get_kwargs()``), plus the files to close afterwards."""

    kwargs: dict[str, Any]
    files: list[IO[bytes]] = field(default_factory=list)

    def close(self) -> None:
        for handle in self.files:
            handle.close()


class BodyCutShort(Exception):
    """Raised by a ``Sink`` when the body ended before its content did: a broken read, fetched again."""


class Sink(Protocol):
    """Where a driver streams a 200 body instead of reading it into memory (see ``_operations.ResultSink``).

    ``accepts`` says whether to stream this answer (False: read it into memory, as without a sink). The
    driver then hands the decoded body, at most ``limit`` bytes, to ``consume`` (sync) or ``aconsume``
    (async), which must write it whole or leave nothing, and returns what they return (``Answer.saved``).
    They raise ``BodyCutShort`` for a body cut short; a network error passes through them to the driver.
    """

    limit: int
    began: bool
    """A 200 has been accepted: the job is done and its result downloading (no longer a poll)."""

    def accepts(self, headers: Mapping[str, str]) -> bool: ...

    def consume(self, chunks: Iterator[bytes]) -> Any: ...

    async def aconsume(self, chunks: AsyncIterator[bytes]) -> Any: ...


@dataclass(frozen=True, slots=True)
class Operation(Generic[T]):
    """One API operation, ready to send: how to build each attempt's request and how to read a success."""

    name: str
    charged: bool
    build: Callable[[], Request]
    parse: Callable[[Answer], T]
    job_result: bool = False
    """A result poll: its 404 means an expired job or another key (JobNotFoundError)."""
    sink: Sink | None = None
    """Stream a 200 body into this instead of memory (``Answer.saved``), for downloads that must not sit there."""
    max_body: int = MAX_JSON_BODY
    """Bytes of a success body (after decompression) the driver reads into memory; a longer one is refused."""


@dataclass(slots=True)
class Answer:
    """The API responded. ``content`` is the body, unless a sink took it (then ``saved`` is what it returned)."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    saved: Any = None
    truncated: bool = False
    """``content`` is only the first bytes of a longer body (more than the operation reads into memory)."""


@dataclass(frozen=True, slots=True)
class Failure:
    """No usable answer. ``kind`` says whether the request may have been processed; ``timeout`` which way."""

    kind: FailureKind
    message: str
    timeout: bool = False


@dataclass(frozen=True, slots=True)
class Send:
    request: Request
    sink: Sink | None = None
    deadline: float | None = None
    """``time.monotonic()`` time by which the request must be sent and its body read (None: no deadline)."""
    max_body: int = MAX_JSON_BODY
    """Bytes of a success body to read into memory at most (error bodies have their own bound)."""


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


Step = Send | Sleep
Outcome = Answer | Failure | None
Flow = Generator[Step, Outcome, T]


def call_flow(
    operation: Operation[T],
    policy: RetryPolicy,
    *,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Flow[T]:
    """Send ``operation`` until it succeeds, fails for good, or retries run out; return its parsed result.

    ``deadline`` (a ``clock()`` time) bounds the whole call: every attempt must end by then, and a retry
    whose wait would end past it is not made: the failure that would have been retried is raised instead.
    """
    attempt = 0
    while True:
        attempt += 1
        outcome = yield Send(operation.build(), operation.sink, deadline, operation.max_body)
        assert outcome is not None
        if isinstance(outcome, Answer) and outcome.status < 300:
            if outcome.truncated:
                raise _too_large(operation, outcome, attempt)
            return _parse(operation, outcome, attempt)
        if isinstance(outcome, Answer):
            retry_after = outcome.headers.get("retry-after")
            delay = retry_delay(
                policy, charged=operation.charged, attempt=attempt, status=outcome.status, retry_after=retry_after
            )
        else:
            delay = retry_delay(policy, charged=operation.charged, attempt=attempt, failure=outcome.kind)
        if delay is None or (deadline is not None and clock() + delay >= deadline):
            raise _error(operation, outcome, attempt)
        what = outcome.status if isinstance(outcome, Answer) else outcome.message
        logger.info("%s attempt %d failed (%s); retrying in %.2fs", operation.name, attempt, what, delay)
        yield Sleep(delay)


def _parse(operation: Operation[T], answer: Answer, attempt: int) -> T:
    try:
        return operation.parse(answer)
    except StabilityError:
        raise
    # JSON, base64, Unicode, missing fields, a number too large for an int, nesting too deep for the parser:
    # whatever a hostile answer makes a parser raise, the caller gets a typed error that keeps the body's start.
    except (ValueError, LookupError, TypeError, AttributeError, ArithmeticError, RecursionError) as exc:
        from .errors import MalformedResponseError

        reason = str(exc)
        if len(reason) > 500:
            reason = reason[:497] + "..."
        raise MalformedResponseError._of(
            f"the {operation.name} answer could not be read: {type(exc).__name__}: {reason}",
            status_code=answer.status,
            headers=answer.headers,
            body=answer.content[:KEPT_ERROR_BODY],
            attempts=attempt,
        ) from exc


def _too_large(operation: Operation[Any], answer: Answer, attempt: int) -> StabilityError:
    from .errors import MalformedResponseError

    return MalformedResponseError._of(
        f"the {operation.name} answer is larger than the {operation.max_body} bytes the SDK reads into memory "
        "(after decompression); it was not read",
        status_code=answer.status,
        headers=answer.headers,
        body=answer.content[:KEPT_ERROR_BODY],
        attempts=attempt,
    )


def _error(operation: Operation[Any], outcome: Answer | Failure, attempt: int) -> StabilityError:
    if isinstance(outcome, Answer):
        return error_from_response(
            outcome.status, outcome.headers, outcome.content, attempts=attempt, job_result=operation.job_result
        )
    cls = APITimeoutError if outcome.timeout else APIConnectionError
    note = ""
    if operation.charged and outcome.kind == "sent":
        note = " The request may have been processed (and charged), so it was not sent again."
    tries = f" after {attempt} attempts" if attempt > 1 else ""
    message = f"{outcome.message}{tries}".rstrip(".")  # httpcore's own messages end in one already
    return cls(f"{operation.name}: {message}.{note}", attempts=attempt)
