"""The sans-I/O heart of every call: a generator that says what to send and how long to sleep.

Theory of operation. A call is a generator of *steps*. It yields ``Send`` (send this request and give me the
outcome) or ``Sleep`` (wait this long, then resume me). The driver, ``_transport.SyncDriver`` or
``AsyncDriver``, does exactly that and nothing else, so retries, error mapping and parsing are written (and
tested) once, with no network. The outcome sent back is an ``Answer`` (the API responded) or a ``Failure``
(it did not: the ``kind`` tells whether the request may have reached the API).

``call_flow`` is one request with retries; the job poller in ``_polling`` composes it with ``yield from``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Generic, TypeVar

from ._errors import APIConnectionError, APITimeoutError, StabilityError, error_from_response
from ._retry import FailureKind, RetryPolicy, retry_delay

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


@dataclass(frozen=True, slots=True)
class Operation(Generic[T]):
    """One API operation, ready to send: how to build each attempt's request and how to read a success."""

    name: str
    charged: bool
    build: Callable[[], Request]
    parse: Callable[[Answer], T]
    job_result: bool = False
    """A result poll: its 404 means an expired job or another key (JobNotFoundError)."""
    stream: bool = False
    """Hand the body over unread (``Answer.stream``) for downloads that must not sit in memory."""


@dataclass(slots=True)
class Answer:
    """The API responded. ``content`` is the body, unless the operation streams it."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    stream: Any = None


@dataclass(frozen=True, slots=True)
class Failure:
    """No usable answer. ``kind`` says whether the request may have been processed; ``timeout`` which way."""

    kind: FailureKind
    message: str
    timeout: bool = False


@dataclass(frozen=True, slots=True)
class Send:
    request: Request
    stream: bool = False


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


Step = Send | Sleep
Outcome = Answer | Failure | None
Flow = Generator[Step, Outcome, T]


def call_flow(operation: Operation[T], policy: RetryPolicy) -> Flow[T]:
    """Send ``operation`` until it succeeds, fails for good, or retries run out; return its parsed result."""
    attempt = 0
    while True:
        attempt += 1
        outcome = yield Send(operation.build(), operation.stream)
        assert outcome is not None
        if isinstance(outcome, Answer) and outcome.status < 300:
            return _parse(operation, outcome, attempt)
        if isinstance(outcome, Answer):
            retry_after = outcome.headers.get("retry-after")
            delay = retry_delay(
                policy, charged=operation.charged, attempt=attempt, status=outcome.status, retry_after=retry_after
            )
        else:
            delay = retry_delay(policy, charged=operation.charged, attempt=attempt, failure=outcome.kind)
        if delay is None:
            raise _error(operation, outcome, attempt)
        what = outcome.status if isinstance(outcome, Answer) else outcome.message
        logger.info("%s attempt %d failed (%s); retrying in %.2fs", operation.name, attempt, what, delay)
        yield Sleep(delay)


def _parse(operation: Operation[T], answer: Answer, attempt: int) -> T:
    try:
        return operation.parse(answer)
    except StabilityError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # JSON, base64, Unicode, missing fields
        from ._errors import MalformedResponseError

        raise MalformedResponseError(
            answer.status,
            name="malformed_response",
            error_id=None,
            messages=[f"the {operation.name} answer could not be read: {type(exc).__name__}: {exc}"],
            request_id=answer.headers.get("x-request-id"),
            headers=answer.headers,
            body=answer.content[:2048],
            attempts=attempt,
        ) from exc


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
    return cls(f"{operation.name}: {outcome.message}{tries}.{note}", attempts=attempt)
