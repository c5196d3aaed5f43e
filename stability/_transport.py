"""The two drivers of ``_flow``: they send requests with httpx and sleep, and do nothing else.

``SyncDriver`` serves ``Stability`` (one ``httpx.Client``, safe to share between threads). ``AsyncDriver``
serves ``AsyncStability`` and keeps one ``httpx.AsyncClient`` per event loop, because connections belong to
the loop that opened them: a client reused across two ``asyncio.run()`` calls would otherwise fail with
"Event loop is closed".
"""

from __future__ import annotations

import asyncio
import functools
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
        self._gate = threading.BoundedSemaphore(LIMITS.max_connections or 100) if self._owns else None
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
            return Answer(response.status_code, response.headers, response.content)
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
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._sleep = sleep

    @property
    def http(self) -> httpx.AsyncClient:
        if self._given is not None:
            return self._given
        loop = asyncio.get_running_loop()
        client = self._by_loop.get(loop)
        if client is None:
            client = httpx.AsyncClient(transport=self.transport, limits=LIMITS, follow_redirects=False)
            self._by_loop[loop] = client
            self._gates[loop] = asyncio.Semaphore(LIMITS.max_connections or 100)
        return client

    def _gate(self) -> asyncio.Semaphore | None:
        """This loop's gate in front of our own pool (None for a client the user gave)."""
        return None if self._given is not None else self._gates.get(asyncio.get_running_loop())

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
        try:
            http = self.http
            request = http.build_request(**request_args(step, options))
            gate = self._gate()
            if gate is not None:
                await _acquire(gate, options)
            try:
                response = await http.send(request, stream=step.stream)
                if step.stream and response.status_code == 200:
                    return Answer(response.status_code, response.headers, b"", stream=response)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            finally:
                if gate is not None:
                    gate.release()
            return Answer(response.status_code, response.headers, response.content)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            return failure_from(exc)
        finally:
            step.request.close()

    async def aclose(self) -> None:
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        client = self._by_loop.pop(loop, None) if loop is not None else None
        if loop is not None:
            self._gates.pop(loop, None)
        if client is not None:
            await client.aclose()
