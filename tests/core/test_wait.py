"""``_polling``: ``first_check_delay``, ``wait_timeout`` and every decision of ``wait_flow`` (the first check,
the schedule and its backoff, progress reports, failed polls, lockouts, the deadline and each poll's own),
driven by scripted answers on a fake clock. ``tests/test_polling.py`` holds the lockout and deadline scenarios
of issue 13; these are the exact, branch-by-branch layer under them."""

from __future__ import annotations

import json
import math
import typing
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stability
from stability._core.flow import Answer, Failure, Operation, Request
from stability._core.polling import (
    DEFAULT_INTERVAL,
    DEFAULT_WAIT_TIMEOUT,
    FIRST_CHECK,
    MAX_FAILED_POLLS,
    MAX_INTERVAL,
    Done,
    JobKind,
    JobStatus,
    Pending,
    first_check_delay,
    wait_flow,
    wait_timeout,
)
from stability._core.retry import RetryPolicy
from tests.core._script import SENT, START, Script, Sent, error_answer, fast, wrong

JOB = "j" * 64
NO_RETRIES = RetryPolicy(max_retries=0)
EPSILON = 1e-9  # sleeping ``deadline - now`` seconds lands on the deadline give or take a rounding


def _parse(answer: Answer) -> Any:
    if answer.status == 202:
        return Pending(json.loads(answer.content)["status"])
    return Done(answer.content)


POLL: Operation[Any] = Operation("get_result", charged=False, build=lambda: Request({}), parse=_parse, job_result=True)


def running(status: str = "in-progress") -> Answer:
    return Answer(202, {}, json.dumps({"id": JOB, "status": status}).encode())


DONE = Answer(200, {}, b"the result")
UNAVAILABLE = error_answer(503)


def wait(script: Script, **options: Any) -> Any:
    """Drive a wait; ``policy`` defaults to no retries, so one poll is one request."""
    options.setdefault("interval", 10.0)
    options.setdefault("timeout", math.inf)
    options.setdefault("started", None)
    options.setdefault("policy", NO_RETRIES)
    return script.run(wait_flow(POLL, job_id=JOB, kind="upscale", clock=script.clock, **options))


def reports(script: Script, **options: Any) -> tuple[Any, list[JobStatus]]:
    seen: list[JobStatus] = []
    return wait(script, on_progress=seen.append, **options), seen


# ------------------------------------------------------------------------------------------- the pure helpers


FIRST_CHECKS = [
    (None, 5.0, 10.0, 0.0),  # resumed: at once
    (100.0, 100.0, 10.0, FIRST_CHECK),  # just started
    (100.0, 100.5, 10.0, 1.5),
    (100.0, 102.0, 10.0, 0.0),
    (100.0, 500.0, 10.0, 0.0),  # long ago: never negative
    (100.0, 100.0, 0.5, 0.5),  # an interval shorter than the first check
    (100.0, 99.0, 10.0, 3.0),  # started "in the future" (clock skew between callers): waits the difference
]


def test_first_check_delay() -> None:
    assert wrong(first_check_delay, FIRST_CHECKS) == []


WAIT_TIMEOUTS = [
    (None, DEFAULT_WAIT_TIMEOUT),
    (0, 0.0),
    (0.0, 0.0),
    (5, 5.0),
    (2.5, 2.5),
    (math.inf, math.inf),
    (10**400, math.inf),  # an int too large for a float
]


def test_wait_timeout() -> None:
    assert wrong(wait_timeout, WAIT_TIMEOUTS) == []


def test_a_timeout_that_is_not_seconds_is_a_validation_error() -> None:
    for timeout in [-0.1, -(10**400), math.nan, -math.inf, "5", b"5", True, False, [], object()]:
        with pytest.raises(stability.ValidationError) as caught:
            wait_timeout(timeout)
        assert caught.value.field == "timeout" and caught.value.value is timeout, timeout
        assert "30 minutes" in caught.value.rule


def test_the_documented_constants() -> None:
    assert DEFAULT_INTERVAL == dict.fromkeys(typing.get_args(JobKind), 10.0)
    assert (FIRST_CHECK, MAX_INTERVAL, MAX_FAILED_POLLS, DEFAULT_WAIT_TIMEOUT) == (2.0, 30.0, 5, 1800.0)


def test_a_job_status_is_done_only_when_done() -> None:
    assert JobStatus(JOB, "upscale", "done", 1.0, 1).done
    assert not JobStatus(JOB, "upscale", "in-progress", 1.0, 1).done
    assert not JobStatus(JOB, "upscale", "retrying", 1.0, 1).done


# ------------------------------------------------------------------------------------------- the first check


