"""The two drivers of ``_flow``: they send requests with httpx and sleep, and do nothing else.

``SyncDriver`` serves ``Stability`` (one ``httpx.Client``, safe to share between threads). ``AsyncDriver``
(``_async_driver``) serves ``AsyncStability`` with one set of ``httpx.AsyncClient`` pools per event loop; what
both share (building a request, reading a body within its bound, mapping failures) is here.

Deadlines. A ``Send`` carries the whole call's deadline. The async driver runs the send and the body read
under ``asyncio.timeout``. The sync driver cannot interrupt a blocking socket wait, so its own pool runs on a
network backend (``_sync_network``) that bounds every socket wait (connect, TLS, read, write) by the time left
(``DEADLINE``), and bodies are read in chunks with the deadline checked between them: a server that drips one
byte a second cannot stretch a call past its timeout. A user's own ``httpx.Client`` keeps its backend: its body
reads honour the deadline between chunks, its header reads only the per-read timeout.

Downloads. A ``Send`` with a ``Sink`` (``job.save``) has its 200 body streamed into the sink, decoded and
bounded by ``iter_body``/``aiter_body``, under the same deadline; a body that breaks off or is cut short is a
``Failure`` (``call_flow`` fetches it again), what the sink refuses is raised as is.

Bodies. Nothing is read into memory unbounded: success bodies up to ``Send.max_body``, error bodies up to
``MAX_ERROR_BODY`` (a longer one is cut, it only has to carry the API's message). Compressed bodies are
decoded here, in pieces of at most ``_PIECE`` bytes, stopping at the bound, so a gzip bomb costs at most the
bound. A body with a Content-Length within the bound and no Content-Encoding is read in one go, as httpx
would (the common case stays as fast as plain httpx).
"""

from __future__ import annotations

import contextvars
import functools
import logging
import os
import threading
import time
import weakref
import zlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ._core.config import Options, Pacer
from ._core.errors import ConfigurationError
from ._core.flow import Answer, BodyCutShort, Failure, Flow, Outcome, Send, Sleep
from ._core.limits import MAX_ERROR_BODY, MAX_MEDIA_BODY
from ._core.retry import FailureKind, rate_limit_wait

if TYPE_CHECKING:
    from stability_api import AuthenticatedClient

    from ._async_driver import AsyncDriver, _Shards

T = TypeVar("T")
logger = logging.getLogger("stability")

LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=30.0)
# The async pool is split into shards of this many connections (see _Shards); together they hold LIMITS.
SHARD_SIZE = 10
SHARD_LIMITS = httpx.Limits(max_connections=SHARD_SIZE, max_keepalive_connections=SHARD_SIZE, keepalive_expiry=30.0)
_CONNECT_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
# Asked for explicitly: these two are decoded here with a bound (br and zstd would need optional packages).
ACCEPT_ENCODING = "gzip, deflate"
_HEADERS = {"Accept-Encoding": ACCEPT_ENCODING}
_PIECE = 64 * 1024

CLOSED_MESSAGE = "This Stability client is closed: make a new one (or use it only inside its `with` block)."


def _closed_error() -> ConfigurationError:
    return ConfigurationError(CLOSED_MESSAGE)


def _stop_if_closed(driver: SyncDriver | AsyncDriver, flow: Flow[Any], step: Send | Sleep) -> None:
    """Between two steps: a client closed meanwhile (say, from another thread during ``wait()``) ends the flow."""
    if driver.closed:
        if isinstance(step, Send):
            step.request.close()
        flow.close()
        raise _closed_error()


def failure_from(exc: Exception, deadline: float | None = None, total: float = 0.0) -> Failure:
    """Classify an httpx exception: could the request have reached the API?"""
    kind: FailureKind = "connect" if isinstance(exc, _CONNECT_FAILURES) else "sent"
    if deadline is not None and time.monotonic() >= deadline:
        return _deadline_failure(kind, total, exc)
    timeout = isinstance(exc, httpx.TimeoutException)
    label = "timed out" if timeout else "connection failed"
    # httpx messages name the URL and the cause, never the request headers, so the key cannot leak here.
    return Failure(kind=kind, message=f"{label}: {type(exc).__name__}: {exc}".rstrip(": "), timeout=timeout)


