"""The operations Stability serves today (v2beta generate, upscale, image-to-video; v1 account), through the sync
and the async facade, against the fake over real sockets; and the v1alpha twins of the account calls."""

from __future__ import annotations

import io
import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import stability
from stability._core import limits as L
from stability.testing import FakeStability, Fault, RecordedRequest
from tests.raw_cases import png

FAST = 0.05  # poll interval for tests
BALANCE = 1000.0  # what the fake starts each key with
ULTRA = "/v2beta/stable-image/generate/ultra"
CORE = "/v2beta/stable-image/generate/core"
SD3 = "/v2beta/stable-image/generate/sd3"
UPSCALE_FAST = "/v2beta/stable-image/upscale/fast"
CONSERVATIVE = "/v2beta/stable-image/upscale/conservative"
CREATIVE = "/v2beta/stable-image/upscale/creative"
RESULTS = "/v2beta/results/"
VIDEO = "/v2beta/image-to-video"
VIDEO_RESULT = "/v2beta/image-to-video/result/"


def decoded(result: stability.ImageResult) -> Image.Image:
    """The result's bytes decoded: the format and size it claims are the ones Pillow finds."""
    image = Image.open(io.BytesIO(result.data))
    image.load()
    assert str(image.format).lower() == result.format
    assert (image.width, image.height) == (result.width, result.height)
    return image


def complete(result: Any, tmp_path: Path, *, seed: int | None = None) -> None:
    """A v2beta image result carries its seed, finish reason and request id, saves and converts to PIL."""
    assert isinstance(result, stability.ImageResult)
    assert result.finish_reason == "SUCCESS" and not result.filtered
    assert isinstance(result.seed, int) and (seed is None or result.seed == seed)
    assert result.request_id
    decoded(result)
    path = result.save(tmp_path / f"out.{result.format.replace('jpeg', 'jpg')}", overwrite=True)
    assert path.read_bytes() == result.data
    assert result.to_pil().size == (result.width, result.height)


def only(fake: FakeStability) -> RecordedRequest:
    [sent] = fake.requests
    return sent


def multipart(sent: RecordedRequest) -> bool:
    return str(sent.headers.get("content-type", "")).startswith("multipart/form-data; boundary=")


def about(result: stability.ImageResult, ratio: str, megapixels: float) -> None:
    """Near the aspect ratio asked for, and about the operation's megapixels (the document gives no exact size)."""
    width, height = (int(side) for side in ratio.split(":"))
    assert math.isclose(result.width / result.height, width / height, rel_tol=0.1), (result.width, result.height)
    pixels = result.width * result.height / 1024**2
    assert megapixels / L.MEGAPIXEL_SLACK <= pixels <= megapixels * L.MEGAPIXEL_SLACK, pixels


# ----------------------------------------------------------------------------------------------- generate


