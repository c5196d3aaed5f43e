"""Shared pieces of the reliability suite: the figures it counts, the key-leak search, and clients whose retry
sleeps cost nothing.

Figures. Every test adds to ``FIGURES`` (scenarios run, fault x operation cells, inputs tried, typed outcomes,
duplicate charges, partial files, leaks, texts searched for the key). ``conftest.py`` writes them as JSON to
the path in ``STABILITY_RELIABILITY_JSON`` at the end of the session; ``scripts/reliability_report.py`` turns
that into ``docs/reliability.md``.

Sleeps. The clients' drivers sleep through an injectable ``_sleep``. Here it records the requested delay and
sleeps at most ``cap`` of it for real (0 by default), so retries with ``Retry-After: 2`` or backoff cost
nothing; a test of a job deadline (measured on the real monotonic clock) raises the cap so that time passes
without a busy loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import stability

SLEEP_CAP = 0.0


class Figures:
    """Thread-safe counters for the report."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.cells: set[tuple[str, str]] = set()
        self.raw_cells: set[tuple[str, str]] = set()
        self.outcomes: Counter[str] = Counter()

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self.counts[name] += amount

    def cell(self, operation: str, fault: str, *, raw: bool = False) -> None:
        with self._lock:
            (self.raw_cells if raw else self.cells).add((operation, fault))

    def outcome(self, label: str) -> None:
        with self._lock:
            self.outcomes[label] += 1
            self.counts["typed outcomes"] += 1

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "counts": dict(sorted(self.counts.items())),
                "fault_cells": len(self.cells),
                "fault_operations": sorted({op for op, _ in self.cells}),
                "faults": sorted({fault for _, fault in self.cells}),
                "raw_fault_cells": len(self.raw_cells),
                "raw_operations": sorted({op for op, _ in self.raw_cells}),
                "outcomes": dict(sorted(self.outcomes.items())),
            }


FIGURES = Figures()


def outcome_label(value: object) -> str:
    """``ok`` or the exception class's name, for the outcome table."""
    if isinstance(value, BaseException):
        return type(value).__name__
    return "success"


# ---------------------------------------------------------------------------------------------- key leaks


class LogCapture(logging.Handler):
    """Keeps every record of the loggers it is attached to, at DEBUG, formatted with its arguments."""

    LOGGERS = ("stability", "httpx", "httpcore", "hpack", "anyio")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self._saved: list[tuple[logging.Logger, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: keep both parts
            message = f"{record.msg!r} {record.args!r}"
        self.texts.append(f"{record.name} {record.levelname} {message} {record.args!r} {record.exc_text or ''}")

    @contextmanager
    def attached(self) -> Iterator[LogCapture]:
        for name in self.LOGGERS:
            logger = logging.getLogger(name)
            self._saved.append((logger, logger.level))
            logger.setLevel(logging.DEBUG)
            logger.addHandler(self)
        try:
            yield self
        finally:
            for logger, level in self._saved:
                logger.removeHandler(self)
                logger.setLevel(level)
            self._saved.clear()


def exception_texts(exc: BaseException) -> list[str]:
    """Everything an exception shows: str, repr, args, the API error fields, and the same for its causes."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        if isinstance(current, stability.APIError):
            texts += [repr(current.headers), repr(current.body), repr(current.messages), current.name]
        if isinstance(current, stability.ContentFilteredError):
            texts.append(repr(current.result))
        current = current.__cause__ or current.__context__
    return texts


def object_texts(*objects: object) -> list[str]:
    texts: list[str] = []
    for value in objects:
        if value is None:
            continue
        if isinstance(value, BaseException):
            texts += exception_texts(value)
        elif isinstance(value, list | tuple):
            texts += object_texts(*value)
        else:
            texts += [repr(value), str(value)]
    return texts


def assert_no_key(key: str, texts: Iterable[str]) -> None:
    """Fail (and count a leak) when ``key`` appears in any text; count the texts searched."""
    searched = 0
    for text in texts:
        searched += 1
        if key in text:
            FIGURES.add("key leaks")
            raise AssertionError(f"the API key leaked into: {text[:300]!r}")
    FIGURES.add("texts searched for the key", searched)


# ---------------------------------------------------------------------------------------------- clients


class Sleeps:
    """The recorded retry and poll sleeps of one client."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.cap = SLEEP_CAP

    def sync(self, seconds: float) -> None:
        self.seconds.append(seconds)
        time.sleep(min(seconds, self.cap))

    async def async_(self, seconds: float) -> None:
        self.seconds.append(seconds)
        await asyncio.sleep(min(seconds, self.cap))


def quick_sleeps(client: Any, sleeps: Sleeps, *, mode: str) -> None:
    """Route ``client``'s sleeps (retry backoff, Retry-After, polling) through ``sleeps``."""
    target = getattr(client, "_target", client)  # the async client behind the blocking proxy
    target._driver._sleep = sleeps.sync if mode == "sync" else sleeps.async_


def no_partial_files(directory: Path) -> list[str]:
    """The temporary ``.part`` files left in ``directory`` (an atomic write leaves none)."""
    return sorted(name for name in os.listdir(directory) if name.endswith(".part"))


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.monotonic()
    try:
        value = call()
    except Exception as exc:
        value = exc
    return value, time.monotonic() - start
