"""Our own pools are sent on below ``httpx.Client.send`` (stability/_drivers.py, ``direct_request``): the request
on the wire is the one ``build_request`` made, a multipart body goes out in a few writes, and nothing of
``send``'s machinery that our clients never used (the cookie jar) comes back in."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

import stability
from stability._drivers import _Joined, direct_request, request_args
from stability.testing import FakeStability


def test_pieces_are_joined_into_writes_of_a_bounded_size() -> None:
    chunk = b"x" * 65_536  # httpx reads a file part in chunks of this size
    pieces = [b"--boundary\r\nheaders\r\n\r\n", *[chunk] * 16, b"\r\n--boundary--\r\n"]
    writes = list(_Joined(pieces))
    assert b"".join(writes) == b"".join(pieces)
    assert [len(write) for write in writes] == [262_167, 262_144, 262_144, 262_144, 16]  # not 18 writes
    big = b"y" * 300_000
    assert list(_Joined([big, b"tail"])) == [big, b"tail"]  # a piece that fills a write alone is not copied
    assert list(_Joined([b"a", b"b"])) == [b"ab"]
    assert list(_Joined([])) == []


def test_the_async_body_is_joined_the_same_way() -> None:
    async def pieces() -> Any:
        for piece in (b"a", b"b" * 300_000, b"c"):
            yield piece

    async def joined() -> list[int]:
        return [len(piece) async for piece in _Joined(pieces())]

    assert asyncio.run(joined()) == [300_001, 1]


def _captured(mode: str, call: Any) -> list[httpx.Request]:
    """The requests a facade call sends through a transport that answers a balance and records them."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json={"credits": 5.0}, headers={"Set-Cookie": "session=abc; Path=/"})

    if mode == "sync":
        with stability.Stability(
            "sk-test", base_url="https://api.example", transport=httpx.MockTransport(handler)
        ) as c:
            call(c)
            call(c)
    else:

        async def run() -> None:
            transport = httpx.MockTransport(handler)
            async with stability.AsyncStability("sk-test", base_url="https://api.example", transport=transport) as c:
                await call(c)
                await call(c)

        asyncio.run(run())
    return seen


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_request_is_the_one_build_request_makes(mode: str) -> None:
    seen = _captured(mode, lambda c: c.balance())
    request = seen[0]
    with httpx.Client(headers={"Accept-Encoding": "gzip, deflate"}) as http:
        options = stability.Stability("sk-test", base_url="https://api.example")._options
        from stability._core.flow import Request, Send

        kwargs = _balance_kwargs()
        send = Send(Request(kwargs, []), deadline=None)
        built = http.build_request(**request_args(send, options))
        direct = direct_request(dict(http.headers), request_args(send, options))
    assert (
        (request.method, str(request.url))
        == (built.method, str(built.url))
        == ("GET", "https://api.example/v1/user/balance")
    )
    assert dict(request.headers) == dict(built.headers) == dict(direct.headers)
    assert request.extensions["timeout"] == built.extensions["timeout"]


def _balance_kwargs() -> dict[str, Any]:
    from stability_api.api.v1 import user_balance

    return user_balance._get_kwargs()


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_cookie_the_server_sets_is_never_sent_back(mode: str) -> None:
    # Each call stands alone: a Set-Cookie (which the API does not use) does not become state shared by calls.
    seen = _captured(mode, lambda c: c.balance())
    assert len(seen) == 2 and all("cookie" not in request.headers for request in seen)


def test_a_multipart_upload_goes_out_in_a_few_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.raw_cases import png

    image = tmp_path / "in.png"
    image.write_bytes(png(512, 512))
    writes: list[int] = []
    real = httpcore._backends.sync.SyncStream.write

    def write(self: Any, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:  # httpcore also "writes" the empty end of a body of known length
            writes.append(len(buffer))
        real(self, buffer, timeout)

    monkeypatch.setattr(httpcore._backends.sync.SyncStream, "write", write)
    with FakeStability() as fake, stability.Stability(fake.api_key, base_url=fake.base_url) as client:
        job = client.upscale("a lighthouse", image=image)
        (request,) = [r for r in fake.requests if r.operation == "upscale"]
    assert len(job.id) == 64 and request.fields["prompt"] == "a lighthouse"
    assert request.files["image"].size == image.stat().st_size and request.status == 200
    # The request's head, then the body: every part of it (two fields, the image's header, the image, the
    # closing boundary) in one write; httpx alone writes each of those pieces separately (11 writes here).
    assert len(writes) == 2, writes


def test_the_fake_reads_every_operation_sent_this_way(tmp_path: Path) -> None:
    # The multipart bodies the fake parses (every operation's fields and files) are the joined ones.
    with FakeStability() as fake, stability.Stability(fake.api_key, base_url=fake.base_url) as client:
        result = client.generate_core("a lighthouse", aspect_ratio="1:1", seed=5)
        (request,) = fake.requests
    assert result.seed == 5 and request.fields == {"prompt": "a lighthouse", "aspect_ratio": "1:1", "seed": "5"}, (
        json.dumps(request.fields)
    )
