"""``call_flow``: one request with retries, driven by scripted outcomes on a fake clock. Every branch: success,
a success cut short, a parser that fails, retried and final answers, failures with and without an answer,
a charged request, the deadline, the error's attempts and body."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stability
from stability._core.flow import Answer, Failure, Request, call_flow
from stability._core.limits import KEPT_ERROR_BODY, MAX_JSON_BODY
from stability._core.retry import RetryPolicy
from tests.core._script import (
    CONNECT,
    CONNECT_TIMEOUT,
    OK,
    SENT,
    SENT_TIMEOUT,
    START,
    FakeClock,
    Script,
    ScriptExhausted,
    Sent,
    answer,
    error_answer,
    fast,
    operation,
)

POLICY = RetryPolicy()


def run(
    outcomes: Any,
    *,
    charged: bool = False,
    policy: RetryPolicy = POLICY,
    deadline: float | None = None,
    send_cost: float = 0.0,
    **options: Any,
) -> tuple[Script, Any]:
    """Drive one call; return the script (its record) and the result or the exception raised."""
    script = Script(outcomes, send_cost=send_cost)
    flow = call_flow(operation(charged=charged, **options), policy, deadline=deadline, clock=script.clock)
    try:
        return script, script.run(flow)
    except ScriptExhausted:
        raise
    except Exception as exc:
        return script, exc


# ------------------------------------------------------------------------------------------- success


def test_a_success_is_parsed_and_sent_once(jitter: Any) -> None:
    script, result = run([OK])
    assert result == b"the result"
    assert script.trace == [("send", 200)]
    send = script.sends[0].send
    assert send.request.kwargs == {"attempt": 1}
    assert send.deadline is None and send.max_body == MAX_JSON_BODY


def test_every_status_below_300_is_a_success() -> None:
    assert [run([answer(status, b"x")])[1] for status in (200, 201, 202, 204, 299)] == [b"x"] * 5


def test_the_send_carries_the_operations_bound_and_the_calls_deadline() -> None:
    script, _ = run([OK], deadline=START + 30.0, max_body=123)
    assert script.sends[0].send.deadline == START + 30.0
    assert script.sends[0].send.max_body == 123


def test_each_attempt_builds_a_fresh_request(jitter: Any) -> None:
    script, _ = run([error_answer(503), error_answer(503), OK])
    assert [sent.send.request.kwargs["attempt"] for sent in script.sends] == [1, 2, 3]
    assert len({id(sent.send.request) for sent in script.sends}) == 3


def test_the_result_is_whatever_parse_returns() -> None:
    assert run([answer(200, b'{"a": 1}')], parse=lambda a: ("parsed", a.status, a.content))[1] == (
        "parsed",
        200,
        b'{"a": 1}',
    )


def test_a_request_closes_its_files() -> None:
    import io

    files = [io.BytesIO(b"a"), io.BytesIO(b"b")]
    Request({}, files).close()
    assert all(handle.closed for handle in files)
    Request({}).close()  # none to close


def test_without_a_deadline_the_clock_is_never_read(jitter: Any) -> None:
    script, result = run([error_answer(503), SENT, OK])
    assert result == b"the result" and script.clock.reads == 0


# ------------------------------------------------------------------------------------------- a success that cannot be read


def test_a_success_cut_short_is_a_malformed_response_and_not_parsed_or_retried() -> None:
    parsed: list[Answer] = []
    cut = Answer(
        200, {"x-request-id": "r1", "content-type": "image/png"}, b"p" * (KEPT_ERROR_BODY + 10), truncated=True
    )
    script, error = run([cut], parse=parsed.append, max_body=1000, name="get_result")
    assert isinstance(error, stability.MalformedResponseError)
    assert parsed == [] and script.trace == [("send", 200)]
    assert error.status_code == 200 and error.attempts == 1 and error.request_id == "r1"
    assert error.body == b"p" * KEPT_ERROR_BODY
    assert "get_result" in str(error) and "1000 bytes" in str(error)


def test_a_success_cut_short_after_retries_counts_them(jitter: Any) -> None:
    cut = Answer(200, {}, b"", truncated=True)
    _, error = run([error_answer(502), cut])
    assert isinstance(error, stability.MalformedResponseError) and error.attempts == 2


@pytest.mark.parametrize(
    "raised",
    [
        ValueError("bad JSON"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
        KeyError("image"),
        IndexError("list index out of range"),
        TypeError("'NoneType' object is not subscriptable"),
        AttributeError("'int' object has no attribute 'get'"),
        OverflowError("int too large"),
        ZeroDivisionError("division by zero"),
        RecursionError("maximum recursion depth exceeded"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_a_parser_error_is_a_malformed_response_that_keeps_the_cause(raised: Exception) -> None:
    def parse(answer: Answer) -> Any:
        raise raised

    body = b"{" * (KEPT_ERROR_BODY + 1)
    script, error = run([Answer(200, {"X-Request-Id": "r2"}, body)], parse=parse, name="text_to_image")
    assert isinstance(error, stability.MalformedResponseError)
    assert error.__cause__ is raised and script.trace == [("send", 200)]
    assert str(error).startswith(
        f"200 malformed_response: the text_to_image answer could not be read: {type(raised).__name__}"
    )
    assert error.body == body[:KEPT_ERROR_BODY] and error.attempts == 1


def test_a_long_parser_message_is_shortened_to_500_characters() -> None:
    def parse(answer: Answer) -> Any:
        raise ValueError("x" * 501)

    _, error = run([OK], parse=parse)
    assert isinstance(error, stability.MalformedResponseError)
    reason = error.messages[0].split("ValueError: ", 1)[1]
    assert reason == "x" * 497 + "..."
    _, error = run([OK], parse=lambda a: (_ for _ in ()).throw(ValueError("y" * 500)))
    assert error.messages[0].endswith("ValueError: " + "y" * 500)


def test_a_stability_error_from_the_parser_passes_through_unchanged() -> None:
    raised = stability.GenerationFailedError("the generation failed", result=None)

    def parse(answer: Answer) -> Any:
        raise raised

    script, error = run([OK], parse=parse)
    assert error is raised and len(script.sends) == 1


def test_a_bug_in_the_parser_is_not_disguised_as_a_bad_answer() -> None:
    def parse(answer: Answer) -> Any:
        raise RuntimeError("a bug")

    _, error = run([OK], parse=parse)
    assert type(error) is RuntimeError


# ------------------------------------------------------------------------------------------- answers that are errors


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_read_is_retried_after_a_5xx_with_a_doubling_backoff(status: int, jitter: Any) -> None:
    script, result = run([error_answer(status), error_answer(status), OK])
    assert result == b"the result"
    assert script.trace == [("send", status), ("sleep", 0.5), ("send", status), ("sleep", 1.0), ("send", 200)]


def test_the_jitter_shortens_the_backoff_down_to_half(jitter: Callable[[float], None]) -> None:
    jitter(0.0)
    assert run([error_answer(503), error_answer(503), OK])[0].sleeps == [0.25, 0.5]


def test_retries_run_out_with_the_last_answers_error(jitter: Any) -> None:
    script, error = run([error_answer(503), error_answer(502), error_answer(500, "boom")])
    assert isinstance(error, stability.ServerError)
    assert error.status_code == 500 and error.name == "boom" and error.attempts == 3
    assert str(error).endswith("after 3 attempts")
    assert script.sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("status", "name", "cls"),
    [
        (400, "invalid_height_or_width", stability.BadRequestError),
        (401, "unauthorized", stability.AuthenticationError),
        (403, "content_moderation", stability.ContentModerationError),
        (404, "not_found", stability.NotFoundError),
        (413, "payload_too_large", stability.RequestTooLargeError),
        (422, "invalid_prompts", stability.UnprocessableEntityError),
        (501, "not_implemented", stability.ServerError),
        (520, "origin_error", stability.ServerError),
        (302, "found", stability.ServerError),
    ],
)
def test_an_answer_that_is_not_retried_is_raised_at_once(status: int, name: str, cls: type[Exception]) -> None:
    script, error = run([error_answer(status, name)])
    assert type(error) is cls and error.name == name and error.attempts == 1  # type: ignore[attr-defined]
    assert "attempts" not in str(error) and len(script.sends) == 1


def test_a_404_of_a_job_result_is_a_job_not_found_error() -> None:
    _, error = run([error_answer(404)], job_result=True)
    assert type(error) is stability.JobNotFoundError
    _, error = run([error_answer(404)], job_result=False)
    assert type(error) is stability.NotFoundError


def test_a_retry_after_is_waited_for(jitter: Any) -> None:
    script, result = run([error_answer(503, retry_after="3"), error_answer(429, retry_after="4.5"), OK])
    assert result == b"the result" and script.sleeps == [3.0, 4.5]


def test_the_retry_after_header_is_read_by_its_lowercase_name(jitter: Any) -> None:
    # The drivers hand over httpx.Headers (any case); a plain mapping must use the lower-case name.
    assert run([answer(503, retry_after="3"), OK])[0].sleeps == [3.0]


def test_a_429_without_retry_after_waits_the_lockout() -> None:
    script, result = run([error_answer(429), OK])
    assert result == b"the result" and script.sleeps == [60.0]


def test_a_retry_after_longer_than_the_policy_takes_raises_at_once() -> None:
    script, error = run([error_answer(503, retry_after="61")])
    assert isinstance(error, stability.ServerError) and error.attempts == 1 and script.sleeps == []
    script, error = run([error_answer(429, retry_after="3600")])
    assert isinstance(error, stability.RateLimitError) and error.retry_after == 3600.0


def test_max_retries_zero_sends_once(jitter: Any) -> None:
    for outcome in (error_answer(503), error_answer(429), CONNECT, SENT):
        script, error = run([outcome], policy=RetryPolicy(max_retries=0))
        assert isinstance(error, stability.StabilityError) and len(script.sends) == 1


def test_an_error_body_is_kept_up_to_its_bound() -> None:
    long = Answer(400, {}, b"x" * (KEPT_ERROR_BODY + 1))
    _, error = run([long])
    assert error.body == b"x" * KEPT_ERROR_BODY
    short = Answer(400, {}, b"y" * KEPT_ERROR_BODY)
    _, error = run([short])
    assert error.body == short.content


# ------------------------------------------------------------------------------------------- no answer


@pytest.mark.parametrize("failure", [CONNECT, SENT, CONNECT_TIMEOUT, SENT_TIMEOUT], ids=lambda f: f.message)
def test_a_read_is_retried_after_any_failure(failure: Failure, jitter: Any) -> None:
    script, result = run([failure, failure, OK])
    assert result == b"the result" and script.sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("failure", "cls"),
    [
        (CONNECT, stability.APIConnectionError),
        (SENT, stability.APIConnectionError),
        (CONNECT_TIMEOUT, stability.APITimeoutError),
        (SENT_TIMEOUT, stability.APITimeoutError),
    ],
    ids=lambda x: getattr(x, "message", ""),
)
def test_failures_that_run_out_of_retries_say_how_often(failure: Failure, cls: type[Exception], jitter: Any) -> None:
    _, error = run([failure] * 3, name="get_balance")
    assert type(error) is cls and error.attempts == 3  # type: ignore[attr-defined]
    assert str(error) == f"get_balance: {failure.message} after 3 attempts."


def test_a_single_failure_does_not_mention_attempts() -> None:
    _, error = run([SENT], policy=RetryPolicy(max_retries=0), name="list_engines")
    assert str(error) == f"list_engines: {SENT.message}." and error.attempts == 1


def test_a_failure_then_an_answer_is_reported_as_the_answer(jitter: Any) -> None:
    _, error = run([SENT, CONNECT, error_answer(400)])
    assert isinstance(error, stability.BadRequestError) and error.attempts == 3


def test_retries_are_logged(caplog: pytest.LogCaptureFixture, jitter: Any) -> None:
    with caplog.at_level(logging.INFO, logger="stability"):
        run([error_answer(503), SENT, OK], name="get_balance")
    assert [r.getMessage() for r in caplog.records] == [
        "get_balance attempt 1 failed (503); retrying in 0.50s",
        f"get_balance attempt 2 failed ({SENT.message}); retrying in 1.00s",
    ]


# ------------------------------------------------------------------------------------------- a charged request


def test_a_charged_request_is_sent_again_only_when_it_never_left_or_was_refused(jitter: Any) -> None:
    script, result = run([CONNECT, error_answer(429, retry_after="2"), OK], charged=True)
    assert result == b"the result" and script.trace == [
        ("send", "connect"),
        ("sleep", 0.5),
        ("send", 429),
        ("sleep", 2.0),
        ("send", 200),
    ]
    script, result = run([CONNECT_TIMEOUT, OK], charged=True)
    assert result == b"the result" and len(script.sends) == 2


@pytest.mark.parametrize("failure", [SENT, SENT_TIMEOUT], ids=["dropped", "read_timeout"])
def test_a_charged_request_that_may_have_been_processed_is_not_sent_again(failure: Failure) -> None:
    script, error = run([failure], charged=True, name="text_to_image")
    assert isinstance(error, stability.APIConnectionError) and error.attempts == 1
    assert len(script.sends) == 1
    assert str(error) == (
        f"text_to_image: {failure.message}. The request may have been processed (and charged), so it was not sent again."
    )


def test_the_may_have_been_charged_note_follows_retries(jitter: Any) -> None:
    _, error = run([CONNECT, SENT], charged=True, name="upscale")
    assert str(error).endswith(
        "after 2 attempts. The request may have been processed (and charged), so it was not sent again."
    )
    _, error = run([CONNECT] * 3, charged=True, name="upscale")
    assert "charged" not in str(error) and error.attempts == 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_charged_request_is_not_sent_again_after_a_5xx(status: int) -> None:
    script, error = run([error_answer(status, retry_after="1")], charged=True)
    assert isinstance(error, stability.ServerError) and len(script.sends) == 1


# ------------------------------------------------------------------------------------------- the deadline


def test_a_retry_that_would_end_before_the_deadline_is_made(jitter: Any) -> None:
    script, result = run([error_answer(503), OK], deadline=START + 0.51)
    assert result == b"the result" and script.sleeps == [0.5]
    assert [sent.send.deadline for sent in script.sends] == [START + 0.51] * 2


@pytest.mark.parametrize("room", [0.5, 0.49, 0.0])
def test_a_retry_that_would_end_at_or_past_the_deadline_is_not_made(room: float, jitter: Any) -> None:
    script, error = run([error_answer(503), OK], deadline=START + room)
    assert isinstance(error, stability.ServerError) and error.attempts == 1 and script.sleeps == []


def test_the_deadline_counts_the_time_requests_took(jitter: Any) -> None:
    # Each attempt takes 2 s to fail: the second retry's wait (1 s) would end at 1005 >= the deadline.
    script, error = run([SENT] * 3, deadline=START + 5.0, send_cost=2.0)
    assert isinstance(error, stability.APIConnectionError) and error.attempts == 2
    assert script.trace == [("send", "sent"), ("sleep", 0.5), ("send", "sent")]


def test_a_long_retry_after_is_not_waited_past_the_deadline() -> None:
    script, error = run([error_answer(429, retry_after="20")], deadline=START + 10.0)
    assert isinstance(error, stability.RateLimitError) and script.sleeps == []


def test_an_infinite_deadline_never_stops_a_retry() -> None:
    assert run([error_answer(429), OK], deadline=math.inf)[1] == b"the result"


# ------------------------------------------------------------------------------------------- properties

statuses = st.sampled_from([200, 202, 400, 404, 429, 500, 502, 503, 504, 520])
retry_afters = st.sampled_from([None, "0", "1", "2.5", "30", "120", "junk"])
answers = st.builds(
    lambda status, retry_after: (
        error_answer(status, retry_after=retry_after) if status >= 300 else answer(status, b"ok")
    ),
    statuses,
    retry_afters,
)
failures = st.builds(Failure, st.sampled_from(["connect", "sent"]), st.just("failed"), st.booleans())
outcomes = st.lists(answers | failures, min_size=8, max_size=8)
policies = st.builds(RetryPolicy, max_retries=st.integers(0, 6), base_delay=st.floats(0.0, 4.0))


def _may_resend(outcome: Answer | Failure) -> bool:
    return outcome.status == 429 if isinstance(outcome, Answer) else outcome.kind == "connect"


@fast(25)
@given(outcomes, policies, st.booleans(), st.none() | st.floats(0.0, 200.0), st.floats(0.0, 5.0))
def test_every_call_ends_within_its_budget_with_a_result_or_a_typed_error(
    script_outcomes: list[Answer | Failure], policy: RetryPolicy, charged: bool, room: float | None, cost: float
) -> None:
    deadline = None if room is None else START + room
    script = Script(script_outcomes, send_cost=cost)
    flow = call_flow(operation(charged=charged), policy, deadline=deadline, clock=script.clock)
    try:
        result = script.run(flow)
    except stability.StabilityError as exc:
        result = exc
        assert exc.attempts == len(script.sends)  # type: ignore[attr-defined]
        last = script.sends[-1].outcome
        assert not (isinstance(last, Answer) and last.status < 300)
    else:
        assert result == b"ok" and script.sends[-1].outcome.status < 300  # type: ignore[union-attr]
    sends = script.sends
    assert 1 <= len(sends) <= policy.max_retries + 1
    for sent, following in zip(sends, sends[1:], strict=False):
        # Only a failed outcome is retried; a charged request only when it provably was not processed.
        assert not (isinstance(sent.outcome, Answer) and sent.outcome.status < 300)
        if charged:
            assert _may_resend(sent.outcome), (sent.outcome, following)
    # Sleeps alternate with sends, and every retry's wait ends before the deadline.
    kinds = [type(step).__name__ for step in script.steps]
    assert kinds == ["Sent", "Slept"] * (len(sends) - 1) + ["Sent"]
    if deadline is not None:
        assert all(step.at + step.seconds < deadline for step in script.steps if not isinstance(step, Sent))


@fast(20)
@given(st.lists(failures | answers, min_size=1, max_size=8))
def test_a_charged_request_is_never_sent_again_after_a_sent_failure_or_a_5xx(script_outcomes: list[Any]) -> None:
    script = Script(script_outcomes)
    flow = call_flow(operation(charged=True), RetryPolicy(max_retries=10, base_delay=0.0), clock=FakeClock())
    try:
        script.run(flow)
    except (stability.StabilityError, ScriptExhausted):
        pass
    for sent in script.sends[:-1]:
        outcome = sent.outcome
        assert not (isinstance(outcome, Failure) and outcome.kind == "sent")
        assert not (isinstance(outcome, Answer) and outcome.status >= 500)
