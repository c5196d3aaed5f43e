"""``AsyncDriver``, the driver of ``AsyncStability``: one set of ``httpx.AsyncClient`` pools per event loop.

Connections belong to the loop that opened them: a client reused across two ``asyncio.run()`` calls would
otherwise fail with "Event loop is closed". A loop's pools are closed when ``asyncio.run()`` shuts that loop
down (see ``AsyncDriver._watch``), so a client used across many runs holds no sockets of finished ones. It runs
each send and its body read under ``asyncio.timeout``. What it shares with ``SyncDriver`` (building a request,
reading a body within its bound, mapping failures) is in ``_drivers``; it is a module of its own so that a
program using only ``Stability`` never imports asyncio (a third of ``import httpx``'s cost again).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TypeVar

import httpx

from ._aio_network import AsyncioBackend
from ._aio_pool import LeanPool
from ._core.config import Options
from ._core.flow import Answer, Failure, Flow, Outcome, Send
from ._drivers import (
    _DIRECT,
    _DRIVERS,
    _HEADERS,
    _LEFT_BY_FORK,
    _SEND_ERRORS,
    LIMITS,
    SHARD_LIMITS,
    SHARD_SIZE,
    _answer,
    _closed_error,
    _deadline_failure,
    _https_proxies,
    _log,
    _paced,
    _pool_timeout,
    _send_failed,
    _stop_if_closed,
    aiter_body,
    aread_body,
    direct_request,
    logger,
    request_args,
)

T = TypeVar("T")


# Requests beyond the pool's size wait at a semaphore before they enter httpx. httpcore 1.0 rescans every
# request it queues against every connection whenever a request starts or ends, and hands a freed connection
# to every queued request at once (all but one retry), so 200 requests queued on a 100-connection pool cost
# seconds of CPU and reopened connections (docs/benchmarks.md). The wait keeps the pool timeout.
async def _acquire(gate: asyncio.Semaphore, options: Options) -> None:
    if not gate.locked():
        await gate.acquire()  # free: no timer needed
        return
    try:
        await asyncio.wait_for(gate.acquire(), options.timeout.pool)
    except TimeoutError:
        raise _pool_timeout(options) from None


# ------------------------------------------------------------------------------------------ the driver


class AsyncDriver:
    """Runs flows on one set of ``httpx.AsyncClient`` pools per event loop (or on the one the user gave)."""

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._given = self.given = http_client
        self.transport = transport
        self._by_loop: dict[asyncio.AbstractEventLoop, _Shards] = {}
        self._sleep = sleep
        self.closed = False
        self._wakers: set[asyncio.Future[None]] = set()
        self._ssl: ssl.SSLContext | None = None
        _DRIVERS.add(self)

    def _ssl_context(self) -> ssl.SSLContext:
        # Loading the CA bundle costs ~20 ms of CPU: one context for every loop's pools (it is not loop-bound).
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        return self._ssl

    def _forked(self) -> None:
        # The parent's loops and sockets are the parent's. Their pools are kept (not collected) in the child:
        # collecting a pool's watcher would schedule its close on the parent's loop, through a shared pipe.
        _LEFT_BY_FORK.extend(self._by_loop.values())
        self._by_loop = {}
        self._wakers = set()

    def _shards(self) -> _Shards:
        loop = asyncio.get_running_loop()
        shards = self._by_loop.get(loop)
        if shards is None:
            if self.closed:
                raise _closed_error()
            self._sweep()
            shards = self._by_loop[loop] = _Shards(self.transport, self._ssl_context)
            self._watch(loop, shards)
        return shards

    def _watch(self, loop: asyncio.AbstractEventLoop, shards: _Shards) -> None:
        """Close ``shards`` when ``asyncio.run()`` (or a Runner) shuts ``loop`` down.

        Both call ``loop.shutdown_asyncgens()`` while the loop still runs, and it finalises every suspended
        async generator it has seen: this one then closes the loop's connections, and forgets them.
        """

        async def finaliser() -> AsyncGenerator[None, None]:
            try:
                yield
            finally:
                if self._by_loop.get(loop) is shards:
                    del self._by_loop[loop]
                await shards.aclose()

        watcher = finaliser()
        try:
            watcher.asend(None).send(None)  # runs to the first yield: registers it with the running loop
        except StopIteration:
            pass
        shards.watcher = watcher

    def _sweep(self) -> None:
        """Forget the pools of loops closed without ``shutdown_asyncgens`` (their sockets go with them)."""
        for loop in [loop for loop in self._by_loop if loop.is_closed()]:
            self._by_loop.pop(loop).abandon()

    def _gate(self) -> asyncio.Semaphore | None:
        """This loop's gate in front of our own pool (None for a client the user gave)."""
        return None if self._given is not None else self._shards().gate

    async def run(self, flow: Flow[T], options: Options) -> T:
        if self.closed:
            raise _closed_error()
        outcome: Outcome = None
        try:
            while True:
                step = flow.send(outcome)
                _stop_if_closed(self, flow, step)
                if isinstance(step, Send):
                    outcome = await self.send(step, options)
                else:
                    await self._pause(step.seconds)
                    outcome = None
        except StopIteration as done:
            result: T = done.value
            return result

    async def _pause(self, seconds: float) -> None:
        if self._sleep is not asyncio.sleep:
            await self._sleep(seconds)
            return
        # aclose() wakes the sleeper at once, so a wait() stops polling when its client is closed.
        waker: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._wakers.add(waker)
        try:
            await asyncio.wait_for(waker, seconds)
        except TimeoutError:
            pass
        finally:
            self._wakers.discard(waker)

    async def send(self, step: Send, options: Options) -> Answer | Failure:
        pacer = options.pacer
        if pacer is None:
            start = time.monotonic()
            outcome = await self._send(step, options)
        else:
            while not (booking := pacer.reserve(time.monotonic()))[1]:
                await self._pause(booking[0])
            try:  # booked: counted in flight until answered, whatever happens
                if booking[0] > 0:
                    await self._pause(booking[0])
                start = time.monotonic()
                outcome = await self._send(step, options)
            finally:
                pacer.answered(time.monotonic())
            _paced(pacer, outcome)
        if logger.isEnabledFor(logging.DEBUG):
            _log(step, outcome, start)
        return outcome

    async def _send(self, step: Send, options: Options) -> Answer | Failure:
        deadline = step.deadline
        shards = shard = None
        sent = False
        try:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return _deadline_failure("connect", options.total)
            async with asyncio.timeout(left):
                if self._given is not None:
                    http, gate = self._given, None
                else:
                    shards = self._shards()
                    gate = shards.gate
                    await _acquire(gate, options)
                    shard = shards.take()
                    http = shards.clients[shard]
                try:
                    kwargs = request_args(step, options, given=self._given is not None)
                    if shards is not None and _DIRECT:
                        request = direct_request(shards.headers, kwargs)
                        sent = True
                        response = await http._transport_for_url(request.url).handle_async_request(request)
                        response.request = request
                    else:
                        request = http.build_request(**kwargs)
                        sent = True
                        response = await http.send(request, stream=True)
                    saved = None
                    try:
                        sink = step.sink
                        if sink is not None and response.status_code == 200 and sink.accepts(response.headers):
                            content, truncated = b"", False
                            # asyncio.timeout above holds the deadline over the whole download.
                            saved = await sink.aconsume(aiter_body(response, limit=sink.limit, deadline=None))
                        else:
                            content, truncated = await aread_body(response, step)
                    finally:
                        await response.aclose()  # before _answer swaps the stream (see SyncDriver)
                finally:
                    if shards is not None and shard is not None:
                        shards.give(shard)
                    if gate is not None:
                        gate.release()
            return _answer(response, content, truncated, saved)
        except TimeoutError:
            return _deadline_failure("sent" if sent else "connect", options.total)
        except _SEND_ERRORS as exc:
            return _send_failed(exc, closed=self.closed, deadline=deadline, total=options.total)
        finally:
            step.request.close()

    async def aclose(self) -> None:
        """Close every pool: this loop's now, a live other loop's on that loop, a closed loop's sockets."""
        self.closed = True
        for waker in list(self._wakers):
            try:
                waker.get_loop().call_soon_threadsafe(_wake, waker)
            except RuntimeError:  # that loop is closed: nobody waits there any more
                pass
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        by_loop, self._by_loop = self._by_loop, {}
        for loop, shards in by_loop.items():
            if loop is current:
                await shards.aclose()
                if shards.watcher is not None:
                    await shards.watcher.aclose()
            elif loop.is_closed() or not loop.is_running():
                shards.abandon()
            else:
                asyncio.run_coroutine_threadsafe(shards.aclose(), loop)


