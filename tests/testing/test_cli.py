"""`python -m stability.testing`: the command line that scripts, benchmarks and `stability fake-server` use.

The "done when" of the fake: started as a subprocess with `--port 0 --json`, it answers raw HTTP with a 401
without a key, a decodable PNG of the requested size, and an image-to-video job that goes 200 {id}, 202, 200 MP4.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from stability.testing import run_fake_server
from tests.testing._helpers import decode, image_bytes, mp4_size


@contextmanager
def _server(*args: str) -> Iterator[subprocess.Popen[str]]:
    command = [sys.executable, "-m", "stability.testing", "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_done_when_raw_http_against_the_command_line_server() -> None:
    with _server("--json", "--job-duration", "0.3") as process:
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        base_url, api_key = started["base_url"], started["api_key"]
        assert base_url.startswith("http://127.0.0.1:") and api_key.startswith("sk-")
        with httpx.Client(base_url=base_url, timeout=10) as client:
            anonymous = client.get("/v1alpha/user/balance")
            assert anonymous.status_code == 401 and anonymous.json()["name"] == "unauthorized"

            body = {"text_prompts": [{"text": "a lighthouse"}], "width": 768, "height": 512}
            headers = {"Authorization": api_key, "Accept": "image/png"}
            png = client.post("/v1alpha/generation/stable-diffusion-512-v2-1/text-to-image", headers=headers, json=body)
            assert png.status_code == 200 and png.headers["content-type"] == "image/png"
            image = decode(png.content)
            assert image.format == "PNG" and image.size == (768, 512)

            bearer = {"authorization": f"Bearer {api_key}"}
            files = {"image": ("frame.png", image_bytes(768, 768), "image/png")}
            start = client.post("/v2alpha/generation/image-to-video", headers=bearer, files=files)
            assert start.status_code == 200 and len(start.json()["id"]) == 64
            result_path = f"/v2alpha/generation/image-to-video/result/{start.json()['id']}"
            pending = client.get(result_path, headers={**bearer, "accept": "video/*"})
            assert pending.status_code == 202 and pending.json()["status"] == "in-progress"
            deadline = time.monotonic() + 10
            while (done := client.get(result_path, headers={**bearer, "accept": "video/*"})).status_code == 202:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert done.status_code == 200 and done.headers["content-type"] == "video/mp4"
            assert mp4_size(done.content) == (768, 768)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_text_output_and_ctrl_c() -> None:
    with _server("--api-key", "sk-chosen", "--no-rate-limit") as process:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("Fake Stability API listening on http://127.0.0.1:")
        assert lines[1].strip() == "API key: sk-chosen"
        base_url = lines[0].rsplit(" ", 1)[1].strip()
        with httpx.Client(base_url=base_url) as client:
            assert client.get("/v1alpha/user/balance", headers={"Authorization": "sk-chosen"}).status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run_fake_server(["--port", "not-a-port"])
    assert caught.value.code == 2 and "--port" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["taken", "99999"])
def test_a_port_it_cannot_listen_on_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], port: str) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        number = str(taken.getsockname()[1]) if port == "taken" else port
        with pytest.raises(SystemExit) as caught:
            run_fake_server(["--port", number])
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert f"cannot listen on 127.0.0.1:{number}" in err and "Traceback" not in err and len(err.splitlines()) == 1
