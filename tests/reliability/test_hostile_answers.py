"""Paid answers a hostile (or broken) server can send, over real sockets: what is kept and what is refused.

A result is never thrown away over its metadata (a seed of ``inf``, JSON nested 100,000 deep around the id),
and never accepted when it is not what was paid for (half a PNG, a header claiming 100000x100000 pixels, a
finish reason of ERROR). Error pages are summarised in linear time, and 413/422 are typed.
"""

from __future__ import annotations

import base64
import json
import struct
import time
import zlib
from typing import Any

import pytest

import stability
from stability.testing import FakeStability, Fault
from tests.raw_cases import png
from tests.reliability._support import FIGURES

PNG_512 = png(512, 512)
JOB_ID = "d" * 64
DEEP = b"[" * 100_000 + b"]" * 100_000


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _png_claiming(width: int, height: int) -> bytes:
    """A structurally whole PNG (IHDR, IDAT, IEND) whose header claims ``width`` x ``height``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + chunk(b"IEND", b"")


def _answer(body: bytes, content_type: str = "image/png", **headers: str) -> Fault:
    return Fault.status(
        200, body=body, content_type=content_type, headers={k.replace("_", "-"): v for k, v in headers.items()}
    )


# -------------------------------------------------------------------------------------- kept: item 3


def test_a_seed_that_is_no_integer_keeps_the_paid_image(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    for seed in ("inf", "-inf", "1e999", "nan", "-1", "4294967296", "9" * 5000, "seven"):
        fake.inject("text_to_image", _answer(PNG_512, Seed=seed, Finish_Reason="SUCCESS"))
        image = client.text_to_image("x", width=512, height=512)
        assert image.data == PNG_512 and image.seed is None and (image.width, image.height) == (512, 512), seed
        FIGURES.add("scenarios")
    fake.inject("text_to_image", _answer(PNG_512, Seed="2045963300"))
    assert client.text_to_image("x").seed == 2045963300


def test_a_json_seed_of_1e400_keeps_the_paid_images(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    artifacts = [{"base64": _b64(PNG_512), "seed": 1e400, "finishReason": "SUCCESS"}] * 2
    body = json.dumps({"artifacts": artifacts}).encode().replace(b"Infinity", b"1e400")
    assert b"1e400" in body
    fake.inject("text_to_image", _answer(body, "application/json"))
    images = client.text_to_image("x", samples=2)
    assert [(i.data, i.seed) for i in images] == [(PNG_512, None)] * 2
    # An artifact without seed or finish reason is still the image that was paid for.
    body = json.dumps({"artifacts": [{"base64": _b64(PNG_512)}, {"base64": _b64(PNG_512), "seed": -3}]}).encode()
    fake.inject("text_to_image", _answer(body, "application/json"))
    assert [(i.seed, i.finish_reason) for i in client.text_to_image("x", samples=2)] == [(None, "SUCCESS")] * 2
    # A seed of 5,000 digits: more than int() reads from text (ValueError), not more than the answer is worth.
    body = b'{"artifacts": [{"base64": "%s", "seed": 1%s}]}' % (_b64(PNG_512).encode(), b"0" * 5000)
    fake.inject("text_to_image", _answer(body, "application/json"))
    assert [(i.data, i.seed) for i in client.text_to_image("x", samples=1)] == [(PNG_512, None)]
    small = png(128, 128)
    body = b'{"image": "%s", "finish_reason": "SUCCESS", "seed": 1e400}' % _b64(small).encode()
    fake.inject("inpaint", _answer(body, "application/json; type=image/png"))
    result = client.inpaint("x", image=small, search_prompt="y")
    assert result.data == small and result.seed is None
    FIGURES.add("scenarios", 3)


def test_json_nested_100000_deep_keeps_the_images_and_the_job_id(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    artifact = b'{"base64": "%s", "seed": 5, "finishReason": "SUCCESS", "extra": %s}' % (_b64(PNG_512).encode(), DEEP)
    fake.inject("text_to_image", _answer(b'{"artifacts": [%s, %s]}' % (artifact, artifact), "application/json"))
    images = client.text_to_image("x", samples=2)
    assert [(i.data, i.seed) for i in images] == [(PNG_512, 5)] * 2
    fake.inject("upscale", _answer(b'{"x": %s, "id": "%s"}' % (DEEP, JOB_ID.encode()), "application/json"))
    job = client.upscale("x", image=png(128, 128))
    assert job.id == JOB_ID
    FIGURES.add("scenarios", 2)


def test_deep_json_that_cannot_be_read_is_a_typed_error(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    fake.inject("balance", _answer(b"[" * 100_000, "application/json"))
    with pytest.raises(stability.MalformedResponseError) as caught:
        client.balance()
    assert caught.value.body.startswith(b"[[[")
    fake.inject("balance", _answer(b'{"credits": %s}' % DEEP, "application/json"))
    with pytest.raises(stability.MalformedResponseError):
        client.balance()
    FIGURES.add("scenarios", 2)


def test_error_bodies_nested_100000_deep_are_typed_errors(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    body = b'{"id": "e1", "name": "invalid_prompts", "errors": ["prompt: filtered"], "x": %s}' % DEEP
    fake.inject("text_to_image", Fault.status(400, body=body, content_type="application/json"))
    with pytest.raises(stability.BadRequestError) as bad:
        client.text_to_image("x")
    assert (bad.value.name, bad.value.messages, bad.value.error_id) == ("invalid_prompts", ["prompt: filtered"], "e1")
    fake.inject("balance", Fault.status(500, body=DEEP, content_type="application/json"))
    with pytest.raises(stability.ServerError):
        client.balance()
    FIGURES.add("scenarios", 2)


# ------------------------------------------------------------------------------------ refused: item 20


def test_half_a_png_is_not_a_result(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    cut_in_idat = PNG_512[: len(PNG_512) // 2]
    without_iend = PNG_512[:-12]
    for body in (cut_in_idat, without_iend):
        fake.inject("text_to_image", _answer(body, Seed="1"))
        with pytest.raises(stability.MalformedResponseError, match="cut short"):
            client.text_to_image("x")
        FIGURES.add("scenarios")
    artifacts = [{"base64": _b64(cut_in_idat), "seed": 1, "finishReason": "SUCCESS"}]
    fake.inject("text_to_image", _answer(json.dumps({"artifacts": artifacts}).encode(), "application/json"))
    with pytest.raises(stability.MalformedResponseError, match="cut short"):
        client.text_to_image("x", samples=2)


def test_a_result_larger_than_asked_is_refused(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    bomb = _png_claiming(100_000, 100_000)
    cases: list[tuple[str, Any, bytes]] = [
        ("text_to_image", lambda: client.text_to_image("x", width=512, height=512), bomb),
        ("text_to_image", lambda: client.text_to_image("x", width=512, height=512), png(768, 768)),
        ("text_to_image", lambda: client.text_to_image("x"), png(4096, 64)),  # outside every default size
        ("image_to_image", lambda: client.image_to_image("x", image=png(512, 512)), png(1024, 512)),
        ("masked_image_to_image", lambda: client.masked_image_to_image("x", image=png(512, 512, alpha=True)), bomb),
        ("inpaint", lambda: client.inpaint("x", image=png(128, 128), search_prompt="y"), bomb),
    ]
    for operation, call, body in cases:
        fake.inject(operation, _answer(body))
        with pytest.raises(stability.MalformedResponseError, match="result image is"):
            call()
        FIGURES.add("scenarios")
    # A job resumed by id has no input to compare: its result is held to the documented upscale bound.
    job = client.upscale("x", image=png(128, 128))
    fake.inject("upscale_result", _answer(_png_claiming(20_000, 20_000)))
    with pytest.raises(stability.MalformedResponseError, match="result image is"):
        job.wait()
    # What was asked for still passes.
    fake.inject("text_to_image", _answer(png(768, 512)))
    assert client.text_to_image("x", width=768, height=512).width == 768


# -------------------------------------------------------------------------------- item 21, item 12


def test_finish_reason_error_raises_with_the_result(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    fake.inject("text_to_image", _answer(PNG_512, Seed="11", Finish_Reason="ERROR"))
    with pytest.raises(stability.GenerationFailedError) as one:
        client.text_to_image("x")
    assert isinstance(one.value.result, stability.ImageResult) and one.value.result.seed == 11
    artifacts = [
        {"base64": _b64(PNG_512), "seed": 1, "finishReason": "SUCCESS"},
        {"base64": _b64(PNG_512), "seed": 2, "finishReason": "ERROR"},
    ]
    fake.inject("text_to_image", _answer(json.dumps({"artifacts": artifacts}).encode(), "application/json"))
    with pytest.raises(stability.GenerationFailedError, match="image 2 of 2") as many:
        client.text_to_image("x", samples=2)
    assert [i.finish_reason for i in many.value.result] == ["SUCCESS", "ERROR"]
    assert fake.count("text_to_image") == 2  # a paid call is not retried over it
    FIGURES.add("scenarios", 2)


def test_413_and_422_are_typed(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    body = b'{"id": "x1", "name": "payload_too_large", "errors": ["body: larger than 10MiB"]}'
    fake.inject("inpaint", Fault.status(413, body=body, content_type="application/json"))
    with pytest.raises(stability.RequestTooLargeError, match="larger than 10MiB"):
        client.inpaint("x", image=png(128, 128), search_prompt="y")
    fake.inject("text_to_image", Fault.status(422, body=b"<html><title>Unprocessable</title></html>"))
    with pytest.raises(stability.UnprocessableEntityError, match="Unprocessable"):
        client.text_to_image("x")
    FIGURES.add("scenarios", 2)


def test_a_crafted_error_page_is_summarised_quickly(clients: Any, fake: FakeStability) -> None:
    client = clients(transport="socket", max_retries=0)
    page = b">" + b"<" * 100_000  # took seconds of CPU per answer (quadratic); 300 KB took 32 s
    fake.inject("balance", Fault.status(502, body=page, content_type="text/html"))
    start = time.perf_counter()
    with pytest.raises(stability.ServerError) as caught:
        client.balance()
    assert time.perf_counter() - start < 1.5
    assert caught.value.status_code == 502 and len(caught.value.messages[0]) <= 203
    FIGURES.add("scenarios")
