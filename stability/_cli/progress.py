"""Live progress of a job on a terminal: one line on stderr, redrawn in place, and nothing when not a terminal.

A job's ``on_progress`` callback fires once per poll (every 10 s by default), which is too rare for a display
that should show time passing, so a small daemon thread redraws the line a few times a second from the last
status it was given. When the stream is not a terminal (CI logs, pipes) the display writes nothing at all:
control characters in a log file are noise.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import TextIO

from .._core.polling import JobStatus

CLEAR_LINE = "\r\x1b[K"


class JobProgress:
    """``with JobProgress(sys.stderr, kind, job_id) as progress: job.wait(on_progress=progress.update)``."""

    def __init__(
        self,
        stream: TextIO,
        kind: str,
        job_id: str,
        *,
        live: bool | None = None,
        refresh: float = 0.1,
    ) -> None:
        self._stream = stream
        self._label = f"{kind.replace('_', '-')} {job_id[:12]}"
        self.live = _is_terminal(stream) if live is None else live
        self._refresh = refresh
        self._started = time.monotonic()
        self._state = "started"
        self._polls = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> JobProgress:
        if self.live:
            self._draw()
            self._thread = threading.Thread(target=self._tick, name="stability-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if not self.live:
            return
        with self._lock:
            elapsed = time.monotonic() - self._started
            if exc_type is None:
                end = f"{self._label}  done in {elapsed:.1f}s after {_polls(self._polls)}"
            else:
                end = f"{self._label}  {self._state} after {elapsed:.1f}s and {_polls(self._polls)}"
            self._stream.write(f"{CLEAR_LINE}{end}\n")
            self._stream.flush()

    def update(self, status: JobStatus) -> None:
        """The ``on_progress`` callback: remember the state and poll count, and redraw."""
        with self._lock:
            self._state = status.state
            self._polls = status.polls
        if self.live:
            self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(self._refresh):
            self._draw()

    def _draw(self) -> None:
        with self._lock:
            if self._stop.is_set():
                return
            elapsed = time.monotonic() - self._started
            line = f"{self._label}  {self._state}  {elapsed:6.1f}s  {_polls(self._polls)}"
            self._stream.write(CLEAR_LINE + line)
            self._stream.flush()


def _polls(count: int) -> str:
    return f"{count} poll" if count == 1 else f"{count} polls"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class BatchProgress:
    """A batch's progress on a terminal: one line on stderr, redrawn in place (done/total, items per second, the
    time left at that pace, failures, credits), with lines for people printed above it (``note``).

    ``with BatchProgress(sys.stderr, total) as bar: bar.update(state, credits)`` once per finished item. Off a
    terminal it writes nothing: the command prints one JSON line per item on stdout instead.
    """

    def __init__(self, stream: TextIO, total: int, *, live: bool | None = None, refresh: float = 0.2) -> None:
        self._stream = stream
        self.total = total
        self.live = _is_terminal(stream) if live is None else live
        self._refresh = refresh
        self._started = time.monotonic()
        self.finished = 0
        self.skipped = 0
        self.failed = 0
        self.uncertain = 0
        self.credits = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> BatchProgress:
        if self.live:
            self._draw()
            self._thread = threading.Thread(target=self._tick, name="stability-batch-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.live:
            with self._lock:
                self._stream.write(f"{CLEAR_LINE}{self.line()}\n")
                self._stream.flush()

    def update(self, state: str, credits: float = 0.0) -> None:
        """One item finished in ``state`` (``skipped``: done by an earlier run, so not counted in the pace)."""
        with self._lock:
            self.finished += 1
            self.skipped += state == "skipped"
            self.failed += state == "failed"
            self.uncertain += state == "uncertain"
            self.credits += credits
            if self.finished - self.skipped == 1:
                # The pace counts from the first item this run made, not from the start (the skipped ones and
                # the balance read before it would make the first seconds look slow).
                self._started = time.monotonic()
        if self.live:
            self._draw()

    def note(self, text: str) -> None:
        """A line for people above the bar (a failed item), which is then drawn again under it."""
        with self._lock:
            self._stream.write(f"{CLEAR_LINE}{text}\n" if self.live else f"{text}\n")
            self._stream.flush()
        if self.live:
            self._draw()

    def line(self) -> str:
        """``37/120  4.2 items/s  ETA 20s  1 failed  111 credits``: what the bar shows."""
        made = self.finished - self.skipped
        elapsed = time.monotonic() - self._started
        rate = (made - 1) / elapsed if made > 1 and elapsed > 0 else None
        left = self.total - self.finished
        width = len(str(self.total))
        parts = [f"{_bar(self.finished, self.total)} {self.finished:>{width}}/{self.total}"]
        parts.append(f"{rate:5.1f} items/s" if rate is not None else "    - items/s")
        parts.append(f"ETA {_duration(left / rate)}" if rate and left else "ETA -" if left else "done")
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.uncertain:
            parts.append(f"{self.uncertain} uncertain")
        parts.append(f"{self.credits:g} credits")
        return "  ".join(parts)

    def _tick(self) -> None:
        while not self._stop.wait(self._refresh):
            self._draw()

    def _draw(self) -> None:
        with self._lock:
            if self._stop.is_set():
                return
            self._stream.write(CLEAR_LINE + self.line())
            self._stream.flush()


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = width if total == 0 else width * done // total
    return "[" + "#" * filled + "." * (width - filled) + "]"


def _duration(seconds: float) -> str:
    """``42s``, ``3m07s``, ``2h05m``: as long as it needs to be, no longer."""
    whole = int(seconds + 0.5)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
