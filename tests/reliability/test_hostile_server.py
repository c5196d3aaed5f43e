"""A broken or hostile server, and the transport rules that keep the key safe.

A tiny raw socket server (``RawServer``) answers what no well-behaved fake would: a megabyte of headers, an
endless body, a Content-Length it never keeps, redirects to another host. The fake itself checks that the
multipart boundary is random, so uploaded bytes cannot forge form fields.
"""

from __future__ import annotations

import socket
import threading
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import stability
from stability.testing import FakeStability
from stability_api import AuthenticatedClient
from stability_api.api.v1alpha import get_balance
from tests.raw_cases import png
from tests.reliability._support import FIGURES, assert_no_key, no_partial_files, object_texts

JOB_ID = "b" * 64
KEY = "sk-hostile-server-test-key-0123456789"


class RawServer:
    """Accepts connections on ``host`` and answers each request with ``respond(request_head, sock)``."""

    def __init__(self, respond: Callable[[bytes, socket.socket], None], host: str = "127.0.0.1") -> None:
        self.respond = respond
        self.heads: list[bytes] = []
        self._sock = socket.create_server((host, 0))
        self.url = f"http://{host}:{self._sock.getsockname()[1]}"
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def _accept(self) -> None:
        while not self._stopping:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                part = conn.recv(65536)
                if not part:
                    return
                head += part
            self.heads.append(head)
            try:
                self.respond(head, conn)
            except OSError:
                pass  # the client gave up first

    def close(self) -> None:
        self._stopping = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self._sock.close()
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)


# Built once, outside the memory measurement (tracemalloc also sees the server's threads).
HUGE_HEADER = b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nX-Junk: " + b"a" * (4 << 20) + b"\r\n\r\n"
# A saved result is checked like a waited one, so this is a well-formed MP4: ftyp, an (empty) moov, then an
# mdat box that runs to the end (size 0), whose payload is the rest of this chunk and of all that follow.
_BOXES = b"\x00\x00\x00\x20ftypisom" + b"\x00" * 20 + b"\x00\x00\x00\x08moov" + b"\x00\x00\x00\x00mdat"
_FIRST = _BOXES + b"\x00" * (256 * 1024 - len(_BOXES))
_CHUNK = b"\x00" * (256 * 1024)
FIRST_CHUNK = b"%x\r\n%s\r\n" % (len(_FIRST), _FIRST)
CHUNK = b"%x\r\n%s\r\n" % (len(_CHUNK), _CHUNK)


def _huge_headers(head: bytes, conn: socket.socket) -> None:
    conn.sendall(HUGE_HEADER)