_SEND_ERRORS = (BodyCutShort, httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, RuntimeError)


def _send_failed(exc: Exception, *, closed: bool, deadline: float | None, total: float) -> Failure:
    """The outcome of a send that raised one of ``_SEND_ERRORS`` (both drivers)."""
    if isinstance(exc, BodyCutShort):
        return Failure(kind="sent", message=f"the body was cut short: {exc}")
    if closed:  # httpx's RuntimeError "Cannot send a request, as the client has been closed", or a pool torn down
        raise _closed_error() from None
    if isinstance(exc, RuntimeError):
        raise exc
    return failure_from(exc, deadline, total)


def _deadline_failure(kind: FailureKind, total: float, exc: BaseException | None = None) -> Failure:
    cause = f" (during {type(exc).__name__})" if exc is not None and not isinstance(exc, TimeoutError) else ""
    message = f"timed out: the whole call's timeout ({total:g} s, retries included) passed{cause}"
    return Failure(kind=kind, message=message, timeout=True)


def request_args(send: Send, options: Options, *, given: bool = False) -> dict[str, Any]:
    """The final httpx arguments: absolute URL, the key, the client's timeout."""
    kwargs = dict(send.request.kwargs)
    headers = dict(kwargs.get("headers") or {})
    key = options.require_key()
    # The official v1alpha samples send the bare key, the v2alpha ones `Bearer <key>`; the API takes both.
    headers["Authorization"] = key if kwargs["url"].startswith("/v1alpha/") else f"Bearer {key}"
    headers.setdefault("User-Agent", _user_agent())
    if given:  # our own clients carry it as a default header, which costs nothing per request
        headers.setdefault("Accept-Encoding", ACCEPT_ENCODING)
    kwargs["headers"] = headers
    kwargs["url"] = options.base_url + kwargs["url"]
    kwargs["timeout"] = _timeout_within(options.timeout, send.deadline)
    return kwargs


def _timeout_within(timeout: httpx.Timeout, deadline: float | None) -> httpx.Timeout:
    """The request's timeout, each part cut to the time left (what a client the user gave can be held to)."""
    if deadline is None:
        return timeout
    left = max(0.001, deadline - time.monotonic())
    connect, read, write, pool = (
        timeout.connect or left,
        timeout.read or left,
        timeout.write or left,
        timeout.pool or left,
    )
    if left >= connect and left >= read and left >= write and left >= pool:
        return timeout  # the common case: the deadline is further away than any part
    return httpx.Timeout(connect=min(connect, left), read=min(read, left), write=min(write, left), pool=min(pool, left))


_SPENT = httpx.ByteStream(b"")

# Our own pools are sent on below ``Client.send``: the request is built here and handed to the transport that
# ``Client.send`` would pick (its mounts: the environment's https proxy). What that skips is machinery our own
# clients never use (auth and redirect generators, the cookie jar read and written on every request, event
# hooks, an info log line, the URL parsed twice per request): about a third of raw httpx's CPU per call
# (docs/benchmarks.md). A client the user gave keeps the whole of ``send``: its hooks, auth and cookies apply.
_DIRECT = hasattr(httpx.Client, "_transport_for_url") and hasattr(httpx.AsyncClient, "_transport_for_url")
_URLS: dict[str, httpx.URL] = {}
_MAX_URLS = 256  # poll URLs differ per job: a bound, not a cache of every job ever polled


def _url(text: str) -> httpx.URL:
    url = _URLS.get(text)
    if url is None:
        if len(_URLS) >= _MAX_URLS:
            _URLS.clear()
        url = _URLS[text] = httpx.URL(text)
    return url


