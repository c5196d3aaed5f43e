"""The error statuses the live (v2beta) operations document, as typed errors: 413 payload too large, 422 (the
documented ``invalid_language`` and ``public_figure``), 403 content moderation (not charged)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import stability
from stability.testing import FakeStability, Fault
from tests.raw_cases import png

# One valid call per charged v2beta operation (413 is not documented for core: it uploads nothing).
CALLS: dict[str, Callable[[Any], Any]] = {
    "generate_ultra": lambda c: c.generate_ultra("a lighthouse"),
    "generate_core": lambda c: c.generate_core("a lighthouse"),
    "generate_sd3": lambda c: c.generate_sd3("a lighthouse"),
    "upscale_fast": lambda c: c.upscale_fast(png(128, 128)),
    "upscale_conservative": lambda c: c.upscale_conservative("a lighthouse", image=png(128, 128)),
    "upscale_creative": lambda c: c.upscale_creative("a lighthouse", image=png(128, 128)),
    "image_to_video_v2beta": lambda c: c.image_to_video_v2beta(png(768, 768)),
}


def _v2_error(error_id: str, name: str, message: str) -> bytes:
    return json.dumps({"id": error_id, "name": name, "errors": [message]}).encode()


PAYLOAD_TOO_LARGE = _v2_error("4b1d5a0ef15e4b7c", "payload_too_large", "body: payloads cannot be larger than 10MiB")
INVALID_LANGUAGE = _v2_error(
    "ed14a5d3c4c5b3b7", "invalid_language", "English is the only supported language for this service."
)
PUBLIC_FIGURE = _v2_error(
    "ed14a5d3c4c5b3b8", "public_figure", "Our system detected the likeness of a public figure in your image."
)


@pytest.mark.parametrize("method", [m for m in CALLS if m != "generate_core"])
def test_413_is_request_too_large(make_client: Any, fake: FakeStability, method: str) -> None:
    client = make_client(max_retries=0)
    fake.inject(method, Fault.status(413, body=PAYLOAD_TOO_LARGE, content_type="application/json"))
    with pytest.raises(stability.RequestTooLargeError) as caught:
        CALLS[method](client)
    error = caught.value
    assert isinstance(error, stability.APIError) and error.status_code == 413
    assert error.name == "payload_too_large" and error.error_id == "4b1d5a0ef15e4b7c"
    assert fake.count(method) == 1 and fake.charges() == 0  # a refusal is not sent again


@pytest.mark.parametrize("body", [INVALID_LANGUAGE, PUBLIC_FIGURE], ids=["invalid_language", "public_figure"])
@pytest.mark.parametrize("method", list(CALLS))
def test_422_is_unprocessable_entity(make_client: Any, fake: FakeStability, method: str, body: bytes) -> None:
    client = make_client(max_retries=2)
    fake.inject(method, Fault.status(422, body=body, content_type="application/json"))
    with pytest.raises(stability.UnprocessableEntityError) as caught:
        CALLS[method](client)
    error = caught.value
    sent = json.loads(body)
    assert error.status_code == 422 and error.name == sent["name"] and error.messages == sent["errors"]
    assert isinstance(error, stability.APIError) and fake.count(method) == 1  # not retried: it would not change


def test_413_and_422_without_a_body_are_typed_too(make_client: Any, fake: FakeStability) -> None:
    client = make_client(max_retries=0)
    fake.inject("generate_ultra", Fault.status(413))
    with pytest.raises(stability.RequestTooLargeError):
        client.generate_ultra("a lighthouse")
    fake.inject("generate_core", Fault.status(422))
    with pytest.raises(stability.UnprocessableEntityError):
        client.generate_core("a lighthouse")


# The fake moderates the word "forbidden" in any text field, as the service moderates its own words.
MODERATED: dict[str, Callable[[Any], Any]] = {
    "generate_ultra": lambda c: c.generate_ultra("something forbidden"),
    "generate_core": lambda c: c.generate_core("a lighthouse", negative_prompt="forbidden things"),
    "generate_sd3": lambda c: c.generate_sd3("forbidden"),
    "upscale_conservative": lambda c: c.upscale_conservative("forbidden", image=png(128, 128)),
    "upscale_creative": lambda c: c.upscale_creative("forbidden", image=png(128, 128)),
}


@pytest.mark.parametrize("method", list(MODERATED))
def test_403_content_moderation_is_typed_and_not_charged(client: Any, fake: FakeStability, method: str) -> None:
    with pytest.raises(stability.ContentModerationError) as caught:
        MODERATED[method](client)
    error = caught.value
    assert isinstance(error, stability.PermissionDeniedError) and error.status_code == 403
    assert error.name == "content_moderation" and error.messages
    assert fake.count(method) == 1 and fake.charges() == 0 and fake.balance() == pytest.approx(1000.0)


@pytest.mark.parametrize("method", ["upscale_fast", "image_to_video_v2beta"])
def test_403_on_an_operation_without_text_is_moderation_too(make_client: Any, fake: FakeStability, method: str) -> None:
    client = make_client(max_retries=2)
    body = _v2_error("a1b2c3", "content_moderation", "Your request was flagged by our content moderation system.")
    fake.inject(method, Fault.status(403, body=body, content_type="application/json"))
    with pytest.raises(stability.ContentModerationError):
        CALLS[method](client)
    assert fake.count(method) == 1  # never retried
