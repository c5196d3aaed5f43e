"""httpcore's network layer on asyncio's own transports, for the async client's pools.

httpcore's default async backend goes through anyio, which costs more per request than the rest of the client:
every read and write runs in an anyio cancel scope (a timer armed and disarmed, the task's scope stack walked),
inside two exception-mapping context managers, and each check of an idle connection before reuse (``is_readable``)
builds anyio's table of socket attributes afresh (``getpeername`` and address conversions included). With 200
jobs on one client that was a third of the client's CPU (docs/benchmarks.md, benchmark 6).

Here a connection is an ``asyncio.Protocol`` that buffers what arrives: a read that finds data returns it without
waiting (most chunks of a large body), and only a read that must wait arms a timer. Writes go straight to the
transport and wait only when its buffer is above the high-water mark. TLS is asyncio's (``loop.start_tls``).
The async client is asyncio-only (``AsyncStability`` checks for it), so nothing is lost by leaving anyio out.
"""

from __future__ import annotations

import asyncio
import select
import socket
import ssl
from collections import deque
from collections.abc import Iterable
from typing import Any

import httpcore

_PAUSE_AT = 1 << 20
"""Bytes buffered unread before the socket stops being read (a slow consumer must not grow memory unbounded)."""
_RESUME_AT = 1 << 18

SocketOption = tuple[Any, ...]
"""httpcore's ``(level, option, value)`` (or ``(level, option, None, length)``), passed on to ``setsockopt``."""


class _Connection(asyncio.Protocol):
    """One socket's state: what arrived and was not read yet, and who waits for more or for room to write."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self._offset = 0
        """How much of the first chunk was read already."""
        self.eof = False
        self.lost = False
        self.error: BaseException | None = None
        self._reader: asyncio.Future[None] | None = None
        self._writer: asyncio.Future[None] | None = None
        self._paused_reading = False
        self._paused_writing = False

    # -- asyncio's callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered > _PAUSE_AT and not self._paused_reading and self.transport is not None:
            self._paused_reading = True
            self.transport.pause_reading()
        self._wake_reader()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake_reader()
        return False  # close the transport: HTTP/1.1 never writes after the server's end

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.error = exc
        self._wake_reader()
        if self._writer is not None and not self._writer.done():
            self._writer.set_result(None)

    def pause_writing(self) -> None:
        self._paused_writing = True

    def resume_writing(self) -> None:
        self._paused_writing = False
        if self._writer is not None and not self._writer.done():
            self._writer.set_result(None)

    def _wake_reader(self) -> None:
        if self._reader is not None and not self._reader.done():
            self._reader.set_result(None)

    # -- for the stream

    def take(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` of what is buffered (there is some): each byte copied at most once."""
        chunk, start = self.chunks[0], self._offset
        end = start + max_bytes
        if end < len(chunk):
            self._offset = end
            piece = chunk[start:end]
        else:
            self.chunks.popleft()
            self._offset = 0
            piece = chunk[start:] if start else chunk
        self.buffered -= len(piece)
        if self._paused_reading and self.buffered <= _RESUME_AT and self.transport is not None:
            self._paused_reading = False
            self.transport.resume_reading()
        return piece

    async def readable(self, timeout: float | None) -> None:
        """Wait until data, the end or an error arrives; ``TimeoutError`` after ``timeout`` seconds."""
        self._reader = waiter = asyncio.get_running_loop().create_future()
        await _wait(waiter, timeout)

    async def writable(self, timeout: float | None) -> None:
        """Wait until the transport's buffer is below its low-water mark (or the connection is gone)."""
        if not self._paused_writing or self.lost:
            return
        self._writer = waiter = asyncio.get_running_loop().create_future()
        await _wait(waiter, timeout)


async def _wait(future: asyncio.Future[None], timeout: float | None) -> None:
    if timeout is None:
        await future
        return
    timer = asyncio.get_running_loop().call_later(timeout, _expire, future)
    try:
        await future
    finally:
        timer.cancel()


def _why(exc: BaseException | None, default: str) -> str:
    return (str(exc) or type(exc).__name__) if exc is not None else default


