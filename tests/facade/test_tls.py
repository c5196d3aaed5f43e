"""Both clients over TLS, as against the real API: a TLS front (a certificate from a test CA) on 127.0.0.1 relays
to the fake. The sync client's sockets are httpcore's; the async client's are asyncio's own (``_aio_network``),
TLS through ``loop.start_tls``."""

from __future__ import annotations

import io
import os
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from PIL import Image

from stability import APIConnectionError
from stability.testing import FakeStability
from tests.raw_cases import png


class TlsFront:
    """Accepts TLS on 127.0.0.1 and relays each connection's bytes to ``upstream`` (two threads a connection)."""

    def __init__(self, context: ssl.SSLContext, upstream: tuple[str, int]) -> None:
        self._context = context
        self._upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        self._open: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        with raw:
            try:
                secure = self._context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):
                return  # the client refused the certificate
            with secure, socket.create_connection(self._upstream) as upstream:
                self._open |= {secure, upstream}
                back = threading.Thread(target=_relay, args=(upstream, secure), daemon=True)
                back.start()
                _relay(secure, upstream)
                back.join(10)
                self._open -= {secure, upstream}

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        for end in list(self._open):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _relay(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(1 << 16):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_url(fake: FakeStability, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    address = httpx.URL(fake.base_url)
    front = TlsFront(context, (address.host, address.port or 80))
    trusted = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(trusted))
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted))  # the clients' contexts trust the environment's CA file
    try:
        yield f"https://127.0.0.1:{front.port}"
    finally:
        front.close()


def test_calls_jobs_and_streamed_saves_over_tls(
    make_client: Any, tls_url: str, fake: FakeStability, tmp_path: Path
) -> None:
    client = make_client(base_url=tls_url)
    assert client.balance() > 0
    upscaled = client.upscale_fast(png(256, 256))
    assert (upscaled.width, upscaled.height) == (1024, 1024) and upscaled.data.startswith(b"\x89PNG")
    noise = io.BytesIO()  # an upload of megabytes: the writer waits for the socket to drain (flow control)
    Image.frombytes("RGB", (768, 768), os.urandom(768 * 768 * 3)).save(noise, "PNG")
    assert noise.tell() > 1024 * 1024
    job = client.image_to_video(noise.getvalue())
    saved = job.save(tmp_path / "clip.mp4")
    assert saved.read_bytes()[4:8] == b"ftyp" and saved.stat().st_size > 100_000
    for _ in range(3):  # connections kept alive over TLS are reused
        client.balance()
    assert fake.count("balance") == 4


def test_a_certificate_nobody_vouches_for_is_refused(
    make_client: Any, tls_url: str, fake: FakeStability, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    monkeypatch.setenv("SSL_CERT_FILE", str(other))
    client = make_client(base_url=tls_url, max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        client.balance()
    assert "certificate" in str(caught.value).lower()
    assert fake.count() == 0
