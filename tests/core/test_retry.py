"""``_retry``: every branch of ``retry_delay``, ``parse_retry_after`` and ``rate_limit_wait``, exactly (the jitter
is given as ``rand=``, the time as ``now=``), and their properties under hypothesis."""

from __future__ import annotations

import email.utils
import math
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stability._core.limits import RATE_LIMIT_LOCKOUT_SECONDS
from stability._core.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after, rate_limit_wait, retry_delay
from tests.core._script import fast, wrong

POLICY = RetryPolicy()
NOW = 1_445_412_480.0  # Wed, 21 Oct 2015 07:28:00 GMT


def delay(**options: object) -> float | None:
    options.setdefault("charged", False)
    options.setdefault("attempt", 1)
    options.setdefault("rand", 1.0)
    policy = options.pop("policy", POLICY)
    assert isinstance(policy, RetryPolicy)
    return retry_delay(policy, **options)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------- retry_delay


def test_the_defaults() -> None:
    assert POLICY == RetryPolicy(max_retries=2, base_delay=0.5, max_delay=8.0, max_retry_after=60.0)
    assert RETRYABLE_STATUSES == {429, 500, 502, 503, 504}
    assert RATE_LIMIT_LOCKOUT_SECONDS == 60.0


RETRY_DELAYS = [
    # Out of retries: whatever the outcome.
    ({"attempt": 3, "status": 503}, None),
    ({"attempt": 3, "failure": "connect"}, None),
    ({"attempt": 3, "status": 429, "retry_after": "1"}, None),
    ({"policy": RetryPolicy(max_retries=0), "status": 503}, None),
    ({"policy": RetryPolicy(max_retries=0), "failure": "connect"}, None),
    # The last retry is still made.
    ({"attempt": 2, "status": 503}, 1.0),
    # No answer: a read may always be sent again; a charged request only if it never left.
    ({"failure": "connect"}, 0.5),
    ({"failure": "sent"}, 0.5),
    ({"failure": "connect", "charged": True}, 0.5),
    ({"failure": "sent", "charged": True}, None),
    # Neither a status nor a failure: nothing to retry.
    ({}, None),
    ({"charged": True}, None),
    # Statuses that are not retried.
    ({"status": 400}, None),
    ({"status": 401}, None),
    ({"status": 404}, None),
    ({"status": 422}, None),
    ({"status": 501}, None),
    ({"status": 505}, None),
    ({"status": 520}, None),
    ({"status": 302}, None),
    # Retried statuses for a read.
    ({"status": 500}, 0.5),
    ({"status": 502}, 0.5),
    ({"status": 503}, 0.5),
    ({"status": 504}, 0.5),
    ({"status": 429}, RATE_LIMIT_LOCKOUT_SECONDS),
    # A charged request: only 429 (refused, so not charged).
    ({"status": 500, "charged": True}, None),
    ({"status": 503, "charged": True, "retry_after": "1"}, None),
    ({"status": 429, "charged": True}, RATE_LIMIT_LOCKOUT_SECONDS),
    ({"status": 429, "charged": True, "retry_after": "2"}, 2.0),
    # Retry-After: followed up to max_retry_after (inclusive), for 429 and for 5xx.
    ({"status": 429, "retry_after": "7"}, 7.0),
    ({"status": 503, "retry_after": "7"}, 7.0),
    ({"status": 503, "retry_after": "0"}, 0.0),
    ({"status": 503, "retry_after": "60"}, 60.0),
    ({"status": 503, "retry_after": "60.5"}, None),
    ({"status": 429, "retry_after": "61"}, None),
    # An unreadable Retry-After is no hint: the backoff for a 5xx, the lockout for a 429.
    ({"status": 503, "retry_after": "soon"}, 0.5),
    ({"status": 503, "retry_after": ""}, 0.5),
    ({"status": 429, "retry_after": "soon"}, RATE_LIMIT_LOCKOUT_SECONDS),
    # The documented 60 s lockout counts as a Retry-After: a shorter max_retry_after refuses it.
    ({"status": 429, "policy": RetryPolicy(max_retry_after=30)}, None),
    ({"status": 429, "policy": RetryPolicy(max_retry_after=30), "retry_after": "30"}, 30.0),
    # The Retry-After of a failure (none in practice) is read like a 5xx's.
    ({"failure": "connect", "retry_after": "3"}, 3.0),
]


def test_retry_delay() -> None:
    assert wrong(lambda options: delay(**options), RETRY_DELAYS) == []


