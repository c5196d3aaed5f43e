"""When to send a request again, and after how long: pure functions, no I/O.

Reads (GET) are retried on connection failures, timeouts, 429, 500, 502, 503 and 504. A charged POST is
retried only when it provably was not processed: the connection failed before the request went out, or the
API answered 429 (a refused request is not charged). After a read timeout, a dropped connection or a 5xx
the POST may have been processed, and sending it again could charge twice, so the error is raised instead.

A 429 is not a blip: the API documents that a key over its rate (150 requests in 10 s) is locked out for
60 seconds, and sends no ``Retry-After``. Every request inside the lockout is refused, so a 429 without
``Retry-After`` is waited out as if it said ``Retry-After: 60`` (``rate_limit_wait``), never retried after the
usual half-second backoff.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import random
import time
from dataclasses import dataclass
from typing import Literal

from .limits import RATE_LIMIT_LOCKOUT_SECONDS

FailureKind = Literal["connect", "sent"]
"""``connect``: the request never left (connect error, connect or pool timeout). ``sent``: it may have."""

DEFAULT_MAX_RETRIES = 2
"""How many times a failed request is sent again unless the client says otherwise."""

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times and how patiently to retry. ``max_retries=0`` turns retries off."""

    max_retries: int = DEFAULT_MAX_RETRIES
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    """A ``Retry-After`` longer than this is not waited for: the error is raised so the caller decides. A 429
    without one counts as the documented 60 s lockout, so the default still waits it out."""


def retry_delay(
    policy: RetryPolicy,
    *,
    charged: bool,
    attempt: int,
    status: int | None = None,
    failure: FailureKind | None = None,
    retry_after: str | None = None,
    rand: float | None = None,
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None to stop and report the outcome.

    ``status`` is the answer's status, or ``failure`` says how the attempt failed without an answer.
    """
    if attempt > policy.max_retries:
        return None
    if failure is not None:
        if charged and failure != "connect":
            return None
    elif status is None or status not in RETRYABLE_STATUSES or (charged and status != 429):
        return None
    hinted = rate_limit_wait(retry_after) if status == 429 else parse_retry_after(retry_after)
    if hinted is not None:
        return hinted if hinted <= policy.max_retry_after else None
    # The exponent is capped: 2.0 ** 1024 overflows, and max_retries may be any int (the cap applies long before).
    backoff = min(policy.max_delay, policy.base_delay * 2.0 ** min(attempt - 1, 64))
    # Jitter (between half and all of the backoff) keeps clients that failed together from retrying together.
    return backoff * (0.5 + 0.5 * (random.random() if rand is None else rand))


def rate_limit_wait(retry_after: str | None) -> float:
    """Seconds to wait after a 429: its ``Retry-After``, or else the documented lockout (60 s).

    Retrying sooner only meets the lockout again (and spends the key's requests on refusals).
    """
    hinted = parse_retry_after(retry_after)
    return RATE_LIMIT_LOCKOUT_SECONDS if hinted is None else hinted


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delay-seconds or an HTTP date. None when absent or unreadable.

    A delay too long for a float (hundreds of digits) is ``math.inf``: "wait very long", never "no hint", which
    would shorten the wait to a backoff.
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) > 15:  # beyond 31 million years; int() may refuse it
        return math.inf
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # asctime and "-0000" dates carry no zone: HTTP dates are always GMT
            when = when.replace(tzinfo=datetime.UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)
