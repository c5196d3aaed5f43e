"""The in-process transport: httpx requests go straight to the app, with no sockets, sync or async.

Connection faults become the httpx exceptions a real connection would raise: a drop before the request is a
`ConnectError`, a drop after it a `RemoteProtocolError`, a truncated body a `RemoteProtocolError` while the
body is read, and a delay longer than the request's read timeout a `ReadTimeout` (httpx enforces timeouts in
its network layer, which this transport replaces, so the transport enforces the read timeout itself).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx

from ._app import App
from ._http import Headers, Incoming, Reply
from ._media import body_length, iter_body


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport for both `httpx.Client` and `httpx.AsyncClient`, answered by the fake's app."""

    def __init__(self, app: App) -> None:
        self._app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` from an ``httpx.Client``, with the fault or delay the app chose."""
        body = request.stream if isinstance(request.stream, httpx.SyncByteStream) else [request.read()]
        reply = self._app.handle(_incoming(request, body))
        _raise_for_drop(reply, request, before=True)
        timed_out = self._timed_out(reply, request)
        time.sleep(reply.delay if timed_out is None else timed_out)
        if timed_out is not None:
            raise httpx.ReadTimeout("timed out (fake delay)", request=request)
        _raise_for_drop(reply, request, before=False)
        return _response(reply, _SyncBody(reply, request))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` from an ``httpx.AsyncClient``, with the fault or delay the app chose."""
        content = await request.aread()
        reply = self._app.handle(_incoming(request, [content]))
        _raise_for_drop(reply, request, before=True)
        timed_out = self._timed_out(reply, request)
        await anyio.sleep(reply.delay if timed_out is None else timed_out)
        if timed_out is not None:
            raise httpx.ReadTimeout("timed out (fake delay)", request=request)
        _raise_for_drop(reply, request, before=False)
        return _response(reply, _AsyncBody(reply, request))

    @staticmethod
    def _timed_out(reply: Reply, request: httpx.Request) -> float | None:
        """The read timeout when the answer's delay outlasts it, else None."""
        read = request.extensions.get("timeout", {}).get("read")
        return float(read) if read is not None and reply.delay > read else None


def _incoming(request: httpx.Request, body: httpx.SyncByteStream | list[bytes]) -> Incoming:
    return Incoming(request.method, request.url.path, Headers(request.headers.multi_items()), body)


def _raise_for_drop(reply: Reply, request: httpx.Request, *, before: bool) -> None:
    if before and reply.action == "drop_before_request":
        raise httpx.ConnectError("connection refused (fake drop before the request)", request=request)
    if not before and reply.action == "drop_after_request":
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)


def _response(reply: Reply, stream: httpx.SyncByteStream | httpx.AsyncByteStream) -> httpx.Response:
    headers = [*reply.headers, ("Content-Length", str(body_length(reply.body)))]
    return httpx.Response(reply.status, headers=headers, stream=stream)


def _chunks(reply: Reply, request: httpx.Request) -> Iterator[bytes]:
    if reply.action != "truncated_body":
        yield from iter_body(reply.body)
        return
    left = body_length(reply.body) // 2
    for chunk in iter_body(reply.body):
        if left <= 0:
            break
        yield chunk[:left]
        left -= len(chunk)
    raise httpx.RemoteProtocolError("peer closed connection without sending complete message body", request=request)


class _SyncBody(httpx.SyncByteStream):
    def __init__(self, reply: Reply, request: httpx.Request) -> None:
        self._reply, self._request = reply, request

    def __iter__(self) -> Iterator[bytes]:
        return _chunks(self._reply, self._request)


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, reply: Reply, request: httpx.Request) -> None:
        self._reply, self._request = reply, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in _chunks(self._reply, self._request):
            yield chunk
