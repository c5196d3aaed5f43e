"""The live API's operations in the fake (v1 reads, v2beta generate, upscales, results, video): sizes, formats,
headers, prices, the documented refusals and the version's error bodies."""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import stability.testing
from stability._core import limits as L
from stability._operations.registry import REGISTRY
from stability.testing import FakeStability, Fault
from stability.testing._media import generation_size, scaled_size
from tests.testing._helpers import auth, decode, http_client, image_bytes, mp4_size, path, png_header

ULTRA, CORE, SD3 = path("generate_ultra"), path("generate_core"), path("generate_sd3")
FAST, CONSERVATIVE, CREATIVE = path("upscale_fast"), path("upscale_conservative"), path("upscale_creative")
VIDEO = path("image_to_video_v2beta")
NO_FILE = {"none": ("none", b"")}  # Stability's Python samples force multipart with this empty part


@pytest.fixture
def client(fake: FakeStability) -> Iterator[httpx.Client]:
    with http_client(fake, "in-process") as client:
        yield client


def _post(
    client: httpx.Client, fake: FakeStability, url: str, data: dict[str, Any], files: Any = None, **headers: str
) -> httpx.Response:
    return client.post(url, headers={**auth(fake), **headers}, data=data, files=files or NO_FILE)


def _image(name: str, width: int, height: int, fmt: str = "png") -> dict[str, tuple[str, bytes]]:
    return {name: (f"{name}.{fmt}", image_bytes(width, height, fmt))}


def _errors(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"id", "name", "errors"} and body["name"] == "bad_request", body
    return list(body["errors"])


# ------------------------------------------------------------------------------------------------ sizes


def _documented_table() -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
    """The size table of stability.testing's docstring: ratio -> (1 MP size, 1.5 MP size)."""
    doc = stability.testing.__doc__ or ""
    rows = re.findall(r"\|\s*(\d+:\d+)\s*\|\s*(\d+)x(\d+)\s*\|\s*(\d+)x(\d+)\s*\|", doc)
    return {ratio: ((int(a), int(b)), (int(c), int(d))) for ratio, a, b, c, d in rows}


def test_the_documented_size_table_is_the_rule_for_every_aspect_ratio() -> None:
    table = _documented_table()
    assert tuple(table) == L.ASPECT_RATIOS
    for ratio, sizes in table.items():
        width, height = (int(side) for side in ratio.split(":"))
        for megapixels, (w, h) in zip((L.MEGAPIXELS["ultra"], L.MEGAPIXELS["core"]), sizes, strict=True):
            assert generation_size(megapixels, width / height) == (w, h)
            assert w % 64 == 0 and h % 64 == 0 and abs(w * h / (megapixels * 1_048_576) - 1) <= 0.1
            assert abs(math.log(w / h / (width / height))) < 0.03
    assert L.MEGAPIXELS["sd3"] == L.MEGAPIXELS["ultra"]


@pytest.mark.parametrize("ratio", L.ASPECT_RATIOS)
def test_text_to_image_sizes_follow_the_table(client: httpx.Client, fake: FakeStability, ratio: str) -> None:
    one, one_and_a_half = _documented_table()[ratio]
    data = {"prompt": "a lighthouse", "aspect_ratio": ratio, "output_format": "jpeg"}
    for url, size in ((ULTRA, one), (SD3, one), (CORE, one_and_a_half)):
        response = _post(client, fake, url, data)
        assert response.status_code == 200, response.text
        assert decode(response.content).size == size and response.headers["content-type"] == "image/jpeg"


def test_the_default_is_one_to_one(client: httpx.Client, fake: FakeStability) -> None:
    assert decode(_post(client, fake, ULTRA, {"prompt": "x"}).content).size == (1024, 1024)
    assert decode(_post(client, fake, CORE, {"prompt": "x"}).content).size == (1280, 1280)