def test_generate_ultra_text_to_image(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.generate_ultra(
        "a lighthouse at dawn", negative_prompt="people", aspect_ratio="16:9", seed=42, output_format="webp"
    )
    complete(result, tmp_path, seed=42)
    assert result.format == "webp" and result.width > result.height
    about(result, "16:9", L.MEGAPIXELS["ultra"])
    sent = only(fake)
    assert (sent.method, sent.path, sent.operation) == ("POST", ULTRA, "generate_ultra")
    assert multipart(sent) and not sent.files  # multipart even with no file (a urlencoded form is refused)
    assert sent.fields["prompt"] == "a lighthouse at dawn" and sent.fields["aspect_ratio"] == "16:9"
    assert sent.headers.get("accept") == "image/*"
    assert fake.charges("generate_ultra") == 1 and fake.balance() == pytest.approx(BALANCE - L.PRICE_ULTRA)


def test_generate_ultra_defaults_to_a_square_png(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.generate_ultra("a lighthouse")
    complete(result, tmp_path)
    assert result.format == "png"
    about(result, "1:1", L.MEGAPIXELS["ultra"])
    assert set(only(fake).fields) == {"prompt"}  # nothing the caller did not give is sent


def test_generate_ultra_image_to_image(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.generate_ultra("as a watercolour", image=png(640, 448), strength=0.4, seed=5)
    complete(result, tmp_path, seed=5)
    sent = only(fake)
    assert float(sent.fields["strength"]) == 0.4
    assert sent.files["image"].content_type == "image/png" and sent.files["image"].size > 0
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_ULTRA)


def test_generate_core(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.generate_core("a lighthouse", style_preset="pixel-art", aspect_ratio="9:16", output_format="jpeg")
    complete(result, tmp_path)
    assert result.format == "jpeg" and result.height > result.width
    about(result, "9:16", L.MEGAPIXELS["core"])
    sent = only(fake)
    assert (sent.path, sent.fields["style_preset"]) == (CORE, "pixel-art") and multipart(sent)
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_CORE)


@pytest.mark.parametrize("model", L.SD3_MODELS)
def test_generate_sd3_charges_each_models_price(client: Any, fake: FakeStability, tmp_path: Path, model: str) -> None:
    result = client.generate_sd3("a lighthouse", model=model, cfg_scale=5, seed=8, output_format="jpeg")
    complete(result, tmp_path, seed=8)
    assert result.format == "jpeg"
    about(result, "1:1", L.MEGAPIXELS["sd3"])
    sent = only(fake)
    assert (sent.path, sent.fields["model"]) == (SD3, model)
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_SD3[model])


def test_generate_sd3_default_model_and_aspect_ratio(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.generate_sd3("a lighthouse", aspect_ratio="21:9", negative_prompt="fog")
    complete(result, tmp_path)
    about(result, "21:9", L.MEGAPIXELS["sd3"])
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_SD3["sd3.5-large"])  # the API's default model


def test_generate_sd3_image_to_image(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.generate_sd3("as an etching", image=png(512, 384), strength=0.7, model="sd3.5-medium")
    complete(result, tmp_path)
    sent = only(fake)
    # the mode follows from the image: the API itself defaults to text-to-image, and would refuse the image
    assert sent.fields["mode"] == "image-to-image" and float(sent.fields["strength"]) == 0.7
    assert "image" in sent.files and "aspect_ratio" not in sent.fields
    client.generate_sd3("as an etching", mode="image-to-image", image=png(512, 384), strength=0.2)
    assert fake.requests[-1].fields["mode"] == "image-to-image"
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_SD3["sd3.5-medium"] - L.PRICE_SD3["sd3.5-large"])


# ----------------------------------------------------------------------------------------------- upscale


def _input(tmp_path: Path, data: bytes, kind: str) -> Any:
    path = tmp_path / "in.png"
    path.write_bytes(data)
    make: dict[str, Callable[[], Any]] = {
        "str path": lambda: str(path),
        "Path": lambda: path,
        "bytes": lambda: data,
        "binary file": lambda: path.open("rb"),
        "BytesIO": lambda: io.BytesIO(data),
        "PIL": lambda: Image.open(io.BytesIO(data)),
    }
    return make[kind]()


@pytest.mark.parametrize("kind", ["str path", "Path", "bytes", "binary file", "BytesIO", "PIL"])
def test_upscale_fast_is_4x_from_every_input_kind(client: Any, fake: FakeStability, tmp_path: Path, kind: str) -> None:
    source = _input(tmp_path, png(200, 150), kind)
    try:
        result = client.upscale_fast(source, output_format="webp")
    finally:
        if hasattr(source, "close"):
            source.close()
    complete(result, tmp_path)
    assert result.format == "webp" and (result.width, result.height) == (800, 600)
    sent = only(fake)
    assert (sent.path, sent.fields) == (UPSCALE_FAST, {"output_format": "webp"})
    assert sent.files["image"].content_type == "image/png" and str(sent.files["image"].filename).endswith(".png")
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_UPSCALE_FAST)


@pytest.mark.parametrize(
    "size",
    [(32, 32), (1536, 682), (64, 1536)],  # the smallest sides and pixels, and the largest within both bounds
    ids=["32x32", "1536x682", "64x1536"],
)
def test_upscale_fast_takes_its_documented_edges(client: Any, size: tuple[int, int]) -> None:
    result = client.upscale_fast(png(*size))
    assert (result.width, result.height) == (4 * size[0], 4 * size[1])


def test_upscale_conservative(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.upscale_conservative(
        "a lighthouse", image=png(250, 100), creativity=0.2, seed=3, negative_prompt="blur", output_format="jpeg"
    )  # 250x100 is exactly the widest aspect ratio it takes (2.5:1)
    complete(result, tmp_path, seed=3)
    assert result.format == "jpeg" and result.width > 250 and result.height > 100
    sent = only(fake)
    assert (sent.path, float(sent.fields["creativity"])) == (CONSERVATIVE, 0.2) and "image" in sent.files
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_UPSCALE_CONSERVATIVE)


# ------------------------------------------------------------------------------------------------- jobs


