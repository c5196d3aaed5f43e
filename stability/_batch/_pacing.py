"""Pacing: one sliding-window limiter that every request of a batch asks before it goes out (sans-I/O).

Theory of operation. The account limit is ``requests`` in any ``per`` seconds; one more and the key is locked out
for a minute, which costs far more than waiting. The drivers call ``reserve(now)`` before each request (start,
poll, download) and sleep for what it answers; ``refused(now, wait)`` after a 429 holds every later reservation
until the lockout is over. The limiter keeps the send times it handed out (never more than ``requests`` of
them): the next slot is ``per`` (plus a margin) after the slot ``requests`` places back, so no window of
``per`` seconds ever holds more than ``requests`` sends, whatever the concurrency. Slots are also at least
``per / requests`` apart: a burst of a whole window's requests at once would queue up in the client itself (and
in the API's front end), and reach the API spread out, some of them late.

The margin covers what happens between the reservation and the server's clock: a request that leaves a few
milliseconds late (a busy thread, a slow upload) must not land in the next window's count. It is small (4% of
the window plus 40 ms: a run at 150 per 10 s keeps 95% of the limit), because the throughput is the point; each
429 that comes anyway doubles it (up to a quarter of the window), the sign of a busier path than assumed.
Time is whatever clock the caller passes (``time.monotonic()`` in the drivers), so the tests need no sleeping.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from .._core import limits as L
from .._core.errors import ValidationError


@dataclass(frozen=True, slots=True)
class RateLimit:
    """How many requests a batch may send in any window of ``per`` seconds (default: the documented account
    limit, 150 in 10 s). Every request counts: job starts, polls and result downloads alike."""

    requests: int = L.RATE_LIMIT_REQUESTS
    per: float = L.RATE_LIMIT_WINDOW_SECONDS

    def __post_init__(self) -> None:
        if isinstance(self.requests, bool) or not isinstance(self.requests, int) or self.requests < 1:
            raise ValidationError("rate_limit.requests", self.requests, "must be a whole number >= 1")
        if isinstance(self.per, bool) or not isinstance(self.per, int | float) or not 0 < self.per < math.inf:
            raise ValidationError("rate_limit.per", self.per, "must be a positive number of seconds")


class Limiter:
    """The ``Pacer`` of a batch: a thread-safe sliding window (the sync client's threads share one).

    Args:
        limit: the rate to keep under.
        margin: seconds added to each window, against sends that leave late (default: 4% of ``per`` + 40 ms).
    """

    def __init__(self, limit: RateLimit, *, margin: float | None = None) -> None:
        self.limit = limit
        self.margin = 0.04 * limit.per + 0.04 if margin is None else margin
        self.spacing = limit.per / limit.requests
        self._sent: deque[float] = deque(maxlen=limit.requests)
        self._held_until = -math.inf
        self._lock = threading.Lock()
        self.refusals = 0
        """How many 429s were reported (each one held the whole batch)."""

    def reserve(self, now: float) -> float:
        """Take the next free slot at or after ``now``; the seconds to wait before sending (0.0: at once)."""
        with self._lock:
            slot = max(now, self._held_until)
            if self._sent:
                slot = max(slot, self._sent[-1] + self.spacing)
            if len(self._sent) == self.limit.requests:
                slot = max(slot, self._sent[0] + self.window)
            self._sent.append(slot)  # maxlen drops the oldest: only the last ``requests`` slots matter
            return slot - now

    def refused(self, now: float, wait: float) -> None:
        """A 429 came anyway (another program on the key): hold every request until ``now + wait``.

        Slots already handed out stay counted: a request reserved for a moment after the lockout still goes
        out then, and the next ones keep their distance from it. One reserved inside the lockout is refused
        too, and its own call sends it again (with a fresh reservation) after the wait.
        """
        with self._lock:
            self.refusals += 1
            self.margin = min(max(2 * self.margin, 0.01 * self.limit.per), self.limit.per / 4)
            self._held_until = max(self._held_until, now + wait)

    def settled(self, now: float) -> None:
        """Nothing is in flight: every request reserved so far reached the API by ``now``.

        Counted from then on, not from its slot: the first request of a process reaches the API late (imports,
        the connection pool, the first connection), and counted from its slot, a request one window later could
        land in the same window of the API's count.
        """
        with self._lock:
            self._sent = deque((max(slot, now) for slot in self._sent), maxlen=self.limit.requests)

    @property
    def window(self) -> float:
        """The seconds within which at most ``requests`` slots are handed out: ``per`` and the margin."""
        return self.limit.per + self.margin

    def held(self, now: float) -> float:
        """Seconds left of a hold (0.0: none)."""
        with self._lock:
            return max(0.0, self._held_until - now)
