"""Every documented limit of the live (v2beta) operations is checked before a request is sent: a ValidationError
that names the field, and not one request (so nothing charged). The limits are the ones
shared/API_FACTS_LIVE.md lists, per operation."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

import stability
from stability.testing import FakeStability
from tests.raw_cases import png
from tests.reliability.test_bad_input import claimed_png

MiB = 1024 * 1024
IMAGE = png(256, 256)
FRAME = png(768, 768)


def _encoded(fmt: str, width: int = 128, height: int = 128) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "grey").save(out, fmt)
    return out.getvalue()


def _over_10_mib(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` (within the operation's pixel bounds) but is 11 MiB on the wire."""
    from tests.facade.test_validation import _padded

    return _padded(claimed_png(width, height), 11 * MiB)


# (method, the field the error names, arguments, words of its rule)
Case = tuple[str, str, Callable[[], dict[str, Any]], str]
LIMITS: dict[str, Case] = {
    # ---- shared by every prompt: 1..10000 characters, not blank
    "ultra prompt empty": ("generate_ultra", "prompt", lambda: {"prompt": ""}, "empty"),
    "ultra prompt blank": ("generate_ultra", "prompt", lambda: {"prompt": " \n\t"}, "empty"),
    "ultra prompt 10001": ("generate_ultra", "prompt", lambda: {"prompt": "x" * 10_001}, "at most 10000"),
    "ultra prompt not text": ("generate_ultra", "prompt", lambda: {"prompt": 42}, "string"),
    "ultra negative 10001": (
        "generate_ultra", "negative_prompt", lambda: {"prompt": "x", "negative_prompt": "x" * 10_001}, "10000"
    ),
    "core prompt empty": ("generate_core", "prompt", lambda: {"prompt": ""}, "empty"),
    "core prompt 10001": ("generate_core", "prompt", lambda: {"prompt": "x" * 10_001}, "10000"),
    "core negative 10001": (
        "generate_core", "negative_prompt", lambda: {"prompt": "x", "negative_prompt": "y" * 10_001}, "10000"
    ),
    "sd3 prompt blank": ("generate_sd3", "prompt", lambda: {"prompt": "   "}, "empty"),
    "sd3 prompt 10001": ("generate_sd3", "prompt", lambda: {"prompt": "x" * 10_001}, "10000"),
    "conservative prompt empty": (
        "upscale_conservative", "prompt", lambda: {"prompt": "", "image": IMAGE}, "empty"
    ),
    "conservative negative 10001": (
        "upscale_conservative", "negative_prompt",
        lambda: {"prompt": "x", "image": IMAGE, "negative_prompt": "y" * 10_001}, "10000",
    ),
    "creative prompt blank": ("upscale_creative", "prompt", lambda: {"prompt": "  ", "image": IMAGE}, "empty"),
    "creative prompt 10001": (
        "upscale_creative", "prompt", lambda: {"prompt": "x" * 10_001, "image": IMAGE}, "10000"
    ),
    # ---- seeds: integers 0..4294967294
    "ultra seed high": ("generate_ultra", "seed", lambda: {"prompt": "x", "seed": 4_294_967_295}, "4294967294"),
    "ultra seed negative": ("generate_ultra", "seed", lambda: {"prompt": "x", "seed": -1}, "between 0 and"),
    "ultra seed fraction": ("generate_ultra", "seed", lambda: {"prompt": "x", "seed": 1.5}, "integer"),
    "core seed high": ("generate_core", "seed", lambda: {"prompt": "x", "seed": 4_294_967_295}, "4294967294"),
    "sd3 seed high": ("generate_sd3", "seed", lambda: {"prompt": "x", "seed": 4_294_967_295}, "4294967294"),
    "conservative seed": (
        "upscale_conservative", "seed", lambda: {"prompt": "x", "image": IMAGE, "seed": -1}, "between 0 and"
    ),
    "creative seed": (
        "upscale_creative", "seed", lambda: {"prompt": "x", "image": IMAGE, "seed": 4_294_967_295}, "4294967294"
    ),
    "video seed": ("image_to_video_v2beta", "seed", lambda: {"image": FRAME, "seed": 4_294_967_295}, "4294967294"),
    # ---- aspect_ratio: the nine-value enum (ultra, core, sd3)
    "ultra aspect ratio": ("generate_ultra", "aspect_ratio", lambda: {"prompt": "x", "aspect_ratio": "2:1"}, "one of"),
    "core aspect ratio": ("generate_core", "aspect_ratio", lambda: {"prompt": "x", "aspect_ratio": "16:10"}, "one of"),
    "sd3 aspect ratio": ("generate_sd3", "aspect_ratio", lambda: {"prompt": "x", "aspect_ratio": "1:2"}, "one of"),
    # ---- output_format per operation: jpeg/png/webp, but sd3 png/jpeg only
    "ultra format": ("generate_ultra", "output_format", lambda: {"prompt": "x", "output_format": "gif"}, "one of"),
    "core format": ("generate_core", "output_format", lambda: {"prompt": "x", "output_format": "jpg"}, "one of"),
    "sd3 no webp": ("generate_sd3", "output_format", lambda: {"prompt": "x", "output_format": "webp"}, "png, jpeg"),
    "fast format": ("upscale_fast", "output_format", lambda: {"image": IMAGE, "output_format": "bmp"}, "one of"),
    "conservative format": (
        "upscale_conservative", "output_format",
        lambda: {"prompt": "x", "image": IMAGE, "output_format": "tiff"}, "one of",
    ),
    "creative format": (
        "upscale_creative", "output_format",
        lambda: {"prompt": "x", "image": IMAGE, "output_format": "PNG"}, "one of",
    ),
    # ---- other enums
    "core style preset": (
        "generate_core", "style_preset", lambda: {"prompt": "x", "style_preset": "watercolour"}, "one of"
    ),
    "sd3 model": ("generate_sd3", "model", lambda: {"prompt": "x", "model": "sd4-large"}, "one of"),
    "sd3 mode": ("generate_sd3", "mode", lambda: {"prompt": "x", "mode": "inpaint"}, "one of"),
    # ---- ranges: strength 0..1, sd3 cfg_scale 1..10, creativity 0.2..0.5 / 0..0.35, video cfg 0..10 and motion
    "ultra strength high": (
        "generate_ultra", "strength", lambda: {"prompt": "x", "image": IMAGE, "strength": 1.01}, "between 0 and 1"
    ),
    "ultra strength nan": (
        "generate_ultra", "strength", lambda: {"prompt": "x", "image": IMAGE, "strength": float("nan")}, "finite"
    ),
    "sd3 strength negative": (
        "generate_sd3", "strength", lambda: {"prompt": "x", "image": IMAGE, "strength": -0.1}, "between 0 and 1"
    ),
    "sd3 cfg low": ("generate_sd3", "cfg_scale", lambda: {"prompt": "x", "cfg_scale": 0.9}, "between 1 and 10"),
    "sd3 cfg high": ("generate_sd3", "cfg_scale", lambda: {"prompt": "x", "cfg_scale": 10.5}, "between 1 and 10"),
    "conservative creativity low": (
        "upscale_conservative", "creativity",
        lambda: {"prompt": "x", "image": IMAGE, "creativity": 0.19}, "between 0.2 and 0.5",
    ),
    "conservative creativity high": (
        "upscale_conservative", "creativity",
        lambda: {"prompt": "x", "image": IMAGE, "creativity": 0.51}, "between 0.2 and 0.5",
    ),
    "creative creativity high": (
        "upscale_creative", "creativity",
        lambda: {"prompt": "x", "image": IMAGE, "creativity": 0.36}, "between 0 and 0.35",
    ),
    "creative creativity negative": (
        "upscale_creative", "creativity",
        lambda: {"prompt": "x", "image": IMAGE, "creativity": -0.01}, "between 0 and 0.35",
    ),
    "video cfg high": (
        "image_to_video_v2beta", "cfg_scale", lambda: {"image": FRAME, "cfg_scale": 10.1}, "between 0 and 10"
    ),
    "video motion low": (
        "image_to_video_v2beta", "motion_bucket_id", lambda: {"image": FRAME, "motion_bucket_id": 0}, "between 1"
    ),
    "video motion high": (
        "image_to_video_v2beta", "motion_bucket_id", lambda: {"image": FRAME, "motion_bucket_id": 256}, "255"
    ),
    # ---- ultra: image sides 64..16384, and image and strength only together
    "ultra image narrow": (
        "generate_ultra", "image", lambda: {"prompt": "x", "image": png(63, 256), "strength": 0.5}, "64 and 16384"
    ),
    "ultra image wide": (
        "generate_ultra", "image",
        lambda: {"prompt": "x", "image": claimed_png(16_385, 64), "strength": 0.5}, "64 and 16384",
    ),
    "ultra image tall": (
        "generate_ultra", "image",
        lambda: {"prompt": "x", "image": claimed_png(64, 16_385), "strength": 0.5}, "64 and 16384",
    ),
    "ultra image gif": (
        "generate_ultra", "image", lambda: {"prompt": "x", "image": _encoded("GIF"), "strength": 0.5}, "PNG, JPEG"
    ),
    "ultra image without strength": (
        "generate_ultra", "strength", lambda: {"prompt": "x", "image": IMAGE}, "required when image"
    ),
    "ultra strength without image": (
        "generate_ultra", "strength", lambda: {"prompt": "x", "strength": 0.5}, "only used with image"
    ),
    # ---- sd3's modes
    "sd3 image-to-image without image": (
        "generate_sd3", "image", lambda: {"prompt": "x", "mode": "image-to-image", "strength": 0.5}, "required"
    ),
    "sd3 image-to-image without strength": (
        "generate_sd3", "strength", lambda: {"prompt": "x", "mode": "image-to-image", "image": IMAGE}, "required"
    ),
    "sd3 image without strength": (
        "generate_sd3", "strength", lambda: {"prompt": "x", "image": IMAGE}, "required"
    ),
    "sd3 image in text-to-image": (
        "generate_sd3", "image",
        lambda: {"prompt": "x", "mode": "text-to-image", "image": IMAGE, "strength": 0.5}, "image-to-image",
    ),
    "sd3 strength in text-to-image": (
        "generate_sd3", "strength", lambda: {"prompt": "x", "strength": 0.5}, "image-to-image"
    ),
    "sd3 aspect ratio in image-to-image": (
        "generate_sd3", "aspect_ratio",
        lambda: {"prompt": "x", "image": IMAGE, "strength": 0.5, "aspect_ratio": "16:9"}, "text-to-image",
    ),
    "sd3 negative prompt with sd3-large-turbo": (
        "generate_sd3", "negative_prompt",
        lambda: {"prompt": "x", "model": "sd3-large-turbo", "negative_prompt": "blur"}, "sd3-large-turbo",
    ),
    "sd3 image side": (
        "generate_sd3", "image", lambda: {"prompt": "x", "image": png(256, 63), "strength": 0.5}, "at least 64"
    ),
    "sd3 image gif": (
        "generate_sd3", "image", lambda: {"prompt": "x", "image": _encoded("GIF"), "strength": 0.5}, "PNG, JPEG"
    ),
    # ---- upscale fast: sides 32..1536, 1,024..1,048,576 pixels
    "fast side low": ("upscale_fast", "image", lambda: {"image": png(31, 64)}, "32 and 1536"),
    "fast side high": ("upscale_fast", "image", lambda: {"image": claimed_png(1537, 32)}, "32 and 1536"),
    "fast pixels": ("upscale_fast", "image", lambda: {"image": claimed_png(1536, 683)}, "1,048,576"),
    "fast not an image": ("upscale_fast", "image", lambda: {"image": b"GIF89a not really"}, "PNG, JPEG"),
    # ---- upscale conservative: sides >= 64, 4,096..9,437,184 pixels, aspect ratio 1:2.5..2.5:1
    "conservative pixels": (
        "upscale_conservative", "image", lambda: {"prompt": "x", "image": claimed_png(3072, 3073)}, "9,437,184"
    ),
    "conservative side": (
        "upscale_conservative", "image", lambda: {"prompt": "x", "image": png(63, 150)}, "at least 64"
    ),
    "conservative too wide": (
        "upscale_conservative", "image", lambda: {"prompt": "x", "image": png(251, 100)}, "aspect ratio"
    ),
    "conservative too tall": (
        "upscale_conservative", "image", lambda: {"prompt": "x", "image": png(100, 251)}, "aspect ratio"
    ),
    # ---- upscale creative: sides >= 64, 4,096..1,048,576 pixels
    "creative pixels": (
        "upscale_creative", "image", lambda: {"prompt": "x", "image": claimed_png(1025, 1024)}, "1,048,576"
    ),
    "creative side": ("upscale_creative", "image", lambda: {"prompt": "x", "image": png(63, 200)}, "at least 64"),
    # ---- image-to-video: exactly 1024x576, 576x1024 or 768x768, PNG or JPEG
    "video size": ("image_to_video_v2beta", "image", lambda: {"image": png(512, 512)}, "1024x576"),
    "video size swapped": ("image_to_video_v2beta", "image", lambda: {"image": png(576, 768)}, "768x768"),
    "video webp": ("image_to_video_v2beta", "image", lambda: {"image": _encoded("WEBP", 768, 768)}, "PNG or JPEG"),
    # ---- the 10 MiB request limit, on every operation that uploads
    "ultra 10 MiB": (
        "generate_ultra", "image", lambda: {"prompt": "x", "image": _over_10_mib(3000, 3000), "strength": 0.5},
        "10 MiB",
    ),
    "sd3 10 MiB": (
        "generate_sd3", "image", lambda: {"prompt": "x", "image": _over_10_mib(3000, 3000), "strength": 0.5},
        "10 MiB",
    ),
    "fast 10 MiB": ("upscale_fast", "image", lambda: {"image": _over_10_mib(1024, 1024)}, "10 MiB"),
    "conservative 10 MiB": (
        "upscale_conservative", "image", lambda: {"prompt": "x", "image": _over_10_mib(3000, 3000)}, "10 MiB"
    ),
    "creative 10 MiB": (
        "upscale_creative", "image", lambda: {"prompt": "x", "image": _over_10_mib(1024, 1024)}, "10 MiB"
    ),
    "video 10 MiB": ("image_to_video_v2beta", "image", lambda: {"image": _over_10_mib(768, 768)}, "10 MiB"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(LIMITS))
def test_every_documented_limit_is_refused_before_sending(client: Any, fake: FakeStability, case: str) -> None:
    method, field, make, rule = LIMITS[case]
    with pytest.raises(stability.ValidationError) as caught:
        getattr(client, method)(**make())
    error = caught.value
    assert error.field == field, (error.field, error.rule)
    assert rule in error.rule and field in str(error), error.rule
    assert fake.requests == [] and fake.count() == 0 and fake.charges() == 0
    assert fake.balance() == pytest.approx(1000.0)


def test_every_new_operation_has_limits_in_the_table() -> None:
    from stability._operations.registry import REGISTRY

    live = {name for name, e in REGISTRY.items() if e.path.startswith("/v2beta/") and e.charged}
    assert live == {method for method, *_ in LIMITS.values()}


# The values at the documented edges are sent (the checks are not off by one).
EDGES: dict[str, tuple[str, dict[str, Any]]] = {
    "ultra smallest image": ("generate_ultra", {"prompt": "x", "image": png(64, 64), "strength": 0}),
    "ultra strength 1": ("generate_ultra", {"prompt": "x", "image": IMAGE, "strength": 1}),
    "ultra longest prompt": ("generate_ultra", {"prompt": "x" * 10_000, "seed": 4_294_967_294}),
    "sd3 cfg edges": ("generate_sd3", {"prompt": "x", "cfg_scale": 1, "seed": 0}),
    "sd3 negative with sd3.5-large-turbo": (
        "generate_sd3", {"prompt": "x", "model": "sd3.5-large-turbo", "negative_prompt": "blur"}
    ),
    "fast smallest": ("upscale_fast", {"image": png(32, 32)}),
    "conservative widest": ("upscale_conservative", {"prompt": "x", "image": png(250, 100), "creativity": 0.5}),
    "conservative tallest": ("upscale_conservative", {"prompt": "x", "image": png(100, 250), "creativity": 0.2}),
    "conservative smallest": ("upscale_conservative", {"prompt": "x", "image": png(64, 64)}),
    "creative largest": ("upscale_creative", {"prompt": "x", "image": png(1024, 1024), "creativity": 0}),
    "video jpeg": ("image_to_video_v2beta", {"image": _encoded("JPEG", 576, 1024), "cfg_scale": 0}),
}  # fmt: skip


@pytest.mark.parametrize("case", list(EDGES))
def test_the_documented_edges_are_sent(client: Any, fake: FakeStability, case: str) -> None:
    method, kwargs = EDGES[case]
    assert getattr(client, method)(**kwargs) is not None
    assert fake.count(method) == 1