def test_upscale_creative_is_a_job(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    fake.job_duration = 0.3
    job = client.upscale_creative("a sharper lighthouse", image=png(256, 192), creativity=0.35, output_format="jpeg")
    assert len(job.id) == 64 and job.kind == "upscale_creative" and not job.done
    seen: list[Any] = []
    result = job.wait(poll_interval=0.1, on_progress=seen.append)
    assert isinstance(result, stability.ImageResult) and result.format == "jpeg"
    assert result.width > 256 and result.height > 192 and result.finish_reason == "SUCCESS"
    decoded(result)
    assert job.done and job.result is result and seen[-1].done
    assert all(s.state == "in-progress" for s in seen[:-1])
    started, *polls = fake.requests
    assert (started.method, started.path, started.fields["prompt"]) == ("POST", CREATIVE, "a sharper lighthouse")
    assert polls and all(p.method == "GET" and p.path == RESULTS + job.id for p in polls)
    assert fake.charges("upscale_creative") == 1 and fake.charges() == 1  # polls are free
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_UPSCALE_CREATIVE)
    assert job.wait() is result and len(fake.requests) == 1 + len(polls)  # no more requests


def test_upscale_creative_save_streams_and_poll_checks_once(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    fake.job_duration = 0.2
    job = client.upscale_creative("sharper", image=png(128, 128))
    assert job.poll() is False and fake.count("results") == 1
    time.sleep(0.25)
    path = job.save(tmp_path / "big.png", poll_interval=FAST)
    with Image.open(path) as saved:
        assert saved.format == "PNG" and saved.size[0] > 128
    with pytest.raises(FileExistsError):
        client.jobs.get("upscale_creative", job.id).save(path)
    assert job.poll() is True and job.done and job.result.data == path.read_bytes()


def test_upscale_creative_resumes_by_id_from_another_client(make_client: Any, fake: FakeStability) -> None:
    job_id = make_client().upscale_creative("sharper", image=png(128, 128)).id
    resumed = make_client().jobs.get("upscale_creative", job_id)
    assert resumed.id == job_id and resumed.kind == "upscale_creative"
    assert resumed.wait(poll_interval=FAST).width > 128
    assert fake.requests[-1].path == RESULTS + job_id


def test_upscale_creative_deadline_names_the_job_and_it_survives(client: Any, fake: FakeStability) -> None:
    job = client.upscale_creative("sharper", image=png(128, 128))
    fake.inject("results", Fault.never_finish(), times=1000)
    started = time.monotonic()
    with pytest.raises(stability.JobTimeoutError) as caught:
        job.wait(timeout=0.4, poll_interval=0.1)
    assert 0.35 <= time.monotonic() - started < 2.0
    assert caught.value.job_id == job.id and "jobs.get" in str(caught.value)
    fake.reset_faults()
    assert job.wait(poll_interval=FAST).width > 128


def test_upscale_creative_expired_job_is_not_found(client: Any, fake: FakeStability) -> None:
    job = client.upscale_creative("sharper", image=png(128, 128))
    fake.clock.advance(L.RESULT_RETENTION_SECONDS + 1)
    with pytest.raises(stability.JobNotFoundError):
        job.wait(poll_interval=FAST)


def test_another_keys_creative_upscale_is_not_found() -> None:
    with FakeStability(api_keys=("sk-first-key-000", "sk-second-key-00")) as fake:
        with stability.Stability(api_key="sk-first-key-000", base_url=fake.base_url) as first:
            job = first.upscale_creative("sharper", image=png(128, 128))
        with stability.Stability(api_key="sk-second-key-00", base_url=fake.base_url) as second:
            with pytest.raises(stability.JobNotFoundError):
                second.jobs.get("upscale_creative", job.id).wait(poll_interval=FAST)


def test_image_to_video_v2beta_saves_an_mp4(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    job = client.image_to_video_v2beta(png(1024, 576), seed=11, cfg_scale=2.5, motion_bucket_id=40)
    assert job.kind == "image_to_video_v2beta" and len(job.id) == 64
    with pytest.raises(stability.ValidationError):  # the format is known before waiting: an MP4, never a PNG
        job.save(tmp_path / "clip.png")
    path = job.save(tmp_path / "clip.mp4", poll_interval=FAST)
    data = path.read_bytes()
    assert data[4:8] == b"ftyp" and not job.done  # streamed to disk, not kept in memory
    started, *polls = fake.requests
    assert (started.method, started.path, started.fields["motion_bucket_id"]) == ("POST", VIDEO, "40")
    assert polls and all(p.method == "GET" and p.path == VIDEO_RESULT + job.id for p in polls)
    video = client.jobs.get("image_to_video_v2beta", job.id).wait(poll_interval=FAST)
    assert isinstance(video, stability.VideoResult) and video.data == data and video.format == "mp4"
    assert video.seed == 11 and video.finish_reason == "SUCCESS"
    assert fake.charges() == 1 and fake.balance() == pytest.approx(BALANCE - L.PRICE_IMAGE_TO_VIDEO)


@pytest.mark.parametrize("kind", ["upscale_creative", "image_to_video_v2beta", "upscale", "image_to_video"])
def test_jobs_get_takes_every_kind_and_checks_ids(client: Any, fake: FakeStability, kind: str) -> None:
    job = client.jobs.get(kind, "a" * 64)
    assert job.kind == kind and not job.done
    with pytest.raises(stability.ValidationError):
        client.jobs.get(kind, "too-short")
    assert fake.count() == 0


@pytest.mark.parametrize("kind", ["results", "upscale_creative_result", "generate_ultra", "upscale-creative"])
def test_jobs_get_refuses_what_starts_no_job(client: Any, fake: FakeStability, kind: str) -> None:
    with pytest.raises(stability.ValidationError) as caught:
        client.jobs.get(kind, "a" * 64)
    assert caught.value.field == "kind" and fake.count() == 0


# ---------------------------------------------------------------------------------------------- account


def test_account_balance_and_engines_are_v1(client: Any, fake: FakeStability) -> None:
    engines = client.engines()
    assert engines and all(isinstance(e, stability.Engine) and e.id and e.type for e in engines)
    account = client.account()
    assert isinstance(account, stability.Account) and account.id and account.email and account.organizations
    assert client.balance() == pytest.approx(BALANCE)
    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", "/v1/engines/list"),
        ("GET", "/v1/user/account"),
        ("GET", "/v1/user/balance"),
    ]
    client.generate_core("a lighthouse")
    assert client.balance() == pytest.approx(BALANCE - L.PRICE_CORE)


def test_the_v1alpha_twins_stay_callable(client: Any, fake: FakeStability) -> None:
    engines = client.engines_v1alpha()
    assert [e.id for e in engines] == [e.id for e in client.engines()]  # one fake, two answer shapes, one list
    assert client.account_v1alpha() == client.account()
    assert client.balance_v1alpha() == pytest.approx(BALANCE)
    paths = [r.path for r in fake.requests]
    assert paths == [
        "/v1alpha/engines/list",
        "/v1/engines/list",
        "/v1alpha/user/account",
        "/v1/user/account",
        "/v1alpha/user/balance",
    ]
    assert [r.operation for r in fake.requests][::2] == ["engines_v1alpha", "account_v1alpha", "balance_v1alpha"]


# ------------------------------------------------------------------------------------- open findings


def test_upscale_fast_refuses_a_result_that_is_not_4x(make_client: Any, fake: FakeStability) -> None:
    client = make_client(max_retries=0)
    same_size = Fault.status(200, body=png(128, 128), content_type="image/png", headers={"seed": "1"})
    fake.inject("upscale_fast", same_size)  # the API documents 4x each side: 128x128 makes 512x512
    with pytest.raises(stability.MalformedResponseError):
        client.upscale_fast(png(128, 128))


def test_engines_read_either_shape(make_client: Any, fake: FakeStability) -> None:
    client = make_client(max_retries=0)
    engine = {"id": "stable-diffusion-v1-6", "name": "SD 1.6", "description": "x", "type": "PICTURE"}
    wrapped = json.dumps({"engines": [engine]}).encode()  # v1alpha's shape (and the official v1 TS sample's)
    fake.inject("engines", Fault.status(200, body=wrapped, content_type="application/json"))
    assert [e.id for e in client.engines()] == ["stable-diffusion-v1-6"]


def test_a_whole_float_is_sent_as_an_integer(make_client: Any, fake: FakeStability) -> None:
    """Multipart fields go out as str(value): 127.0 would be "127.0" (API_FACTS_LIVE rule 11)."""
    client = make_client(max_retries=0)
    client.image_to_video_v2beta(png(768, 768), motion_bucket_id=127.0, cfg_scale=2.5)
    sent = fake.requests[-1]
    assert (sent.fields["motion_bucket_id"], sent.fields["cfg_scale"]) == ("127", "2.5")
