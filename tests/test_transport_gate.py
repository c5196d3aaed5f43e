"""The drivers' gate: requests beyond the pool's size wait in front of httpx, and the pool timeout still holds.

Why the gate exists (httpcore 1.0 rescans its whole queue against every connection on each request) is in
docs/benchmarks.md, benchmark 6.
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

import stability
from stability._drivers import LIMITS, ThreadGate
from stability.testing import FakeStability

TIMEOUT = httpx.Timeout(5.0, pool=0.05)


def test_sync_gate_times_out_like_the_pool() -> None:
    fake = FakeStability()
    with stability.Stability(fake.api_key, transport=fake.transport(), timeout=TIMEOUT, max_retries=0) as client:
        assert client.balance() > 0
        gate = client._driver._gate
        assert gate is not None
        for _ in range(LIMITS.max_connections or 0):
            gate.acquire()
        with pytest.raises(stability.APITimeoutError, match="no connection free"):
            client.balance()
        gate.release()
        assert client.balance() > 0


def test_thread_gate_lets_slots_through_and_wakes_every_waiter() -> None:
    gate = ThreadGate(3)
    inside = peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal inside, peak
        for _ in range(20):
            assert gate.acquire(timeout=10)
            with lock:
                inside += 1
                peak = max(peak, inside)
            time.sleep(0.0005)
            with lock:
                inside -= 1
            gate.release()

    threads = [threading.Thread(target=work) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert peak == 3 and inside == 0
    assert [gate.acquire(timeout=0) for _ in range(4)] == [True, True, True, False]


def test_async_gate_times_out_like_the_pool_and_lets_many_through() -> None:
    fake = FakeStability()

    async def main() -> None:
        client = stability.AsyncStability(fake.api_key, transport=fake.transport(), timeout=TIMEOUT, max_retries=0)
        async with client:
            results = await asyncio.gather(*(client.balance() for _ in range(250)))
            assert len(results) == 250
            gate = client._driver._gate()
            assert gate is not None
            for _ in range(LIMITS.max_connections or 0):
                await gate.acquire()
            with pytest.raises(stability.APITimeoutError, match="no connection free"):
                await client.balance()
            gate.release()
            assert await client.balance() > 0

    asyncio.run(main())


def test_a_given_client_is_not_gated() -> None:
    fake = FakeStability()
    with httpx.Client(transport=fake.transport()) as http:
        client = stability.Stability(fake.api_key, http_client=http)
        assert client._driver._gate is None
        assert client.balance() > 0


def test_async_pool_is_split_into_small_shards_only_under_load() -> None:
    from stability._drivers import SHARD_SIZE

    async def main(fake: FakeStability) -> None:
        async with stability.AsyncStability(fake.api_key, base_url=fake.base_url) as client:
            for _ in range(5):
                await client.balance()
            shards = client._driver._shards()
            assert len(shards.clients) == 1  # light use: one small pool, its connection reused
            await asyncio.gather(*(client.balance() for _ in range(250)))
            assert len(shards.clients) == (LIMITS.max_connections or 0) // SHARD_SIZE
            assert shards._busy == [0] * len(shards.clients)  # every request gave its place back

    with FakeStability(rate_limit=None) as fake:
        asyncio.run(main(fake))
        assert fake.connections_opened <= (LIMITS.max_connections or 0)
