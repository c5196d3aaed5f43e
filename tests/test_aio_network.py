"""The async client's network layer (``stability._aio_network``) against plain sockets on 127.0.0.1: every way a
connection ends, each timeout, both directions of flow control, and httpcore's exceptions for each."""

from __future__ import annotations

import asyncio
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpcore
import pytest

from stability._aio_network import AsyncioBackend, AsyncioStream


class Peer:
    """A server for one connection at a time, whose side of it each test scripts (``serve(handler)``)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.done = threading.Event()

    def serve(self, handler: Callable[[socket.socket], None]) -> None:
        def run() -> None:
            connection, _ = self.listener.accept()
            with connection:
                handler(connection)
            self.done.set()

        threading.Thread(target=run, daemon=True).start()


@pytest.fixture
def peer() -> Iterator[Peer]:
    server = Peer()
    yield server
    server.listener.close()


def run(coroutine_function: Callable[[], object]) -> None:
    asyncio.run(coroutine_function())  # type: ignore[arg-type]


async def connect(peer: Peer, **options: object) -> AsyncioStream:
    stream = await AsyncioBackend().connect_tcp("127.0.0.1", peer.port, **options)  # type: ignore[arg-type]
    assert isinstance(stream, AsyncioStream)
    return stream


async def read_all(stream: AsyncioStream, max_bytes: int = 65536) -> bytes:
    pieces = []
    while piece := await stream.read(max_bytes, timeout=5):
        assert len(piece) <= max_bytes
        pieces.append(piece)
    return b"".join(pieces)


def test_a_round_trip_and_the_servers_end(peer: Peer) -> None:
    payload = os.urandom(300_000)

    def echo_then_close(connection: socket.socket) -> None:
        request = connection.recv(100)
        connection.sendall(request + payload)

    peer.serve(echo_then_close)

    async def main() -> None:
        stream = await connect(peer)
        assert stream.get_extra_info("is_readable") is False  # idle and open: fit for reuse
        await stream.write(b"hello", timeout=5)
        assert await read_all(stream, max_bytes=1000) == b"hello" + payload  # every piece within the bound
        assert await stream.read(10, timeout=5) == b""  # and the end stays the end
        assert stream.get_extra_info("is_readable") is True  # closed by the server: never reused
        assert stream.get_extra_info("server_addr") == ("127.0.0.1", peer.port)
        assert stream.get_extra_info("client_addr")[0] == "127.0.0.1"
        assert stream.get_extra_info("ssl_object") is None and stream.get_extra_info("nonsense") is None
        await stream.aclose()

    run(main)


def test_a_refused_connection_and_a_connect_timeout(peer: Peer) -> None:
    port = peer.port
    peer.listener.close()

    async def main() -> None:
        with pytest.raises(httpcore.ConnectError):
            await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        with pytest.raises(httpcore.ConnectError):
            await AsyncioBackend().connect_tcp("no-such-host.invalid", port, timeout=5)
        with pytest.raises(httpcore.ConnectTimeout):
            await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=0)

    run(main)


def test_a_silent_server_is_a_read_timeout(peer: Peer) -> None:
    release = threading.Event()
    peer.serve(lambda connection: release.wait(10))

    async def main() -> None:
        stream = await connect(peer)
        began = time.monotonic()
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(100, timeout=0.2)
        assert 0.15 < time.monotonic() - began < 2
        release.set()
        await stream.aclose()

    run(main)


def test_a_reset_is_a_read_error(peer: Peer) -> None:
    def reset(connection: socket.socket) -> None:
        connection.recv(10)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    peer.serve(reset)

    async def main() -> None:
        stream = await connect(peer)
        await stream.write(b"x", timeout=5)
        with pytest.raises(httpcore.ReadError):
            await read_all(stream)
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"more", timeout=5)
        await stream.aclose()

    run(main)


def test_data_the_loop_has_not_seen_yet_makes_an_idle_connection_unfit(peer: Peer) -> None:
    sent = threading.Event()

    def unsolicited(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 408 Request Timeout\r\n\r\n")
        sent.set()
        time.sleep(1)

    peer.serve(unsolicited)

    async def main() -> None:
        stream = await connect(peer)
        assert sent.wait(5)
        time.sleep(0.1)  # blocks the loop: only a look at the socket itself can know
        assert stream.get_extra_info("is_readable") is True
        await stream.aclose()

    run(main)


def test_a_slow_reader_stops_the_socket_being_read(peer: Peer) -> None:
    payload = os.urandom(8 * 1024 * 1024)
    peer.serve(lambda connection: connection.sendall(payload))

    async def main() -> None:
        stream = await connect(peer)
        await asyncio.sleep(0.5)  # the server has sent all it could; the client read nothing
        connection = stream._connection
        assert 0 < connection.buffered <= 2 * 1024 * 1024  # read up to the pause mark (1 MiB), not all 8 MiB
        assert await read_all(stream) == payload
        await stream.aclose()

    run(main)


def test_a_server_that_does_not_read_is_a_write_timeout(peer: Peer) -> None:
    release = threading.Event()
    peer.serve(lambda connection: release.wait(10))

    async def main() -> None:
        stream = await connect(peer)
        with pytest.raises(httpcore.WriteTimeout):
            for _ in range(64):  # far more than the kernel's buffers hold
                await stream.write(b"x" * (1 << 20), timeout=0.2)
        release.set()
        await stream.aclose()

    run(main)


def test_socket_options_are_applied(peer: Peer) -> None:
    peer.serve(lambda connection: connection.recv(10))

    async def main() -> None:
        stream = await connect(peer, socket_options=[(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)])
        sock = stream.get_extra_info("socket")
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1  # as anyio's: no Nagle delay
        await stream.aclose()

    run(main)


def test_a_unix_socket(tmp_path: Path) -> None:
    path = str(tmp_path / "api.sock")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(path)
    listener.listen()

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.sendall(connection.recv(10)[::-1])

    threading.Thread(target=answer, daemon=True).start()

    async def main() -> None:
        stream = await AsyncioBackend().connect_unix_socket(path, timeout=5)
        await stream.write(b"abc", timeout=5)
        assert await stream.read(10, timeout=5) == b"cba"
        await stream.aclose()
        with pytest.raises(httpcore.ConnectError):
            await AsyncioBackend().connect_unix_socket(str(tmp_path / "missing.sock"), timeout=5)

    try:
        run(main)
    finally:
        listener.close()
