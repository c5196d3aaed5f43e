"""The fake's clock: real monotonic time plus an offset that tests move forward."""

from __future__ import annotations

import threading
import time


class Clock:
    """Monotonic seconds that tests can advance, so job durations, retention and rate-limit windows pass at once.

    The fake reads every time through `now()`; `advance()` moves it forward without sleeping.
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current time in seconds (only differences between readings mean anything)."""
        with self._lock:
            return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward by `seconds` (which may not be negative)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