def test_a_new_job_is_first_checked_soon_after_it_started() -> None:
    script = Script([DONE])
    result, seen = reports(script, started=START)
    assert result == b"the result"
    assert script.trace == [("sleep", FIRST_CHECK), ("send", 200)]
    assert seen == [JobStatus(JOB, "upscale", "done", FIRST_CHECK, 1)]


def test_a_job_started_a_moment_ago_is_checked_when_the_first_check_is_due() -> None:
    script = Script([DONE])
    wait(script, started=START - 0.5)
    assert script.sleeps == [1.5]


def test_a_resumed_job_is_checked_at_once() -> None:
    script = Script([DONE])
    result, seen = reports(script, started=None)
    assert result == b"the result" and script.trace == [("send", 200)]
    assert seen == [JobStatus(JOB, "upscale", "done", 0.0, 1)]


def test_an_old_job_is_checked_at_once_and_its_elapsed_time_counts_from_its_start() -> None:
    script = Script([running(), DONE])
    _, seen = reports(script, started=START - 100.0)
    assert script.trace == [("send", 202), ("sleep", 10.0), ("send", 200)]
    assert [s.elapsed for s in seen] == [100.0, 110.0]


# ------------------------------------------------------------------------------------------- the schedule


def test_polls_come_every_interval_and_each_is_reported() -> None:
    script = Script([running(), running("queued"), DONE])
    result, seen = reports(script, interval=7.0)
    assert result == b"the result"
    assert script.trace == [("send", 202), ("sleep", 7.0), ("send", 202), ("sleep", 7.0), ("send", 200)]
    assert [(s.state, s.elapsed, s.polls) for s in seen] == [
        ("in-progress", 0.0, 1),
        ("queued", 7.0, 2),
        ("done", 14.0, 3),
    ]


def test_the_backoff_grows_the_interval_up_to_the_cap() -> None:
    script = Script([running()] * 6 + [DONE])
    wait(script, interval=5.0, backoff=2.0)
    assert script.sleeps == [5.0, 10.0, 20.0, MAX_INTERVAL, MAX_INTERVAL, MAX_INTERVAL]


def test_a_backoff_below_one_never_shrinks_the_interval() -> None:
    script = Script([running()] * 3 + [DONE])
    wait(script, interval=8.0, backoff=0.5)
    assert script.sleeps == [8.0, 8.0, 8.0]


def test_an_interval_above_the_cap_is_kept_with_a_backoff() -> None:
    script = Script([running()] * 3 + [DONE])
    wait(script, interval=40.0, backoff=3.0)
    assert script.sleeps == [40.0, 40.0, 40.0]


def test_without_on_progress_nothing_is_reported() -> None:
    assert wait(Script([running(), DONE])) == b"the result"


# ------------------------------------------------------------------------------------------- failed polls


@pytest.mark.parametrize(
    "failed",
    [UNAVAILABLE, error_answer(500), error_answer(520), SENT, Failure("connect", "refused", timeout=True)],
    ids=["503", "500", "520", "dropped", "connect_timeout"],
)
def test_a_failed_poll_is_reported_as_retrying_and_polling_goes_on(failed: Answer | Failure) -> None:
    script = Script([failed, DONE])
    result, seen = reports(script)
    assert result == b"the result"
    assert [s.state for s in seen] == ["retrying", "done"]
    assert script.sleeps == [10.0]


def test_a_poll_retries_by_the_policy_before_it_counts_as_failed(jitter: Any) -> None:
    script = Script([UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, DONE])
    _, seen = reports(script, policy=RetryPolicy(max_retries=2))
    assert script.trace == [
        ("send", 503),
        ("sleep", 0.5),
        ("send", 503),
        ("sleep", 1.0),
        ("send", 503),
        ("sleep", 10.0),
        ("send", 200),
    ]
    assert [(s.state, s.polls) for s in seen] == [("retrying", 1), ("done", 2)]


def test_the_fifth_failed_poll_in_a_row_raises_its_error() -> None:
    script = Script([UNAVAILABLE] * (MAX_FAILED_POLLS - 1) + [error_answer(502, "last")])
    with pytest.raises(stability.ServerError) as caught:
        wait(script)
    assert caught.value.name == "last" and len(script.sends) == MAX_FAILED_POLLS
    script = Script([SENT] * MAX_FAILED_POLLS)
    with pytest.raises(stability.APIConnectionError):
        wait(script)


def test_a_poll_that_answers_resets_the_failure_count() -> None:
    failing = [UNAVAILABLE] * (MAX_FAILED_POLLS - 1)
    script = Script([*failing, running(), *failing, DONE])
    assert wait(script) == b"the result"


