"""The key in the raw client's repr, in an environment proxy, and in the debug log (issue 13, items 1, 2, 23).

- ``repr(client.raw)`` and the locals of a failing raw call's traceback (``pytest -l``, ``traceback`` with
  ``capture_locals``) never show the key.
- ``HTTP_PROXY``/``ALL_PROXY``/``http_proxy`` never receive a plain-http request (it would carry the key in
  clear text to whatever host they name); an https base URL still goes through ``HTTPS_PROXY``/``ALL_PROXY``.
- ``STABILITY_LOG=debug`` logs one line per request: method, path, status, elapsed, request id; never the key.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import subprocess
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

import stability
from stability.testing import FakeStability, Fault
from stability_api.api.v1 import user_balance as get_balance  # what client.balance() calls
from tests.reliability._support import FIGURES, assert_no_key
from tests.reliability.test_hostile_server import RawServer

KEY = "sk-secret-transport-test-key-0123456789"


def _hang_up(head: bytes, conn: socket.socket) -> None:
    conn.close()  # no answer at all: the raw call fails inside httpx


def _texts_of_failure(exc: BaseException) -> str:
    rendered = traceback.TracebackException.from_exception(exc, capture_locals=True)
    return "".join(rendered.format())


# ----------------------------------------------------------------------------------------- item 1: raw repr


def test_the_raw_client_shows_no_key_in_repr_or_traceback_locals(raw_server: Any) -> None:
    server = raw_server(_hang_up)
    with stability.Stability(KEY, base_url=server.url, max_retries=0) as client:
        raw = client.raw
        raw.get_httpx_client()  # the generated client copies the key into its headers here
        texts = [repr(raw), str(raw), repr([raw]), repr({"client": raw})]
        assert "base_url" in texts[0] and server.url in texts[0]
        with pytest.raises(Exception) as caught:
            get_balance.sync_detailed(client=raw)
        texts.append(_texts_of_failure(caught.value))
        assert "client = " in texts[-1]  # the locals were rendered, the raw client among them
    assert_no_key(KEY, texts)
    assert raw.token == KEY  # still usable: the key is only hidden from repr
    FIGURES.add("scenarios")


def test_the_async_raw_client_shows_no_key_either(raw_server: Any) -> None:
    server = raw_server(_hang_up)

    async def main() -> list[str]:
        async with stability.AsyncStability(KEY, base_url=server.url) as client:
            raw = client.raw
            raw.get_async_httpx_client()
            try:
                await get_balance.asyncio_detailed(client=raw)
            except Exception as exc:
                return [repr(raw), _texts_of_failure(exc)]
            raise AssertionError("the raw call should fail")

    assert_no_key(KEY, asyncio.run(main()))
    FIGURES.add("scenarios")


def test_rich_show_locals_sees_no_key_either() -> None:
    """rich renders attrs objects field by field unless they say otherwise (``__rich_repr__``)."""
    client = stability.Stability(KEY, base_url="http://127.0.0.1:9")
    raw = client.raw
    assert dict(raw.__rich_repr__()) == {"base_url": "http://127.0.0.1:9", "token": "<hidden>"}  # type: ignore[attr-defined]
    client.close()


def test_the_generated_clients_made_directly_show_no_key() -> None:
    """``stability_api``'s own classes, made by hand (not through ``client.raw``): the generator's template hides the
    token and the headers (the Authorization header is added to them when the httpx client is made)."""
    from stability_api import AuthenticatedClient, Client

    raw = AuthenticatedClient(
        base_url="https://api.example", token=KEY, headers={"X-Key": KEY}, httpx_args={"auth": None}
    )
    raw.get_httpx_client()
    plain = Client(base_url="https://api.example", headers={"Authorization": f"Bearer {KEY}"})
    assert_no_key(KEY, [repr(raw), repr(plain), str(raw)])
    assert "api.example" in repr(raw)  # a repr still, not an empty one


# ------------------------------------------------------------------------------ item 2: environment proxies


class Listener(RawServer):
    """A would-be proxy: records what reaches it and hangs up."""

    def __init__(self) -> None:
        super().__init__(_hang_up)


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Listener]:
    listener = Listener()
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, listener.url)
    yield listener
    listener.close()


def test_environment_proxies_never_get_a_plain_http_request(proxy: Listener) -> None:
    with FakeStability(fast=True) as fake:
        with stability.Stability(fake.api_key, base_url=fake.base_url, max_retries=0) as client:
            assert client.balance() > 0
            assert get_balance.sync(client=client.raw) is not None

        async def main() -> None:
            async with stability.AsyncStability(fake.api_key, base_url=fake.base_url, max_retries=0) as client:
                assert await client.balance() > 0
                assert await get_balance.asyncio(client=client.raw) is not None

        asyncio.run(main())
        assert fake.count("balance") == 4
    assert proxy.heads == []
    FIGURES.add("scenarios")


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "ALL_PROXY"])
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_https_still_goes_through_the_environment_proxy(
    proxy: Listener, monkeypatch: pytest.MonkeyPatch, variable: str, mode: str
) -> None:
    """A user behind a company proxy keeps it for https: the proxy sees a CONNECT, never the key."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, proxy.url)

    async def run_async() -> None:
        async with stability.AsyncStability(KEY, base_url="https://api.example.invalid", max_retries=0) as client:
            await client.balance()

    with pytest.raises(stability.APIConnectionError):
        if mode == "async":
            asyncio.run(run_async())
        else:
            with stability.Stability(KEY, base_url="https://api.example.invalid", max_retries=0) as client:
                client.balance()
    assert [head.split(b"\r\n")[0] for head in proxy.heads] == [b"CONNECT api.example.invalid:443 HTTP/1.1"]
    assert KEY.encode() not in proxy.heads[0]
    FIGURES.add("scenarios")


