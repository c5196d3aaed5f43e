"""Pacing: one sliding-window limiter that every request of a batch asks before it goes out (sans-I/O).

Theory of operation. The account limit is ``requests`` in any ``per`` seconds; one more and the key is locked out
for a minute, which costs far more than waiting. The drivers book each request (start, poll, download) with
``reserve(now)``, sleep until its slot, send, and report with ``answered(now)`` when it has ended (answered,
refused or failed); ``refused(now, wait)`` after a 429 holds every later booking until the lockout is over.

What the limiter cannot know is when the API counts a request: after its slot (a busy thread, a connection to
open, an upload, the API's own queue), but certainly before its answer arrives. So a request counts from its
slot until one window after its answer, and until then as long as it is in flight. A slot is booked only where
the window ending at it holds fewer than ``requests`` of those, which no lateness can break: any ``requests + 1``
requests the API counted within one window contain a last-booked one, and each of the others was, at its
booking, either in flight or answered within a window of its slot (their count times lie in one window, and
each came before its answer), so that booking was not given. The cost is a request's time in flight, counted
once more: a few milliseconds per request where the limit binds (polls, downloads, fast answers), and where
requests are slow (a generation takes seconds), the limit is far from binding at any sane concurrency. Slots
are also at least ``per / requests`` apart: a whole window's requests at once would queue up in the client
itself (and in the API's front end) instead of keeping the pace.

The margin is for a clock that is not ours: an API that counts in coarse steps (whole seconds, say) can see a
window a little longer than ``per``. It is small (4% of the window plus 40 ms), because the throughput is the
point; each 429 that comes anyway doubles it (up to a quarter of the window). Time is whatever clock the caller
passes (``time.monotonic()`` in the drivers), so the tests need no sleeping.
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
        margin: seconds added to each window (default: 4% of ``per`` + 40 ms).
    """

    def __init__(self, limit: RateLimit, *, margin: float | None = None) -> None:
        self.limit = limit
        self.margin = 0.04 * limit.per + 0.04 if margin is None else margin
        self.spacing = limit.per / limit.requests
        self._in_flight = 0
        self._answered: deque[float] = deque(maxlen=limit.requests)
        """When the last ``requests`` answers came, oldest first (only those can still be in a window)."""
        self._last = -math.inf
        self._held_until = -math.inf
        self._lock = threading.Lock()
        self.refusals = 0
        """How many 429s were reported (each one held the whole batch)."""

    def reserve(self, now: float) -> tuple[float, bool]:
        """Ask for the next request's slot at or after ``now``: (seconds to wait, whether it is booked).

        Booked: send after the wait (0.0: at once) and call ``answered`` when the request has ended, whatever
        the outcome. Not booked (``requests`` are in flight, none of them answered): ask again after the wait.
        """
        with self._lock:
            free = self.limit.requests - 1 - self._in_flight
            if free < 0:
                return self.spacing, False
            slot = max(now, self._held_until, self._last + self.spacing)
            if len(self._answered) > free:
                # the answers a window before the slot, beyond the ``free`` places, must have left it
                slot = max(slot, self._answered[-1 - free] + self.window)
            self._last = slot
            self._in_flight += 1
            return slot - now, True

    def answered(self, now: float) -> None:
        """A booked request has ended at ``now`` (answered, refused or failed): the API counted it by then."""
        with self._lock:
            self._in_flight -= 1
            self._answered.append(max(now, self._answered[-1]) if self._answered else now)

    def refused(self, now: float, wait: float) -> None:
        """A 429 came anyway (another program on the key): hold every request until ``now + wait``.

        Slots already booked stay booked: a request booked for a moment after the lockout still goes out then.
        One booked inside the lockout is refused too, and its own call books it again after the wait.
        """
        with self._lock:
            self.refusals += 1
            self.margin = min(max(2 * self.margin, 0.01 * self.limit.per), self.limit.per / 4)
            self._held_until = max(self._held_until, now + wait)

    @property
    def in_flight(self) -> int:
        """Requests booked and not yet answered."""
        return self._in_flight

    @property
    def window(self) -> float:
        """The seconds an answer counts for: ``per`` and the margin."""
        return self.limit.per + self.margin

    def held(self, now: float) -> float:
        """Seconds left of a hold (0.0: none)."""
        with self._lock:
            return max(0.0, self._held_until - now)
