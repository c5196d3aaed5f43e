"""The socket server: keep-alive, many concurrent connections, big uploads and downloads, chunked bodies, stop."""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from concurrent.futures import ThreadPoolExecutor

import httpx

from stability.testing import FakeStability, Fault
from tests.testing._helpers import INPAINT, VIDEO, VIDEO_RESULT, auth, boxes, image_bytes, mp4_size


def _padded_png(width: int, height: int, padding: int) -> bytes:
    """A valid PNG carrying `padding` bytes in a private ancillary chunk (decoders skip it)."""
    png = image_bytes(width, height)
    data = bytes(padding)
    chunk = struct.pack(">I", len(data)) + b"prVt" + data + struct.pack(">I", zlib.crc32(b"prVt" + data))
    return png[:33] + chunk + png[33:]  # right after the IHDR chunk


def test_two_hundred_concurrent_keep_alive_connections() -> None:
    with FakeStability(api_keys=("sk-many",)) as fake:
        assert fake.port is not None
        connections = [http.client.HTTPConnection("127.0.0.1", fake.port, timeout=10) for _ in range(200)]

        def ask(connection: http.client.HTTPConnection) -> int:
            connection.request("GET", "/v1alpha/user/balance", headers={"Authorization": "sk-many"})
            response = connection.getresponse()
            assert json.loads(response.read()) == {"credits": 1000.0}
            return response.status

        try:
            with ThreadPoolExecutor(max_workers=50) as pool:
                first = list(pool.map(ask, connections))  # every connection opened and kept
                second = list(pool.map(ask, connections))  # and reused
        finally:
            for connection in connections:
                connection.close()
        assert first == second == [200] * 200
        assert fake.connections_opened == 200 and fake.count() == 400


def test_concurrent_generations_from_threads_are_all_recorded_and_charged() -> None:
    with FakeStability() as fake, httpx.Client(base_url=fake.base_url) as client:

        def generate(seed: int) -> int:
            headers = {**auth(fake), "Accept": "image/png"}
            body = {"text_prompts": [{"text": "x"}], "seed": seed + 1}
            return client.post("/v1alpha/generation/stable-diffusion-v1-5/text-to-image", headers=headers, json=body)

        with ThreadPoolExecutor(max_workers=16) as pool:
            responses = list(pool.map(generate, range(32)))
    assert all(r.status_code == 200 for r in responses)
    assert sorted(int(r.headers["seed"]) for r in responses) == list(range(1, 33))
    assert fake.charges() == 32 and fake.balance() == 1000.0 - 32


def test_a_30_mb_upload_streams_through_the_multipart_parser() -> None:
    upload = _padded_png(768, 768, 30 * 1024 * 1024)
    with FakeStability() as fake, httpx.Client(base_url=fake.base_url, timeout=30) as client:
        response = client.post(VIDEO, headers=auth(fake), files={"image": ("big.png", upload, "image/png")})
        assert response.status_code == 200, response.text
        assert fake.requests[0].files["image"].size == len(upload)


def test_chunked_request_bodies_are_read() -> None:
    boundary = "fake-boundary-1234"
    parts = [
        (b'name="mode"', b"search"),
        (b'name="search_prompt"', b"glasses"),
        (b'name="prompt"', b"sunglasses"),
        (b'name="image"; filename="in.png"\r\nContent-Type: image/png', image_bytes(96, 96)),
    ]

    def body() -> object:
        for disposition, value in parts:
            yield f"--{boundary}\r\nContent-Disposition: form-data; ".encode() + disposition + b"\r\n\r\n"
            yield value + b"\r\n"
        yield f"--{boundary}--\r\n".encode()

    with FakeStability() as fake, httpx.Client(base_url=fake.base_url) as client:
        headers = {**auth(fake), "Content-Type": f"multipart/form-data; boundary={boundary}"}
        response = client.post(INPAINT, headers=headers, content=body())  # type: ignore[arg-type]
        assert response.status_code == 200, response.text
        assert response.request.headers["transfer-encoding"] == "chunked"