def test_a_retry_after_date_is_followed() -> None:
    in_five_seconds = email.utils.formatdate(time.time() + 5.4, usegmt=True)
    assert 3.0 <= (delay(status=503, retry_after=in_five_seconds) or 0) <= 5.4
    assert delay(status=503, retry_after=email.utils.formatdate(time.time() + 3600, usegmt=True)) is None


BACKOFFS = [
    (1, 1.0, 0.5),
    (1, 0.0, 0.25),
    (1, 0.5, 0.375),
    (2, 1.0, 1.0),
    (3, 1.0, 2.0),
    (4, 1.0, 4.0),
    (5, 1.0, 8.0),
    (6, 1.0, 8.0),  # capped at max_delay
    (6, 0.0, 4.0),
    (60, 1.0, 8.0),
    (1024, 1.0, 8.0),
]


def test_the_backoff_doubles_up_to_max_delay_with_jitter_between_half_and_all() -> None:
    assert (
        wrong(
            lambda attempt, rand: delay(policy=RetryPolicy(max_retries=10_000), attempt=attempt, status=503, rand=rand),
            BACKOFFS,
        )
        == []
    )


def test_a_very_late_attempt_still_waits_max_delay() -> None:
    # max_retries may be any int >= 0 (_config._max_retries), so attempt 1025 can happen (about 2 h of 503s at
    # 8 s each): the OverflowError escapes the facade instead of the capped 8 s backoff.
    assert delay(policy=RetryPolicy(max_retries=2000), attempt=1025, status=503) == 8.0


def test_without_rand_the_jitter_is_random(monkeypatch: pytest.MonkeyPatch) -> None:
    from stability._core import retry as _retry

    monkeypatch.setattr(_retry.random, "random", lambda: 0.5)
    assert retry_delay(POLICY, charged=False, attempt=1, status=503) == 0.375


def test_the_policy_shapes_the_backoff() -> None:
    policy = RetryPolicy(max_retries=5, base_delay=2.0, max_delay=5.0)
    assert [delay(policy=policy, attempt=n, status=502) for n in range(1, 7)] == [2.0, 4.0, 5.0, 5.0, 5.0, None]
    assert delay(policy=RetryPolicy(base_delay=0.0), status=503) == 0.0


statuses = st.sampled_from(
    [200, 201, 202, 204, 302, 400, 401, 403, 404, 413, 418, 422, 429, 500, 501, 502, 503, 504, 520]
)
policies = st.builds(
    RetryPolicy,
    max_retries=st.integers(0, 6),
    base_delay=st.floats(0.0, 10.0),
    max_delay=st.floats(0.0, 30.0),
    max_retry_after=st.floats(0.0, 120.0),
)
jitters = st.floats(0.0, 1.0)
retry_afters = st.none() | st.sampled_from(["", "0", "1", "2.5", "30", "60", "90", "junk", "-4", "nan", "inf"])


failures = st.sampled_from(["connect", "sent"])


@fast(50)
@given(policies, st.integers(1, 10), st.booleans(), statuses, failures, st.booleans(), retry_afters, jitters)
def test_the_retry_decision_properties(
    policy: RetryPolicy,
    attempt: int,
    charged: bool,
    status: int,
    failure: str,
    answered: bool,
    retry_after: str | None,
    rand: float,
) -> None:
    outcome: dict[str, object] = {"status": status} if answered else {"failure": failure}
    seconds = retry_delay(policy, charged=charged, attempt=attempt, retry_after=retry_after, rand=rand, **outcome)  # type: ignore[arg-type]
    # Within the retry budget, and only for what may be retried.
    if attempt > policy.max_retries or (answered and status not in RETRYABLE_STATUSES):
        assert seconds is None
    # A charged request: never after a "sent" failure or any answer but a 429.
    if charged and (not answered and failure == "sent" or answered and status != 429):
        assert seconds is None
    if seconds is None:
        return
    assert math.isfinite(seconds) and 0.0 <= seconds <= max(policy.max_delay, policy.max_retry_after)
    # Without a Retry-After (and but for the 429 lockout), the backoff never exceeds max_delay.
    no_hint = retry_after is None or parse_retry_after(retry_after) is None
    if no_hint and not (answered and status == 429):
        backoff = min(policy.max_delay, policy.base_delay * 2.0 ** (attempt - 1))
        assert backoff / 2 <= seconds <= backoff <= policy.max_delay
    if answered and status == 429 and no_hint:
        assert seconds == RATE_LIMIT_LOCKOUT_SECONDS


# ------------------------------------------------------------------------------------------- parse_retry_after


