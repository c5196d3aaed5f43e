"""Waiting for an asynchronous generation (upscale, image-to-video): the poll schedule as a pure flow.

Theory of operation. A job's result endpoint answers 202 while the job runs and 200 with the result when it
is done. ``wait_flow`` composes ``_flow.call_flow`` (one poll, with the GET retry policy) with sleeps:

    first check soon after the start -> poll -> 202? report progress, sleep the interval -> poll -> ... -> 200

The first check comes ``FIRST_CHECK`` seconds after the job started (at once when resuming an old job), then
every ``interval`` seconds, optionally growing by ``backoff`` up to ``MAX_INTERVAL`` (or the interval, when
larger). The API asks for no more than one upscale poll per 10 seconds, which is the default interval.

The deadline. Every wait has one: ``timeout`` seconds after it began, ``DEFAULT_WAIT_TIMEOUT`` when none is
given (``math.inf`` waits for ever). It is checked before every sleep: the flow never sleeps past it, never
polls early to beat it, and raises ``JobTimeoutError`` (the job keeps running and can be resumed by id). It is
also handed to every poll, so a poll's own retries and ``Retry-After`` sleeps end by it too: a wait ends at
most one poll interval after its timeout (in practice at it). When the last polls failed, the error names
that failure and chains it (``__cause__``), because the job may have finished long ago.

Failures. A poll that still fails after its retries (5xx, connection trouble) is not fatal: the job is still
there, so polling goes on; only ``MAX_FAILED_POLLS`` such failures in a row end the wait. A 429 is different:
the key is locked out (for ``Retry-After`` seconds, or the documented 60 s when the answer does not say), so
the next poll waits until the lockout is over (one request per lockout, not a burst of refused ones) and a
lockout never counts toward ``MAX_FAILED_POLLS``: it says nothing about the job. A lockout longer than the 24 h a
result is kept raises its ``RateLimitError``: no wait could end with the result. There is no busy loop: every
poll is preceded by a positive sleep except the first check of a resumed job.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from .errors import APIConnectionError, JobTimeoutError, RateLimitError, ServerError, ValidationError
from .flow import Flow, Operation, Sleep, call_flow
from .limits import RESULT_RETENTION_SECONDS, UPSCALE_MIN_POLL_SECONDS
from .retry import RetryPolicy, rate_limit_wait

T = TypeVar("T")

JobKind = Literal[
    "upscale", "image_to_video", "upscale_creative", "image_to_video_v2beta", "edit_replace_background_and_relight"
]

# The API asks for no more than one poll per 10 s (upscale; and every v2beta job).
DEFAULT_INTERVAL: dict[JobKind, float] = {
    "upscale": UPSCALE_MIN_POLL_SECONDS,
    "image_to_video": UPSCALE_MIN_POLL_SECONDS,
    "upscale_creative": UPSCALE_MIN_POLL_SECONDS,
    "image_to_video_v2beta": UPSCALE_MIN_POLL_SECONDS,
    "edit_replace_background_and_relight": UPSCALE_MIN_POLL_SECONDS,
}
FIRST_CHECK = 2.0
MAX_INTERVAL = 30.0
MAX_FAILED_POLLS = 5
DEFAULT_WAIT_TIMEOUT = 30 * 60.0
"""Seconds ``wait()`` and ``save()`` wait when no ``timeout`` is given. The API documents no job duration;
image-to-video, the slowest job, takes minutes, so half an hour covers it many times over (and a 60 s
lockout or two), while a job that never leaves 202 still ends the wait the same hour. Results are kept 24 h:
resume by id after a ``JobTimeoutError``, or pass ``timeout=math.inf`` to wait for ever."""


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


def wait_timeout(timeout: object) -> float:
    """The seconds a wait may last: ``DEFAULT_WAIT_TIMEOUT`` for None; ``math.inf`` waits for ever."""
    if timeout is None:
        return DEFAULT_WAIT_TIMEOUT
    seconds = math.nan
    if isinstance(timeout, int | float) and not isinstance(timeout, bool):
        try:
            seconds = float(timeout)
        except OverflowError:  # an int too large for a float
            seconds = math.inf if timeout > 0 else -math.inf
    if not seconds >= 0:  # also NaN and what is not a number
        rule = (
            f"must be a number of seconds >= 0 (None: the default, {DEFAULT_WAIT_TIMEOUT / 60:g} minutes; "
            "math.inf: no deadline)"
        )
        raise ValidationError("timeout", timeout, rule)
    return seconds


MAX_BACKOFF = 100.0
"""A larger ``backoff`` is taken as this: it reaches the interval's cap (``MAX_INTERVAL``) at the second poll all
the same."""


def wait_backoff(backoff: object) -> float:
    """The factor each interval grows by: a number >= 0 (1 or less: a steady interval; past ``MAX_BACKOFF``, as
    ``MAX_BACKOFF``, infinity included)."""
    if isinstance(backoff, bool) or not isinstance(backoff, int | float) or not backoff >= 0:  # NaN too
        shown = backoff if backoff is None or isinstance(backoff, int | float) else type(backoff).__name__
        raise ValidationError("backoff", shown, "must be a number >= 0 (1 or less: a steady interval)")
    return float(min(backoff, MAX_BACKOFF))  # min first: an int past a float's range cannot be converted


def progress_callback(on_progress: object) -> None:
    """``on_progress`` is called after every poll: refused now if it cannot be, not after the first poll."""
    if on_progress is not None and not callable(on_progress):
        raise ValidationError(
            "on_progress", type(on_progress).__name__, "must be a function taking a JobStatus, or None"
        )


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
    begin: float | None = None,
    poll_timeout: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Flow[T]:
    """Poll until the job is done; return its result.

    ``timeout`` (seconds; None: ``DEFAULT_WAIT_TIMEOUT``; ``math.inf``: none) counts from ``begin`` (a
    ``clock()`` time; default: now). ``poll_timeout`` bounds each poll (its retries included) as well.

    A ``poll`` with a sink (``save``) downloads the result in its last poll, under the same deadlines: a
    download that still breaks after its retries raises its ``APIConnectionError`` (or ``APITimeoutError``),
    or ``JobTimeoutError`` (chaining it) when the wait's deadline is what stopped the retries.
    """
    backoff = wait_backoff(backoff)
    progress_callback(on_progress)
    begin = clock() if begin is None else begin
    deadline = begin + wait_timeout(timeout)
    origin = started if started is not None else begin
    polls = failures = 0
    last_error: Exception | None = None
    step = interval
    delay = first_check_delay(started, clock(), interval)
    while True:
        remaining = deadline - clock()
        if delay > remaining or remaining <= 0:  # the next poll would come too late: end at the deadline
            if remaining > 0:
                yield Sleep(remaining)
            waited = clock() - begin
            raise JobTimeoutError(kind, job_id, waited, last_error=last_error, polled=polls > 0) from last_error
        if delay > 0:
            yield Sleep(delay)
        polls += 1
        poll_deadline = _poll_deadline(deadline, poll_timeout, clock)
        try:
            outcome = yield from call_flow(poll, policy, deadline=poll_deadline, clock=clock)
        except _TRANSIENT as exc:
            if poll.sink is not None and poll.sink.began:
                # The job is done: its result's download broke off, and call_flow fetched it again as long as
                # the policy and the deadline allowed. Not a failed poll: polling on would not mend it.
                if clock() >= deadline or (poll_deadline == deadline and exc.attempts <= policy.max_retries):
                    # Stopped by the wait's deadline, not by the retries running out.
                    raise JobTimeoutError(kind, job_id, clock() - begin, last_error=exc) from exc
                raise
            if isinstance(exc, RateLimitError):
                if rate_limit_wait(exc.headers.get("retry-after")) > RESULT_RETENTION_SECONDS:
                    raise  # the result would be gone (kept 24 h) before the lockout ended: no wait can end well
            else:
                failures += 1
                if failures >= MAX_FAILED_POLLS:
                    raise
            last_error = exc
            state = "retrying"
        else:
            failures = 0
            last_error = None
            if isinstance(outcome, Done):
                _report(on_progress, JobStatus(job_id, kind, "done", clock() - origin, polls))
                return outcome.result
            state = outcome.status
        _report(on_progress, JobStatus(job_id, kind, state, clock() - origin, polls))
        step = interval if polls == 1 else min(max(MAX_INTERVAL, interval), max(interval, step * backoff))
        delay = step
        if isinstance(last_error, RateLimitError):
            # Every request inside the lockout is refused: the next poll comes after it, whatever the interval.
            delay = max(step, rate_limit_wait(last_error.headers.get("retry-after")))


def _poll_deadline(deadline: float, poll_timeout: float | None, clock: Callable[[], float]) -> float | None:
    if poll_timeout is not None:
        deadline = min(deadline, clock() + poll_timeout)
    return deadline if math.isfinite(deadline) else None


def _report(on_progress: Callable[[JobStatus], Any] | None, status: JobStatus) -> None:
    if on_progress is not None:
        on_progress(status)