def _expire(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


class AsyncioStream(httpcore.AsyncNetworkStream):
    """A connection as httpcore's ``AsyncNetworkStream``, raising httpcore's exceptions."""

    def __init__(self, connection: _Connection, transport: asyncio.Transport) -> None:
        self._connection = connection
        self._transport = transport
        self._poll: select.poll | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        connection = self._connection
        if not connection.chunks:
            if connection.eof or connection.lost:
                return self._ended(httpcore.ReadError)
            try:
                await connection.readable(timeout)
            except TimeoutError:
                raise httpcore.ReadTimeout(f"no data within {timeout} s") from None
            if not connection.chunks:
                return self._ended(httpcore.ReadError)
        return connection.take(max_bytes)

    def _ended(self, error: type[httpcore.NetworkError]) -> bytes:
        """The end of the stream: ``b""`` when the server closed it, ``error`` when it broke."""
        failure = self._connection.error
        if failure is not None:
            raise error(_why(failure, "the connection broke")) from failure
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        connection = self._connection
        if connection.lost or self._transport.is_closing():
            raise httpcore.WriteError(_why(connection.error, "the connection is closed"))
        try:
            self._transport.write(buffer)
            await connection.writable(timeout)
        except TimeoutError:
            raise httpcore.WriteTimeout(f"could not write within {timeout} s") from None
        except (OSError, RuntimeError) as exc:
            raise httpcore.WriteError(_why(exc, "the write failed")) from exc

    async def aclose(self) -> None:
        transport = self._transport
        if transport.is_closing():
            return
        transport.close()
        await asyncio.sleep(0)  # the loop closes the socket (it was scheduled first)...
        transport.abort()  # ...unless unsent data or a TLS goodbye holds it: a connection dropped is dropped now

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, self._connection, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError:
            self._transport.close()
            raise httpcore.ConnectTimeout(f"no TLS handshake within {timeout} s") from None
        except OSError as exc:  # ssl.SSLError and a reset during the handshake included
            self._transport.close()
            raise httpcore.ConnectError(_why(exc, "the TLS handshake failed")) from exc
        if transport is None:  # the connection ended during the handshake
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        assert isinstance(transport, asyncio.Transport)
        self._connection.transport = transport
        return AsyncioStream(self._connection, transport)

    def get_extra_info(self, info: str) -> Any:
        transport = self._transport
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return transport.get_extra_info("socket")
        if info == "is_readable":
            return self._is_readable()
        return None

    def _is_readable(self) -> bool:
        """Whether an idle connection has something to read (data, the end, an error): then it is not reused.

        What the event loop has seen is known without a system call; a poll of the socket catches an end that
        arrived since the loop last looked (a connection the server closed a moment ago must not be reused).
        """
        connection = self._connection
        if connection.chunks or connection.eof or connection.lost or self._transport.is_closing():
            return True
        if self._poll is None:
            sock = self._transport.get_extra_info("socket")
            if sock is None:
                return False
            self._poll = select.poll()
            self._poll.register(sock.fileno(), select.POLLIN | select.POLLPRI)
        return bool(self._poll.poll(0))


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's ``AsyncNetworkBackend`` on asyncio's transports."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        local = None if local_address is None else (local_address, 0)
        return await _connect(
            lambda: loop.create_connection(_Connection, host, port, local_addr=local, happy_eyeballs_delay=0.25),
            timeout,
            socket_options,
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        return await _connect(lambda: loop.create_unix_connection(_Connection, path), timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connect(open: Any, timeout: float | None, socket_options: Iterable[SocketOption] | None) -> AsyncioStream:
    try:
        async with asyncio.timeout(timeout):
            transport, connection = await open()
    except TimeoutError:
        raise httpcore.ConnectTimeout(f"no connection within {timeout} s") from None
    except OSError as exc:  # refused, unreachable, no such host (socket.gaierror)
        raise httpcore.ConnectError(_why(exc, "could not connect")) from exc
    sock: socket.socket | None = transport.get_extra_info("socket")
    try:
        for option in socket_options or ():
            if sock is not None:
                sock.setsockopt(*option)
    except OSError as exc:
        transport.close()
        raise httpcore.ConnectError(_why(exc, "a socket option was refused")) from exc
    return AsyncioStream(connection, transport)