def test_image_to_image_has_the_inputs_shape_at_about_a_megapixel(client: httpx.Client, fake: FakeStability) -> None:
    ultra = _post(
        client, fake, ULTRA, {"prompt": "x", "strength": "0.4", "aspect_ratio": "9:21"}, _image("image", 1000, 700)
    )
    sd3 = _post(
        client, fake, SD3, {"prompt": "x", "mode": "image-to-image", "strength": "0.4"}, _image("image", 96, 64)
    )
    for response, (width, height) in ((ultra, (1000, 700)), (sd3, (96, 64))):
        assert response.status_code == 200, response.text
        w, h = decode(response.content).size
        assert (w, h) == generation_size(1.0, width / height)
        assert abs(math.log(w / h / (width / height))) < 0.03 and abs(w * h / 1_048_576 - 1) <= 0.1


def test_upscales_grow_the_image_as_documented(client: httpx.Client, fake: FakeStability) -> None:
    fast = _post(client, fake, FAST, {}, _image("image", 100, 50, "jpeg"))
    assert decode(fast.content).size == (400, 200) and decode(fast.content).format == "PNG"
    conservative = _post(
        client, fake, CONSERVATIVE, {"prompt": "x", "output_format": "webp"}, _image("image", 300, 200)
    )
    w, h = decode(conservative.content).size
    assert (w, h) == scaled_size(300, 200, L.UPSCALED_PIXELS) == (2508, 1672)
    assert decode(conservative.content).format == "WEBP" and abs(w * h / L.UPSCALED_PIXELS - 1) < 0.001


# ------------------------------------------------------------------------------------------------ answers


def test_bytes_carry_seed_and_finish_reason_json_carries_base64(client: httpx.Client, fake: FakeStability) -> None:
    raw = _post(client, fake, CORE, {"prompt": "x", "seed": "42", "output_format": "webp"})
    assert raw.headers["seed"] == "42" and raw.headers["finish-reason"] == "SUCCESS" and raw.headers["x-request-id"]
    assert raw.headers["content-type"] == "image/webp"
    as_json = _post(client, fake, CORE, {"prompt": "x", "seed": "42"}, accept="application/json")
    assert as_json.headers["content-type"] == "application/json; type=image/png"
    body = as_json.json()
    assert body["seed"] == 42 and body["finish_reason"] == "SUCCESS" and "seed" not in as_json.headers
    assert decode(base64.b64decode(body["image"])).size == (1280, 1280)
    assert _post(client, fake, CORE, {"prompt": "x"}, accept="image/png").status_code == 400


def test_the_same_seed_and_prompt_give_the_same_image(client: httpx.Client, fake: FakeStability) -> None:
    first, again = (_post(client, fake, ULTRA, {"prompt": "x", "seed": "7"}) for _ in "ab")
    other = _post(client, fake, ULTRA, {"prompt": "y", "seed": "7"})
    assert first.content == again.content != other.content


def test_prices_are_the_documented_credits_sd3_by_model(client: httpx.Client, fake: FakeStability) -> None:
    def cost(url: str, data: dict[str, Any], files: Any = None) -> float:
        before = fake.balance()
        response = _post(client, fake, url, data, files)
        assert response.status_code == 200, response.text
        return before - fake.balance()

    assert cost(ULTRA, {"prompt": "x"}) == REGISTRY["generate_ultra"].price == L.PRICE_ULTRA
    assert cost(CORE, {"prompt": "x"}) == L.PRICE_CORE
    for model, price in L.PRICE_SD3.items():
        assert cost(SD3, {"prompt": "x", "model": model, "output_format": "jpeg"}) == price
    assert cost(SD3, {"prompt": "x"}) == L.PRICE_SD3["sd3.5-large"]
    assert cost(FAST, {}, _image("image", 64, 64)) == L.PRICE_UPSCALE_FAST
    assert cost(CONSERVATIVE, {"prompt": "x"}, _image("image", 64, 64)) == L.PRICE_UPSCALE_CONSERVATIVE
    assert cost(CREATIVE, {"prompt": "x"}, _image("image", 64, 64)) == L.PRICE_UPSCALE_CREATIVE
    assert cost(VIDEO, {}, _image("image", 768, 768)) == L.PRICE_IMAGE_TO_VIDEO
    assert fake.charges("generate_sd3") == len(L.PRICE_SD3) + 1


