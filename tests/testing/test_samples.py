"""Stability's own published samples work against the fake with only the base URL and key changed.

The `requests` samples are the official Python snippets (files are opened in `with` blocks here only so the
test closes them); the curl ones are the documented command lines, run with the real curl when it is installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from stability.testing import FakeStability
from tests.testing._helpers import decode, image_bytes, mp4_size


@pytest.fixture(scope="module")
def server() -> Iterator[FakeStability]:
    with FakeStability() as fake:
        yield fake


@pytest.fixture
def api(server: FakeStability) -> Iterator[tuple[str, str]]:
    yield server.base_url, server.api_key
    server.reset()


@pytest.fixture
def init_image(tmp_path: Path) -> Path:
    path = tmp_path / "init_image.png"
    path.write_bytes(image_bytes(512, 512))
    return path


def test_v1alpha_text_to_image_sample(api: tuple[str, str], tmp_path: Path) -> None:
    api_host, api_key = api
    engine_id = "stable-diffusion-512-v2-1"
    response = requests.post(
        f"{api_host}/v1alpha/generation/{engine_id}/text-to-image",
        headers={"Content-Type": "application/json", "Accept": "image/png", "Authorization": api_key},
        json={
            "cfg_scale": 7,
            "clip_guidance_preset": "FAST_BLUE",
            "height": 512,
            "width": 512,
            "samples": 1,
            "steps": 30,
            "text_prompts": [{"text": "A lighthouse on a cliff", "weight": 1}],
        },
    )
    if response.status_code != 200:
        raise Exception("Non-200 response: " + str(response.text))
    with open(tmp_path / "out.png", "wb") as f:
        f.write(response.content)
    assert decode((tmp_path / "out.png").read_bytes()).size == (512, 512)


def test_v1alpha_image_to_image_sample(api: tuple[str, str], init_image: Path) -> None:
    api_host, api_key = api
    engine_id = "stable-diffusion-512-v2-1"
    with open(init_image, "rb") as image:
        response = requests.post(
            f"{api_host}/v1alpha/generation/{engine_id}/image-to-image",
            headers={"Accept": "image/png", "Authorization": api_key},
            files={
                "init_image": image,
                "options": (
                    None,
                    json.dumps(
                        {
                            "cfg_scale": 7,
                            "clip_guidance_preset": "FAST_BLUE",
                            "step_schedule_start": 0.6,
                            "step_schedule_end": 0.01,
                            "samples": 1,
                            "steps": 30,
                            "text_prompts": [{"text": "A lighthouse on a cliff", "weight": 1}],
                        }
                    ),
                ),
            },
        )
    assert response.status_code == 200, response.text
    assert decode(response.content).size == (512, 512)


def test_v1alpha_masking_sample(api: tuple[str, str], init_image: Path, tmp_path: Path) -> None:
    api_host, api_key = api
    mask = tmp_path / "mask_image_black.png"
    mask.write_bytes(image_bytes(512, 512, color=(0, 0, 0)))
    with open(init_image, "rb") as init, open(mask, "rb") as mask_file:
        response = requests.post(
            f"{api_host}/v1alpha/generation/stable-inpainting-512-v2-0/image-to-image/masking",
            headers={"Accept": "application/json", "Authorization": api_key},
            files={
                "init_image": init,
                "mask_image": mask_file,
                "options": (
                    None,
                    json.dumps(
                        {
                            "mask_source": "MASK_IMAGE_BLACK",
                            "cfg_scale": 7,
                            "clip_guidance_preset": "FAST_BLUE",
                            "samples": 1,
                            "steps": 30,
                            "text_prompts": [{"text": "A lighthouse on a cliff", "weight": 1}],
                        }
                    ),
                ),
            },
        )
    assert response.status_code == 200, response.text
    data = response.json()
    for image in data["artifacts"]:
        assert image["finishReason"] == "SUCCESS" and image["base64"]


def test_v2alpha_image_to_video_sample(api: tuple[str, str], tmp_path: Path) -> None:
    api_host, api_key = api
    (tmp_path / "image.png").write_bytes(image_bytes(1024, 576))
    with open(tmp_path / "image.png", "rb") as image:
        response = requests.post(
            f"{api_host}/v2alpha/generation/image-to-video",
            headers={"authorization": f"Bearer {api_key}"},
            files={"image": image},
            data={"seed": 0, "cfg_scale": 1.8, "motion_bucket_id": 127},
        )
    generation_id = response.json().get("id")
    assert response.status_code == 200 and len(generation_id) == 64
    response = requests.request(
        "GET",
        f"{api_host}/v2alpha/generation/image-to-video/result/{generation_id}",
        headers={"accept": "video/*", "authorization": f"Bearer {api_key}"},
    )
    assert response.status_code == 200, response.text
    with open(tmp_path / "video.mp4", "wb") as file:
        file.write(response.content)
    assert mp4_size((tmp_path / "video.mp4").read_bytes()) == (1024, 576)


def test_v2alpha_inpaint_and_upscale_samples(api: tuple[str, str], server: FakeStability, tmp_path: Path) -> None:
    api_host, api_key = api
    (tmp_path / "husky-in-a-field.png").write_bytes(image_bytes(320, 320))
    # The inpaint sample sends no `accept`, so requests sends `*/*`, and it saves the answer as a .webp: the
    # reason the fake answers `*/*` with the default (the image) rather than 400 (see stability.testing).
    with open(tmp_path / "husky-in-a-field.png", "rb") as image:
        response = requests.post(
            f"{api_host}/v2alpha/generation/stable-image/inpaint",
            headers={"authorization": f"Bearer {api_key}"},
            files={"image": image},
            data={
                "prompt": "golden retriever in a field",
                "mode": "search",
                "search_prompt": "dog",
                "output_format": "webp",
            },
        )
    if response.status_code == 200:
        with open(tmp_path / "golden-retriever-in-a-field.webp", "wb") as file:
            file.write(response.content)
    else:
        raise Exception(str(response.json()))
    assert server.requests[-1].headers.get("accept") == "*/*"
    assert decode((tmp_path / "golden-retriever-in-a-field.webp").read_bytes()).format == "WEBP"
    (tmp_path / "dog-wearing-vr-goggles.png").write_bytes(image_bytes(320, 320))
    with open(tmp_path / "dog-wearing-vr-goggles.png", "rb") as image:
        response = requests.post(
            f"{api_host}/v2alpha/generation/stable-image/upscale",
            headers={"authorization": f"Bearer {api_key}"},
            files={"image": image},
            data={"prompt": "cute fluffy white kitten floating in space, pastel colors", "output_format": "webp"},
        )
    generation_id = response.json().get("id")
    response = requests.request(
        "GET",
        f"{api_host}/v2alpha/generation/stable-image/upscale/result/{generation_id}",
        headers={"accept": "image/*", "authorization": f"Bearer {api_key}"},
    )
    assert response.status_code == 200 and decode(response.content).size > (320, 320)


CURL = shutil.which("curl")


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_curl_samples(api: tuple[str, str], init_image: Path, tmp_path: Path) -> None:
    api_host, api_key = api
    assert CURL is not None

    def curl(*args: str) -> None:
        subprocess.run([CURL, "-f", "-sS", *args], check=True, timeout=30, capture_output=True)

    body = '{"cfg_scale": 7, "height": 512, "width": 768, "samples": 1, "steps": 30, "text_prompts": [{"text": "A"}]}'
    curl(
        f"{api_host}/v1alpha/generation/stable-diffusion-512-v2-1/text-to-image",
        *("-H", "Content-Type: application/json", "-H", "Accept: image/png", "-H", f"Authorization: {api_key}"),
        *("--data-raw", body, "-o", str(tmp_path / "t2i.png")),
    )
    assert decode((tmp_path / "t2i.png").read_bytes()).size == (768, 512)
    curl(
        f"{api_host}/v1alpha/generation/stable-diffusion-512-v2-1/image-to-image",
        *("-H", "Accept: image/png", "-H", f"Authorization: {api_key}"),
        *("--form", f'init_image=@"{init_image}"'),
        *("--form", 'options="{\\"cfg_scale\\":7, \\"text_prompts\\": [{\\"text\\": \\"A lighthouse\\"}]}"'),
        *("-o", str(tmp_path / "i2i.png")),
    )
    assert decode((tmp_path / "i2i.png").read_bytes()).size == (512, 512)
    curl(
        "-X",
        "POST",
        f"{api_host}/v2alpha/generation/stable-image/inpaint",
        *("-H", f"authorization: Bearer {api_key}", "-H", "accept: image/*"),
        *("-F", f"image=@{init_image}", "-F", "prompt=dog wearing black glasses", "-F", "mode=search"),
        *("-F", "search_prompt=glasses", "-F", "output_format=jpeg", "-o", str(tmp_path / "inpaint.jpeg")),
    )
    assert decode((tmp_path / "inpaint.jpeg").read_bytes()).format == "JPEG"
