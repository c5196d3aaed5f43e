"""The async client's connection pool (``stability._aio_pool``) against the fake on 127.0.0.1: reuse, expiry, the
idle bound, and connections that must not be reused (cut short, failed, cancelled, closed by the server)."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx
import pytest

from stability._aio_network import AsyncioBackend
from stability._aio_pool import _UNCONTENDED, LeanPool
from stability.testing import FakeStability, Fault


@pytest.fixture
def fake() -> Iterator[FakeStability]:
    with FakeStability(job_duration=0.0) as server:
        yield server


def client(fake: FakeStability, **pool: Any) -> tuple[httpx.AsyncClient, LeanPool]:
    pool.setdefault("keepalive_expiry", 30.0)
    pool.setdefault("max_idle", 10)
    lean = LeanPool(ssl_context=ssl.create_default_context(), network_backend=AsyncioBackend(), **pool)
    transport = httpx.AsyncHTTPTransport()
    transport._pool = lean  # type: ignore[assignment]
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    return httpx.AsyncClient(transport=transport, base_url=fake.base_url, headers=headers), lean


def run(main: Any) -> None:
    asyncio.run(main())


def test_one_connection_serves_requests_one_after_another(fake: FakeStability) -> None:
    async def main() -> None:
        http, pool = client(fake)
        async with http:
            for _ in range(5):
                assert (await http.get("/v1/user/balance")).status_code == 200
            assert fake.connections_opened == 1 and pool._idle_count == 1
        assert not pool._open and pool._idle_count == 0

    run(main)


def test_connections_are_httpcores_http11_with_a_state_lock_that_never_waits(fake: FakeStability) -> None:
    async def main() -> None:
        http, pool = client(fake)
        async with http:
            assert (await http.get("/v1/user/balance")).status_code == 200
            (connection,) = pool._open
            assert isinstance(connection, httpcore.AsyncHTTP11Connection)
            # Fails if httpcore renames its lock: the pool would then quietly take anyio's three turns a request.
            assert vars(connection)["_state_lock"] is _UNCONTENDED

    run(main)


def test_a_refused_connection_is_httpxs_connect_error_and_leaves_nothing_open() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def main() -> None:
        lean = LeanPool(ssl_context=ssl.create_default_context(), network_backend=AsyncioBackend(),
                        keepalive_expiry=30.0, max_idle=10)  # fmt: skip
        transport = httpx.AsyncHTTPTransport()
        transport._pool = lean  # type: ignore[assignment]
        async with httpx.AsyncClient(transport=transport) as http:
            with pytest.raises(httpx.ConnectError):
                await http.get(f"http://127.0.0.1:{port}/v1/user/balance")
            assert not lean._open

    run(main)


def test_concurrent_requests_open_connections_and_keep_at_most_max_idle(fake: FakeStability) -> None:
    fake.inject("balance", Fault.delay(0.2), times=4)

    async def main() -> None:
        http, pool = client(fake, max_idle=2)
        async with http:
            answers = await asyncio.gather(*(http.get("/v1/user/balance") for _ in range(4)))
            assert [a.status_code for a in answers] == [200] * 4
            assert fake.connections_opened == 4
            assert pool._idle_count == 2 and len(pool._open) == 2  # the other two were closed, not kept
            await asyncio.gather(*(http.get("/v1/user/balance") for _ in range(2)))
            assert fake.connections_opened == 4  # both kept ones reused

    run(main)


def test_an_expired_connection_is_not_reused(fake: FakeStability) -> None:
    async def main() -> None:
        http, pool = client(fake, keepalive_expiry=0.1)
        async with http:
            await http.get("/v1/user/balance")
            await asyncio.sleep(0.3)
            await http.get("/v1/user/balance")
            assert fake.connections_opened == 2 and len(pool._open) == 1

    run(main)


def test_a_body_left_unread_closes_its_connection(fake: FakeStability) -> None:
    fake.video_bytes = 4 * 1024 * 1024

    async def main() -> None:
        http, pool = client(fake)
        async with http:
            job = await http.post("/v2beta/image-to-video", files={"image": ("a.png", _png(), "image/png")})
            assert job.status_code == 200, job.text
            async with http.stream("GET", f"/v2beta/image-to-video/result/{job.json()['id']}") as answer:
                assert answer.status_code == 200
                async for _ in answer.aiter_raw():
                    break  # read a piece, then walk away
            assert pool._idle_count == 0 and not pool._open
            assert (await http.get("/v1/user/balance")).status_code == 200
            assert fake.connections_opened == 2

    run(main)


def test_a_dropped_connection_is_not_reused(fake: FakeStability) -> None:
    fake.inject("balance", Fault.drop_after_request())

    async def main() -> None:
        http, pool = client(fake)
        async with http:
            with pytest.raises(httpx.RemoteProtocolError):
                await http.get("/v1/user/balance")
            assert not pool._open
            assert (await http.get("/v1/user/balance")).status_code == 200
            assert fake.connections_opened == 2

    run(main)


def test_a_cancelled_request_leaves_no_connection_behind(fake: FakeStability) -> None:
    fake.inject("balance", Fault.delay(2.0))

    async def main() -> None:
        http, pool = client(fake)
        async with http:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.2):
                    await http.get("/v1/user/balance")
            assert not pool._open and pool._idle_count == 0
            assert (await http.get("/v1/user/balance")).status_code == 200

    run(main)


def test_a_connection_the_server_closed_while_idle_is_not_reused(fake: FakeStability) -> None:
    async def main() -> None:
        http, pool = client(fake)
        async with http:
            await http.get("/v1/user/balance")
            assert fake._server is not None
            fake._server._server.close_connections(timeout=5.0)  # the server ends its idle connections
            await asyncio.sleep(0.2)
            assert (await http.get("/v1/user/balance")).status_code == 200
            assert fake.connections_opened == 2

    run(main)


def _png() -> bytes:
    from tests.raw_cases import png

    return png(768, 768)