def test_one_balance_for_every_version(client: httpx.Client, fake: FakeStability) -> None:
    _post(client, fake, ULTRA, {"prompt": "x"})
    v1alpha_t2i = client.post(
        path("text_to_image", engine_id="stable-diffusion-512-v2-1"),
        headers={**auth(fake), "Accept": "image/png"},
        json={"text_prompts": [{"text": "x"}]},
    )
    assert v1alpha_t2i.status_code == 200
    expected = 1000.0 - L.PRICE_ULTRA - L.V1_CREDITS_PER_IMAGE
    for name in ("balance", "balance_v1alpha"):
        assert client.get(path(name), headers=auth(fake)).json() == {"credits": expected}


def test_v1_reads_engines_as_a_bare_array(client: httpx.Client, fake: FakeStability) -> None:
    engines = client.get(path("engines"), headers=auth(fake)).json()
    assert (
        isinstance(engines, list)
        and engines == client.get(path("engines_v1alpha"), headers=auth(fake)).json()["engines"]
    )
    assert (
        client.get(path("account"), headers=auth(fake)).json()
        == client.get(path("account_v1alpha"), headers=auth(fake)).json()
    )


def test_v1_errors_are_id_name_message(client: httpx.Client, fake: FakeStability) -> None:
    missing = client.get(path("balance"))
    assert missing.status_code == 401 and missing.headers["content-type"] == "application/json"
    assert missing.json()["name"] == "unauthorized" and missing.json()["message"] == "missing authorization header"
    assert set(missing.json()) == {"id", "name", "message"} and "x-request-id" not in missing.headers
    fake.inject("engines", Fault.status(500))
    server = client.get(path("engines"), headers=auth(fake))
    assert server.status_code == 500 and server.json()["name"] == "server_error" and server.json()["message"]
    unknown = client.get("/v1/nothing-here", headers=auth(fake))
    assert unknown.status_code == 404 and set(unknown.json()) == {"id", "name", "message"}


def test_the_key_bare_or_bearer_and_v2betas_401(client: httpx.Client, fake: FakeStability) -> None:
    for headers in (auth(fake), auth(fake, bearer=False)):
        assert client.post(CORE, headers=headers, data={"prompt": "x"}, files=NO_FILE).status_code == 200
    refused = client.post(CORE, headers={"authorization": "Bearer sk-nobody"}, data={"prompt": "x"}, files=NO_FILE)
    assert refused.status_code == 401 and set(refused.json()) == {"id", "name", "errors"}
    assert refused.headers["x-request-id"]


# ------------------------------------------------------------------------------------------------ refusals


def test_ultra_refusals(client: httpx.Client, fake: FakeStability) -> None:
    assert _errors(_post(client, fake, ULTRA, {"prompt": "x"}, _image("image", 64, 64))) == [
        "strength: is required when image is given"
    ]
    small = _errors(_post(client, fake, ULTRA, {"prompt": "x", "strength": "0.5"}, _image("image", 63, 200)))
    assert small == ["image: each side must be between 64 and 16384 pixels (got 63x200)"]
    huge = {"image": ("i.png", png_header(16_385, 64))}
    assert _errors(_post(client, fake, ULTRA, {"prompt": "x", "strength": "0.5"}, huge)) == [
        "image: each side must be between 64 and 16384 pixels (got 16385x64)"
    ]
    many = _errors(_post(client, fake, ULTRA, {"prompt": "", "strength": "2", "aspect_ratio": "7:3"}))
    assert [error.split(":")[0] for error in many] == ["prompt", "aspect_ratio", "strength"]
    # strength without an image is only unused: the document makes it required with one, not refused without
    assert _post(client, fake, ULTRA, {"prompt": "x", "strength": "0.5"}).status_code == 200


def test_core_refusals(client: httpx.Client, fake: FakeStability) -> None:
    errors = _errors(_post(client, fake, CORE, {"style_preset": "watercolor", "negative_prompt": "n" * 10_001}))
    assert [error.split(":")[0] for error in errors] == ["prompt", "negative_prompt", "style_preset"]
    assert _errors(_post(client, fake, CORE, {"prompt": "x", "output_format": "gif"})) == [
        "output_format: must be one of jpeg, png, webp"
    ]


