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
