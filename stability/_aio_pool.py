"""A connection pool for the async client's shards that does O(1) work per request.

httpcore's pool keeps a list of queued requests and, every time a request starts or ends, walks every connection
(asking each whether it expired, whether it is idle, and counting the idle ones once per idle connection) and
every queued request, waking the one it assigns through an anyio event. In front of it the client's gate already
bounds the requests in flight, so no request ever queues there: all that bookkeeping buys nothing, and with 200
concurrent jobs it was a fifth of the client's CPU. Here a request takes the most recently used idle connection
to its origin (checking only that one for expiry) or opens one, and gives it back when its answer is read.

It stands in for ``httpx.AsyncHTTPTransport._pool``, so httpx's transport still converts the request, maps
httpcore's exceptions and wraps the response stream. The connections are httpcore's HTTP/1.1 ones, opened here
rather than through ``httpcore.AsyncHTTPConnection``: that wrapper exists to choose between HTTP/1.1 and HTTP/2
and takes an anyio lock around every request to do it, and anyio's lock gives the event loop a turn on every
acquire, contended or not. A connection here serves one request at a time, so its own state lock is never
contended either, and is replaced by one that never waits: httpcore's cost three event-loop turns a request,
about a tenth of the CPU of a 202 poll (docs/benchmarks.md, benchmark 6).
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

import httpcore

_Key = tuple[bytes, bytes, int]


class _Uncontended:
    """A lock for a connection only one task uses at a time: it never waits, and never yields to the loop."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc_info: object) -> None:
        return None


_UNCONTENDED = _Uncontended()


class _Http11(httpcore.AsyncHTTP11Connection):
    """httpcore's HTTP/1.1 connection, with a state lock that never waits (see the module's docstring)."""

    def __init__(self, origin: httpcore.Origin, stream: httpcore.AsyncNetworkStream, keepalive_expiry: float | None):
        super().__init__(origin=origin, stream=stream, keepalive_expiry=keepalive_expiry)
        if hasattr(self, "_state_lock"):  # httpcore's name for it (tests/test_aio_pool.py checks it still is)
            setattr(self, "_state_lock", _UNCONTENDED)  # noqa: B010 (typed as httpcore's AsyncLock; duck-typed)


def _key(origin: httpcore.Origin) -> _Key:
    return origin.scheme, origin.host, origin.port  # httpcore's Origin compares equal but has no hash


class LeanPool:
    """Idle connections on a stack per origin; at most ``max_idle`` kept, each for ``keepalive_expiry`` seconds."""

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext,
        keepalive_expiry: float | None,
        max_idle: int,
        network_backend: httpcore.AsyncNetworkBackend,
    ) -> None:
        self._ssl_context = ssl_context
        ssl_context.set_alpn_protocols(["http/1.1"])  # as httpcore's connection sets it before each handshake
        self._keepalive_expiry = keepalive_expiry
        self._max_idle = max_idle
        self._backend = network_backend
        self._idle: dict[_Key, list[_Http11]] = {}
        self._idle_count = 0
        self._open: set[_Http11] = set()

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        origin = request.url.origin
        while True:
            connection = await self._reuse(origin)
            reused = connection is not None
            if connection is None:
                connection = _Http11(origin, await self._connect(request), self._keepalive_expiry)
                self._open.add(connection)
            try:
                response = await connection.handle_async_request(request)
            except httpcore.ConnectionNotAvailable:
                await self._drop(connection)
                if reused:  # it changed state since it was idle: nothing was sent on it, take another
                    continue
                raise httpcore.ConnectError("a new connection was not available") from None
            except BaseException:
                await self._drop(connection)
                raise
            break
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=_Returned(response.stream, connection, origin, self),
            extensions=response.extensions,
        )

    async def _connect(self, request: httpcore.Request) -> httpcore.AsyncNetworkStream:
        """A new connection to the request's origin (TLS for https), within the request's connect timeout."""
        origin = request.url.origin
        timeout = request.extensions.get("timeout", {}).get("connect")
        host = origin.host.decode("ascii")
        stream = await self._backend.connect_tcp(host=host, port=origin.port, timeout=timeout)
        if origin.scheme == b"https":
            server_hostname = request.extensions.get("sni_hostname") or host
            try:
                stream = await stream.start_tls(self._ssl_context, server_hostname=server_hostname, timeout=timeout)
            except BaseException:
                await stream.aclose()
                raise
        return stream

    async def _reuse(self, origin: httpcore.Origin) -> _Http11 | None:
        stack = self._idle.get(_key(origin))
        while stack:
            connection = stack.pop()
            self._idle_count -= 1
            if connection.is_idle() and not connection.has_expired():
                return connection
            await self._drop(connection)  # the server closed it, or it sat unused too long
        return None

    async def release(self, connection: _Http11, origin: httpcore.Origin) -> None:
        """A response was read or closed: keep its connection for the next request, or close it."""
        if connection.is_idle() and self._idle_count < self._max_idle:
            self._idle.setdefault(_key(origin), []).append(connection)
            self._idle_count += 1
        else:
            await self._drop(connection)

    async def _drop(self, connection: _Http11) -> None:
        self._open.discard(connection)
        if not connection.is_closed():
            await connection.aclose()

    async def aclose(self) -> None:
        connections, self._open = self._open, set()
        self._idle.clear()
        self._idle_count = 0
        for connection in connections:
            await connection.aclose()

    async def __aenter__(self) -> LeanPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()


class _Returned:
    """A response body that gives its connection back to the pool when it is closed."""

    def __init__(self, stream: Any, connection: _Http11, origin: httpcore.Origin, pool: LeanPool) -> None:
        self._stream = stream
        self._connection = connection
        self._origin = origin
        self._pool: LeanPool | None = pool

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        try:
            await self._stream.aclose()
        finally:
            if pool is not None:
                await pool.release(self._connection, self._origin)