def _wake(waker: asyncio.Future[None]) -> None:
    if not waker.done():
        waker.set_result(None)


class _Shards:
    """One event loop's connections: up to 10 small ``httpx.AsyncClient`` pools of ``SHARD_SIZE`` each.

    httpcore 1.0's pool does work proportional to connections x queued requests each time a request starts or
    ends, and to connections squared when they are all kept alive (encode/httpcore#1035, #1000): at 100
    connections a request costs milliseconds of CPU (docs/benchmarks.md, benchmark 6). Small pools kept that
    cost flat; each request goes to the least busy one, and a new one opens only when all are full, so light
    use stays on one pool. The direct pools are now ``LeanPool`` (O(1) per request); the shards stay for the
    pools that are still httpcore's (a proxy's). The gate in front (LIMITS.max_connections in flight) keeps
    every pool's queue empty, and the pool timeout applies while waiting at it.
    """

    def __init__(self, transport: httpx.AsyncBaseTransport | None, ssl_context: Callable[[], ssl.SSLContext]) -> None:
        self._transport = transport
        self._ssl_context = ssl_context
        total = LIMITS.max_connections or 100
        self.gate = asyncio.Semaphore(total)
        # A given transport is its own pool (and is closed with its client): it gets one client.
        self._most = 1 if transport is not None else total // SHARD_SIZE
        self.clients: list[httpx.AsyncClient] = []
        self._busy: list[int] = []
        self.watcher: AsyncGenerator[None, None] | None = None
        self._closed = False
        self.headers: dict[str, str] = {}
        """Every shard client's default headers (the same for all), for ``direct_request``."""

    def take(self) -> int:
        """The index of the client to use (the least busy; a new one when all are full and room is left)."""
        busy = self._busy
        index = busy.index(min(busy)) if busy else -1
        if index < 0 or (busy[index] >= SHARD_SIZE and len(busy) < self._most):
            client = self._client()
            self.headers = self.headers or dict(client.headers)
            self.clients.append(client)
            busy.append(0)
            index = len(busy) - 1
        busy[index] += 1
        return index

    def give(self, index: int) -> None:
        self._busy[index] -= 1

    def _client(self) -> httpx.AsyncClient:
        if self._transport is not None:
            return httpx.AsyncClient(transport=self._transport, limits=LIMITS, follow_redirects=False, headers=_HEADERS)
        context = self._ssl_context()

        def transport(proxy: httpx.Proxy | None = None) -> httpx.AsyncHTTPTransport:
            made = httpx.AsyncHTTPTransport(verify=context, limits=SHARD_LIMITS, proxy=proxy)
            if proxy is None:  # see _aio_pool: httpcore's pool does O(connections) work per request
                lean = LeanPool(
                    ssl_context=context,
                    keepalive_expiry=SHARD_LIMITS.keepalive_expiry,
                    max_idle=SHARD_SIZE,
                    network_backend=AsyncioBackend(),
                )
                setattr(made, "_pool", lean)  # noqa: B010 (httpx types it as httpcore's pool; it is duck-typed)
            else:
                made._pool._network_backend = AsyncioBackend()  # see _aio_network: anyio's costs a third of the CPU
            return made

        mounts = _https_proxies(transport)
        return httpx.AsyncClient(
            transport=transport(), mounts=mounts, limits=SHARD_LIMITS, follow_redirects=False, headers=_HEADERS
        )

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        clients, self.clients = self.clients, []
        for client in clients:
            await client.aclose()

    def abandon(self) -> None:
        """Drop the connections of a loop that is closed already (nothing can be awaited on it any more)."""
        self._closed = True
        self.clients = []
