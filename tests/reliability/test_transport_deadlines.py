"""Whole-call deadlines and bounded bodies, over real sockets (issue 13, items 10 and 11).

A call's ``timeout`` is a deadline for the whole call, retries and waits included, even against a server that
drips its answer one byte a second (each socket read alone would stay within a per-read timeout). Every body
the SDK reads into memory is bounded after decompression: a gzip bomb costs the bound, not the gigabyte.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import stability
from tests.reliability._support import FIGURES, assert_no_key, object_texts

KEY = "sk-deadline-test-key-0123456789abcdef"
TIMEOUT = 3.0
SLACK = 0.6  # scheduling on a loaded 2-core machine; the bug overshoots by minutes
BALANCE = b'{"credits": 12.5}'
# The documented bounds (stability._core.limits), spelled out so that these tests run against any version.
MAX_JSON_BODY = 4 << 20
MAX_ERROR_BODY = 1 << 20
KEPT_ERROR_BODY = 64 << 10
MAX_MEDIA_BODY = 128 << 20


# ---------------------------------------------------------------------------------------------- deadlines


class Drip:
    """Answers every request one byte per second (a 200 JSON answer), until stopped."""

    ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n" + BALANCE

    def __init__(self, *, body_only: bool = False) -> None:
        self.stop = threading.Event()
        self.body_only = body_only

    def __call__(self, head: bytes, conn: socket.socket) -> None:
        answer = self.ANSWER
        if self.body_only:  # headers at once, then the body drips
            split = answer.index(b"\r\n\r\n") + 4
            conn.sendall(answer[:split])
            answer = answer[split:]
        for byte in answer:
            if self.stop.wait(1.0):
                return
            conn.sendall(bytes([byte]))


def _call(mode: str, operation: str, base_url: str, **options: Any) -> tuple[object, float]:
    async def run_async() -> object:
        async with stability.AsyncStability(KEY, base_url=base_url, **options) as client:
            return await (client.balance() if operation == "balance" else client.text_to_image("a drip"))

    start = time.monotonic()
    try:
        if mode == "async":
            value = asyncio.run(run_async())
        else:
            with stability.Stability(KEY, base_url=base_url, **options) as client:
                value = client.balance() if operation == "balance" else client.text_to_image("a drip")
    except Exception as exc:
        value = exc
    return value, time.monotonic() - start


@pytest.mark.timeout(20)  # the drip lasts 84 s: a call that is not cut off fails here
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("operation", "body_only"), [("balance", False), ("text_to_image", True)])
def test_a_server_dripping_one_byte_a_second_cannot_stretch_the_call(
    raw_server: Any, mode: str, operation: str, body_only: bool
) -> None:
    drip = Drip(body_only=body_only)
    server = raw_server(drip)
    try:
        outcome, elapsed = _call(mode, operation, server.url, timeout=TIMEOUT)
    finally:
        drip.stop.set()
    assert isinstance(outcome, stability.APITimeoutError), repr(outcome)
    assert TIMEOUT - 0.2 < elapsed < TIMEOUT + SLACK, f"{elapsed:.2f} s"
    assert "timeout" in str(outcome) and "3 s" in str(outcome)
    assert_no_key(KEY, object_texts(outcome))
    FIGURES.add("scenarios")
    FIGURES.outcome(type(outcome).__name__)


def _status(status: int, headers: str = "", body: bytes = b"{}") -> Callable[[bytes, socket.socket], None]:
    def respond(head: bytes, conn: socket.socket) -> None:
        conn.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"{headers}Connection: close\r\n\r\n".encode()
            + body
        )

    return respond


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_retry_that_would_end_past_the_deadline_is_not_waited_for(raw_server: Any, mode: str) -> None:
    """503 with Retry-After 20 and timeout=3: the 503 is raised at once instead of sleeping past the deadline."""
    server = raw_server(_status(503, "Retry-After: 20\r\n"))
    outcome, elapsed = _call(mode, "balance", server.url, timeout=TIMEOUT)
    assert isinstance(outcome, stability.ServerError) and outcome.status_code == 503, repr(outcome)
    assert elapsed < 1.5 and len(server.heads) == 1
    FIGURES.add("scenarios")
    FIGURES.outcome(type(outcome).__name__)


def test_the_bounds_are_the_documented_constants() -> None:
    from stability._core import limits as _limits

    assert (_limits.MAX_JSON_BODY, _limits.MAX_ERROR_BODY, _limits.KEPT_ERROR_BODY) == (
        MAX_JSON_BODY,
        MAX_ERROR_BODY,
        KEPT_ERROR_BODY,
    )
    assert _limits.MAX_MEDIA_BODY == 128 << 20 and _limits.MAX_DOWNLOAD == 2 << 30


def test_the_deadline_rule_for_each_kind_of_timeout() -> None:
    client = stability.Stability(KEY, base_url="http://127.0.0.1:9")
    assert client._options.total == 10 + 180 + 180 + 60  # the default: one attempt using every part fully
    assert client.with_options(timeout=7)._options.total == 7.0
    parts = httpx.Timeout(connect=1.0, read=20.0, write=5.0, pool=2.0)
    assert client.with_options(timeout=parts)._options.total == 28.0
    before = time.monotonic()
    deadline = client.with_options(timeout=7)._options.call_deadline()
    assert before + 7 <= deadline <= time.monotonic() + 7
    for bad in (float("inf"), float("nan"), 0, -1):
        with pytest.raises(stability.ConfigurationError):
            client.with_options(timeout=bad)
    client.close()


# ---------------------------------------------------------------------------------------------- bodies


def _gzip_bomb(mebibytes: int) -> bytes:
    """A valid gzip body of ``mebibytes`` MiB of zeros, built in a moment (compressing 1 GiB takes 10 s).

    After a full flush the deflate state restarts, so one flushed MiB block can be repeated as is; the trailer
    carries the right CRC and length, so only a bound on the decoded size stops a decoder.
    """
    zeros = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflate.compress(zeros)
    deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    final = deflate.flush()
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + block * mebibytes + final + struct.pack("<II", crc, (mebibytes << 20) & 0xFFFFFFFF)


_BOMBS: dict[int, bytes] = {}


def bomb(mebibytes: int = 1024) -> bytes:
    if mebibytes not in _BOMBS:
        _BOMBS[mebibytes] = _gzip_bomb(mebibytes)
    return _BOMBS[mebibytes]


def test_the_bomb_is_what_it_claims() -> None:
    small = _gzip_bomb(3)
    assert gzip.decompress(small) == bytes(3 << 20)
    assert 1 << 20 < len(bomb()) < 1100 << 10  # about 1 MB on the wire for 1 GiB decoded


def _bomb_answer(status: int, *, content_type: str = "application/json") -> Callable[[bytes, socket.socket], None]:
    def respond(head: bytes, conn: socket.socket) -> None:
        body = bomb()
        conn.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Encoding: gzip\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        conn.sendall(body)

    return respond


def _measured(call: Callable[[], object]) -> tuple[object, int, float]:
    bomb()  # built before measuring: the server's copy is not the client's memory
    tracemalloc.start()
    start = time.monotonic()
    try:
        try:
            value = call()
        except Exception as exc:
            value = exc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return value, peak, time.monotonic() - start


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_gzip_bomb_as_an_answer_costs_the_bound_not_the_gigabyte(raw_server: Any, mode: str) -> None:
    server = raw_server(_bomb_answer(200))

    def call() -> object:
        return _call(mode, "balance", server.url, max_retries=0)[0]

    outcome, peak, elapsed = _measured(call)
    assert isinstance(outcome, stability.MalformedResponseError), repr(outcome)
    assert f"larger than the {MAX_JSON_BODY} bytes" in str(outcome)
    assert peak < 4 * MAX_JSON_BODY, f"peak {peak / 2**20:.1f} MiB"
    assert len(outcome.body) <= KEPT_ERROR_BODY
    assert elapsed < 10
    FIGURES.add("scenarios")
    FIGURES.add("hostile server answers survived")
    FIGURES.outcome(type(outcome).__name__)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_gzip_bomb_as_an_error_body_is_read_to_a_bound_and_kept_shorter(raw_server: Any, mode: str) -> None:
    server = raw_server(_bomb_answer(502, content_type="text/plain"))

    def call() -> object:
        return _call(mode, "balance", server.url, max_retries=0)[0]

    outcome, peak, _ = _measured(call)
    assert isinstance(outcome, stability.ServerError) and outcome.status_code == 502, repr(outcome)
    assert outcome.body == bytes(KEPT_ERROR_BODY)
    assert peak < 8 * MAX_ERROR_BODY, f"peak {peak / 2**20:.1f} MiB"
    FIGURES.add("scenarios")
    FIGURES.add("hostile server answers survived")
    FIGURES.outcome(type(outcome).__name__)


def _close_delimited_error(size: int) -> Callable[[bytes, socket.socket], None]:
    def respond(head: bytes, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 500 X\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
        chunk = b"<p>" + b"x" * ((1 << 20) - 3)
        for _ in range(size >> 20):
            conn.sendall(chunk)

    return respond


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_200_mb_error_page_is_not_kept_whole(raw_server: Any, mode: str) -> None:
    server = raw_server(_close_delimited_error(200 << 20))
    outcome, peak, elapsed = _measured(lambda: _call(mode, "balance", server.url, max_retries=0)[0])
    assert isinstance(outcome, stability.ServerError) and outcome.status_code == 500, repr(outcome)
    assert len(outcome.body) == KEPT_ERROR_BODY and outcome.body.startswith(b"<p>x")
    assert peak < 8 * MAX_ERROR_BODY, f"peak {peak / 2**20:.1f} MiB"
    assert elapsed < 10
    FIGURES.add("scenarios")
    FIGURES.outcome(type(outcome).__name__)


def test_a_declared_length_over_the_bound_is_refused_unread(raw_server: Any) -> None:
    def respond(head: bytes, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200000000\r\n\r\n{")
        time.sleep(3)  # never sends the rest: reading it would hang until the read timeout

    server = raw_server(respond)
    outcome, elapsed = _call("sync", "balance", server.url, max_retries=0)
    assert isinstance(outcome, stability.MalformedResponseError), repr(outcome)
    assert elapsed < 1.5
    FIGURES.add("scenarios")


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_error_body_in_an_encoding_not_asked_for_still_names_the_status(raw_server: Any, mode: str) -> None:
    def respond(head: bytes, conn: socket.socket) -> None:
        assert b"accept-encoding: gzip, deflate\r\n" in head.lower()  # what the SDK asks for
        body = b"\x8b\x02\x80not really brotli"
        conn.sendall(
            b"HTTP/1.1 429 X\r\nContent-Encoding: br\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
            % (len(body), body)
        )

    server = raw_server(respond)
    outcome, _ = _call(mode, "balance", server.url, max_retries=0)
    assert isinstance(outcome, stability.RateLimitError), repr(outcome)
    FIGURES.add("scenarios")
    FIGURES.outcome(type(outcome).__name__)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_client_the_user_gave_is_held_to_the_deadline_too(raw_server: Any, mode: str) -> None:
    """Its network backend is its own, so a sync one is checked between body chunks (a byte a second here)."""
    drip = Drip(body_only=True)
    server = raw_server(drip)
    http: Any = httpx.Client(timeout=60) if mode == "sync" else httpx.AsyncClient(timeout=60)
    try:
        outcome, elapsed = _call(mode, "balance", server.url, timeout=TIMEOUT, http_client=http)
    finally:
        drip.stop.set()
        if mode == "sync":
            http.close()
        else:
            asyncio.run(http.aclose())
    assert isinstance(outcome, stability.APITimeoutError), repr(outcome)
    assert elapsed < TIMEOUT + 1.0 + SLACK, f"{elapsed:.2f} s"  # at most one more byte's wait
    FIGURES.add("scenarios")
    FIGURES.outcome(type(outcome).__name__)


def test_a_body_cut_short_gives_its_connection_back(raw_server: Any) -> None:
    """A refused body (here a gzip bomb) closes its connection at once: the pool never fills with them."""
    server = raw_server(_bomb_answer(200))
    with stability.Stability(KEY, base_url=server.url, max_retries=0) as client:
        for _ in range(3):
            with pytest.raises(stability.MalformedResponseError):
                client.balance()
        pool = client._driver.http._transport._pool  # type: ignore[attr-defined]
        assert all(connection.is_idle() or connection.is_closed() for connection in pool.connections)
        assert pool._requests == []
    FIGURES.add("scenarios")


def _mp4_bomb(mebibytes: int) -> bytes:
    """A gzip body that decodes to an MP4 start (ftyp, then an mdat as long as the rest) and ``mebibytes`` MiB of
    zeros: only a bound on the decoded size stops a download from writing all of it."""
    prefix = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    prefix += struct.pack(">I4sQ", 1, b"mdat", 16 + (mebibytes << 20))
    zeros = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    final = deflate.flush()
    crc = zlib.crc32(prefix)
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    size = (len(prefix) + (mebibytes << 20)) & 0xFFFFFFFF
    return (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + head + block * mebibytes + final + struct.pack("<II", crc, size)
    )


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_gzip_bomb_as_a_download_stops_at_the_media_bound(raw_server: Any, mode: str, tmp_path: Any) -> None:
    body = _mp4_bomb(1024)
    assert gzip.decompress(_mp4_bomb(2))[4:8] == b"ftyp"

    def respond(head: bytes, conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Encoding: gzip\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        conn.sendall(body)

    server = raw_server(respond)
    target = tmp_path / "clip.mp4"
    started = time.monotonic()
    if mode == "sync":
        with stability.Stability(api_key=KEY, base_url=server.url, max_retries=0) as client:
            with pytest.raises(stability.MalformedResponseError) as caught:
                client.jobs.get("image_to_video", "b" * 64).save(target)
    else:

        async def run() -> None:
            async with stability.AsyncStability(api_key=KEY, base_url=server.url, max_retries=0) as client:
                await client.jobs.get("image_to_video", "b" * 64).save(target)

        with pytest.raises(stability.MalformedResponseError) as caught:
            asyncio.run(run())
    # Stopped at the 128 MiB an in-memory result may be, not at the 2 GiB an uncompressed download may be.
    assert str(MAX_MEDIA_BODY) in str(caught.value), str(caught.value)
    assert list(tmp_path.iterdir()) == [] and time.monotonic() - started < 60
    FIGURES.add("scenarios")
    FIGURES.add("hostile server answers survived")
    FIGURES.outcome(type(caught.value).__name__)