RETRY_AFTERS = [
    (None, None),
    ("", None),
    ("   ", None),
    ("0", 0.0),
    ("5", 5.0),
    (" 12 ", 12.0),
    ("1.5", 1.5),
    ("+5", 5.0),
    ("-3", 0.0),  # a wait in the past is no wait
    ("nan", None),
    ("NaN", None),
    # Too long to wait for, never "no hint" (which would shorten the wait to a backoff).
    ("inf", math.inf),
    ("Infinity", math.inf),
    ("INFINITY", math.inf),  # float() reads every case of both spellings
    ("-inf", 0.0),  # as "-3"
    ("1e400", math.inf),  # a float overflow is inf
    ("9" * 400, math.inf),  # valid delay-seconds (1*DIGIT), too long for a float
    ("9" * 5000, math.inf),  # too long even for int()
    ("1" * 15, 111111111111111.0),
    ("soon", None),
    ("0x10", None),
    ("5 seconds", None),
    ("\x00", None),
    # HTTP dates, against now = 07:28:00 GMT.
    ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),  # IMF-fixdate
    ("Wed, 21 Oct 2015 07:28:30 +0000", 30.0),
    ("Wed, 21 Oct 2015 08:28:30 +0100", 30.0),
    ("Wednesday, 21-Oct-15 07:28:30 GMT", 30.0),  # RFC 850
    ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past
    ("Wed, 32 Oct 2015 07:28:30 GMT", None),  # no such day
    ("Wed, 21 Oct 99999 07:28:30 GMT", None),  # no such year for datetime
    ("Wed, 21 Oct 2015 07:28:30 +9999", None),  # no such offset
]


def test_a_huge_retry_after_is_not_retried_sooner_than_a_smaller_one() -> None:
    policy = RetryPolicy()
    for value in ("9" * 300, "9" * 400, "1e400", "inf"):
        assert retry_delay(policy, charged=False, attempt=1, status=503, retry_after=value, rand=1.0) is None


def test_parse_retry_after() -> None:
    assert wrong(lambda value: parse_retry_after(value, now=NOW), RETRY_AFTERS) == []


def test_an_http_date_is_read_against_the_wall_clock_by_default() -> None:
    seconds = parse_retry_after(email.utils.formatdate(time.time() + 100, usegmt=True))
    assert seconds is not None and 95 <= seconds <= 100


@pytest.mark.parametrize("value", ["Wed Oct 21 07:28:30 2015", "Wed, 21 Oct 2015 07:28:30 -0000"])
def test_an_http_date_without_a_zone_is_gmt_whatever_the_local_zone(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # asctime ("Wed Oct 21 07:28:30 2015") is one of the three HTTP-date forms, and always GMT (RFC 9110 5.6.7);
    # parsedate_to_datetime returns a naive datetime for it (and for -0000), which timestamp() reads as local
    # time: in New York the 30 s wait becomes 14430 s (then refused as longer than max_retry_after).
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        seconds = parse_retry_after(value, now=NOW)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert seconds == 30.0


@fast(20)
@given(st.integers(0, 10**9))
def test_delay_seconds_read_back_exactly(seconds: int) -> None:
    assert parse_retry_after(str(seconds)) == float(seconds)


@fast(20)
@given(st.integers(-86_400, 10 * 86_400))
def test_an_http_date_reads_back_as_the_seconds_until_it(seconds: int) -> None:
    value = email.utils.formatdate(NOW + seconds, usegmt=True)
    assert parse_retry_after(value, now=NOW) == max(0.0, float(seconds))


# Date-shaped text, right and wrong in every part (day, month, year, time, zone).
dates = st.builds(
    "{}, {} {} {} {}:{}:{} {}".format,
    st.sampled_from(["Wed", "Xyz", ""]),
    st.integers(-1, 40),
    st.sampled_from(["Oct", "Feb", "Foo"]),
    st.integers(0, 100_000),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.sampled_from(["GMT", "UTC", "PST", "+0000", "-0000", "+9999", "-2400", "Z", "", "+01:00"]),
)


@fast(40)
@given(st.text(max_size=40) | dates)
def test_any_text_is_a_wait_or_none_and_never_an_exception(value: str) -> None:
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or seconds >= 0.0  # NaN fails this too
    if seconds == math.inf:  # only a number too long to wait for (as the table's "inf" rows), never a date
        assert value.strip().lstrip("+").isdigit() or math.isinf(float(value))


# ------------------------------------------------------------------------------------------- rate_limit_wait


RATE_LIMIT_WAITS = [(None, 60.0), ("", 60.0), ("junk", 60.0), ("0", 0.0), ("5", 5.0), ("600", 600.0), ("nan", 60.0)]


def test_rate_limit_wait() -> None:
    assert wrong(rate_limit_wait, RATE_LIMIT_WAITS) == []
