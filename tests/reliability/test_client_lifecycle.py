"""A client's life: many event loops, close, close during a wait, fork (issue 13, items 9 and 19).

- One ``AsyncStability`` across 50 ``asyncio.run()`` calls holds no more than a couple of sockets and no dead
  loops; ``aclose()`` releases what is left.
- A closed client (sync or async) refuses further calls with ``ConfigurationError`` (no raw httpx
  ``RuntimeError``, no silent new pool); closing it during ``wait()`` ends the wait at once.
- After ``fork()`` the child gets a fresh pool: it never writes on the parent's connections.
"""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

import stability
from stability.testing import FakeStability
from tests.reliability._support import FIGURES

JOB_ID = "c" * 64


def _client_sockets(port: int) -> int:
    """Open sockets of this process connected to ``port`` on loopback (from /proc, no psutil)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == port and fields[9] in inodes:
                    count += 1
    return count


@pytest.fixture(scope="module")
def server() -> Iterator[FakeStability]:
    with FakeStability(fast=True) as fake:
        yield fake


# ------------------------------------------------------------------------------------------ item 9: loops


def test_one_async_client_across_50_event_loops_holds_a_couple_of_sockets(server: FakeStability) -> None:
    port = server.port
    assert port is not None
    client = stability.AsyncStability(server.api_key, base_url=server.base_url)
    loops: list[weakref.ref[asyncio.AbstractEventLoop]] = []

    async def use() -> float:
        loops.append(weakref.ref(asyncio.get_running_loop()))
        return await client.balance()

    before = _client_sockets(port)
    for _ in range(50):
        assert asyncio.run(use()) > 0
    gc.collect()
    assert _client_sockets(port) - before <= 2
    assert sum(ref() is not None for ref in loops) <= 1  # each finished loop was let go
    asyncio.run(client.aclose())
    gc.collect()
    assert _client_sockets(port) - before == 0
    FIGURES.add("scenarios")


def test_aclose_closes_the_pool_of_a_loop_still_running(server: FakeStability) -> None:
    port = server.port
    assert port is not None
    client = stability.AsyncStability(server.api_key, base_url=server.base_url)
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(client.balance()) > 0  # a loop that is never run to its end
        assert _client_sockets(port) >= 1
        loop.run_until_complete(client.aclose())
        assert _client_sockets(port) == 0
    finally:
        loop.close()
    FIGURES.add("scenarios")


# ----------------------------------------------------------------------------------------- item 19: close


def test_a_closed_sync_client_raises_a_typed_error(server: FakeStability) -> None:
    client = stability.Stability(server.api_key, base_url=server.base_url)
    assert client.balance() > 0
    client.close()
    for call in (client.balance, lambda: client.text_to_image("x"), lambda: client.jobs.get("upscale", JOB_ID).poll()):
        with pytest.raises(stability.ConfigurationError, match="closed"):
            call()
    with pytest.raises(stability.ConfigurationError, match="closed"):
        client.raw  # noqa: B018
    FIGURES.add("scenarios")


def test_a_closed_async_client_raises_a_typed_error_instead_of_opening_a_new_pool(server: FakeStability) -> None:
    port = server.port
    assert port is not None
    client = stability.AsyncStability(server.api_key, base_url=server.base_url)

    async def main() -> None:
        assert await client.balance() > 0
        await client.aclose()
        with pytest.raises(stability.ConfigurationError, match="closed"):
            await client.balance()
        with pytest.raises(stability.ConfigurationError, match="closed"):
            await client.jobs.get("upscale", JOB_ID).poll()

    asyncio.run(main())
    with pytest.raises(stability.ConfigurationError, match="closed"):
        asyncio.run(client.balance())  # a new loop: still closed, no new pool
    assert _client_sockets(port) == 0
    FIGURES.add("scenarios")


def _running_job(fake: FakeStability, client: Any) -> Any:
    fake.job_duration = 3600.0
    return client.jobs.get("upscale", fake_job(fake))


def fake_job(fake: FakeStability) -> str:
    with stability.Stability(fake.api_key, base_url=fake.base_url) as starter:
        from tests.raw_cases import png

        return str(starter.upscale("a cat", image=png(256, 256)).id)


def test_closing_a_sync_client_from_another_thread_ends_its_wait(server: FakeStability) -> None:
    server.reset()
    client = stability.Stability(server.api_key, base_url=server.base_url)
    job = _running_job(server, client)
    threading.Timer(0.3, client.close).start()
    start = time.monotonic()
    with pytest.raises(stability.ConfigurationError, match="closed"):
        job.wait(poll_interval=5, timeout=60)
    assert time.monotonic() - start < 2  # not after the 5 s poll interval, nor at the 60 s timeout
    server.reset()
    FIGURES.add("scenarios")


def test_aclose_during_wait_stops_polling(server: FakeStability) -> None:
    server.reset()
    client = stability.AsyncStability(server.api_key, base_url=server.base_url)
    job = _running_job(server, client)

    async def main() -> float:
        waiting = asyncio.create_task(job.wait(poll_interval=5, timeout=60))
        await asyncio.sleep(0.3)
        polls = server.count("upscale_result")
        await client.aclose()
        start = time.monotonic()
        with pytest.raises(stability.ConfigurationError, match="closed"):
            await waiting
        assert server.count("upscale_result") == polls  # no poll after the close
        return time.monotonic() - start

    assert asyncio.run(main()) < 1
    server.reset()
    FIGURES.add("scenarios")


# ------------------------------------------------------------------------------------------ item 19: fork


class KeepAliveServer:
    """Answers balance requests on kept-alive connections and records the client port of each request."""

    BODY = b'{"credits": 7.0}'

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.ports: list[int] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, peer = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn, peer[1]), daemon=True).start()

    def _serve(self, conn: socket.socket, port: int) -> None:
        with conn:
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer:
                    try:
                        part = conn.recv(65536)
                    except OSError:
                        return
                    if not part:
                        return
                    buffer += part
                _, buffer = buffer.split(b"\r\n\r\n", 1)
                with self._lock:
                    self.ports.append(port)
                answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                conn.sendall(answer % (len(self.BODY), self.BODY))

    def close(self) -> None:
        self._sock.close()


def test_after_fork_the_child_opens_its_own_connections() -> None:
    server = KeepAliveServer()
    try:
        with stability.Stability("sk-fork-test-key-0123456789", base_url=server.url) as client:
            assert client.balance() == 7.0  # a warm connection in the parent's pool
            pid = os.fork()
            if pid == 0:  # the child: one call, then report through the exit status only
                status = 1
                try:
                    status = 0 if client.balance() == 7.0 else 2
                finally:
                    os._exit(status)
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0
            assert client.balance() == 7.0  # the parent's pool still works
        parent, child, parent_again = server.ports
        assert child != parent  # the child did not write on the parent's socket
        assert parent_again == parent  # and the parent kept its connection
    finally:
        server.close()
    FIGURES.add("scenarios")
