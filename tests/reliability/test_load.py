"""Load against the loopback fake: 50 concurrent async tasks plus 8 threads sharing one sync client.

Rate limiting off: 2,000 requests, no error, every one seen by the fake, every generation charged once, and no
socket left open (the process's file descriptors return to where they were; ``gc.collect()`` surfaces any
unclosed-socket ResourceWarning, which the suite's ``filterwarnings = error`` turns into a failure).

Rate limiting on (a small limit, on the fake's clock): each client's sleep advances that clock instead of
waiting, so a lockout passes at once. Every 429 is followed by a retry after the Retry-After the fake sent, or,
once ``max_retries`` are spent, by a ``RateLimitError``; nothing is lost: the calls that succeeded plus those
that raised add up to the calls made, and the fake's log adds up to successes plus 429s.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

import stability
from stability.testing import FakeStability
from tests.reliability._support import FIGURES, assert_no_key, object_texts

TASKS, THREADS = 50, 8
ASYNC_CALLS, SYNC_CALLS = 1000, 1000  # 20 per task, 125 per thread


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def _plan(index: int) -> str:
    return "text_to_image" if index % 10 == 0 else ("engines" if index % 10 == 5 else "balance")


async def _async_calls(client: stability.AsyncStability, calls: int, outcomes: Counter[str], errors: list[Any]) -> None:
    async def worker(start: int) -> None:
        for index in range(start, calls, TASKS):
            what = _plan(index)
            try:
                if what == "text_to_image":
                    await client.text_to_image("load", seed=index + 1)
                elif what == "engines":
                    await client.engines()
                else:
                    await client.balance()
                outcomes["async " + what] += 1
            except stability.RateLimitError as exc:
                outcomes["RateLimitError"] += 1
                errors.append(exc)
            except Exception as exc:
                errors.append(exc)

    await asyncio.gather(*(worker(start) for start in range(TASKS)))


def _sync_calls(client: stability.Stability, calls: int, outcomes: Counter[str], errors: list[Any]) -> None:
    lock = threading.Lock()

    def worker(start: int) -> None:
        for index in range(start, calls, THREADS):
            what = _plan(index)
            try:
                if what == "text_to_image":
                    client.text_to_image("load", seed=index + 1)
                elif what == "engines":
                    client.engines()
                else:
                    client.balance()
                label = "sync " + what
            except stability.RateLimitError as exc:
                label = "RateLimitError"
                with lock:
                    errors.append(exc)
            except Exception as exc:
                label = "error"
                with lock:
                    errors.append(exc)
            with lock:
                outcomes[label] += 1

    threads = [threading.Thread(target=worker, args=(start,)) for start in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _run(fake: FakeStability, calls: tuple[int, int], sleep: Callable[[float], None] | None, **options: Any) -> Any:
    outcomes: Counter[str] = Counter()
    errors: list[Any] = []
    slept: list[float] = []

    def record(seconds: float) -> None:
        slept.append(seconds)
        if sleep is not None:
            sleep(seconds)

    async def async_sleep(seconds: float) -> None:
        record(seconds)
        await asyncio.sleep(0)

    async def run_async() -> None:
        async with stability.AsyncStability(fake.api_key, base_url=fake.base_url, **options) as client:
            client._driver._sleep = async_sleep
            await _async_calls(client, calls[0], outcomes, errors)

    with stability.Stability(fake.api_key, base_url=fake.base_url, **options) as client:
        client._driver._sleep = record
        thread = threading.Thread(target=_sync_calls, args=(client, calls[1], outcomes, errors))
        thread.start()  # the threads and the event loop run at the same time
        asyncio.run(run_async())
        thread.join()
    return outcomes, errors, slept


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_two_thousand_requests_no_errors_no_leaks() -> None:
    gc.collect()
    before = _open_fds()
    with FakeStability(fast=True, initial_balance=1e6) as fake:
        outcomes, errors, _ = _run(fake, (ASYNC_CALLS, SYNC_CALLS), None)
        assert errors == [], errors[:3]
        total = ASYNC_CALLS + SYNC_CALLS
        assert sum(outcomes.values()) == total and fake.count() == total
        generations = sum(n for what, n in outcomes.items() if what.endswith("text_to_image"))
        assert fake.charges("text_to_image") == generations == total // 10
        # Connections are reused (how many depends on the pool's keep-alive limit, a benchmark matter).
        connections = fake.connections_opened
        assert 0 < connections < total
    gc.collect()
    leaked = max(0, _open_fds() - before)
    FIGURES.add("leaked sockets", leaked)
    assert leaked == 0, f"{leaked} file descriptors left open"
    FIGURES.add("load requests", total)
    FIGURES.add("load connections opened", connections)
    FIGURES.add("load errors", len(errors))
    FIGURES.add("scenarios")


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_rate_limited_load_every_429_handled_nothing_lost() -> None:
    requests, window, lockout = 40, 1.0, 2.0
    limit = (requests, window, lockout)
    # Retry-After asked for: this test counts the sleeps it sets (the service documents no such header).
    with FakeStability(fast=True, initial_balance=1e6, rate_limit=limit, rate_limit_retry_after=True) as fake:
        calls = (300, 200)
        outcomes, errors, slept = _run(fake, calls, fake.clock.advance, max_retries=3)
        assert all(isinstance(e, stability.RateLimitError) for e in errors), errors[:3]
        refused = [r for r in fake.requests if r.status == 429]
        answered = [r for r in fake.requests if r.status == 200]
        successes = sum(n for what, n in outcomes.items() if what != "RateLimitError")
        assert successes + outcomes["RateLimitError"] == sum(calls)  # nothing lost
        assert len(answered) == successes and len(refused) > 0
        assert fake.count() == len(answered) + len(refused)
        # Every 429 was retried after a sleep, except the last one of a call that ran out of retries.
        assert len(slept) == len(refused) - len(errors)
        assert all(e.attempts == 4 and e.retry_after is not None for e in errors)
        assert all(0 < s <= lockout for s in slept)  # Retry-After followed (it never exceeds the lockout)
        generations = sum(n for what, n in outcomes.items() if what.endswith("text_to_image"))
        assert fake.charges("text_to_image") == generations  # a refused generation is not charged
        assert_no_key(fake.api_key, object_texts(*errors))
    FIGURES.add("rate-limited load requests", fake.count())
    FIGURES.add("429 answers handled", len(refused))
    FIGURES.add("scenarios")