def test_a_lockout_neither_counts_as_a_failed_poll_nor_resets_the_count() -> None:
    failing = [UNAVAILABLE] * (MAX_FAILED_POLLS - 1)
    assert wait(Script([*failing, *[error_answer(429)] * 20, DONE])) == b"the result"
    # The failures around a lockout are still "in a row".
    script = Script([*failing, error_answer(429), UNAVAILABLE, DONE])
    with pytest.raises(stability.ServerError):
        wait(script)


@pytest.mark.parametrize(
    ("answer", "cls"),
    [
        (error_answer(404), stability.JobNotFoundError),
        (error_answer(400), stability.BadRequestError),
        (error_answer(401), stability.AuthenticationError),
        (Answer(200, {}, b"", truncated=True), stability.MalformedResponseError),
    ],
)
def test_an_error_that_says_nothing_about_a_transient_state_ends_the_wait(answer: Answer, cls: type[Exception]) -> None:
    script = Script([running(), answer])
    with pytest.raises(cls):
        wait(script)
    assert len(script.sends) == 2


def test_a_poll_whose_answer_cannot_be_read_ends_the_wait() -> None:
    script = Script([Answer(202, {}, b"not json")])
    with pytest.raises(stability.MalformedResponseError):
        wait(script)


# ------------------------------------------------------------------------------------------- lockouts (429)


def test_after_a_lockout_the_next_poll_waits_it_out() -> None:
    script = Script([error_answer(429), DONE])
    _, seen = reports(script)
    assert script.sleeps == [60.0] and [s.state for s in seen] == ["retrying", "done"]
    script = Script([error_answer(429, retry_after="25"), DONE])
    wait(script)
    assert script.sleeps == [25.0]


def test_a_lockout_shorter_than_the_interval_waits_the_interval() -> None:
    script = Script([error_answer(429, retry_after="5"), DONE])
    wait(script, interval=90.0)
    assert script.sleeps == [90.0]


def test_a_lockout_shorter_than_the_grown_interval_waits_the_interval() -> None:
    script = Script([running(), running(), error_answer(429, retry_after="1"), DONE])
    wait(script, interval=5.0, backoff=2.0)
    assert script.sleeps == [5.0, 10.0, 20.0]


def test_after_a_lockout_the_schedule_resumes() -> None:
    script = Script([running(), error_answer(429, retry_after="40"), running(), DONE])
    wait(script, interval=10.0)
    assert script.sleeps == [10.0, 40.0, 10.0]


@pytest.mark.parametrize(("retry_after", "waits"), [("86400", True), ("86401", False)])
def test_a_lockout_longer_than_results_are_kept_raises_its_rate_limit_error(retry_after: str, waits: bool) -> None:
    script = Script([error_answer(429, retry_after=retry_after), DONE])
    if waits:
        assert wait(script) == b"the result" and script.sleeps == [86400.0]
    else:
        with pytest.raises(stability.RateLimitError) as caught:
            wait(script)
        assert caught.value.retry_after == 86401.0 and len(script.sends) == 1


# ------------------------------------------------------------------------------------------- the deadline


def test_a_zero_timeout_raises_at_once_without_a_poll() -> None:
    script = Script([DONE])
    with pytest.raises(stability.JobTimeoutError) as caught:
        wait(script, timeout=0)
    assert script.steps == [] and caught.value.waited == 0.0 and caught.value.last_error is None


def test_the_wait_sleeps_to_its_deadline_rather_than_poll_after_it() -> None:
    script = Script([running()] * 10)
    with pytest.raises(stability.JobTimeoutError) as caught:
        wait(script, timeout=25.0)
    assert script.trace == [
        ("send", 202),
        ("sleep", 10.0),
        ("send", 202),
        ("sleep", 10.0),
        ("send", 202),
        ("sleep", 5.0),
    ]
    assert script.clock.now == START + 25.0 and caught.value.waited == 25.0
    assert caught.value.kind == "upscale" and caught.value.job_id == JOB


def test_a_poll_due_exactly_at_the_deadline_is_made() -> None:
    script = Script([running(), DONE])
    assert wait(script, timeout=10.0) == b"the result"
    assert script.sends[-1].at == START + 10.0


def test_a_first_check_past_the_deadline_is_not_made() -> None:
    script = Script([DONE])
    with pytest.raises(stability.JobTimeoutError, match="no poll was due before the deadline") as caught:
        wait(script, started=START, timeout=1.0)
    assert script.trace == [("sleep", 1.0)]
    assert "still running" not in str(caught.value)  # nobody asked


def test_the_deadline_counts_from_begin() -> None:
    # Begun 8 s ago with 10 s to wait: 2 s left, so the 10 s interval is not waited out.
    script = Script([running(), DONE])
    with pytest.raises(stability.JobTimeoutError) as caught:
        wait(script, timeout=10.0, begin=START - 8.0)
    assert script.sleeps == [2.0] and caught.value.waited == 10.0