def direct_request(base_headers: Mapping[str, str], kwargs: dict[str, Any]) -> httpx.Request:
    """What ``build_request(**kwargs)`` makes on our own clients: their default headers under the request's,
    the timeout as the transport reads it (our clients carry no cookies, params or auth of their own)."""
    headers = dict(base_headers)
    for name, value in kwargs.pop("headers").items():
        headers[name.lower()] = value
    timeout: httpx.Timeout = kwargs.pop("timeout")
    request = httpx.Request(
        kwargs.pop("method"),
        _url(kwargs.pop("url")),
        headers=headers,
        extensions={"timeout": timeout.as_dict()},
        **kwargs,
    )
    if type(request.stream) is not httpx.ByteStream:  # a multipart body: its pieces, written together
        request.stream = _Joined(request.stream)
    return request


_WRITE = 256 * 1024


class _Joined(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A request body whose small pieces go out in one socket write.

    httpx's multipart body is a piece per boundary, part header, field value and 64 KiB file chunk, and httpcore
    writes each piece with a system call (and an h11 event) of its own: 15 writes for an upscale start with two
    fields and a 64 KiB image, where 2 carry the same bytes. Pieces are joined up to ``_WRITE`` bytes: a copy of
    each chunk costs far less than a write and its event (a 1 MiB upload: 5 writes instead of 20).
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        joined = _Joiner()
        for piece in self._stream:
            if (write := joined.add(piece)) is not None:
                yield write
        if rest := joined.rest():
            yield rest

    async def __aiter__(self) -> AsyncIterator[bytes]:
        joined = _Joiner()
        async for piece in self._stream:
            if (write := joined.add(piece)) is not None:
                yield write
        if rest := joined.rest():
            yield rest


class _Joiner:
    def __init__(self) -> None:
        self._pending: list[bytes] = []
        self._size = 0

    def add(self, piece: bytes) -> bytes | None:
        """The next write once ``_WRITE`` bytes are pending, else None."""
        self._pending.append(piece)
        self._size += len(piece)
        return self.rest() if self._size >= _WRITE else None

    def rest(self) -> bytes:
        pending = self._pending
        write = pending[0] if len(pending) == 1 else b"".join(pending)
        self._pending, self._size = [], 0
        return write


def _answer(response: httpx.Response, content: bytes, truncated: bool, saved: Any = None) -> Answer:
    """The answer of a response whose body has been read, with httpx's reference cycle through it undone.

    httpx binds every response's stream to the response itself, so a response is cyclic garbage: its body
    stays allocated until the garbage collector next runs, and every new body lands in freshly mapped pages.
    Swapping the spent stream for an empty one lets the body go as soon as the caller drops the result
    (benchmark 1: no page faults and no collections per call, from 62 faults and a collection every ~23 calls).
    """
    response.stream = _SPENT
    return Answer(response.status_code, response.headers, content, saved=saved, truncated=truncated)


def _pool_timeout(options: Options) -> httpx.PoolTimeout:
    return httpx.PoolTimeout(f"no connection free within {options.timeout.pool} s")


def _paced(pacer: Pacer, outcome: Answer | Failure) -> None:
    if isinstance(outcome, Answer) and outcome.status == 429:  # the lockout holds the whole key, not one call
        pacer.refused(time.monotonic(), rate_limit_wait(outcome.headers.get("retry-after")))


def _log(send: Send, outcome: Answer | Failure, start: float) -> None:
    """One debug line per request: never the key (only the method, path, status and request id)."""
    kwargs = send.request.kwargs
    method, path = str(kwargs["method"]).upper(), kwargs["url"]
    elapsed = time.monotonic() - start
    if isinstance(outcome, Answer):
        request_id = outcome.headers.get("x-request-id")
        if request_id:
            logger.debug("%s %s -> %d in %.3fs (request id %s)", method, path, outcome.status, elapsed, request_id)
        else:
            logger.debug("%s %s -> %d in %.3fs", method, path, outcome.status, elapsed)
    else:
        logger.debug("%s %s -> no answer in %.3fs (%s)", method, path, elapsed, outcome.message)


# ------------------------------------------------------------------------------------------- bodies


class BodyTooLarge(ValueError):
    """A body (after decompression) longer than the bound it is read with."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"the body is larger than {limit} bytes (after decompression)")


class _Inflate:
    """One zlib stage (gzip or deflate) that never produces more than ``_PIECE`` bytes per call."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._first = True
        self._decoder = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)

    def pieces(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._decoder.decompress(data, _PIECE)
            except zlib.error as exc:
                if self._first and not self._gzip:  # "deflate" is often sent raw, without the zlib header
                    self._first = False
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise httpx.DecodingError(f"the body could not be decompressed: {exc}") from None
            self._first = False
            if out:
                yield out
            tail = self._decoder.unconsumed_tail
            if not out and len(tail) >= len(data):
                break  # no progress: the stream ended and the rest is trailing data
            data = tail

    def flush(self) -> Iterator[bytes]:
        try:
            out = self._decoder.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(f"the body could not be decompressed: {exc}") from None
        for start in range(0, len(out), _PIECE):
            yield out[start : start + _PIECE]


class _Decoder:
    """Undo a ``Content-Encoding`` in bounded pieces; count the decoded bytes against ``limit``.

    Past ``limit`` it yields what still fits, then raises ``BodyTooLarge``: a caller that keeps a prefix has
    exactly ``limit`` bytes, and no caller ever holds more than one piece beyond what it kept.
    """

    def __init__(self, encoding: str | None, limit: int) -> None:
        names = [name.strip().lower() for name in (encoding or "").split(",")]
        # Only what the SDK asks for is decoded; another name passes the bytes as they are, as httpx does (a
        # mislabelled body stays readable, and a body that really is encoded fails in the parser, typed).
        names = [name for name in names if name in ("gzip", "x-gzip", "deflate")]
        self._stages = [_Inflate(name) for name in reversed(names)]
        self._limit = limit
        self._total = 0

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._count(self._through(0, data))

    def flush(self) -> Iterator[bytes]:
        return self._count(self._flush(0))

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._stages):
            if data:
                yield data
            return
        for piece in self._stages[index].pieces(data):
            yield from self._through(index + 1, piece)

    def _flush(self, index: int) -> Iterator[bytes]:
        if index == len(self._stages):
            return
        for piece in self._stages[index].flush():
            yield from self._through(index + 1, piece)
        yield from self._flush(index + 1)

    def _count(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            room = self._limit - self._total
            if len(piece) > room:
                if room > 0:
                    yield piece[:room]
                self._total = self._limit
                raise BodyTooLarge(self._limit)
            self._total += len(piece)
            yield piece


def _read_timeout(response: httpx.Response) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("the call's timeout passed while reading the body", request=response.request)


def _declared_length(response: httpx.Response) -> int | None:
    """The Content-Length of a body that arrives as is (no Content-Encoding), else None."""
    headers = response.headers
    encoding = headers.get("content-encoding")
    if encoding and encoding.strip().lower() != "identity":
        return None
    length = headers.get("content-length")
    return int(length) if length is not None and length.isdigit() else None


def _download_limit(response: httpx.Response, limit: int) -> int:
    """The bound for a download: ``limit``, or the in-memory media bound for a body sent compressed.

    Images and videos do not compress, so a result sent with a Content-Encoding that expands past what any
    result may be in memory is a compression bomb; an uncompressed download has crossed the network byte by byte.
    """
    encoding = response.headers.get("content-encoding", "").strip().lower()
    return limit if encoding in ("", "identity") else min(limit, MAX_MEDIA_BODY)


def iter_body(response: httpx.Response, *, limit: int, deadline: float | None) -> Iterator[bytes]:
    """The decoded body of a streamed response, in pieces, never more than ``limit`` bytes in all (a compressed
    body: at most ``MAX_MEDIA_BODY``).

    Raises ``BodyTooLarge`` past ``limit`` and ``httpx.ReadTimeout`` past ``deadline`` (a ``time.monotonic()``
    time; with the driver's own pool every socket wait is bounded by it too).
    """
    return _iter_body(response, _download_limit(response, limit), deadline, refuse=True)


def _iter_body(response: httpx.Response, limit: int, deadline: float | None, *, refuse: bool) -> Iterator[bytes]:
    """``iter_body``; ``refuse``: raise at once when the Content-Length says the body is too long."""
    length = _declared_length(response)
    if refuse and length is not None and length > limit:
        raise BodyTooLarge(limit)
    decoder = _Decoder(response.headers.get("content-encoding"), limit)
    raw = response.iter_raw()
    while True:
        token = DEADLINE.set(deadline)
        try:
            chunk = next(raw, None)
        finally:
            DEADLINE.reset(token)
        if chunk is None:
            break
        if deadline is not None and time.monotonic() >= deadline:
            raise _read_timeout(response)
        yield from decoder.feed(chunk)
    yield from decoder.flush()


async def aiter_body(response: httpx.Response, *, limit: int, deadline: float | None) -> AsyncIterator[bytes]:
    """``iter_body`` for an async response: each network wait is bounded by the time left."""
    async for piece in _aiter_body(response, _download_limit(response, limit), deadline, refuse=True):
        yield piece


async def _aiter_body(
    response: httpx.Response, limit: int, deadline: float | None, *, refuse: bool
) -> AsyncIterator[bytes]:
    import asyncio  # here, not at the top: a program using only ``Stability`` never imports asyncio

    length = _declared_length(response)
    if refuse and length is not None and length > limit:
        raise BodyTooLarge(limit)
    decoder = _Decoder(response.headers.get("content-encoding"), limit)
    raw = response.aiter_raw()
    while True:
        try:
            if deadline is None:
                chunk = await anext(raw, None)
            else:
                async with asyncio.timeout(deadline - time.monotonic()):
                    chunk = await anext(raw, None)
        except TimeoutError:
            raise _read_timeout(response) from None
        if chunk is None:
            break
        for piece in decoder.feed(chunk):
            yield piece
    for piece in decoder.flush():
        yield piece


def _limit(response: httpx.Response, send: Send) -> tuple[int, bool]:
    """How much of this response's body to read, and whether a longer one is cut (errors) or refused."""
    if response.status_code < 300:
        return send.max_body, False
    return MAX_ERROR_BODY, True


class _Collected:
    """A body read piece by piece within its bound, for ``read_body`` and ``aread_body``.

    ``cut`` (an error body): past the bound, or undecodable, it keeps what it has and says it is truncated; a
    success body past the bound is dropped (the caller reports it too large), and one that cannot be decoded
    raises.
    """

    def __init__(self, cut: bool) -> None:
        self.pieces: list[bytes] = []
        self.truncated = False
        self._cut = cut

    def __enter__(self) -> _Collected:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> bool:
        if isinstance(exc, BodyTooLarge):
            self.truncated = True
            if not self._cut:
                self.pieces = []
            return True
        if isinstance(exc, httpx.DecodingError) and self._cut:
            self.truncated = True  # an error's status says what matters; its body is only a message
            return True
        return False

    def result(self) -> tuple[bytes, bool]:
        return b"".join(self.pieces), self.truncated


def _read_by_hook(response: httpx.Response, limit: int, cut: bool) -> tuple[bytes, bool] | None:
    """The body a response hook of the caller's own ``http_client`` has already read (``response.read()``), within
    the bound as a body read here would be; None when nothing read it (or a hook streamed it away unkept)."""
    if not response.is_stream_consumed:
        return None
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return None  # consumed but not kept: reading it again raises, mapped like any broken read
    if len(content) <= limit:
        return content, False
    return (content[:limit] if cut else b""), True


def read_body(response: httpx.Response, send: Send, *, checked: bool) -> tuple[bytes, bool]:
    """Read a response into an ``Answer`` within the bounds. ``checked``: every socket wait honours the deadline."""
    limit, cut = _limit(response, send)
    if not checked and (read := _read_by_hook(response, limit, cut)) is not None:
        return read
    length = _declared_length(response)
    if checked and length is not None and length <= limit:
        return response.read(), False  # bounded by Content-Length: httpx's own fast read
    with _Collected(cut) as body:
        for piece in _iter_body(response, limit, send.deadline, refuse=not cut):
            body.pieces.append(piece)
    return body.result()


async def aread_body(response: httpx.Response, send: Send) -> tuple[bytes, bool]:
    """``read_body`` for an async response (the driver's ``asyncio.timeout`` holds the deadline)."""
    limit, cut = _limit(response, send)
    if (read := _read_by_hook(response, limit, cut)) is not None:
        return read
    length = _declared_length(response)
    if length is not None and length <= limit:
        return await response.aread(), False
    with _Collected(cut) as body:
        async for piece in _aiter_body(response, limit, None, refuse=not cut):
            body.pieces.append(piece)
    return body.result()


# ----------------------------------------------------------------------------- sync socket deadlines

DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("stability_deadline", default=None)


def _with_deadlines(transport: httpx.HTTPTransport) -> httpx.HTTPTransport:
    from ._sync_network import DeadlineBackend  # with httpcore: imported when the first pool is made

    pool = transport._pool
    pool._network_backend = DeadlineBackend(pool._network_backend)
    return transport


def _https_proxies(make: Callable[[httpx.Proxy], T]) -> dict[str, T | None]:
    """The environment's proxies (``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) as httpx mounts, for https only.

    Plain http never goes through a proxy from the environment: the key would travel in clear text to whatever
    host the variable names (a loopback ``http://`` base URL is allowed without ``allow_insecure_http``).
    Through a proxy, https stays end to end (CONNECT), which is what a user behind a company proxy needs.
    """
    from httpx._utils import get_environment_proxies

    found = get_environment_proxies()
    mounts: dict[str, T | None] = {pattern: None for pattern, url in found.items() if url is None}
    for scheme in ("all://", "https://"):  # the specific variable wins over ALL_PROXY
        url = found.get(scheme)
        if url is not None:
            mounts["https://"] = make(httpx.Proxy(url))
    return mounts


def raw_client(
    options: Options, transport: Any, given: httpx.Client | httpx.AsyncClient | None = None
) -> AuthenticatedClient:
    """The generated client for ``client.raw``: the key hidden from repr, no environment proxy for plain http,
    and every request sent through the user's own client (``given``) when there is one, as the facade's are."""
    args: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if given is not None:
        # Its event hooks, auth, proxies and certificates then apply to raw calls too; its default headers are
        # merged here because ``send`` (what the relay calls) does not merge them, ``build_request`` does.
        args["transport"] = _AsyncRelay(given) if isinstance(given, httpx.AsyncClient) else _Relay(given)
        args["trust_env"] = False  # the relay's own client never connects: no proxy (and SSL context) to build
        headers = dict(given.headers)
    elif transport is not None:
        args["transport"] = transport
    elif options.base_url.startswith("http://"):
        args["trust_env"] = False  # HTTP_PROXY would get the request, key included, in clear text
    return _raw_class()(
        base_url=options.base_url,
        token=options.require_key(),
        timeout=options.timeout,
        headers=headers,
        httpx_args=args,
    )


class _Relay(httpx.BaseTransport):
    """The transport of ``client.raw`` on a client the user gave: each request goes out through that client."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _relayed(self._client.send(request, stream=True))

    def close(self) -> None:
        pass  # the user's client is the user's to close


class _AsyncRelay(httpx.AsyncBaseTransport):
    """``_Relay`` for an ``httpx.AsyncClient``."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return _relayed(await self._client.send(request, stream=True))

    async def aclose(self) -> None:
        pass


def _relayed(response: httpx.Response) -> httpx.Response:
    """The user's client's response as a transport's answer: its body still to read (and decode) by the raw
    client, or, when a response hook of the user's has read it already, that decoded body."""
    if response.is_stream_consumed:
        skip = {"content-encoding", "content-length", "transfer-encoding"}
        headers = [(name, value) for name, value in response.headers.multi_items() if name.lower() not in skip]
        return httpx.Response(
            response.status_code, headers=headers, content=response.content, extensions=response.extensions
        )
    return httpx.Response(
        response.status_code, headers=response.headers, stream=response.stream, extensions=response.extensions
    )


@functools.cache
def _raw_class() -> type[AuthenticatedClient]:
    from stability_api import AuthenticatedClient

    class RawClient(AuthenticatedClient):
        """``AuthenticatedClient`` whose repr (used by ``pytest -l``, ``traceback`` with locals, rich's
        ``show_locals``) shows no key: attrs' would print ``token`` and the ``Authorization`` header."""

        __slots__ = ()

        def __repr__(self) -> str:
            return f"AuthenticatedClient(base_url={self._base_url!r}, token='<hidden>')"

        def __rich_repr__(self) -> Iterator[tuple[str, str]]:
            yield "base_url", self._base_url
            yield "token", "<hidden>"

    RawClient.__name__ = RawClient.__qualname__ = "AuthenticatedClient"
    return RawClient


@functools.cache
def _user_agent() -> str:
    from ._version import __version__

    return f"stability-client/{__version__} python-httpx/{httpx.__version__}"


# ------------------------------------------------------------------------------------------- forks

_DRIVERS: weakref.WeakSet[SyncDriver | AsyncDriver] = weakref.WeakSet()
_LEFT_BY_FORK: list[_Shards] = []


def _after_fork_in_child() -> None:
    # The parent's connections (and any lock another thread held) must not be used by the child: the two
    # processes would interleave bytes on one socket. Each driver starts over with fresh pools.
    for driver in list(_DRIVERS):
        driver._forked()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


# ------------------------------------------------------------------------------------------- gates


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


# ------------------------------------------------------------------------------------------ drivers


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
        self.given = http_client
        """The client the user gave (``client.raw`` sends through it too)."""
        self.transport = transport
        self._sleep = sleep
        self.closed = False
        self._closing = threading.Event()
        # Our own pool is made at the first request: ``Stability()`` costs no SSL context (~20 ms of loading
        # certificates) until a request needs one, and a client made and never used costs nothing.
        self._stale = self._owns
        self._renewing = threading.Lock()
        self._http = http_client
        # Only our own pool's size is known; a given client keeps its own queueing.
        self._gate = ThreadGate(LIMITS.max_connections or 100) if self._owns else None
        # Whether every socket wait honours the deadline: only on our own pool's network backend.
        self._checked = self._owns and transport is None
        # Our own client's default headers, when requests go to its transports directly (``direct_request``).
        self._direct: dict[str, str] | None = None
        _DRIVERS.add(self)

    @property
    def http(self) -> httpx.Client:
        if self._stale:
            if self.closed:  # closed before any request: no pool to make now
                raise _closed_error()
            self._renew()
        assert self._http is not None
        return self._http

    def _client(self) -> httpx.Client:
        if self.transport is not None:
            return httpx.Client(transport=self.transport, limits=LIMITS, follow_redirects=False, headers=_HEADERS)
        context = httpx.create_ssl_context()

        def transport(proxy: httpx.Proxy | None = None) -> httpx.HTTPTransport:
            return _with_deadlines(httpx.HTTPTransport(verify=context, limits=LIMITS, proxy=proxy))

        mounts = _https_proxies(transport)
        return httpx.Client(
            transport=transport(), mounts=mounts, limits=LIMITS, follow_redirects=False, headers=_HEADERS
        )

    def _forked(self) -> None:
        # Runs in the child right after fork(), alone: fresh locks now, a fresh pool at the next request (an
        # SSL context costs ~20 ms, not worth paying in every forked worker that never calls the API).
        self._renewing = threading.Lock()
        self._closing = threading.Event()
        if self._owns:
            self._gate = ThreadGate(LIMITS.max_connections or 100)
            self._stale = True

    def _renew(self) -> None:
        with self._renewing:
            if self._stale:
                self._http = self._client()  # after a fork, the parent's connections are left to the parent
                self._direct = dict(self._http.headers) if _DIRECT else None
                self._stale = False

    def run(self, flow: Flow[T], options: Options) -> T:
        if self.closed:
            raise _closed_error()
        outcome: Outcome = None
        try:
            while True:
                step = flow.send(outcome)
                _stop_if_closed(self, flow, step)
                if isinstance(step, Send):
                    outcome = self.send(step, options)
                else:
                    self._pause(step.seconds)
                    outcome = None
        except StopIteration as done:
            result: T = done.value
            return result

    def _pause(self, seconds: float) -> None:
        if self._sleep is time.sleep:
            self._closing.wait(seconds)  # close() from another thread ends the wait at once
        else:
            self._sleep(seconds)

    def send(self, step: Send, options: Options) -> Answer | Failure:
        pacer = options.pacer
        if pacer is None:
            start = time.monotonic()
            outcome = self._send(step, options)
        else:
            while not (booking := pacer.reserve(time.monotonic()))[1]:
                self._pause(booking[0])
            try:  # booked: counted in flight until answered, whatever happens
                if booking[0] > 0:
                    self._pause(booking[0])
                start = time.monotonic()
                outcome = self._send(step, options)
            finally:
                pacer.answered(time.monotonic())
            _paced(pacer, outcome)
        if logger.isEnabledFor(logging.DEBUG):
            _log(step, outcome, start)
        return outcome

    def _send(self, step: Send, options: Options) -> Answer | Failure:
        deadline = step.deadline
        if deadline is not None and time.monotonic() >= deadline:
            step.request.close()
            return _deadline_failure("connect", options.total)
        token = DEADLINE.set(deadline)
        try:
            http = self.http
            kwargs = request_args(step, options, given=not self._owns)
            direct = self._direct
            if direct is not None:
                if http.is_closed:
                    raise _closed_error()
                request = direct_request(direct, kwargs)
            else:
                request = http.build_request(**kwargs)
            gate = self._gate
            if gate is not None:
                wait = options.timeout.pool
                if deadline is not None:
                    wait = max(0.0, min(wait or 0.0, deadline - time.monotonic()))
                if not gate.acquire(timeout=wait):
                    if deadline is not None and time.monotonic() >= deadline:
                        return _deadline_failure("connect", options.total)
                    raise _pool_timeout(options)
            try:
                if direct is not None:
                    response = http._transport_for_url(request.url).handle_request(request)
                    response.request = request
                else:
                    response = http.send(request, stream=True)
                saved = None
                try:
                    sink = step.sink
                    if sink is not None and response.status_code == 200 and sink.accepts(response.headers):
                        content, truncated = b"", False
                        saved = sink.consume(iter_body(response, limit=sink.limit, deadline=deadline))
                    else:
                        content, truncated = read_body(response, step, checked=self._checked)
                finally:
                    response.close()  # before _answer swaps the stream: a body cut short frees its connection
            finally:
                if gate is not None:
                    gate.release()
            return _answer(response, content, truncated, saved)
        except _SEND_ERRORS as exc:
            return _send_failed(exc, closed=self.closed, deadline=deadline, total=options.total)
        finally:
            DEADLINE.reset(token)
            step.request.close()

    def close(self) -> None:
        self.closed = True
        self._closing.set()
        if self._owns and self._http is not None:
            self._http.close()