def test_sd3_mode_rules(client: httpx.Client, fake: FakeStability) -> None:
    assert _errors(_post(client, fake, SD3, {"prompt": "x", "mode": "image-to-image"})) == [
        "image: is required in image-to-image mode",
        "strength: is required in image-to-image mode",
    ]
    text = _errors(_post(client, fake, SD3, {"prompt": "x", "strength": "0.5"}, _image("image", 64, 64)))
    assert text == [
        "image: is only accepted in image-to-image mode",
        "strength: is only accepted in image-to-image mode",
    ]
    data = {"prompt": "x", "mode": "image-to-image", "strength": "0.5", "aspect_ratio": "16:9"}
    assert _errors(_post(client, fake, SD3, data, _image("image", 64, 64))) == [
        "aspect_ratio: is only accepted in text-to-image mode"
    ]
    data = {"prompt": "x", "model": "sd4", "cfg_scale": "0.5", "output_format": "webp"}
    assert [error.split(":")[0] for error in _errors(_post(client, fake, SD3, data))] == [
        "model",
        "output_format",
        "cfg_scale",
    ]
    small = {"prompt": "x", "mode": "image-to-image", "strength": "0.5"}
    assert _errors(_post(client, fake, SD3, small, _image("image", 64, 32))) == [
        "image: every side must be at least 64 pixels (got 64x32)"
    ]
    # the document says the negative prompt does not work with sd3-large-turbo, not that it is refused
    turbo = {"prompt": "x", "model": "sd3-large-turbo", "negative_prompt": "fog", "output_format": "jpeg"}
    assert _post(client, fake, SD3, turbo).status_code == 200


def test_upscale_refusals(client: httpx.Client, fake: FakeStability) -> None:
    assert _errors(_post(client, fake, FAST, {}, _image("image", 31, 100))) == [
        "image: each side must be between 32 and 1536 pixels (got 31x100)"
    ]
    assert _errors(_post(client, fake, FAST, {}, {"image": ("i.png", png_header(1536, 1536))})) == [
        "image: the pixel count must be between 1024 and 1048576 (got 1536x1536)"
    ]
    assert _errors(
        _post(client, fake, CONSERVATIVE, {"prompt": "x", "creativity": "0.1"}, _image("image", 300, 100))
    ) == [
        "image: the aspect ratio must be between 1:2.5 and 2.5:1 (got 300x100)",
        "creativity: must be between 0.2 and 0.5",
    ]
    assert _errors(
        _post(client, fake, CONSERVATIVE, {"prompt": "x"}, {"image": ("i.png", png_header(4000, 3000))})
    ) == ["image: the pixel count must be between 4096 and 9437184 (got 4000x3000)"]
    creative = _post(
        client, fake, CREATIVE, {"prompt": "x", "creativity": "0.4"}, {"image": ("i.png", png_header(1100, 1000))}
    )
    assert _errors(creative) == [
        "image: the pixel count must be between 4096 and 1048576 (got 1100x1000)",
        "creativity: must be between 0 and 0.35",
    ]
    assert _errors(_post(client, fake, VIDEO, {}, _image("image", 512, 512))) == [
        "image: dimensions must be one of 1024x576, 576x1024, 768x768 (got 512x512)"
    ]
    assert fake.charges() == 0


def test_413_over_ten_mebibytes_except_on_core(client: httpx.Client, fake: FakeStability) -> None:
    padding = bytes(L.MAX_REQUEST_BYTES)
    big = {"image": ("big.png", image_bytes(64, 64) + padding)}
    for url, data in (
        (ULTRA, {"prompt": "x", "strength": "0.5"}),
        (FAST, {}),
        (CREATIVE, {"prompt": "x"}),
        (VIDEO, {}),
    ):
        response = _post(client, fake, url, data, big)
        assert response.status_code == 413, url
        assert response.json()["name"] == "payload_too_large"
        assert response.json()["errors"] == ["body: payloads cannot be larger than 10MiB in size"]
    # Core declares no 413: an oversized body is read as any other (here: a valid prompt and an unknown part)
    assert _post(client, fake, CORE, {"prompt": "x"}, {"none": ("none", padding)}).status_code == 200
    assert fake.charges() == 1


