"""The two drivers of ``_flow``: they send requests with httpx and sleep, and do nothing else.

``SyncDriver`` serves ``Stability`` (one ``httpx.Client``, safe to share between threads). ``AsyncDriver``
serves ``AsyncStability`` and keeps one ``httpx.AsyncClient`` per event loop, because connections belong to
the loop that opened them: a client reused across two ``asyncio.run()`` calls would otherwise fail with
"Event loop is closed".
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from ._config import Options
from ._flow import Answer, Failure, Flow, Outcome, Send
from ._retry import FailureKind

T = TypeVar("T")

LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=30.0)
# The async pool is split into shards of this many connections (see _Shards); together they hold LIMITS.
SHARD_SIZE = 10
SHARD_LIMITS = httpx.Limits(max_connections=SHARD_SIZE, max_keepalive_connections=SHARD_SIZE, keepalive_expiry=30.0)
_CONNECT_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def failure_from(exc: Exception) -> Failure:
    """Classify an httpx exception: could the request have reached the API?"""
    kind: FailureKind = "connect" if isinstance(exc, _CONNECT_FAILURES) else "sent"
    timeout = isinstance(exc, httpx.TimeoutException)
    label = "timed out" if timeout else "connection failed"
    # httpx messages name the URL and the cause, never the request headers, so the key cannot leak here.
    return Failure(kind=kind, message=f"{label}: {type(exc).__name__}: {exc}".rstrip(": "), timeout=timeout)


def request_args(send: Send, options: Options) -> dict[str, Any]:
    """The final httpx arguments: absolute URL, the key, the client's timeout."""
    kwargs = dict(send.request.kwargs)
    headers = dict(kwargs.get("headers") or {})
    key = options.require_key()
    # The official v1alpha samples send the bare key, the v2alpha ones `Bearer <key>`; the API takes both.
    headers["Authorization"] = key if kwargs["url"].startswith("/v1alpha/") else f"Bearer {key}"
    headers.setdefault("User-Agent", _user_agent())
    kwargs["headers"] = headers
    kwargs["url"] = options.base_url + kwargs["url"]
    kwargs["timeout"] = options.timeout
    return kwargs


_SPENT = httpx.ByteStream(b"")


def _answer(response: httpx.Response) -> Answer:
    """The answer of a response whose body has been read, with httpx's reference cycle through it undone.

    httpx binds every response's stream to the response itself, so a response is cyclic garbage: its body
    stays allocated until the garbage collector next runs, and every new body lands in freshly mapped pages.
    Swapping the spent stream for an empty one lets the body go as soon as the caller drops the result
    (benchmark 1: no page faults and no collections per call, from 62 faults and a collection every ~23 calls).
    """
    response.stream = _SPENT
    return Answer(response.status_code, response.headers, response.content)


def _pool_timeout(options: Options) -> httpx.PoolTimeout:
    return httpx.PoolTimeout(f"no connection free within {options.timeout.pool} s")


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


class ThreadGate:
    """The sync driver's gate: at most ``slots`` requests inside httpx, the rest wait their turn.

    ``threading.BoundedSemaphore`` takes a Python-level condition on every pass; here a free slot costs one
    uncontended lock and the condition is used only while someone waits, because the gate is on every call.
    """

    def __init__(self, slots: int) -> None:
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        self._free = slots
        self._waiting = 0

    def acquire(self, timeout: float | None = None) -> bool:
        with self._lock:
            if self._free > 0:
                self._free -= 1
                return True
            self._waiting += 1
            try:
                if not self._freed.wait_for(lambda: self._free > 0, timeout):
                    return False
            finally:
                self._waiting -= 1
            self._free -= 1
            return True

    def release(self) -> None:
        with self._lock:
            self._free += 1
            if self._waiting:
                self._freed.notify()


@functools.cache
def _user_agent() -> str:
    from ._version import __version__

    return f"stability-client/{__version__} python-httpx/{httpx.__version__}"


