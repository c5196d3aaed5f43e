"""Server-side validation, one case per rule: the version's error body, its name or message, and no charge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from stability._core import limits as L
from stability.testing import FakeStability
from tests.testing._helpers import (
    INPAINT,
    PROMPTS,
    UPSCALE,
    UPSCALE_RESULT,
    V1_I2I,
    V1_MASK,
    V1_T2I,
    VIDEO,
    VIDEO_RESULT,
    auth,
    http_client,
    image_bytes,
    png_header,
)

GOA_FIELDS = {"name", "id", "message", "temporary", "timeout", "fault"}


@pytest.fixture
def client(fake: FakeStability) -> Iterator[httpx.Client]:
    with http_client(fake, "in-process") as client:
        yield client


def _goa(response: httpx.Response, status: int, name: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/vnd.goa.error"
    body: dict[str, Any] = response.json()
    assert set(body) == GOA_FIELDS and body["name"] == name, body
    return body


def _v2(response: httpx.Response, status: int, *messages: str) -> list[str]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json" and response.headers["x-request-id"]
    body = response.json()
    assert set(body) == {"id", "name", "errors"} and body["name"] == "bad_request"
    for message in messages:
        assert message in body["errors"], body["errors"]
    errors: list[str] = body["errors"]
    return errors


# ------------------------------------------------------------------------------------------------ v1alpha

T2I_CASES = [
    ({"text_prompts": []}, "invalid_length"),
    ({}, "missing_field"),
    ({"text_prompts": "a cat"}, "invalid_field_type"),
    ({"text_prompts": [{"weight": 1}]}, "missing_field"),
    ({"text_prompts": [{"text": "x" * (L.V1_PROMPT_MAX_CHARS + 1)}]}, "invalid_length"),
    ({"text_prompts": [{"text": "x", "weight": "heavy"}]}, "invalid_field_type"),
    ({**PROMPTS, "cfg_scale": L.V1_CFG_SCALE.high + 1}, "invalid_range"),
    ({**PROMPTS, "cfg_scale": -0.5}, "invalid_range"),
    ({**PROMPTS, "steps": L.V1_STEPS.low - 1}, "invalid_range"),
    ({**PROMPTS, "steps": L.V1_STEPS.high + 1}, "invalid_range"),
    ({**PROMPTS, "samples": L.V1_SAMPLES.high + 1}, "invalid_range"),
    ({**PROMPTS, "seed": -1}, "invalid_range"),
    ({**PROMPTS, "seed": L.V1_SEED.high + 1}, "invalid_range"),
    ({**PROMPTS, "height": "512"}, "invalid_field_type"),
    ({**PROMPTS, "height": 512.5}, "invalid_field_type"),
    ({**PROMPTS, "width": True}, "invalid_field_type"),
    ({**PROMPTS, "width": L.V1_SIDE.low - 64}, "invalid_range"),
    ({**PROMPTS, "width": L.V1_SIDE.high + 64}, "invalid_range"),
    ({**PROMPTS, "width": 520}, "invalid_height_or_width"),
    ({**PROMPTS, "width": 1024, "height": 1088}, "invalid_height_or_width"),
    ({**PROMPTS, "sampler": "K_UNKNOWN"}, "invalid_enum_value"),
    ({**PROMPTS, "clip_guidance_preset": "FASTEST"}, "invalid_enum_value"),
    ({**PROMPTS, "samples": 2}, "invalid_samples"),
    ([PROMPTS], "decode_payload"),
]


@pytest.mark.parametrize(("body", "name"), T2I_CASES)
def test_text_to_image_rules(client: httpx.Client, fake: FakeStability, body: object, name: str) -> None:
    response = client.post(V1_T2I, headers={**auth(fake), "Accept": "image/png"}, json=body)
    _goa(response, 400, name)
    assert fake.charges() == 0 and fake.balance() == 1000.0


def test_text_to_image_limits_that_pass(client: httpx.Client, fake: FakeStability) -> None:
    for body in (
        {**PROMPTS, "width": 2048, "height": 512, "seed": L.V1_SEED.high, "steps": 10, "cfg_scale": 35},
        {**PROMPTS, "width": 1024, "height": 1024, "samples": 1, "sampler": "K_DPMPP_2M"},
    ):
        assert client.post(V1_T2I, headers={**auth(fake), "Accept": "image/png"}, json=body).status_code == 200


def test_goa_messages_name_the_field_and_limit(client: httpx.Client, fake: FakeStability) -> None:
    body = {**PROMPTS, "cfg_scale": 40}
    message = _goa(client.post(V1_T2I, headers={**auth(fake), "Accept": "image/png"}, json=body), 400, "invalid_range")
    assert message["message"] == "body.cfg_scale must be lower or equal than 35 but got value 40"
    assert message["temporary"] is False and message["fault"] is False


@pytest.mark.parametrize("accept", [None, "*/*", "image/*", "image/jpeg", "application/json, image/png"])
def test_v1alpha_accept_is_a_strict_enum(fake: FakeStability, accept: str | None) -> None:
    with httpx.Client(base_url=fake.base_url, transport=fake.transport()) as client:
        client.headers.pop("accept")
        headers = {**auth(fake), **({"Accept": accept} if accept else {})}
        response = client.post(V1_T2I, headers=headers, json=PROMPTS)
    _goa(response, 400, "missing_field" if accept is None else "invalid_enum_value")


def test_unknown_engine_is_404_not_found(client: httpx.Client, fake: FakeStability) -> None:
    path = "/v1alpha/generation/stable-diffusion-9000/text-to-image"
    _goa(client.post(path, headers={**auth(fake), "Accept": "image/png"}, json=PROMPTS), 404, "not_found")


def test_text_to_image_needs_a_json_body(client: httpx.Client, fake: FakeStability) -> None:
    headers = {**auth(fake), "Accept": "image/png"}
    _goa(
        client.post(V1_T2I, headers={**headers, "Content-Type": "application/json"}, content=b"{"),
        400,
        "decode_payload",
    )
    _goa(client.post(V1_T2I, headers=headers, data={"text_prompts": "x"}), 400, "decode_payload")


def _i2i(client: httpx.Client, fake: FakeStability, path: str, files: dict[str, Any]) -> httpx.Response:
    return client.post(path, headers={**auth(fake), "Accept": "image/png"}, files=files)


OPTIONS = (None, json.dumps(PROMPTS))
INIT = ("init.png", image_bytes(512, 512))

I2I_CASES = [
    ({"init_image": INIT}, "missing_field"),
    ({"options": OPTIONS}, "missing_field"),
    ({"init_image": INIT, "options": (None, "{not json")}, "decode_payload"),
    ({"init_image": INIT, "options": (None, "[1, 2]")}, "decode_payload"),
    ({"init_image": INIT, "options": (None, json.dumps({"text_prompts": []}))}, "invalid_length"),
    ({"init_image": ("a.png", b"just some text"), "options": OPTIONS}, "invalid_mime_type"),
    ({"init_image": ("a.png", b""), "options": OPTIONS}, "invalid_file_size"),
    ({"init_image": ("a.png", image_bytes(500, 512)), "options": OPTIONS}, "invalid_height_or_width"),
    ({"init_image": ("a.png", png_header(2112, 512)), "options": OPTIONS}, "invalid_height_or_width"),
    ({"init_image": ("a.png", png_header(1024, 1088)), "options": OPTIONS}, "invalid_height_or_width"),
    ({"init_image": ("a.png", png_header(512, 512)), "options": OPTIONS}, "invalid_mime_type"),  # undecodable
    ({"init_image": INIT, "options": (None, json.dumps({**PROMPTS, "step_schedule_start": 1.5}))}, "invalid_range"),
    ({"init_image": INIT, "options": (None, json.dumps({**PROMPTS, "step_schedule_end": -1}))}, "invalid_range"),
    ({"init_image": INIT, "options": (None, json.dumps({**PROMPTS, "samples": 3}))}, "invalid_samples"),
]


@pytest.mark.parametrize(("files", "name"), I2I_CASES)
def test_image_to_image_rules(client: httpx.Client, fake: FakeStability, files: dict[str, Any], name: str) -> None:
    _goa(_i2i(client, fake, V1_I2I, files), 400, name)
    assert fake.charges() == 0


def _masking_options(**extra: Any) -> tuple[None, str]:
    return (None, json.dumps({**PROMPTS, **extra}))


MASKING_CASES = [
    ({"init_image": INIT, "options": OPTIONS}, "missing_field"),
    ({"init_image": INIT, "options": _masking_options(mask_source="MASK_IMAGE_GREY")}, "invalid_enum_value"),
    ({"init_image": INIT, "options": _masking_options(mask_source="MASK_IMAGE_WHITE")}, "invalid_mask_image"),
    ({"init_image": INIT, "options": _masking_options(mask_source="MASK_IMAGE_BLACK")}, "invalid_mask_image"),
    (
        {
            "init_image": INIT,
            "mask_image": ("m.png", image_bytes(512, 576)),
            "options": _masking_options(mask_source="MASK_IMAGE_WHITE"),
        },
        "invalid_image_dimensions",
    ),
    (
        {
            "init_image": INIT,
            "mask_image": ("m.png", b"GIF89a..."),
            "options": _masking_options(mask_source="MASK_IMAGE_WHITE"),
        },
        "invalid_mime_type",
    ),
]


@pytest.mark.parametrize(("files", "name"), MASKING_CASES)
def test_masking_rules(client: httpx.Client, fake: FakeStability, files: dict[str, Any], name: str) -> None:
    _goa(_i2i(client, fake, V1_MASK, files), 400, name)
    assert fake.charges() == 0


def test_alpha_mask_source_ignores_a_mask_of_another_size(client: httpx.Client, fake: FakeStability) -> None:
    files = {
        "init_image": ("i.png", image_bytes(512, 512, alpha=True)),
        "mask_image": ("m.png", image_bytes(64, 64)),
        "options": _masking_options(mask_source="INIT_IMAGE_ALPHA"),
    }
    assert _i2i(client, fake, V1_MASK, files).status_code == 200


# ------------------------------------------------------------------------------------------------ v2alpha

FRAME = ("frame.png", image_bytes(768, 768))

VIDEO_CASES = [
    ({}, {}, ["image: is required"]),
    ({"image": ("f.png", image_bytes(512, 512))}, {}, ["image: dimensions must be one of 1024x576, 576x1024, 768x768"]),
    ({"image": ("f.webp", image_bytes(768, 768, "webp"))}, {}, ["image: must be an image in one of these formats"]),
    ({"image": ("f.png", b"not an image at all")}, {}, ["image: must be an image in one of these formats"]),
    ({"image": FRAME}, {"seed": "-1"}, ["seed: must be between 0 and 4294967294"]),
    ({"image": FRAME}, {"seed": "4294967295"}, ["seed: must be between 0 and 4294967294"]),
    ({"image": FRAME}, {"seed": "1.5"}, ["seed: must be a whole number"]),
    ({"image": FRAME}, {"seed": "abc"}, ["seed: must be a number"]),
    ({"image": FRAME}, {"cfg_scale": "10.5"}, ["cfg_scale: must be between 0 and 10"]),
    ({"image": FRAME}, {"motion_bucket_id": "0"}, ["motion_bucket_id: must be between 1 and 255"]),
    ({"image": FRAME}, {"motion_bucket_id": "256", "cfg_scale": "-1"}, ["motion_bucket_id:", "cfg_scale:"]),
]


def _has(errors: list[str], expected: list[str]) -> bool:
    return all(any(error.startswith(prefix) for error in errors) for prefix in expected)


@pytest.mark.parametrize(("files", "data", "expected"), VIDEO_CASES)
def test_image_to_video_rules(
    client: httpx.Client, fake: FakeStability, files: dict[str, Any], data: dict[str, str], expected: list[str]
) -> None:
    if not files:
        files = {"other": ("x.txt", b"x")}
    errors = _v2(client.post(VIDEO, headers=auth(fake), files=files, data=data), 400)
    assert _has(errors, expected), errors
    assert fake.charges() == 0


@pytest.mark.parametrize("size", L.VIDEO_SIZES)
@pytest.mark.parametrize("fmt", L.VIDEO_INPUT_FORMATS)
def test_image_to_video_accepts_every_documented_size_and_format(
    client: httpx.Client, fake: FakeStability, size: tuple[int, int], fmt: str
) -> None:
    files = {"image": ("frame", image_bytes(*size, fmt))}
    response = client.post(VIDEO, headers=auth(fake), files=files, data={"cfg_scale": "10", "motion_bucket_id": "1"})
    assert response.status_code == 200, response.text


def test_v2alpha_posts_need_multipart(client: httpx.Client, fake: FakeStability) -> None:
    for path in (VIDEO, INPAINT, UPSCALE):
        errors = _v2(client.post(path, headers=auth(fake), json={"prompt": "x"}), 400)
        assert errors == ["content-type: must be multipart/form-data with a boundary"]
    truncated = b'--b\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nx'
    headers = {**auth(fake), "content-type": "multipart/form-data; boundary=b"}
    _v2(client.post(UPSCALE, headers=headers, content=truncated), 400)


IMAGE = ("in.png", image_bytes(128, 128))
SEARCH = {"mode": "search", "search_prompt": "glasses", "prompt": "sunglasses"}

INPAINT_CASES = [
    ({"image": IMAGE}, {"prompt": "x"}, ["mode: is required"]),
    ({"image": IMAGE}, {**SEARCH, "mode": "erase"}, ["mode: must be one of search, mask"]),
    ({"image": IMAGE}, {"mode": "search", "prompt": "x"}, ["search_prompt: is required"]),
    ({"image": IMAGE}, {"mode": "mask", "prompt": "x"}, ["mask: is required when image has no alpha channel"]),
    ({}, SEARCH, ["image: is required"]),
    ({"image": IMAGE}, {**SEARCH, "prompt": ""}, ["prompt: cannot be empty"]),
    ({"image": IMAGE}, {"mode": "search", "search_prompt": "g"}, ["prompt: is required"]),
    ({"image": IMAGE}, {**SEARCH, "prompt": "x" * 10_001}, ["prompt: must be at most 10000 characters"]),
    ({"image": IMAGE}, {**SEARCH, "negative_prompt": "x" * 10_001}, ["negative_prompt: must be at most 10000"]),
    ({"image": IMAGE}, {**SEARCH, "output_format": "gif"}, ["output_format: must be one of jpeg, png, webp"]),
    ({"image": IMAGE}, {**SEARCH, "seed": "4294967295"}, ["seed: must be between 0 and 4294967294"]),
    ({"image": ("a.png", b"plain text, named .png")}, SEARCH, ["image: must be an image in one of these formats"]),
    ({"image": ("a.png", png_header(63, 100))}, SEARCH, ["image: every side must be at least 64 pixels"]),
    ({"image": ("a.png", png_header(4000, 3000))}, SEARCH, ["image: the pixel count must be between 4096 and 9437184"]),
    (
        {"image": IMAGE, "mask": ("m.png", b"%PDF-1.4")},
        {"mode": "mask", "prompt": "x"},
        ["mask: must be an image in one of these formats"],
    ),
]


@pytest.mark.parametrize(("files", "data", "expected"), INPAINT_CASES)
def test_inpaint_rules(
    client: httpx.Client, fake: FakeStability, files: dict[str, Any], data: dict[str, str], expected: list[str]
) -> None:
    errors = _v2(client.post(INPAINT, headers=auth(fake), files=files or {"x": ("x", b"x")}, data=data), 400)
    assert _has(errors, expected), errors
    assert fake.charges() == 0


def test_inpaint_reports_every_problem_at_once(client: httpx.Client, fake: FakeStability) -> None:
    data = {"mode": "search", "output_format": "bmp", "seed": "-3"}
    errors = _v2(client.post(INPAINT, headers=auth(fake), files={"image": IMAGE}, data=data), 400)
    assert _has(errors, ["prompt:", "search_prompt:", "output_format:", "seed:"]) and len(errors) == 4


def test_inpaint_accepts_the_pixel_bounds(client: httpx.Client, fake: FakeStability) -> None:
    for size in ((64, 64), (64, 4096 // 64)):
        files = {"image": ("in.png", image_bytes(*size))}
        assert client.post(INPAINT, headers=auth(fake), files=files, data=SEARCH).status_code == 200


def test_inpaint_accept_is_an_enum(client: httpx.Client, fake: FakeStability) -> None:
    for accept in ("image/png", "video/*", "text/html"):
        headers = {**auth(fake), "accept": accept}
        errors = _v2(client.post(INPAINT, headers=headers, files={"image": IMAGE}, data=SEARCH), 400)
        assert errors == ["accept: must be image/* or application/json"]


UPSCALE_CASES = [
    ({"prompt": "x", "creativity": "0.36"}, IMAGE, ["creativity: must be between 0 and 0.35"]),
    ({"prompt": "x", "creativity": "-0.1"}, IMAGE, ["creativity: must be between 0 and 0.35"]),
    ({}, IMAGE, ["prompt: is required"]),
    ({"prompt": "x"}, ("a.png", png_header(1025, 1024)), ["image: the pixel count must be between 4096 and 1048576"]),
    ({"prompt": "x"}, ("a.png", png_header(32, 200)), ["image: every side must be at least 64 pixels"]),
    ({"prompt": "x"}, ("a.gif", b"GIF89a\x01\x00\x01\x00"), ["image: must be an image in one of these formats"]),
    ({"prompt": "x", "output_format": "tiff"}, IMAGE, ["output_format: must be one of jpeg, png, webp"]),
]


@pytest.mark.parametrize(("data", "image", "expected"), UPSCALE_CASES)
def test_upscale_rules(
    client: httpx.Client, fake: FakeStability, data: dict[str, str], image: tuple[str, bytes], expected: list[str]
) -> None:
    errors = _v2(client.post(UPSCALE, headers=auth(fake), files={"image": image}, data=data), 400)
    assert _has(errors, expected), errors
    assert fake.charges() == 0


def test_upscale_accepts_the_documented_bounds(client: httpx.Client, fake: FakeStability) -> None:
    files = {"image": ("in.webp", image_bytes(64, 64, "webp"))}
    response = client.post(UPSCALE, headers=auth(fake), files=files, data={"prompt": "x", "creativity": "0.35"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", [VIDEO_RESULT, UPSCALE_RESULT])
@pytest.mark.parametrize("generation_id", ["", "abc", "a" * 63, "a" * 65])
def test_result_ids_must_have_64_characters(
    client: httpx.Client, fake: FakeStability, path: str, generation_id: str
) -> None:
    errors = _v2(client.get(path + generation_id, headers=auth(fake)), 400)
    assert errors == ["id: must be 64 characters long"]


def test_unknown_ids_are_404(client: httpx.Client, fake: FakeStability) -> None:
    response = client.get(VIDEO_RESULT + "0" * 64, headers=auth(fake))
    assert response.status_code == 404 and response.json()["name"] == "generation_not_found"


def test_result_accept_rules(client: httpx.Client, fake: FakeStability) -> None:
    generation_id = "0" * 64
    errors = _v2(client.get(VIDEO_RESULT + generation_id, headers={**auth(fake), "accept": "image/*"}), 400)
    assert errors == ["accept: must be video/* or application/json"]
    errors = _v2(client.get(UPSCALE_RESULT + generation_id, headers={**auth(fake), "accept": "video/*"}), 400)
    assert errors == ["accept: must be image/* or application/json"]


# ------------------------------------------------------------------------------------------------ auth


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", V1_T2I, "goa"),
        ("GET", "/v1alpha/engines/list", "goa"),
        ("GET", "/v1alpha/user/balance", "goa"),
        ("POST", VIDEO, "v2"),
        ("GET", VIDEO_RESULT + "0" * 64, "v2"),
        ("POST", UPSCALE, "v2"),
    ],
)
@pytest.mark.parametrize("key", [None, "sk-unknown", "Bearer sk-unknown", "Bearer "])
def test_missing_or_unknown_keys_are_401(
    client: httpx.Client, method: str, path: str, kind: str, key: str | None
) -> None:
    headers = {"Accept": "image/png", **({"Authorization": key} if key is not None else {})}
    response = client.request(method, path, headers=headers, json=PROMPTS)
    assert response.status_code == 401
    if kind == "goa":
        _goa(response, 401, "unauthorized")
    else:
        assert response.json()["name"] == "unauthorized" and response.json()["errors"]


def test_unknown_paths_and_methods(client: httpx.Client, fake: FakeStability) -> None:
    missing = client.get("/v2alpha/generation/text-to-music", headers=auth(fake))
    assert missing.status_code == 404 and missing.json()["name"] == "not_found"
    assert client.get("/v1alpha/nothing", headers=auth(fake)).headers["content-type"] == "application/vnd.goa.error"
    wrong = client.get(INPAINT, headers=auth(fake))
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    assert fake.requests[0].operation is None and fake.count() == 3
