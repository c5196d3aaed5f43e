"""Every documented limit is checked before a request is sent: ValidationError names field, value and rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import stability
from stability.testing import FakeStability
from tests.raw_cases import png

OK = png(512, 512)
SMALL = png(128, 128)

INVALID: list[tuple[str, str, dict[str, Any], str]] = [
    # (method, field named in the error, kwargs, words of the rule)
    ("text_to_image", "width", {"prompt": "x", "width": 500}, "between 512 and 2048"),
    ("text_to_image", "height", {"prompt": "x", "height": 576 + 32}, "multiple of 64"),
    ("text_to_image", "width*height", {"prompt": "x", "width": 2048, "height": 1024}, "1,048,576"),
    ("text_to_image", "cfg_scale", {"prompt": "x", "cfg_scale": 36}, "between 0 and 35"),
    ("text_to_image", "steps", {"prompt": "x", "steps": 9}, "between 10 and 150"),
    ("text_to_image", "samples", {"prompt": "x", "samples": 11}, "between 1 and 10"),
    ("text_to_image", "seed", {"prompt": "x", "seed": 2_147_483_648}, "between 0 and 2147483647"),
    ("text_to_image", "seed", {"prompt": "x", "seed": 1.5}, "integer"),
    ("text_to_image", "sampler", {"prompt": "x", "sampler": "K_FAST"}, "one of"),
    ("text_to_image", "clip_guidance_preset", {"prompt": "x", "clip_guidance_preset": "FAST"}, "one of"),
    ("text_to_image", "prompt", {"prompt": ""}, "empty"),
    ("text_to_image", "prompt", {"prompt": "x" * 2001}, "at most 2000"),
    ("text_to_image", "prompt", {"prompt": [("x", float("nan"))]}, "finite"),
    ("text_to_image", "prompt", {"prompt": []}, "at least one"),
    (
        "image_to_image",
        "step_schedule_start",
        {"prompt": "x", "image": OK, "step_schedule_start": 1.2},
        "between 0 and 1",
    ),
    ("image_to_image", "image", {"prompt": "x", "image": b"not an image"}, "PNG, JPEG or WEBP"),
    ("masked_image_to_image", "image", {"prompt": "x", "image": OK}, "alpha"),
    ("masked_image_to_image", "mask", {"prompt": "x", "image": OK, "mask_source": "MASK_IMAGE_BLACK"}, "needs a mask"),
    ("masked_image_to_image", "mask", {"prompt": "x", "image": OK, "mask": SMALL}, "same size"),
    (
        "masked_image_to_image",
        "mask_source",
        {"prompt": "x", "image": OK, "mask": OK, "mask_source": "WHITE"},
        "one of",
    ),
    ("inpaint", "image", {"prompt": "x", "image": png(63, 200), "search_prompt": "y"}, "at least 64"),
    ("inpaint", "image", {"prompt": "x", "image": png(3100, 3100), "search_prompt": "y"}, "9,437,184"),
    ("inpaint", "search_prompt", {"prompt": "x", "image": SMALL, "mode": "search"}, "required"),
    ("inpaint", "mask", {"prompt": "x", "image": SMALL, "search_prompt": "y", "mask": SMALL}, "search mode"),
    ("inpaint", "mask", {"prompt": "x", "image": SMALL}, "alpha"),
    (
        "inpaint",
        "output_format",
        {"prompt": "x", "image": SMALL, "search_prompt": "y", "output_format": "gif"},
        "one of",
    ),
    ("inpaint", "seed", {"prompt": "x", "image": SMALL, "search_prompt": "y", "seed": 4_294_967_295}, "4294967294"),
    ("inpaint", "prompt", {"prompt": "x" * 10_001, "image": SMALL, "search_prompt": "y"}, "10000"),
    (
        "inpaint",
        "negative_prompt",
        {"prompt": "x", "image": SMALL, "search_prompt": "y", "negative_prompt": 3},
        "string",
    ),
    ("upscale", "creativity", {"prompt": "x", "image": SMALL, "creativity": 0.36}, "between 0 and 0.35"),
    ("upscale", "image", {"prompt": "x", "image": png(1025, 1024)}, "1,048,576"),
    ("upscale", "image", {"prompt": "x", "image": png(2000, 40)}, "at least 64"),
    ("image_to_video", "image", {"image": png(512, 512)}, "1024x576"),
    ("image_to_video", "cfg_scale", {"image": png(768, 768), "cfg_scale": 10.5}, "between 0 and 10"),
    ("image_to_video", "motion_bucket_id", {"image": png(768, 768), "motion_bucket_id": 0}, "between 1 and 255"),
    ("text_to_image", "engine", {"prompt": "x", "engine": "../v2alpha"}, "engine id"),
]


@pytest.mark.parametrize(("method", "field", "kwargs", "rule"), INVALID, ids=[f"{m}-{f}" for m, f, *_ in INVALID])
def test_invalid_input_sends_nothing(
    client: Any, fake: FakeStability, method: str, field: str, kwargs: dict[str, Any], rule: str
) -> None:
    with pytest.raises(stability.ValidationError) as caught:
        getattr(client, method)(**kwargs)
    error = caught.value
    assert error.field == field and rule in error.rule and field in str(error)
    assert fake.count() == 0 and fake.charges() == 0


@pytest.mark.parametrize(
    "bad",
    ["missing", "directory", "empty", "text named png"],
)
def test_bad_files_are_typed_errors_before_any_request(
    client: Any, fake: FakeStability, tmp_path: Path, bad: str
) -> None:
    path = tmp_path / "x.png"
    if bad == "directory":
        path.mkdir()
    elif bad == "empty":
        path.write_bytes(b"")
    elif bad == "text named png":
        path.write_text("hello, I am not an image")
    with pytest.raises(stability.InvalidFileError) as caught:
        client.inpaint("x", image=path, search_prompt="y")
    assert caught.value.field == "image"
    assert fake.count() == 0


def test_job_ids_are_checked(client: Any, fake: FakeStability) -> None:
    with pytest.raises(stability.ValidationError):
        client.jobs.get("upscale", "too-short")
    with pytest.raises(stability.ValidationError):
        client.jobs.get("upscale-ish", "a" * 64)
    assert fake.count() == 0


MiB = 1024 * 1024


def _padded(data: bytes, size: int) -> bytes:
    """A PNG of exactly ``size`` bytes: ``data`` with an ancillary chunk of filler (noise does not compress
    either: what counts is the bytes sent) before its IEND."""
    import struct
    import zlib

    filler = b"\x00" * (size - len(data) - 12)
    chunk = struct.pack(">I", len(filler)) + b"prVt" + filler + struct.pack(">I", zlib.crc32(b"prVt" + filler))
    return data[:-12] + chunk + data[-12:]


def _claimed(width: int, height: int, size: int) -> bytes:
    from tests.reliability.test_bad_input import claimed_png

    return _padded(claimed_png(width, height), size)


OVER_10_MIB: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    # the case: a 3000x3000 image is within inpaint's pixel bounds, but 27 MB is not within 10 MiB
    "inpaint-27-MB": ("inpaint", lambda: {"image": _claimed(3000, 3000, 27 * MiB), "search_prompt": "y"}),
    # under 10 MiB alone, over it with the multipart framing and the fields: the body is what counts
    "inpaint-framing": ("inpaint", lambda: {"image": _claimed(3000, 3000, 10 * MiB - 100), "search_prompt": "y"}),
    "inpaint-with-mask": (
        "inpaint",
        lambda: {"image": _claimed(2000, 2000, 6 * MiB), "mask": _claimed(2000, 2000, 5 * MiB)},
    ),
    "upscale": ("upscale", lambda: {"image": _claimed(1024, 1024, 11 * MiB)}),
    "image-to-video": ("image_to_video", lambda: {"image": _claimed(768, 768, 11 * MiB)}),
}


@pytest.mark.parametrize("case", list(OVER_10_MIB))
def test_a_request_over_10_mib_is_refused_before_sending(client: Any, fake: FakeStability, case: str) -> None:
    method, make = OVER_10_MIB[case]
    kwargs = make()
    if method != "image_to_video":
        kwargs["prompt"] = "a lighthouse"
    with pytest.raises(stability.ValidationError) as caught:
        getattr(client, method)(**kwargs)
    assert caught.value.field == "image"
    assert "10 MiB (10,485,760 bytes) per request" in caught.value.rule, caught.value.rule
    assert fake.count() == 0 and fake.charges() == 0


def test_a_request_just_under_10_mib_is_sent(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(_padded(png(96, 96), 10 * MiB - 2048))
    assert client.upscale("x", image=path).id
    assert fake.count("upscale") == 1