def _endless_body(head: bytes, conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nTransfer-Encoding: chunked\r\n\r\n")
    conn.sendall(FIRST_CHUNK)
    for _ in range(127):  # 32 MiB, far more than any buffer should hold
        conn.sendall(CHUNK)
    conn.sendall(b"0\r\n\r\n")


def _lying_length(head: bytes, conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: 10000000000\r\n\r\n")
    conn.sendall(b"\x00\x00\x00\x20ftypisom" + b"\x00" * (1 << 20))


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("respond", "expected"),
    [
        (_huge_headers, stability.APIConnectionError),
        (_endless_body, None),
        # Longer than a download may be (MAX_DOWNLOAD): refused before a byte is read, and not fetched again.
        (_lying_length, stability.MalformedResponseError),
    ],
    ids=["4_MiB_of_headers", "32_MiB_chunked_body", "content_length_10_GB_then_close"],
)
def test_broken_server_while_saving_keeps_memory_flat(
    raw_server: Any, tmp_path: Path, respond: Any, expected: type[Exception] | None
) -> None:
    server = raw_server(respond)
    destination = tmp_path / "clip.mp4"
    destination.write_bytes(b"keep me")
    with stability.Stability(KEY, base_url=server.url, max_retries=1) as client:
        client._driver._sleep = lambda seconds: None
        job = client.jobs.get("image_to_video", JOB_ID)
        tracemalloc.start()
        try:
            try:
                job.save(destination, overwrite=True, poll_interval=0.01, timeout=30)
                outcome: Exception | None = None
            except Exception as exc:
                outcome = exc
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB"
    assert no_partial_files(tmp_path) == []
    if expected is None:
        assert outcome is None and destination.stat().st_size == 128 * 256 * 1024
    else:
        assert type(outcome) is expected and destination.read_bytes() == b"keep me", repr(outcome)
    assert_no_key(KEY, object_texts(outcome))
    FIGURES.add("scenarios")
    FIGURES.add("hostile server answers survived")
    FIGURES.outcome("success" if outcome is None else type(outcome).__name__)


def test_uploaded_bytes_cannot_forge_form_fields(tmp_path: Path) -> None:
    """The boundary is random per request, so bytes inside an upload can never close the part early."""
    seen: list[str] = []

    def record(request: httpx.Request) -> None:
        seen.append(request.headers["content-type"].split("boundary=", 1)[1])

    fake = FakeStability(fast=True)
    forged = b"".join(
        b'\r\n--%s\r\nContent-Disposition: form-data; name="output_format"\r\n\r\njpeg' % guess.encode()
        for guess in ("", "boundary", "----WebKitFormBoundary", "0" * 32, "a" * 32)
    )
    image = png(96, 96) + forged  # trailing bytes after IEND: still a valid PNG to every decoder
    http = httpx.Client(transport=fake.transport(), event_hooks={"request": [record]})
    with stability.Stability(fake.api_key, base_url="http://localhost", http_client=http) as client:
        for _ in range(2):
            result = client.inpaint("a cat", image=image, search_prompt="dog")
            assert result.format == "png"  # output_format was not forged to jpeg
    http.close()
    for recorded in fake.requests:
        assert "output_format" not in recorded.fields and recorded.files["image"].size == len(image)
    assert len(set(seen)) == 2 and all(len(b) >= 16 and b.encode() not in image for b in seen)
    FIGURES.add("scenarios")


# ------------------------------------------------------------------------------------------------ transport


@pytest.mark.parametrize(
    "base_url", ["http://api.example.com", "http://10.0.0.8:8080", "http://169.254.169.254", "http://[2001:db8::1]"]
)
def test_plain_http_to_another_host_needs_an_opt_in(base_url: str, monkeypatch: Any) -> None:
    with pytest.raises(stability.ConfigurationError) as caught:
        stability.Stability(KEY, base_url=base_url)
    monkeypatch.setenv("STABILITY_BASE_URL", base_url)
    with pytest.raises(stability.ConfigurationError):
        stability.AsyncStability(KEY)
    with (
        stability.Stability(KEY, base_url="https://api.example.com") as secure,
        pytest.raises(stability.ConfigurationError),
    ):
        secure.with_options(base_url=base_url)
    assert KEY not in str(caught.value)
    stability.Stability(KEY, base_url=base_url, allow_insecure_http=True).close()
    for loopback in ("http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9", "http://127.0.0.2:9"):
        stability.Stability(KEY, base_url=loopback).close()
    FIGURES.add("scenarios")


def _redirect_to(target: str) -> Callable[[bytes, socket.socket], None]:
    def respond(head: bytes, conn: socket.socket) -> None:
        path = head.split(b" ", 2)[1]
        location = target.encode() + path
        conn.sendall(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n" % location)

    return respond


def _balance(head: bytes, conn: socket.socket) -> None:
    body = b'{"credits": 5.0}'
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    )


def test_redirects_to_another_host_never_carry_the_key(raw_server: Any) -> None:
    other = raw_server(_balance, host="127.0.0.2")  # another host (and origin) on the loopback network
    first = raw_server(_redirect_to(other.url))

    with stability.Stability(KEY, base_url=first.url) as client, pytest.raises(stability.APIError) as caught:
        client.balance()  # the facade follows no redirect: a 307 is an error that names it
    assert caught.value.status_code == 307 and other.heads == []

    raw = AuthenticatedClient(base_url=first.url, token=KEY)
    with raw:
        assert get_balance.sync_detailed(client=raw).status_code == 307 and other.heads == []

    # A caller's own client that follows redirects: httpx drops Authorization on the way to another origin.
    with (
        httpx.Client(follow_redirects=True) as http,
        stability.Stability(KEY, base_url=first.url, http_client=http) as client,
    ):
        assert client.balance() == 5.0
    assert len(other.heads) == 1 and b"authorization" not in other.heads[0].lower()
    assert all(KEY.encode() not in head for head in other.heads)
    assert KEY.encode() in first.heads[0]  # the key did go to the configured host
    FIGURES.add("scenarios", 3)
