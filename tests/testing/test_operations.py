"""Every operation's successful answers: real media of the right size and format, seeds, jobs, balances, the log."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from stability._core import limits as L
from stability.testing import FakeStability
from tests.testing._helpers import (
    INPAINT,
    PROMPTS,
    UPSCALE_RESULT,
    V1_I2I,
    V1_MASK,
    V1_T2I,
    VIDEO_RESULT,
    auth,
    decode,
    http_client,
    image_bytes,
    mp4_size,
    start_upscale,
    start_video,
)


@pytest.fixture
def client(fake: FakeStability) -> httpx.Client:
    with http_client(fake, "in-process") as client:
        yield client  # type: ignore[misc]


def _t2i(client: httpx.Client, fake: FakeStability, accept: str = "image/png", **body: object) -> httpx.Response:
    return client.post(V1_T2I, headers={**auth(fake), "Accept": accept}, json={**PROMPTS, **body})


def test_text_to_image_png_of_the_requested_size_with_seed_headers(client: httpx.Client, fake: FakeStability) -> None:
    response = _t2i(client, fake, width=768, height=512, seed=42)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.headers["Seed"] == "42" and response.headers["Finish-Reason"] == "SUCCESS"
    assert decode(response.content).size == (768, 512) and decode(response.content).format == "PNG"
    default = _t2i(client, fake)
    assert decode(default.content).size == (512, 512)


def test_outputs_depend_only_on_seed_and_inputs(client: httpx.Client, fake: FakeStability) -> None:
    first, again = _t2i(client, fake, seed=7), _t2i(client, fake, seed=7)
    other_seed, other_prompt = (
        _t2i(client, fake, seed=8),
        client.post(
            V1_T2I, headers={**auth(fake), "Accept": "image/png"}, json={"text_prompts": [{"text": "x"}], "seed": 7}
        ),
    )
    assert first.content == again.content
    assert first.content != other_seed.content and first.content != other_prompt.content


def test_seed_zero_or_absent_picks_varying_seeds_that_repeat_after_reset(
    client: httpx.Client, fake: FakeStability
) -> None:
    seeds = [_t2i(client, fake, seed=0).headers["Seed"] for _ in range(3)]
    seeds.append(_t2i(client, fake).headers["Seed"])
    assert len(set(seeds)) == 4 and all(0 < int(seed) <= L.V1_SEED.high for seed in seeds)
    fake.reset()
    assert _t2i(client, fake, seed=0).headers["Seed"] == seeds[0]


def test_json_artifacts_one_per_sample_and_charged_per_image(client: httpx.Client, fake: FakeStability) -> None:
    response = _t2i(client, fake, "application/json", samples=3, seed=100)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    artifacts = response.json()["artifacts"]
    assert [a["seed"] for a in artifacts] == [100, 101, 102]
    assert all(a["finishReason"] == "SUCCESS" for a in artifacts)
    assert all(decode(base64.b64decode(a["base64"])).size == (512, 512) for a in artifacts)
    assert "Seed" not in response.headers and "Finish-Reason" not in response.headers
    assert fake.balance() == pytest.approx(1000.0 - 3 * L.V1_CREDITS_PER_IMAGE) and fake.charges() == 1


def test_image_to_image_keeps_the_init_size_and_schedule_zero_keeps_the_image(
    client: httpx.Client, fake: FakeStability
) -> None:
    init = image_bytes(640, 512, color=(10, 200, 30))

    def send(start: float) -> httpx.Response:
        options = json.dumps({**PROMPTS, "step_schedule_start": start, "seed": 5})
        files = {"init_image": ("in.png", init, "image/png"), "options": (None, options)}
        return client.post(V1_I2I, headers={**auth(fake), "Accept": "image/png"}, files=files)

    kept, changed = decode(send(0).content), decode(send(1).content)
    assert kept.size == changed.size == (640, 512)
    assert kept.getpixel((3, 3)) == (10, 200, 30) and changed.getpixel((3, 3)) != (10, 200, 30)


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_image_to_image_reads_jpeg_and_webp(client: httpx.Client, fake: FakeStability, fmt: str) -> None:
    files = {"init_image": ("in.bin", image_bytes(512, 576, fmt)), "options": (None, json.dumps(PROMPTS))}
    response = client.post(V1_I2I, headers={**auth(fake), "Accept": "image/png"}, files=files)
    assert response.status_code == 200 and decode(response.content).size == (512, 576)


def test_masking_repaints_only_the_masked_pixels(client: httpx.Client, fake: FakeStability) -> None:
    from PIL import Image

    init = image_bytes(512, 512, color=(0, 0, 255))
    mask = Image.new("L", (512, 512), 0)
    mask.paste(255, (256, 0, 512, 512))  # white right half: repainted with MASK_IMAGE_WHITE
    import io

    buffer = io.BytesIO()
    mask.save(buffer, "PNG")
    for source, kept_x in (("MASK_IMAGE_WHITE", 10), ("MASK_IMAGE_BLACK", 500)):
        options = json.dumps({**PROMPTS, "mask_source": source, "seed": 1})
        files = {"init_image": ("i.png", init), "mask_image": ("m.png", buffer.getvalue()), "options": (None, options)}
        out = decode(client.post(V1_MASK, headers={**auth(fake), "Accept": "image/png"}, files=files).content)
        assert out.getpixel((kept_x, 5)) == (0, 0, 255)
    alpha = image_bytes(512, 512, alpha=True, color=(0, 0, 255))  # transparent left half
    options = json.dumps({**PROMPTS, "mask_source": "INIT_IMAGE_ALPHA", "seed": 1})
    files = {"init_image": ("i.png", alpha), "options": (None, options)}
    out = decode(client.post(V1_MASK, headers={**auth(fake), "Accept": "image/png"}, files=files).content)
    assert out.getpixel((500, 5)) == (0, 0, 255)
    assert fake.charges("masked_image_to_image") == 3


def test_engines_account_and_balance(client: httpx.Client, fake: FakeStability) -> None:
    engines = client.get("/v1alpha/engines/list", headers=auth(fake)).json()["engines"]
    ids = {engine["id"] for engine in engines}
    assert {"stable-diffusion-512-v2-1", "stable-diffusion-768-v2-1", "stable-diffusion-v1-5"} <= ids
    assert "stable-inpainting-512-v2-0" in ids and all(e["type"] == "PICTURE" for e in engines)
    account = client.get("/v1alpha/user/account", headers=auth(fake)).json()
    assert account["email"].endswith("@example.com") and account["organizations"][0]["is_default"] is True
    assert client.get("/v1alpha/user/balance", headers=auth(fake)).json() == {"credits": 1000.0}


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("jpeg", b"\xff\xd8\xff"), ("webp", b"RIFF")])
def test_inpaint_answers_the_requested_format_at_the_input_size(
    client: httpx.Client, fake: FakeStability, fmt: str, magic: bytes
) -> None:
    files = {"image": ("in.png", image_bytes(320, 256))}
    data = {"mode": "search", "search_prompt": "glasses", "prompt": "sunglasses", "output_format": fmt, "seed": "9"}
    response = client.post(INPAINT, headers=auth(fake), files=files, data=data)
    assert response.status_code == 200 and response.headers["content-type"] == f"image/{fmt}"
    assert response.content.startswith(magic) and decode(response.content).size == (320, 256)
    assert response.headers["seed"] == "9" and response.headers["finish-reason"] == "SUCCESS"
    assert len(response.headers["x-request-id"]) >= 16
    assert fake.balance() == pytest.approx(1000.0 - L.PRICE_INPAINT_SEARCH)


def test_inpaint_json_and_mask_mode_price(client: httpx.Client, fake: FakeStability) -> None:
    files = {"image": ("in.png", image_bytes(256, 256)), "mask": ("m.png", image_bytes(128, 128))}
    data = {"mode": "mask", "prompt": "a sky", "output_format": "webp", "seed": "3"}
    headers = {**auth(fake), "accept": "application/json"}
    response = client.post(INPAINT, headers=headers, files=files, data=data)
    assert response.headers["content-type"] == "application/json; type=image/webp"
    body = response.json()
    assert body["seed"] == 3 and body["finish_reason"] == "SUCCESS"
    assert decode(base64.b64decode(body["image"])).format == "WEBP"
    assert "seed" not in response.headers and "finish-reason" not in response.headers
    assert fake.balance() == pytest.approx(1000.0 - L.PRICE_INPAINT_MASK)
    # Without a mask, the alpha channel is the mask.
    files = {"image": ("in.png", image_bytes(256, 256, alpha=True))}
    response = client.post(INPAINT, headers=auth(fake), files=files, data={"mode": "mask", "prompt": "a sky"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"


@pytest.mark.parametrize("accept", [None, "*/*", "image/*"])
def test_v2_image_accept_defaults(client: httpx.Client, fake: FakeStability, accept: str | None) -> None:
    headers = {**auth(fake), **({"accept": accept} if accept else {})}
    files = {"image": ("in.png", image_bytes(128, 128))}
    data = {"mode": "search", "search_prompt": "x", "prompt": "y"}
    if accept is None:
        client.headers.pop("accept")
    response = client.post(INPAINT, headers=headers, files=files, data=data)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"


def test_upscale_job_result_is_larger_in_the_requested_format(client: httpx.Client, fake: FakeStability) -> None:
    generation_id = start_upscale(client, fake, (128, 96), output_format="jpeg", seed=12)
    assert len(generation_id) == L.GENERATION_ID_LENGTH and int(generation_id, 16) >= 0
    assert fake.charges("upscale") == 1 and fake.balance() == pytest.approx(1000.0 - L.PRICE_UPSCALE)
    response = client.get(UPSCALE_RESULT + generation_id, headers=auth(fake))
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    image = decode(response.content)
    assert image.format == "JPEG" and image.width > 128 and image.height > 96
    assert response.headers["seed"] == "12"
    as_json = client.get(UPSCALE_RESULT + generation_id, headers={**auth(fake), "accept": "application/json"})
    assert as_json.headers["content-type"] == "application/json; type=image/jpeg"
    assert base64.b64decode(as_json.json()["image"]) == response.content and as_json.json()["seed"] == 12


def test_video_job_result_is_an_mp4_of_the_frame_size(client: httpx.Client, fake: FakeStability) -> None:
    generation_id = start_video(client, fake, (1024, 576), seed=77)
    assert fake.balance() == pytest.approx(1000.0 - L.PRICE_IMAGE_TO_VIDEO)
    response = client.get(VIDEO_RESULT + generation_id, headers={**auth(fake), "accept": "video/*"})
    assert response.status_code == 200 and response.headers["content-type"] == "video/mp4"
    assert response.headers["seed"] == "77" and response.headers["finish-reason"] == "SUCCESS"
    assert mp4_size(response.content) == (1024, 576)
    as_json = client.get(VIDEO_RESULT + generation_id, headers={**auth(fake), "accept": "application/json"})
    assert as_json.headers["content-type"] == "application/json; type=video/mp4"
    assert base64.b64decode(as_json.json()["video"]) == response.content


def test_jobs_answer_202_json_until_their_duration_passes_on_the_clock(fake: FakeStability) -> None:
    fake.job_duration = 30.0
    with http_client(fake, "in-process") as client:
        video, upscale = start_video(client, fake), start_upscale(client, fake)
        for path, accept in ((VIDEO_RESULT + video, "video/*"), (UPSCALE_RESULT + upscale, "image/*")):
            pending = client.get(path, headers={**auth(fake), "accept": accept})
            assert pending.status_code == 202 and pending.headers["content-type"] == "application/json"
            assert pending.json() == {"id": path.rsplit("/", 1)[1], "status": "in-progress"}
        fake.clock.advance(29.0)
        assert client.get(VIDEO_RESULT + video, headers=auth(fake)).status_code == 202
        fake.clock.advance(1.0)
        assert client.get(VIDEO_RESULT + video, headers=auth(fake)).status_code == 200
        assert client.get(UPSCALE_RESULT + upscale, headers=auth(fake)).status_code == 200


def test_results_expire_after_retention(client: httpx.Client, fake: FakeStability) -> None:
    generation_id = start_upscale(client, fake)
    fake.clock.advance(L.RESULT_RETENTION_SECONDS - 1)
    assert client.get(UPSCALE_RESULT + generation_id, headers=auth(fake)).status_code == 200
    fake.clock.advance(2)
    gone = client.get(UPSCALE_RESULT + generation_id, headers=auth(fake))
    assert gone.status_code == 404 and gone.json()["name"] == "generation_not_found"
    assert gone.json()["errors"] == ["id: the generation either does not exist or has expired."]


def test_results_are_private_to_the_key_and_the_operation() -> None:
    fake = FakeStability(api_keys=("sk-one", "sk-two"), initial_balance=50)
    with http_client(fake, "in-process") as client:
        generation_id = start_video(client, fake)
        other = client.get(VIDEO_RESULT + generation_id, headers={"authorization": "Bearer sk-two"})
        assert other.status_code == 404 and other.json()["name"] == "generation_not_found"
        wrong_kind = client.get(UPSCALE_RESULT + generation_id, headers=auth(fake))
        assert wrong_kind.status_code == 404
        assert client.get(VIDEO_RESULT + generation_id, headers={"authorization": "sk-one"}).status_code == 200
    assert fake.balance("sk-one") == pytest.approx(30.0) and fake.balance("sk-two") == pytest.approx(50.0)


def test_v1alpha_moderation_returns_a_flat_filtered_image(client: httpx.Client, fake: FakeStability) -> None:
    body = {"text_prompts": [{"text": "something Forbidden"}], "seed": 3}
    response = client.post(V1_T2I, headers={**auth(fake), "Accept": "image/png"}, json=body)
    assert response.status_code == 200 and response.headers["Finish-Reason"] == "CONTENT_FILTERED"
    image = decode(response.content)
    assert image.size == (512, 512) and image.getextrema() == ((128, 128),) * 3
    assert fake.charges() == 1
    as_json = client.post(V1_T2I, headers={**auth(fake), "Accept": "application/json"}, json=body)
    assert as_json.json()["artifacts"][0]["finishReason"] == "CONTENT_FILTERED"


def test_v2alpha_moderation_is_403_and_not_charged(client: httpx.Client, fake: FakeStability) -> None:
    files = {"image": ("in.png", image_bytes(128, 128))}
    data = {"mode": "search", "search_prompt": "hat", "prompt": "a forbidden hat"}
    refused = client.post(INPAINT, headers=auth(fake), files=files, data=data)
    assert refused.status_code == 403 and refused.json()["name"] == "content_moderation"
    assert "not charged" in refused.json()["errors"][0]
    refused = client.post("/v2alpha/generation/stable-image/upscale", headers=auth(fake), files=files, data=data)
    assert refused.status_code == 403
    assert fake.charges() == 0 and fake.balance() == 1000.0


def test_moderation_word_can_be_changed_or_turned_off() -> None:
    fake = FakeStability(moderation_word=None)
    with http_client(fake, "in-process") as client:
        body = {"text_prompts": [{"text": "forbidden"}]}
        response = client.post(V1_T2I, headers={**auth(fake), "Accept": "image/png"}, json=body)
        assert response.headers["Finish-Reason"] == "SUCCESS"
        fake.moderation_word = "dragon"
        body = {"text_prompts": [{"text": "a DRAGON"}]}
        response = client.post(V1_T2I, headers={**auth(fake), "Accept": "image/png"}, json=body)
        assert response.headers["Finish-Reason"] == "CONTENT_FILTERED"


@pytest.mark.parametrize("header", ["Authorization", "authorization", "AUTHORIZATION"])
@pytest.mark.parametrize("bearer", [True, False])
def test_bare_and_bearer_keys_under_any_header_case(fake: FakeStability, header: str, bearer: bool) -> None:
    with httpx.Client(base_url=fake.base_url, transport=fake.transport()) as client:
        value = f"Bearer {fake.api_key}" if bearer else fake.api_key
        assert client.get("/v1alpha/user/balance", headers={header: value}).status_code == 200


def test_the_log_records_requests_without_the_key(client: httpx.Client, fake: FakeStability) -> None:
    files = {"image": ("photo.png", image_bytes(128, 128), "image/png")}
    data = {"mode": "search", "search_prompt": "x", "prompt": "y", "seed": "4"}
    client.post(INPAINT, headers=auth(fake), files=files, data=data)
    _t2i(client, fake, seed=5)
    client.get("/v1alpha/user/balance")
    inpaint, t2i, balance = fake.requests
    assert inpaint.operation == "inpaint" and inpaint.method == "POST" and inpaint.path == INPAINT
    assert inpaint.fields == data and inpaint.status == 200 and inpaint.fault is None
    assert inpaint.files["image"].filename == "photo.png" and inpaint.files["image"].content_type == "image/png"
    assert inpaint.files["image"].size == len(files["image"][1])
    assert "authorization" not in inpaint.headers and "Authorization" not in t2i.headers
    assert t2i.headers["ACCEPT"] == "image/png" and t2i.fields["seed"] == 5
    assert t2i.fields["text_prompts"] == PROMPTS["text_prompts"]
    assert balance.status == 401 and fake.count() == 3 and fake.count("inpaint") == 1
    assert all(fake.api_key not in repr(request) for request in fake.requests)


def test_v1alpha_options_part_fields_are_recorded(client: httpx.Client, fake: FakeStability) -> None:
    options = json.dumps({**PROMPTS, "mask_source": "INIT_IMAGE_ALPHA"})
    files = {"init_image": ("i.png", image_bytes(512, 512, alpha=True)), "options": (None, options)}
    client.post(V1_MASK, headers={**auth(fake), "Accept": "image/png"}, files=files)
    [sent] = fake.requests
    assert sent.fields["mask_source"] == "INIT_IMAGE_ALPHA" and sent.fields["options"] == options
    assert "mask_image" not in sent.files and "init_image" in sent.files


def test_reset_forgets_everything_but_keeps_keys(client: httpx.Client, fake: FakeStability) -> None:
    generation_id = start_upscale(client, fake)
    fake.reset()
    assert fake.count() == 0 and fake.charges() == 0 and fake.balance() == 1000.0 and fake.requests == []
    assert client.get(UPSCALE_RESULT + generation_id, headers=auth(fake)).status_code == 404


def test_fast_mode_reuses_outputs_per_operation_size_and_format() -> None:
    fake = FakeStability(fast=True)
    with http_client(fake, "in-process") as client:
        first, second = _t2i(client, fake, seed=1), _t2i(client, fake, seed=2)
        assert first.content == second.content and first.headers["Seed"] != second.headers["Seed"]
        assert decode(_t2i(client, fake, width=576).content).size == (576, 512)
