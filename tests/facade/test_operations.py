"""Every synchronous operation, with every input kind, against the fake server over real sockets."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import stability
from stability.testing import FakeStability
from tests.raw_cases import png


def _decoded(result: stability.ImageResult) -> Image.Image:
    image = Image.open(io.BytesIO(result.data))
    image.load()
    assert image.format.lower() == result.format.replace("jpeg", "jpeg")
    assert (image.width, image.height) == (result.width, result.height)
    return image


def _inputs(tmp_path: Path, data: bytes) -> dict[str, Any]:
    path = tmp_path / "in.png"
    path.write_bytes(data)
    return {
        "str path": str(path),
        "Path": path,
        "bytes": data,
        "file": io.BytesIO(data),
        "PIL": Image.open(io.BytesIO(data)),
    }


INPUT_KINDS = ["str path", "Path", "bytes", "file", "PIL"]


def test_text_to_image(client: Any, fake: FakeStability) -> None:
    result = client.text_to_image("a lighthouse at dawn", width=768, height=512, seed=42, steps=30)
    assert isinstance(result, stability.ImageResult)
    assert (result.width, result.height) == (768, 512) and result.format == "png" and result.seed == 42
    assert result.finish_reason == "SUCCESS" and not result.filtered
    _decoded(result)
    [sent] = fake.requests
    assert sent.operation == "text_to_image" and sent.headers.get("accept") == "image/png"
    assert fake.charges("text_to_image") == 1


def test_weighted_prompts_and_negative_prompt(client: Any, fake: FakeStability) -> None:
    client.text_to_image([("a castle", 1.0), "at night", ("fog", -0.5)], negative_prompt="people")
    fields = fake.requests[0].fields
    prompts = fields["text_prompts"]
    assert [(p["text"], p["weight"]) for p in prompts] == [
        ("a castle", 1.0),
        ("at night", 1.0),
        ("fog", -0.5),
        ("people", -1.0),
    ]


def test_several_samples_come_back_as_a_list(client: Any, fake: FakeStability) -> None:
    results = client.text_to_image("three ships", samples=3, seed=7)
    assert isinstance(results, list) and len(results) == 3
    for result in results:
        _decoded(result)
    # The facade asks for JSON itself: image/png holds one image only.
    assert fake.requests[0].headers.get("accept") == "application/json"


@pytest.mark.parametrize("kind", INPUT_KINDS)
def test_image_to_image_every_input_kind(client: Any, fake: FakeStability, tmp_path: Path, kind: str) -> None:
    source = _inputs(tmp_path, png(640, 512))[kind]
    result = client.image_to_image("in watercolour", image=source, step_schedule_start=0.6, seed=3)
    assert (result.width, result.height) == (640, 512)
    _decoded(result)
    sent = fake.requests[0]
    assert sent.files["init_image"].content_type == "image/png"
    assert sent.files["init_image"].filename.endswith(".png")


def test_masked_image_to_image_with_mask_and_with_alpha(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.masked_image_to_image("a red door", image=png(512, 512), mask=png(512, 512))
    assert (result.width, result.height) == (512, 512)
    assert fake.requests[-1].fields["mask_source"] == "MASK_IMAGE_WHITE"
    result = client.masked_image_to_image("a red door", image=png(512, 512, alpha=True))
    assert fake.requests[-1].fields["mask_source"] == "INIT_IMAGE_ALPHA"
    assert "mask_image" not in fake.requests[-1].files
    client.masked_image_to_image("a red door", image=png(512, 512), mask=png(512, 512), mask_source="MASK_IMAGE_BLACK")
    assert fake.requests[-1].fields["mask_source"] == "MASK_IMAGE_BLACK"


@pytest.mark.parametrize("kind", INPUT_KINDS)
def test_inpaint_search_mode_every_input_kind(client: Any, fake: FakeStability, tmp_path: Path, kind: str) -> None:
    source = _inputs(tmp_path, png(320, 256))[kind]
    result = client.inpaint("sunglasses", image=source, search_prompt="glasses", output_format="webp", seed=9)
    assert result.format == "webp" and (result.width, result.height) == (320, 256)
    _decoded(result)
    assert fake.requests[0].fields["mode"] == "search"
    assert fake.balance() == pytest.approx(1000.0 - 4.0)


@pytest.mark.parametrize("output_format", ["png", "jpeg", "webp"])
def test_inpaint_mask_mode(client: Any, fake: FakeStability, output_format: str) -> None:
    result = client.inpaint("a (blue:0.8) sky", image=png(256, 256), mask=png(256, 256), output_format=output_format)
    assert result.format == output_format
    _decoded(result)
    assert fake.requests[0].fields["mode"] == "mask" and "mask" in fake.requests[0].files
    assert fake.requests[0].fields["prompt"] == "a (blue:0.8) sky"
    result = client.inpaint("a sky", image=png(256, 256, alpha=True))
    assert "mask" not in fake.requests[1].files


def test_engines_account_balance(client: Any, fake: FakeStability) -> None:
    engines = client.engines()
    assert engines and all(isinstance(e, stability.Engine) for e in engines)
    assert "stable-diffusion-512-v2-1" in {e.id for e in engines}
    account = client.account()
    assert isinstance(account, stability.Account) and account.email
    assert client.balance() == pytest.approx(1000.0)
    client.text_to_image("one")
    assert client.balance() < 1000.0


def test_save_and_notebook_display(client: Any, tmp_path: Path) -> None:
    result = client.text_to_image("a cat")
    path = result.save(tmp_path / "cat.png")
    assert path.read_bytes() == result.data
    with pytest.raises(FileExistsError):
        result.save(tmp_path / "cat.png")
    assert result.save(tmp_path / "cat.png", overwrite=True) == path
    assert result._repr_png_() == result.data and result._repr_jpeg_() is None
    assert result.to_pil().size == (512, 512)


def test_content_filtered_is_visible_and_can_raise(make_client: Any) -> None:
    client = make_client()
    result = client.text_to_image("something forbidden")
    assert result.finish_reason == "CONTENT_FILTERED" and result.filtered
    strict = make_client(raise_on_content_filtered=True)
    with pytest.raises(stability.ContentFilteredError) as caught:
        strict.text_to_image("something forbidden")
    assert caught.value.result.filtered


def test_raw_generated_client_shares_configuration(client: Any, mode: str) -> None:
    from stability_api.api.v1alpha import get_balance

    raw = client.raw
    if mode == "sync":
        balance = get_balance.sync(client=raw)
    else:
        import functools

        balance = client._portal.call(functools.partial(get_balance.asyncio, client=raw))
    assert balance is not None and balance.credits_ == pytest.approx(1000.0)


def test_in_process_transport(fake: FakeStability) -> None:
    with stability.Stability(fake.api_key, transport=fake.transport()) as client:
        assert client.text_to_image("in memory").width == 512


def test_one_async_client_across_event_loops(fake: FakeStability) -> None:
    import asyncio

    client = stability.AsyncStability(fake.api_key, base_url=fake.base_url)

    async def use() -> float:
        return await client.balance()  # each loop gets its own pool, closed when asyncio.run() ends the loop

    assert asyncio.run(use()) == asyncio.run(use()) == pytest.approx(1000.0)
    asyncio.run(client.aclose())
    with pytest.raises(stability.ConfigurationError, match="closed"):
        asyncio.run(use())


def test_public_names_are_exact() -> None:
    assert stability.__all__ == sorted(stability.__all__)
    assert set(stability.__all__) == {
        *("Account", "AsyncJob", "AsyncStability", "Engine", "ImageResult", "Job", "JobStatus"),
        *("ModelResult", "Organization", "Stability", "VideoResult", "__version__"),
        "ImageInput",  # the type of every image argument (issue 17)
        *("APIConnectionError", "APIError", "APITimeoutError", "AuthenticationError", "BadRequestError"),
        *("ConfigurationError", "ContentFilteredError", "ContentModerationError", "InvalidFileError"),
        *("JobNotFoundError", "JobTimeoutError", "MalformedResponseError", "NotFoundError"),
        *("PermissionDeniedError", "RateLimitError", "SaveError", "ServerError", "StabilityError", "ValidationError"),
        *("GenerationFailedError", "RequestTooLargeError", "UnprocessableEntityError"),
        *("BatchInputError", "BatchItem", "BatchOutcome", "RateLimit", "read_batch"),  # client.batch (issue 18)
    }
    for name in stability.__all__:
        assert getattr(stability, name) is not None