def test_expect_100_continue_as_curl_sends_it() -> None:
    image = image_bytes(768, 768)
    boundary = "curlboundary"
    payload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="f.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + image
        + f"\r\n--{boundary}--\r\n".encode()
    )
    with FakeStability() as fake:
        assert fake.port is not None
        with socket.create_connection(("127.0.0.1", fake.port), timeout=10) as sock:
            head = (
                f"POST {VIDEO} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {fake.api_key}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(payload)}\r\n"
                "Expect: 100-continue\r\n\r\n"
            )
            sock.sendall(head.encode())
            assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue")
            sock.sendall(payload)
            reply = b""
            while b"}" not in reply:
                reply += sock.recv(4096)
        assert reply.startswith(b"HTTP/1.1 200") and b'"id"' in reply


def test_a_large_video_streams_with_flat_memory() -> None:
    size = 64 * 1024 * 1024
    with FakeStability(video_bytes=size) as fake, httpx.Client(base_url=fake.base_url, timeout=30) as client:
        generation_id = client.post(VIDEO, headers=auth(fake), files={"image": image_bytes(768, 768)}).json()["id"]
        received = 0
        head = b""
        tracemalloc.start()
        try:
            with client.stream("GET", VIDEO_RESULT + generation_id, headers=auth(fake)) as response:
                assert int(response.headers["content-length"]) == size
                for chunk in response.iter_raw():
                    if len(head) < 65536:
                        head += chunk[:65536]
                    received += len(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert received == size and peak < 12 * 1024 * 1024
    kinds = [kind for kind, _, _ in boxes(head + bytes(size - len(head)))]
    assert kinds == [b"ftyp", b"moov", b"mdat"]


def test_a_large_video_as_json_streams_base64() -> None:
    import base64

    size = 3 * 1024 * 1024 + 1
    with FakeStability(video_bytes=size) as fake, httpx.Client(base_url=fake.base_url, timeout=30) as client:
        generation_id = client.post(VIDEO, headers=auth(fake), files={"image": image_bytes(576, 1024)}).json()["id"]
        response = client.get(VIDEO_RESULT + generation_id, headers={**auth(fake), "accept": "application/json"})
    video = base64.b64decode(response.json()["video"])
    assert len(video) == size and mp4_size(video) == (576, 1024)


def test_head_and_query_strings() -> None:
    with FakeStability() as fake, httpx.Client(base_url=fake.base_url) as client:
        head = client.head("/v1alpha/user/balance", headers=auth(fake))
        assert head.status_code == 405 and head.content == b""
        assert client.get("/v1alpha/user/balance?x=1", headers=auth(fake)).status_code == 200
        assert fake.requests[-1].path == "/v1alpha/user/balance"


def test_stop_closes_kept_connections_and_interrupts_delays() -> None:
    fake = FakeStability().start()
    client = httpx.Client(base_url=fake.base_url, timeout=10)
    try:
        assert client.get("/v1alpha/user/balance", headers=auth(fake)).status_code == 200
        fake.inject("balance_v1alpha", Fault.delay(30))
        errors: list[BaseException] = []

        def slow() -> None:
            try:
                client.get("/v1alpha/user/balance", headers=auth(fake))
            except httpx.TransportError as exc:
                errors.append(exc)

        thread = threading.Thread(target=slow)
        thread.start()
        while fake.pending_faults:
            time.sleep(0.01)
        started = time.monotonic()
        fake.stop()
        thread.join(5)
        assert time.monotonic() - started < 2.0 and not thread.is_alive() and errors
        # Idle kept-alive connections are closed too, and a restarted fake answers on a new port.
        fake.start()
        assert client.get(fake.base_url + "/v1alpha/user/balance", headers=auth(fake)).status_code == 200
    finally:
        client.close()
        fake.stop()
    assert fake.connections_opened == 2
