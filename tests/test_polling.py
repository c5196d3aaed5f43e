"""The poll schedule (``_polling.wait_flow``) and the retry decisions (``_retry``) as pure functions: driven
step by step on a fake clock, with no sockets and no real sleeping."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import stability
from stability._core.flow import Answer, Failure, Operation, Outcome, Request
from stability._core.polling import Done, Pending, wait_flow
from stability._core.retry import RetryPolicy, retry_delay
from tests.core._script import Script

JOB_ID = "a" * 64
LOCKOUT = 60.0


def _parse(answer: Answer) -> Any:
    if answer.status == 202:
        return Pending("in-progress")
    return Done(answer.content)


POLL: Operation[Any] = Operation(
    "get_upscale_result", charged=False, build=lambda: Request({}), parse=_parse, job_result=True
)

RUNNING = Answer(
    202, {"content-type": "application/json"}, json.dumps({"id": JOB_ID, "status": "in-progress"}).encode()
)
DONE = Answer(200, {"content-type": "image/png"}, b"the result")


def rate_limited(retry_after: str | None = None) -> Answer:
    headers = {"content-type": "application/json"}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    return Answer(429, headers, b'{"id": "x", "name": "rate_limit_exceeded", "errors": ["timed out for 60 seconds"]}')


UNAVAILABLE = Answer(503, {"content-type": "application/json"}, b'{"id": "x", "name": "unavailable", "errors": ["no"]}')
BROKEN = Failure(kind="sent", message="connection failed: RemoteProtocolError: peer closed connection")


class Run:
    """A wait on ``tests/core``'s scripted driver: every Sleep moves the clock, every Send gets the answer for the
    clock's time (and costs ``send_cost``); ``sends`` are the requests' clock times."""

    def __init__(self, answers: Callable[[float], Outcome], *, send_cost: float = 0.0, max_steps: int = 20_000):
        self._script = Script(answers, send_cost=send_cost, max_steps=max_steps)  # type: ignore[arg-type]
        self.clock = self._script.clock

    @property
    def sends(self) -> list[float]:
        return [sent.at for sent in self._script.sends]

    @property
    def sleeps(self) -> list[float]:
        return self._script.sleeps

    def __call__(self, **options: Any) -> Any:
        options.setdefault("interval", 10.0)
        options.setdefault("started", None)
        options.setdefault("timeout", math.inf)
        policy = options.pop("policy", RetryPolicy())
        flow = wait_flow(POLL, job_id=JOB_ID, kind="upscale", policy=policy, clock=self.clock, **options)
        return self._script.run(flow)


def scripted(*outcomes: Outcome, then: Outcome = DONE) -> Callable[[float], Outcome]:
    queue: Iterator[Outcome] = iter(outcomes)
    return lambda now: next(queue, then)


# ------------------------------------------------------------------------------------ the 60 s lockout (429)


def test_a_429_without_retry_after_waits_the_documented_lockout() -> None:
    assert retry_delay(RetryPolicy(), charged=False, attempt=1, status=429) == LOCKOUT
    assert retry_delay(RetryPolicy(), charged=True, attempt=2, status=429) == LOCKOUT  # refused: not charged
    assert retry_delay(RetryPolicy(), charged=False, attempt=1, status=429, retry_after="7") == 7.0
    # max_retry_after applies to the lockout as to any Retry-After: below 60 s the error is raised at once.
    assert retry_delay(RetryPolicy(max_retry_after=30), charged=False, attempt=1, status=429) is None
    assert retry_delay(RetryPolicy(max_retries=0), charged=False, attempt=1, status=429) is None
    # Other statuses keep the short backoff.
    assert retry_delay(RetryPolicy(), charged=False, attempt=1, status=503, rand=1.0) == 0.5


def test_polling_inside_the_lockout_sends_one_request_per_lockout_and_never_fails_the_job() -> None:
    # The key is locked out for 10 minutes (the service keeps refusing): every answer in that window is a 429
    # without Retry-After. The wait neither fails nor hammers: one poll per 60 s lockout, then the result.
    locked_until = 1000.0 + 600.0
    run = Run(lambda now: rate_limited() if now < locked_until else DONE)
    assert run(timeout=None) == b"the result"
    gaps = [later - earlier for earlier, later in zip(run.sends, run.sends[1:], strict=False)]
    assert all(gap >= LOCKOUT for gap in gaps), gaps
    assert len(run.sends) <= 600 / LOCKOUT + 2


def test_a_429_with_retry_after_is_followed_while_polling() -> None:
    run = Run(scripted(RUNNING, rate_limited("25"), rate_limited("25"), rate_limited("25"), RUNNING))
    assert run(interval=10.0) == b"the result"
    # The poll's own retries wait 25 s each; after them the wait too sleeps 25 s, not its 10 s interval.
    assert run.sleeps == [10.0, 25.0, 25.0, 25.0, 10.0]


def test_lockouts_do_not_count_toward_the_failed_polls_limit() -> None:
    # 3 failed polls (of 3 attempts each), 10 polls refused by a lockout, 1 more failed poll: 4 failures < 5.
    answers = [UNAVAILABLE] * 3 * 3 + [rate_limited()] * 3 * 10 + [UNAVAILABLE] * 3
    run = Run(scripted(*answers))
    assert run(policy=RetryPolicy(base_delay=0.0)) == b"the result"


# ------------------------------------------------------------------------------------ the wait's deadline


def test_a_long_retry_after_does_not_carry_the_wait_past_its_timeout() -> None:
    # Issue 13 item 10: 429 Retry-After: 20 made wait(timeout=2) take 40 s.
    run = Run(lambda now: rate_limited("20"))
    with pytest.raises(stability.JobTimeoutError) as caught:
        run(timeout=2.0, interval=0.5)
    assert run.clock.now - 1000.0 <= 2.0 + 0.5
    assert isinstance(caught.value.__cause__, stability.RateLimitError)


def test_slow_failing_polls_do_not_carry_the_wait_past_its_timeout() -> None:
    # Every poll takes 3 s to fail and is retried: each retry must fit before the deadline, or not be made.
    run = Run(lambda now: BROKEN, send_cost=3.0)
    with pytest.raises(stability.JobTimeoutError):
        run(timeout=10.0, interval=1.0, policy=RetryPolicy(max_retries=5, base_delay=2.0))
    assert run.clock.now - 1000.0 <= 10.0 + 1.0


def test_the_deadline_error_names_and_chains_the_last_failure() -> None:
    # Issue 13 item 13: every poll fails (a result download that always breaks); the job may be long done.
    run = Run(lambda now: BROKEN)
    with pytest.raises(stability.JobTimeoutError) as caught:
        run(timeout=25.0, interval=10.0, policy=RetryPolicy(max_retries=0))
    error = caught.value
    assert isinstance(error.__cause__, stability.APIConnectionError)
    assert error.last_error is error.__cause__
    assert "may have finished" in str(error) and "still running" not in str(error)
    assert "APIConnectionError" in str(error) and "RemoteProtocolError" in str(error)
    assert error.job_id == JOB_ID and "jobs.get" in str(error)


def test_the_deadline_error_says_still_running_when_the_last_poll_said_so() -> None:
    run = Run(scripted(UNAVAILABLE, then=RUNNING))
    with pytest.raises(stability.JobTimeoutError) as caught:
        run(timeout=35.0, policy=RetryPolicy(max_retries=0))
    assert caught.value.last_error is None and caught.value.__cause__ is None
    assert "still running" in str(caught.value)


def test_without_a_timeout_the_wait_ends_at_the_default_deadline() -> None:
    # Issue 13 item 14: an endless 202 with no timeout polled for ever.
    from stability._core.polling import DEFAULT_WAIT_TIMEOUT

    assert 20 * 60 <= DEFAULT_WAIT_TIMEOUT <= 2 * 3600
    run = Run(lambda now: RUNNING)
    with pytest.raises(stability.JobTimeoutError) as caught:
        run(timeout=None)
    assert run.clock.now - 1000.0 == pytest.approx(DEFAULT_WAIT_TIMEOUT)
    assert caught.value.waited == pytest.approx(DEFAULT_WAIT_TIMEOUT)


def test_an_infinite_timeout_waits_for_as_long_as_the_job_takes() -> None:
    hours = 3 * 3600.0
    run = Run(lambda now: RUNNING if now < 1000.0 + hours else DONE)
    assert run(timeout=math.inf, interval=30.0) == b"the result"
    assert run.clock.now - 1000.0 >= hours


@pytest.mark.parametrize(
    "timeout", [-1, math.nan, "60", True, -(10**400)], ids=["negative", "nan", "text", "bool", "huge_negative"]
)
def test_a_bad_timeout_is_a_validation_error(timeout: Any) -> None:
    run = Run(lambda now: RUNNING)
    with pytest.raises(stability.ValidationError) as caught:
        run(timeout=timeout)
    assert caught.value.field == "timeout" and run.sends == []


def test_a_long_poll_interval_is_not_shortened_by_the_backoff_cap() -> None:
    run = Run(scripted(RUNNING, RUNNING, RUNNING))
    run(interval=45.0, backoff=2.0)
    assert run.sleeps == [45.0, 45.0, 45.0]