class SyncDriver:
    """Runs flows on one shared ``httpx.Client``."""

    def __init__(
        self,
        *,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._owns = http_client is None
        self.transport = transport
        self.http = http_client or httpx.Client(transport=transport, limits=LIMITS, follow_redirects=False)
        # Only our own pool's size is known; a given client keeps its own queueing.
        self._gate = ThreadGate(LIMITS.max_connections or 100) if self._owns else None
        self._sleep = sleep

    def run(self, flow: Flow[T], options: Options) -> T:
        outcome: Outcome = None
        try:
            while True:
                step = flow.send(outcome)
                if isinstance(step, Send):
                    outcome = self.send(step, options)
                else:
                    self._sleep(step.seconds)
                    outcome = None
        except StopIteration as done:
            result: T = done.value
            return result

    def send(self, step: Send, options: Options) -> Answer | Failure:
        try:
            request = self.http.build_request(**request_args(step, options))
            gate = self._gate
            if gate is not None and not gate.acquire(timeout=options.timeout.pool):
                raise _pool_timeout(options)
            try:
                response = self.http.send(request, stream=step.stream)
                if step.stream and response.status_code == 200:
                    return Answer(response.status_code, response.headers, b"", stream=response)
                try:
                    response.read()
                finally:
                    response.close()
            finally:
                if gate is not None:
                    gate.release()
            return _answer(response)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            return failure_from(exc)
        finally:
            step.request.close()

    def close(self) -> None:
        if self._owns:
            self.http.close()


class AsyncDriver:
    """Runs flows on one ``httpx.AsyncClient`` per event loop (or on the one the user gave)."""

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._given = http_client
        self.transport = transport
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Shards] = weakref.WeakKeyDictionary()
        self._sleep = sleep

    def _shards(self) -> _Shards:
        loop = asyncio.get_running_loop()
        shards = self._by_loop.get(loop)
        if shards is None:
            shards = self._by_loop[loop] = _Shards(self.transport)
        return shards

    def _gate(self) -> asyncio.Semaphore | None:
        """This loop's gate in front of our own pool (None for a client the user gave)."""
        return None if self._given is not None else self._shards().gate

    async def run(self, flow: Flow[T], options: Options) -> T:
        outcome: Outcome = None
        try:
            while True:
                step = flow.send(outcome)
                if isinstance(step, Send):
                    outcome = await self.send(step, options)
                else:
                    await self._sleep(step.seconds)
                    outcome = None
        except StopIteration as done:
            result: T = done.value
            return result

    async def send(self, step: Send, options: Options) -> Answer | Failure:
        shards = shard = None
        try:
            if self._given is not None:
                http, gate = self._given, None
            else:
                shards = self._shards()
                gate = shards.gate
                await _acquire(gate, options)
                shard = shards.take()
                http = shards.clients[shard]
            request = http.build_request(**request_args(step, options))
            try:
                response = await http.send(request, stream=step.stream)
                if step.stream and response.status_code == 200:
                    return Answer(response.status_code, response.headers, b"", stream=response)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            finally:
                if shards is not None and shard is not None:
                    shards.give(shard)
                if gate is not None:
                    gate.release()
            return _answer(response)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            return failure_from(exc)
        finally:
            step.request.close()

    async def aclose(self) -> None:
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        shards = self._by_loop.pop(loop, None) if loop is not None else None
        if shards is not None:
            for client in shards.clients:
                await client.aclose()


class _Shards:
    """One event loop's connections: up to 10 small ``httpx.AsyncClient`` pools of ``SHARD_SIZE`` each.

    httpcore 1.0's pool does work proportional to connections x queued requests each time a request starts or
    ends, and to connections squared when they are all kept alive (encode/httpcore#1035, #1000): at 100
    connections a request costs milliseconds of CPU (docs/benchmarks.md, benchmark 6). Small pools keep that
    cost flat; each request goes to the least busy one, and a new one opens only when all are full, so light
    use stays on one pool. The gate in front (LIMITS.max_connections in flight) keeps every httpcore queue
    empty, and the pool timeout applies while waiting at it.
    """

    def __init__(self, transport: httpx.AsyncBaseTransport | None) -> None:
        self._transport = transport
        total = LIMITS.max_connections or 100
        self.gate = asyncio.Semaphore(total)
        # A given transport is its own pool (and is closed with its client): it gets one client.
        self._most = 1 if transport is not None else total // SHARD_SIZE
        self.clients: list[httpx.AsyncClient] = []
        self._busy: list[int] = []
        self._ssl_context: ssl.SSLContext | None = None

    def take(self) -> int:
        """The index of the client to use (the least busy; a new one when all are full and room is left)."""
        busy = self._busy
        index = busy.index(min(busy)) if busy else -1
        if index < 0 or (busy[index] >= SHARD_SIZE and len(busy) < self._most):
            self.clients.append(self._client())
            busy.append(0)
            index = len(busy) - 1
        busy[index] += 1
        return index

    def give(self, index: int) -> None:
        self._busy[index] -= 1

    def _client(self) -> httpx.AsyncClient:
        if self._transport is not None:
            return httpx.AsyncClient(transport=self._transport, limits=LIMITS, follow_redirects=False)
        # Loading the CA bundle costs ~20 ms of CPU per SSL context: the shards share one.
        if self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context()
        return httpx.AsyncClient(limits=SHARD_LIMITS, follow_redirects=False, verify=self._ssl_context)