# ----------------------------------------------------------------------------------- item 23: debug log


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_debug_logs_one_line_per_request_without_the_key(caplog: pytest.LogCaptureFixture, mode: str) -> None:
    fake = FakeStability(fast=True)
    fake.inject("balance", Fault.status(503))
    caplog.set_level(logging.DEBUG, logger="stability")

    async def no_sleep(seconds: float) -> None:
        pass

    async def run_async() -> None:
        async with stability.AsyncStability(
            fake.api_key, base_url="http://localhost", transport=fake.transport()
        ) as client:
            client._driver._sleep = no_sleep
            await client.balance()
            with pytest.raises(stability.JobNotFoundError):
                await client.jobs.get("upscale", "f" * 64).poll()

    with caplog.at_level(logging.DEBUG, logger="stability"):
        if mode == "async":
            asyncio.run(run_async())
        else:
            with stability.Stability(fake.api_key, base_url="http://localhost", transport=fake.transport()) as client:
                client._driver._sleep = lambda seconds: None
                client.balance()
                with pytest.raises(stability.JobNotFoundError):
                    client.jobs.get("upscale", "f" * 64).poll()
    lines = [r.getMessage() for r in caplog.records if r.name == "stability" and r.levelno == logging.DEBUG]
    assert len(lines) == 3, lines  # the 503, the retry that succeeded, the poll
    assert re.fullmatch(r"GET /v1/user/balance -> 503 in \d+\.\d{3}s", lines[0]), lines
    assert re.fullmatch(r"GET /v1/user/balance -> 200 in \d+\.\d{3}s", lines[1]), lines
    poll = r"GET /v2alpha/generation/stable-image/upscale/result/f{64} -> 404 in \d+\.\d{3}s \(request id \w+\)"
    assert re.fullmatch(poll, lines[2]), lines
    assert_no_key(fake.api_key, [*lines, caplog.text])
    FIGURES.add("scenarios")


def test_stability_log_debug_turns_the_request_lines_on() -> None:
    """The documented switch, in a fresh interpreter: ``STABILITY_LOG=debug`` prints the request lines."""
    code = (
        "import stability\n"
        "from stability.testing import FakeStability\n"
        "fake = FakeStability(fast=True)\n"
        "with stability.Stability(fake.api_key, base_url='http://localhost', transport=fake.transport()) as c:\n"
        "    c.balance()\n"
        "print(fake.api_key)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**_environment(), "STABILITY_LOG": "debug"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert "GET /v1/user/balance -> 200 in " in done.stderr, done.stderr
    assert_no_key(key, [done.stderr])
    FIGURES.add("scenarios")


def _environment() -> dict[str, str]:
    import os

    return {name: value for name, value in os.environ.items() if not name.startswith("STABILITY_")}
