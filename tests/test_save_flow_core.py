"""``job.save()``'s download inside the flow, without sockets: the poll of a job with a sink is driven step by
step with scripted outcomes on a fake clock. A download that breaks is a ``Failure`` that ``call_flow`` fetches
again by the GET policy; the wait's deadline covers the polls and the download."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import stability
from stability._core.flow import Answer, Failure, Outcome, Send, Sleep
from stability._core.polling import wait_flow
from stability._core.retry import RetryPolicy
from stability._operations import jobs as ops

JOB_ID = "b" * 64
VIDEO = {"content-type": "video/mp4"}
SAVED = Path("/nowhere/clip.mp4")


class Script:
    """A driver of scripted outcomes: every Sleep moves the clock, every Send gets the next outcome."""

    def __init__(self, *outcomes: Callable[[Send], Outcome]) -> None:
        self.outcomes = list(outcomes)
        self.now = 1000.0
        self.sends: list[Send] = []
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def run(self, flow: Any) -> Any:
        outcome: Outcome = None
        try:
            while True:
                step = flow.send(outcome)
                if isinstance(step, Sleep):
                    self.sleeps.append(step.seconds)
                    self.now += step.seconds
                    outcome = None
                else:
                    self.sends.append(step)
                    outcome = self.outcomes.pop(0)(step)
        except StopIteration as done:
            return done.value


def running(step: Send) -> Outcome:
    return Answer(
        202, {"content-type": "application/json"}, json.dumps({"id": JOB_ID, "status": "in-progress"}).encode()
    )


def broken(step: Send) -> Outcome:
    """A 200 whose body is cut short, as the drivers report it."""
    assert step.sink is not None and step.sink.accepts(VIDEO)
    return Failure(kind="sent", message="the body was cut short: the MP4 video is cut short")


def timed_out(step: Send) -> Outcome:
    assert step.sink is not None and step.sink.accepts(VIDEO)
    return Failure(kind="sent", message="timed out: the whole call's timeout passed", timeout=True)


def saved(step: Send) -> Outcome:
    assert step.sink is not None and step.sink.accepts(VIDEO)
    return Answer(200, VIDEO, b"", saved=SAVED)


def save_flow(script: Script, *, timeout: float = 600.0, poll_timeout: float | None = None, retries: int = 2) -> Any:
    sink = ops.ResultSink("image_to_video", SAVED, path=SAVED, overwrite=False)
    return wait_flow(
        ops.job_result("image_to_video", JOB_ID, sink=sink),
        job_id=JOB_ID,
        kind="image_to_video",
        policy=RetryPolicy(max_retries=retries),
        interval=10.0,
        timeout=timeout,
        started=None,
        begin=script.clock(),
        poll_timeout=poll_timeout,
        clock=script.clock,
    )


def _backoffs(count: int) -> Iterator[tuple[float, float]]:
    """The bounds of the jittered GET retry waits after attempts 1..count (base 0.5 s, doubling)."""
    for attempt in range(1, count + 1):
        full = 0.5 * 2.0 ** (attempt - 1)
        yield full / 2, full


def test_a_download_that_breaks_twice_then_succeeds_is_retried_by_the_flow() -> None:
    script = Script(broken, broken, saved)
    assert script.run(save_flow(script)) == SAVED
    assert len(script.sends) == 3 and all(send.sink is not None for send in script.sends)
    assert len(script.sleeps) == 2  # the flow's retry waits: no poll interval, no loop of its own
    assert all(low <= slept <= high for slept, (low, high) in zip(script.sleeps, _backoffs(2), strict=True))
    deadlines = {send.deadline for send in script.sends}
    assert deadlines == {1000.0 + 600.0}  # one deadline for the wait and every download attempt


def test_polls_then_a_broken_download_then_success() -> None:
    script = Script(running, running, broken, saved)
    assert script.run(save_flow(script)) == SAVED
    assert len(script.sends) == 4
    assert script.sleeps[:2] == [10.0, 10.0] and len(script.sleeps) == 3


def test_a_download_that_breaks_past_max_retries_raises_api_connection_error() -> None:
    script = Script(broken, broken, broken, saved)
    with pytest.raises(stability.APIConnectionError) as caught:
        script.run(save_flow(script))
    assert caught.value.attempts == 3 and len(script.sends) == 3 and len(script.sleeps) == 2
    assert "cut short" in str(caught.value)
    assert not isinstance(caught.value, stability.APITimeoutError)


def test_no_retries_means_one_download() -> None:
    script = Script(broken, saved)
    with pytest.raises(stability.APIConnectionError) as caught:
        script.run(save_flow(script, retries=0))
    assert caught.value.attempts == 1 and len(script.sends) == 1 and script.sleeps == []


def test_a_retry_that_would_end_past_the_wait_deadline_raises_job_timeout() -> None:
    script = Script(broken, saved)
    with pytest.raises(stability.JobTimeoutError) as caught:
        script.run(save_flow(script, timeout=0.1))  # every retry wait is at least 0.25 s
    assert len(script.sends) == 1 and script.sleeps == []
    assert isinstance(caught.value.__cause__, stability.APIConnectionError)
    assert caught.value.last_error is caught.value.__cause__


def test_a_download_cut_by_the_wait_deadline_raises_job_timeout() -> None:
    def timed_out_at_the_deadline(step: Send) -> Outcome:
        assert step.deadline is not None
        script.now = step.deadline  # the driver gave up when the time was up
        return timed_out(step)

    script = Script(running, timed_out_at_the_deadline, saved)
    with pytest.raises(stability.JobTimeoutError) as caught:
        script.run(save_flow(script, timeout=15.0))
    assert len(script.sends) == 2 and script.sleeps == [10.0]
    assert isinstance(caught.value.__cause__, stability.APITimeoutError)


def test_a_download_cut_by_the_client_timeout_is_not_the_wait_timing_out() -> None:
    # The client's timeout (poll_timeout) is nearer than the wait's deadline: its error is raised as is.
    script = Script(timed_out, saved)
    with pytest.raises(stability.APITimeoutError) as caught:
        script.run(save_flow(script, poll_timeout=0.1))
    assert not isinstance(caught.value, stability.JobTimeoutError) and len(script.sends) == 1


def test_a_broken_poll_before_the_download_is_still_a_poll_failure() -> None:
    # No 200 yet: a broken poll is a failed poll (polling goes on), not a broken download.
    def broken_poll(step: Send) -> Outcome:
        return Failure(kind="sent", message="connection failed: RemoteProtocolError")

    script = Script(broken_poll, broken_poll, broken_poll, saved)
    assert script.run(save_flow(script)) == SAVED
    assert len(script.sends) == 4 and script.sleeps[-1] == 10.0  # retries, then the next poll