def test_a_begin_past_the_deadline_raises_without_a_poll() -> None:
    script = Script([DONE])
    with pytest.raises(stability.JobTimeoutError):
        wait(script, timeout=5.0, begin=START - 6.0)
    assert script.steps == []


def test_the_timeout_error_chains_the_last_failed_poll() -> None:
    script = Script([running(), UNAVAILABLE, UNAVAILABLE])
    with pytest.raises(stability.JobTimeoutError) as caught:
        wait(script, timeout=25.0)
    assert isinstance(caught.value.__cause__, stability.ServerError)
    assert caught.value.last_error is caught.value.__cause__


def test_each_poll_is_sent_with_the_waits_deadline() -> None:
    script = Script([running(), DONE])
    wait(script, timeout=100.0)
    assert [s.send.deadline for s in script.sends] == [START + 100.0] * 2


def test_without_a_deadline_a_poll_has_none() -> None:
    script = Script([running(), DONE])
    wait(script, timeout=math.inf)
    assert [s.send.deadline for s in script.sends] == [None, None]


def test_poll_timeout_bounds_each_poll() -> None:
    script = Script([running(), DONE])
    wait(script, timeout=math.inf, poll_timeout=3.0)
    assert [s.send.deadline for s in script.sends] == [START + 3.0, START + 13.0]
    script = Script([running(), DONE])
    wait(script, timeout=12.0, poll_timeout=3.0)
    assert [s.send.deadline for s in script.sends] == [START + 3.0, START + 12.0]


def test_a_poll_whose_retries_would_pass_the_poll_timeout_counts_as_failed(jitter: Any) -> None:
    script = Script([UNAVAILABLE, DONE], send_cost=2.0)
    _, seen = reports(script, policy=RetryPolicy(), poll_timeout=2.4)
    assert script.trace == [("send", 503), ("sleep", 10.0), ("send", 200)]
    assert [s.state for s in seen] == ["retrying", "done"]


def test_the_default_timeout_is_half_an_hour() -> None:
    script = Script(lambda now: running())
    with pytest.raises(stability.JobTimeoutError) as caught:
        wait(script, timeout=None, interval=30.0)
    assert script.clock.now == START + DEFAULT_WAIT_TIMEOUT and caught.value.waited == DEFAULT_WAIT_TIMEOUT


# ------------------------------------------------------------------------------------------- properties

poll_answers = st.sampled_from(
    [running(), running(), running(), DONE, UNAVAILABLE, SENT, error_answer(429), error_answer(429, retry_after="7")]
)


@fast(30)
@given(
    st.lists(poll_answers, min_size=1, max_size=30),
    st.floats(0.0, 400.0),
    st.floats(0.5, 60.0),
    st.floats(0.5, 3.0),
    st.none() | st.floats(0.0, 5.0),
    st.floats(0.0, 4.0),
    st.integers(0, 2),
)
def test_a_wait_never_sleeps_past_its_deadline_and_never_polls_without_sleeping(
    script_answers: list[Answer | Failure],
    timeout: float,
    interval: float,
    backoff: float,
    started_ago: float | None,
    cost: float,
    retries: int,
) -> None:
    deadline = START + timeout
    script = Script(script_answers + [DONE] * 500, send_cost=cost, max_steps=5_000)
    seen: list[JobStatus] = []
    started = None if started_ago is None else START - started_ago
    try:
        result = wait(
            script,
            timeout=timeout,
            interval=interval,
            backoff=backoff,
            started=started,
            policy=RetryPolicy(max_retries=retries),
            on_progress=seen.append,
        )
    except stability.JobTimeoutError as exc:
        assert exc.waited <= timeout + EPSILON
        assert exc.last_error is exc.__cause__
    except (stability.ServerError, stability.APIConnectionError, stability.RateLimitError):
        pass  # too many failed polls in a row
    else:
        assert result == b"the result" and seen[-1].done
    # Never past the deadline: not while sleeping, not while a poll is answered (the driver cuts it there).
    assert script.clock.now <= deadline + EPSILON
    for step in script.steps:
        if isinstance(step, Sent):
            assert step.send.deadline == deadline
        else:
            assert step.at + step.seconds <= deadline + EPSILON
    # Every poll but a resumed job's first comes after a sleep; polls are reported in order.
    for earlier, later in zip(script.steps, script.steps[1:], strict=False):
        if isinstance(earlier, Sent) and isinstance(later, Sent):
            raise AssertionError(f"two requests without a sleep between them: {script.trace}")
    if script.steps and isinstance(script.steps[0], Sent):
        assert started is None or START - started >= min(FIRST_CHECK, interval)
    assert [s.polls for s in seen] == list(range(1, len(seen) + 1))
