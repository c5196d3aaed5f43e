"""Waiting for an asynchronous generation (upscale, image-to-video): the poll schedule as a pure flow.

Theory of operation. A job's result endpoint answers 202 while the job runs and 200 with the result when it
is done. ``wait_flow`` composes ``_flow.call_flow`` (one poll, with the GET retry policy) with sleeps:

    first check soon after the start -> poll -> 202? report progress, sleep the interval -> poll -> ... -> 200

The first check comes ``FIRST_CHECK`` seconds after the job started (at once when resuming an old job), then
every ``interval`` seconds, optionally growing by ``backoff`` up to ``MAX_INTERVAL``. The API asks for no
more than one upscale poll per 10 seconds, which is the default interval. A deadline (``timeout``) is checked
before every sleep: the flow never sleeps past it, never polls early to beat it, and raises
``JobTimeoutError`` (the job keeps running and can be resumed by id). A poll that still fails after its
retries (5xx, 429, connection trouble) is not fatal: the job is still there, so polling goes on; only
``MAX_FAILED_POLLS`` such failures in a row end the wait. There is no busy loop: every poll is preceded by
a positive sleep except the first check of a resumed job.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from ._errors import APIConnectionError, JobTimeoutError, RateLimitError, ServerError
from ._flow import Flow, Operation, Sleep, call_flow
from ._retry import RetryPolicy

T = TypeVar("T")

JobKind = Literal["upscale", "image_to_video"]
JOB_KINDS: tuple[JobKind, ...] = ("upscale", "image_to_video")

DEFAULT_INTERVAL: dict[JobKind, float] = {"upscale": 10.0, "image_to_video": 10.0}
FIRST_CHECK = 2.0
MAX_INTERVAL = 30.0
MAX_FAILED_POLLS = 5


@dataclass(frozen=True, slots=True)
class JobStatus:
    """What ``on_progress`` receives after every poll."""

    job_id: str
    kind: JobKind
    state: str
    """``in-progress`` while running (the API may report finer states later), ``done`` at the end,
    ``retrying`` after a poll that failed but will be tried again."""
    elapsed: float
    """Seconds since the job started (or since waiting began, for a resumed job)."""
    polls: int
    """Result requests made so far by this wait."""

    @property
    def done(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True, slots=True)
class Pending:
    status: str


@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    result: T


Poll = Pending | Done[T]

_TRANSIENT = (ServerError, RateLimitError, APIConnectionError)


def first_check_delay(started: float | None, now: float, interval: float) -> float:
    """How long to wait before the first poll: a little after the start, at once for an older job."""
    if started is None:
        return 0.0
    return max(0.0, min(FIRST_CHECK, interval) - (now - started))


def wait_flow(
    poll: Operation[Poll[T]],
    *,
    job_id: str,
    kind: JobKind,
    policy: RetryPolicy,
    interval: float,
    timeout: float | None,
    started: float | None,
    backoff: float = 1.0,
    on_progress: Callable[[JobStatus], Any] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Flow[T]:
    """Poll until the job is done; return its result."""
    begin = clock()
    origin = started if started is not None else begin
    polls = failures = 0
    delay = first_check_delay(started, begin, interval)
    while True:
        if timeout is not None:
            remaining = timeout - (clock() - begin)
            if delay > remaining:
                if remaining > 0:
                    yield Sleep(remaining)
                raise JobTimeoutError(kind, job_id, clock() - begin)
        if delay > 0:
            yield Sleep(delay)
        polls += 1
        try:
            outcome = yield from call_flow(poll, policy)
        except _TRANSIENT:
            failures += 1
            if failures >= MAX_FAILED_POLLS:
                raise
            state = "retrying"
        else:
            failures = 0
            if isinstance(outcome, Done):
                _report(on_progress, JobStatus(job_id, kind, "done", clock() - origin, polls))
                return outcome.result
            state = outcome.status
        _report(on_progress, JobStatus(job_id, kind, state, clock() - origin, polls))
        delay = interval if polls == 1 else min(MAX_INTERVAL, max(interval, delay * backoff))


def _report(on_progress: Callable[[JobStatus], Any] | None, status: JobStatus) -> None:
    if on_progress is not None:
        on_progress(status)
