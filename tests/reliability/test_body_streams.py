"""The streaming body readers (``iter_body``/``aiter_body``) that ``job.save()`` and the drivers use: the body
decoded in bounded pieces, never past the limit, never past the deadline (issue 13, item 11)."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import zlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from stability._drivers import BodyTooLarge, SyncDriver, aiter_body, iter_body
from tests.reliability._support import FIGURES


def _encoded_server(body: bytes, encoding: str, *, pause: float = 0.0) -> Callable[[bytes, socket.socket], None]:
    def respond(head: bytes, conn: socket.socket) -> None:
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        half = len(body) // 2
        conn.sendall(body[:half])
        time.sleep(pause)
        conn.sendall(body[half:])

    return respond


PAYLOAD = bytes(range(256)) * 4096 + b"the end"  # 1 MiB and a bit


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        ("gzip", gzip.compress(PAYLOAD)),
        ("deflate", zlib.compress(PAYLOAD)),
        ("deflate", zlib.compress(PAYLOAD, wbits=-zlib.MAX_WBITS)),  # raw deflate, as some servers send it
        ("identity", PAYLOAD),
        ("gzip, gzip", gzip.compress(gzip.compress(PAYLOAD))),
    ],
    ids=["gzip", "deflate", "raw-deflate", "identity", "gzip-twice"],
)
def test_iter_body_decodes_in_bounded_pieces(raw_server: Any, encoding: str, encoded: bytes) -> None:
    server = raw_server(_encoded_server(encoded, encoding))
    with httpx.Client() as http, http.stream("GET", server.url) as response:
        pieces = list(iter_body(response, limit=len(PAYLOAD), deadline=time.monotonic() + 10))
    assert b"".join(pieces) == PAYLOAD and max(map(len, pieces)) <= 64 * 1024
    with httpx.Client() as http, http.stream("GET", server.url) as response:
        kept = []
        with pytest.raises(BodyTooLarge):
            for piece in iter_body(response, limit=len(PAYLOAD) - 1, deadline=None):
                kept.append(piece)
    # Exactly the limit, never more (a Content-Length over the limit is refused before reading).
    assert b"".join(kept) == (b"" if encoding == "identity" else PAYLOAD[:-1])

    async def read_async() -> bytes:
        async with httpx.AsyncClient() as http, http.stream("GET", server.url) as response:
            return b"".join([piece async for piece in aiter_body(response, limit=len(PAYLOAD), deadline=None)])

    assert asyncio.run(read_async()) == PAYLOAD
    FIGURES.add("scenarios")


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_iter_body_stops_at_the_deadline(raw_server: Any, mode: str) -> None:
    server = raw_server(_encoded_server(gzip.compress(PAYLOAD), "gzip", pause=2.5))

    async def read_async() -> None:
        async with httpx.AsyncClient() as http, http.stream("GET", server.url) as response:
            async for _ in aiter_body(response, limit=10 << 20, deadline=time.monotonic() + 1):
                pass

    start = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        if mode == "async":
            asyncio.run(read_async())
        else:
            # The driver's own pool: every socket wait is cut to the time left (its read timeout is 10 s).
            http = SyncDriver().http
            with http, http.stream("GET", server.url, timeout=10) as response:
                for _ in iter_body(response, limit=10 << 20, deadline=time.monotonic() + 1):
                    pass
    assert time.monotonic() - start < 1.5
    FIGURES.add("scenarios")