def test_moderation_is_a_403_and_not_charged(client: httpx.Client, fake: FakeStability) -> None:
    for url, data, files in (
        (ULTRA, {"prompt": "forbidden"}, None),
        (SD3, {"prompt": "x", "negative_prompt": "forbidden"}, None),
        (CONSERVATIVE, {"prompt": "forbidden"}, _image("image", 64, 64)),
        (CREATIVE, {"prompt": "forbidden"}, _image("image", 64, 64)),
    ):
        response = _post(client, fake, url, data, files)
        assert response.status_code == 403 and response.json()["name"] == "content_moderation", url
    assert fake.charges() == 0


def test_a_422_is_injected_as_the_documented_invalid_language(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("generate_core", Fault.status(422))
    response = _post(client, fake, CORE, {"prompt": "un phare"})
    assert response.status_code == 422 and response.json()["name"] == "invalid_language"
    assert response.json()["errors"] == ["English is the only supported language for this service."]
    assert fake.count("generate_core") == 1 and fake.charges() == 0


# ------------------------------------------------------------------------------------------------ jobs


def test_creative_upscale_is_a_job_served_by_both_result_paths(client: httpx.Client, fake: FakeStability) -> None:
    fake.job_duration = 30.0
    started = _post(
        client, fake, CREATIVE, {"prompt": "x", "output_format": "jpeg"}, _image("image", 320, 240), accept="image/*"
    )
    assert started.status_code == 200 and started.headers["content-type"] == "application/json"
    job = started.json()["id"]
    results, own = path("results", id=job), path("upscale_creative_result", id=job)
    for url in (results, own):
        pending = client.get(url, headers=auth(fake))
        assert pending.status_code == 202 and pending.json() == {"id": job, "status": "in-progress"}
    fake.clock.advance(30.0)
    answers = [client.get(results, headers={**auth(fake), "accept": accept}) for accept in ("*/*", "image/*")]
    answers.append(client.get(own, headers={**auth(fake, bearer=False), "accept": "image/*"}))
    assert [a.status_code for a in answers] == [200, 200, 200] and len({a.content for a in answers}) == 1
    image = decode(answers[0].content)
    assert image.format == "JPEG" and image.size == scaled_size(320, 240, L.UPSCALED_PIXELS) == (2365, 1774)
    as_json = client.get(results, headers={**auth(fake), "accept": "application/json"})
    assert as_json.headers["content-type"] == "application/json; type=image/jpeg" and as_json.json()["image"]
    assert client.get(results, headers={**auth(fake), "accept": "video/*"}).status_code == 400
    assert fake.count("results") == 5 and fake.count("upscale_creative_result") == 2


def test_results_answer_only_their_jobs(client: httpx.Client, fake: FakeStability) -> None:
    video = _post(client, fake, VIDEO, {}, _image("image", 576, 1024)).json()["id"]
    v2alpha = client.post(path("upscale"), headers=auth(fake), files=_image("image", 64, 64), data={"prompt": "x"})
    for job, url in ((video, "results"), (video, "upscale_creative_result"), (v2alpha.json()["id"], "results")):
        missing = client.get(path(url, id=job), headers=auth(fake))
        assert missing.status_code == 404 and missing.json()["name"] == "generation_not_found"
    done = client.get(path("image_to_video_v2beta_result", id=video), headers=auth(fake))
    assert done.status_code == 200 and done.headers["content-type"] == "video/mp4"
    assert mp4_size(done.content) == (576, 1024) and done.headers["seed"]
    assert client.get(path("image_to_video_result", id=video), headers=auth(fake)).status_code == 404


def test_faults_by_the_registry_names(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("upscale_fast", Fault.status(503))
    fake.inject("results", Fault.never_finish())
    answer = _post(client, fake, FAST, {}, _image("image", 64, 64))
    assert answer.status_code == 503 and set(answer.json()) == {"id", "name", "errors"}
    job = _post(client, fake, CREATIVE, {"prompt": "x"}, _image("image", 64, 64)).json()["id"]
    assert client.get(path("results", id=job), headers=auth(fake)).status_code == 202
    assert client.get(path("results", id=job), headers=auth(fake)).status_code == 200
    assert [r.operation for r in fake.requests] == ["upscale_fast", "upscale_creative", "results", "results"]
