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
CUTOUT = png(256, 256, alpha=True)  # what erase and inpaint change without a mask: its transparent pixels
MASK = png(256, 256)


def _encoded(fmt: str, width: int = 128, height: int = 128) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "grey").save(out, fmt)
    return out.getvalue()


def _over_10_mib(width: int, height: int, mib: int = 11) -> bytes:
    """A PNG that claims ``width`` x ``height`` (within the operation's pixel bounds) but is 11 MiB on the wire."""
    from tests.facade.test_validation import _padded

    return _padded(claimed_png(width, height), mib * MiB)


def _erase(**kwargs: Any) -> dict[str, Any]:
    return {"image": IMAGE, "mask": MASK, **kwargs}


def _inpaint(**kwargs: Any) -> dict[str, Any]:
    return {"prompt": "x", "image": IMAGE, "mask": MASK, **kwargs}


def _outpaint(**kwargs: Any) -> dict[str, Any]:
    return {"image": IMAGE, "left": 64, **kwargs}


def _search(field: str, **kwargs: Any) -> dict[str, Any]:
    """search-and-replace (``search_prompt``) or search-and-recolor (``select_prompt``)."""
    return {"prompt": "x", "image": IMAGE, field: "glasses", **kwargs}


def _relight(**kwargs: Any) -> dict[str, Any]:
    return {"subject_image": IMAGE, "background_prompt": "a harbour", **kwargs}


def _control(**kwargs: Any) -> dict[str, Any]:
    return {"prompt": "x", "image": IMAGE, **kwargs}


def _model(**kwargs: Any) -> dict[str, Any]:
    return {"image": IMAGE, **kwargs}


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
    # ======== edit, control and 3D (issue 16)
    # ---- erase: image 4,096..9,437,184 pixels, sides >= 64; a mask, or the image's alpha; grow_mask 0..20
    "erase no mask and no alpha": ("edit_erase", "mask", lambda: {"image": IMAGE}, "alpha channel"),
    "erase mask not an image": ("edit_erase", "mask", lambda: _erase(mask=b"GIF89a not really"), "PNG, JPEG"),
    "erase mask pixels": ("edit_erase", "mask", lambda: _erase(mask=claimed_png(3073, 3072)), "9,437,184"),
    "erase grow_mask high": ("edit_erase", "grow_mask", lambda: _erase(grow_mask=21), "between 0 and 20"),
    "erase grow_mask negative": ("edit_erase", "grow_mask", lambda: _erase(grow_mask=-1), "between 0 and 20"),
    "erase grow_mask not a number": ("edit_erase", "grow_mask", lambda: _erase(grow_mask="5"), "number"),
    "erase seed high": ("edit_erase", "seed", lambda: _erase(seed=4_294_967_295), "4294967294"),
    "erase seed negative": ("edit_erase", "seed", lambda: _erase(seed=-1), "between 0 and"),
    "erase format": ("edit_erase", "output_format", lambda: _erase(output_format="gif"), "jpeg, png, webp"),
    "erase image side": ("edit_erase", "image", lambda: _erase(image=png(63, 256)), "at least 64"),
    "erase image pixels": ("edit_erase", "image", lambda: _erase(image=claimed_png(3072, 3073)), "9,437,184"),
    "erase image gif": ("edit_erase", "image", lambda: _erase(image=_encoded("GIF")), "PNG, JPEG"),
    "erase 10 MiB": ("edit_erase", "image", lambda: _erase(image=_over_10_mib(3000, 3000)), "10 MiB"),
    "erase 10 MiB in the mask": ("edit_erase", "mask", lambda: _erase(mask=_over_10_mib(256, 256)), "10 MiB"),
    # ---- inpaint: prompt 1..10000, grow_mask 0..100 (not 20), a mask or the image's alpha
    "inpaint prompt empty": ("edit_inpaint", "prompt", lambda: _inpaint(prompt=""), "empty"),
    "inpaint prompt blank": ("edit_inpaint", "prompt", lambda: _inpaint(prompt=" \n"), "empty"),
    "inpaint prompt 10001": ("edit_inpaint", "prompt", lambda: _inpaint(prompt="x" * 10_001), "at most 10000"),
    "inpaint negative 10001": (
        "edit_inpaint", "negative_prompt", lambda: _inpaint(negative_prompt="y" * 10_001), "at most 10000"
    ),
    "inpaint no mask and no alpha": ("edit_inpaint", "mask", lambda: _inpaint(mask=None), "alpha channel"),
    "inpaint mask pixels": ("edit_inpaint", "mask", lambda: _inpaint(mask=claimed_png(3072, 3073)), "9,437,184"),
    "inpaint grow_mask high": ("edit_inpaint", "grow_mask", lambda: _inpaint(grow_mask=101), "between 0 and 100"),
    "inpaint grow_mask negative": (
        "edit_inpaint", "grow_mask", lambda: _inpaint(grow_mask=-0.5), "between 0 and 100"
    ),
    "inpaint seed high": ("edit_inpaint", "seed", lambda: _inpaint(seed=4_294_967_295), "4294967294"),
    "inpaint format": ("edit_inpaint", "output_format", lambda: _inpaint(output_format="jpg"), "one of"),
    "inpaint image side": ("edit_inpaint", "image", lambda: _inpaint(image=png(256, 63)), "at least 64"),
    "inpaint image pixels": ("edit_inpaint", "image", lambda: _inpaint(image=claimed_png(3073, 3072)), "9,437,184"),
    "inpaint 10 MiB": ("edit_inpaint", "image", lambda: _inpaint(image=_over_10_mib(3000, 3000)), "10 MiB"),
    # ---- outpaint: margins are integers 0..2000, at least one above 0; creativity 0.2..0.5; prompt 0..10000
    "outpaint no margin": ("edit_outpaint", "left", lambda: {"image": IMAGE}, "at least one of left, right"),
    "outpaint all margins 0": (
        "edit_outpaint", "left", lambda: _outpaint(left=0, right=0, up=0, down=0), "at least one of left, right"
    ),
    "outpaint left high": ("edit_outpaint", "left", lambda: _outpaint(left=2001), "between 0 and 2000"),
    "outpaint right negative": ("edit_outpaint", "right", lambda: _outpaint(right=-1), "between 0 and 2000"),
    "outpaint up high": ("edit_outpaint", "up", lambda: _outpaint(up=2001), "between 0 and 2000"),
    "outpaint down negative": ("edit_outpaint", "down", lambda: _outpaint(down=-1), "between 0 and 2000"),
    "outpaint margin fraction": ("edit_outpaint", "up", lambda: _outpaint(up=10.5), "integer"),
    "outpaint creativity low": (
        "edit_outpaint", "creativity", lambda: _outpaint(creativity=0.19), "between 0.2 and 0.5"
    ),
    "outpaint creativity high": (
        "edit_outpaint", "creativity", lambda: _outpaint(creativity=0.51), "between 0.2 and 0.5"
    ),
    "outpaint prompt 10001": ("edit_outpaint", "prompt", lambda: _outpaint(prompt="x" * 10_001), "at most 10000"),
    "outpaint seed high": ("edit_outpaint", "seed", lambda: _outpaint(seed=4_294_967_295), "4294967294"),
    "outpaint format": ("edit_outpaint", "output_format", lambda: _outpaint(output_format="bmp"), "one of"),
    "outpaint too wide": ("edit_outpaint", "image", lambda: _outpaint(image=png(251, 100)), "aspect ratio"),
    "outpaint too tall": ("edit_outpaint", "image", lambda: _outpaint(image=png(100, 251)), "aspect ratio"),
    "outpaint image pixels": (
        "edit_outpaint", "image", lambda: _outpaint(image=claimed_png(3072, 3073)), "9,437,184"
    ),
    "outpaint image side": ("edit_outpaint", "image", lambda: _outpaint(image=png(63, 64)), "at least 64"),
    "outpaint 10 MiB": ("edit_outpaint", "image", lambda: _outpaint(image=_over_10_mib(3000, 3000)), "10 MiB"),
    # ---- search-and-replace: search_prompt required, <= 10000; grow_mask 0..20; aspect ratio 1:2.5..2.5:1
    "replace prompt empty": (
        "edit_search_and_replace", "prompt", lambda: _search("search_prompt", prompt=""), "empty"
    ),
    "replace prompt 10001": (
        "edit_search_and_replace", "prompt", lambda: _search("search_prompt", prompt="x" * 10_001), "10000"
    ),
    "replace search_prompt missing": (
        "edit_search_and_replace", "search_prompt", lambda: _search("search_prompt", search_prompt=None), "required"
    ),
    "replace search_prompt empty": (
        "edit_search_and_replace", "search_prompt", lambda: _search("search_prompt", search_prompt=""), "empty"
    ),
    "replace search_prompt 10001": (
        "edit_search_and_replace", "search_prompt",
        lambda: _search("search_prompt", search_prompt="x" * 10_001), "at most 10000",
    ),
    "replace negative 10001": (
        "edit_search_and_replace", "negative_prompt",
        lambda: _search("search_prompt", negative_prompt="y" * 10_001), "at most 10000",
    ),
    "replace grow_mask high": (
        "edit_search_and_replace", "grow_mask", lambda: _search("search_prompt", grow_mask=21), "between 0 and 20"
    ),
    "replace grow_mask negative": (
        "edit_search_and_replace", "grow_mask", lambda: _search("search_prompt", grow_mask=-1), "between 0 and 20"
    ),
    "replace seed": (
        "edit_search_and_replace", "seed", lambda: _search("search_prompt", seed=4_294_967_295), "4294967294"
    ),
    "replace format": (
        "edit_search_and_replace", "output_format", lambda: _search("search_prompt", output_format="gif"), "one of"
    ),
    "replace too wide": (
        "edit_search_and_replace", "image", lambda: _search("search_prompt", image=png(251, 100)), "aspect ratio"
    ),
    "replace image pixels": (
        "edit_search_and_replace", "image",
        lambda: _search("search_prompt", image=claimed_png(3072, 3073)), "9,437,184",
    ),
    "replace image side": (
        "edit_search_and_replace", "image", lambda: _search("search_prompt", image=png(64, 63)), "at least 64"
    ),
    "replace 10 MiB": (
        "edit_search_and_replace", "image",
        lambda: _search("search_prompt", image=_over_10_mib(3000, 3000)), "10 MiB",
    ),
    # ---- search-and-recolor: the same, with select_prompt
    "recolor prompt blank": (
        "edit_search_and_recolor", "prompt", lambda: _search("select_prompt", prompt="  "), "empty"
    ),
    "recolor prompt 10001": (
        "edit_search_and_recolor", "prompt", lambda: _search("select_prompt", prompt="x" * 10_001), "10000"
    ),
    "recolor select_prompt missing": (
        "edit_search_and_recolor", "select_prompt", lambda: _search("select_prompt", select_prompt=None), "required"
    ),
    "recolor select_prompt 10001": (
        "edit_search_and_recolor", "select_prompt",
        lambda: _search("select_prompt", select_prompt="x" * 10_001), "at most 10000",
    ),
    "recolor negative 10001": (
        "edit_search_and_recolor", "negative_prompt",
        lambda: _search("select_prompt", negative_prompt="y" * 10_001), "at most 10000",
    ),
    "recolor grow_mask high": (
        "edit_search_and_recolor", "grow_mask", lambda: _search("select_prompt", grow_mask=20.5), "between 0 and 20"
    ),
    "recolor grow_mask negative": (
        "edit_search_and_recolor", "grow_mask", lambda: _search("select_prompt", grow_mask=-1), "between 0 and 20"
    ),
    "recolor seed": (
        "edit_search_and_recolor", "seed", lambda: _search("select_prompt", seed=-1), "between 0 and"
    ),
    "recolor format": (
        "edit_search_and_recolor", "output_format", lambda: _search("select_prompt", output_format="avif"), "one of"
    ),
    "recolor too tall": (
        "edit_search_and_recolor", "image", lambda: _search("select_prompt", image=png(100, 251)), "aspect ratio"
    ),
    "recolor image pixels": (
        "edit_search_and_recolor", "image",
        lambda: _search("select_prompt", image=claimed_png(3073, 3072)), "9,437,184",
    ),
    "recolor 10 MiB": (
        "edit_search_and_recolor", "image",
        lambda: _search("select_prompt", image=_over_10_mib(3000, 3000)), "10 MiB",
    ),
    # ---- remove-background: PNG or WEBP out (no JPEG); 4,096..4,194,304 pixels
    "remove background jpeg": (
        "edit_remove_background", "output_format", lambda: {"image": IMAGE, "output_format": "jpeg"}, "png, webp"
    ),
    "remove background pixels": (
        "edit_remove_background", "image", lambda: {"image": claimed_png(2048, 2049)}, "4,194,304"
    ),
    "remove background side": ("edit_remove_background", "image", lambda: {"image": png(63, 100)}, "at least 64"),
    "remove background 10 MiB": (
        "edit_remove_background", "image", lambda: {"image": _over_10_mib(2000, 2000)}, "10 MiB"
    ),
    # ---- replace-background-and-relight: a background (prompt or reference); a light for its strength;
    # the weights 0..1; keep_original_background a bool; every image 4,096..9,437,184 pixels
    "relight no background": (
        "edit_replace_background_and_relight", "background_prompt",
        lambda: _relight(background_prompt=None), "background_reference",
    ),
    "relight empty background prompt": (
        "edit_replace_background_and_relight", "background_prompt",
        lambda: _relight(background_prompt=""), "background_reference",
    ),
    "relight strength without a light": (
        "edit_replace_background_and_relight", "light_source_strength",
        lambda: _relight(light_source_strength=0.5), "light_reference or light_source_direction",
    ),
    "relight keep background as a string": (
        "edit_replace_background_and_relight", "keep_original_background",
        lambda: _relight(keep_original_background="true"), "True or False",
    ),
    "relight keep background as 1": (
        "edit_replace_background_and_relight", "keep_original_background",
        lambda: _relight(keep_original_background=1), "True or False",
    ),
    "relight direction": (
        "edit_replace_background_and_relight", "light_source_direction",
        lambda: _relight(light_source_direction="up"), "left, right, above, below",
    ),
    "relight preserve high": (
        "edit_replace_background_and_relight", "preserve_original_subject",
        lambda: _relight(preserve_original_subject=1.01), "between 0 and 1",
    ),
    "relight preserve negative": (
        "edit_replace_background_and_relight", "preserve_original_subject",
        lambda: _relight(preserve_original_subject=-0.01), "between 0 and 1",
    ),
    "relight depth high": (
        "edit_replace_background_and_relight", "original_background_depth",
        lambda: _relight(original_background_depth=1.5), "between 0 and 1",
    ),
    "relight depth negative": (
        "edit_replace_background_and_relight", "original_background_depth",
        lambda: _relight(original_background_depth=-1), "between 0 and 1",
    ),
    "relight strength high": (
        "edit_replace_background_and_relight", "light_source_strength",
        lambda: _relight(light_source_direction="left", light_source_strength=1.01), "between 0 and 1",
    ),
    "relight strength negative": (
        "edit_replace_background_and_relight", "light_source_strength",
        lambda: _relight(light_source_direction="left", light_source_strength=-0.1), "between 0 and 1",
    ),
    "relight background prompt 10001": (
        "edit_replace_background_and_relight", "background_prompt",
        lambda: _relight(background_prompt="x" * 10_001), "at most 10000",
    ),
    "relight foreground prompt 10001": (
        "edit_replace_background_and_relight", "foreground_prompt",
        lambda: _relight(foreground_prompt="x" * 10_001), "at most 10000",
    ),
    "relight negative 10001": (
        "edit_replace_background_and_relight", "negative_prompt",
        lambda: _relight(negative_prompt="x" * 10_001), "at most 10000",
    ),
    "relight seed": (
        "edit_replace_background_and_relight", "seed", lambda: _relight(seed=4_294_967_295), "4294967294"
    ),
    "relight format": (
        "edit_replace_background_and_relight", "output_format", lambda: _relight(output_format="gif"), "one of"
    ),
    "relight subject too wide": (
        "edit_replace_background_and_relight", "subject_image",
        lambda: _relight(subject_image=png(251, 100)), "aspect ratio",
    ),
    "relight subject pixels": (
        "edit_replace_background_and_relight", "subject_image",
        lambda: _relight(subject_image=claimed_png(3072, 3073)), "9,437,184",
    ),
    "relight subject side": (
        "edit_replace_background_and_relight", "subject_image",
        lambda: _relight(subject_image=png(63, 128)), "at least 64",
    ),
    "relight background reference pixels": (
        "edit_replace_background_and_relight", "background_reference",
        lambda: _relight(background_prompt=None, background_reference=claimed_png(3073, 3072)), "9,437,184",
    ),
    "relight background reference side": (
        "edit_replace_background_and_relight", "background_reference",
        lambda: _relight(background_reference=png(128, 63)), "at least 64",
    ),
    "relight light reference pixels": (
        "edit_replace_background_and_relight", "light_reference",
        lambda: _relight(light_reference=claimed_png(3072, 3073)), "9,437,184",
    ),
    "relight light reference side": (
        "edit_replace_background_and_relight", "light_reference",
        lambda: _relight(light_reference=png(63, 63)), "at least 64",
    ),
    "relight 10 MiB": (
        "edit_replace_background_and_relight", "subject_image",
        lambda: _relight(subject_image=_over_10_mib(3000, 3000)), "10 MiB",
    ),
    "relight 10 MiB in two images": (  # each under the limit, the request over it
        "edit_replace_background_and_relight", "subject_image",
        lambda: _relight(subject_image=_over_10_mib(2000, 2000, 6), background_reference=_over_10_mib(2000, 2000, 6)),
        "10 MiB",
    ),
    # ---- sketch and structure: control_strength 0..1; at most 9,437,184 pixels, sides >= 64, ratio 1:2.5..2.5:1
    "sketch prompt empty": ("control_sketch", "prompt", lambda: _control(prompt=""), "empty"),
    "sketch prompt 10001": ("control_sketch", "prompt", lambda: _control(prompt="x" * 10_001), "at most 10000"),
    "sketch negative 10001": (
        "control_sketch", "negative_prompt", lambda: _control(negative_prompt="x" * 10_001), "at most 10000"
    ),
    "sketch strength high": (
        "control_sketch", "control_strength", lambda: _control(control_strength=1.01), "between 0 and 1"
    ),
    "sketch strength negative": (
        "control_sketch", "control_strength", lambda: _control(control_strength=-0.01), "between 0 and 1"
    ),
    "sketch seed": ("control_sketch", "seed", lambda: _control(seed=4_294_967_295), "4294967294"),
    "sketch format": ("control_sketch", "output_format", lambda: _control(output_format="gif"), "one of"),
    "sketch pixels": ("control_sketch", "image", lambda: _control(image=claimed_png(3072, 3073)), "9,437,184"),
    "sketch side": ("control_sketch", "image", lambda: _control(image=png(63, 128)), "at least 64"),
    "sketch too wide": ("control_sketch", "image", lambda: _control(image=png(251, 100)), "aspect ratio"),
    "sketch 10 MiB": ("control_sketch", "image", lambda: _control(image=_over_10_mib(3000, 3000)), "10 MiB"),
    "structure prompt blank": ("control_structure", "prompt", lambda: _control(prompt=" "), "empty"),
    "structure prompt 10001": ("control_structure", "prompt", lambda: _control(prompt="x" * 10_001), "10000"),
    "structure negative 10001": (
        "control_structure", "negative_prompt", lambda: _control(negative_prompt="x" * 10_001), "at most 10000"
    ),
    "structure strength high": (
        "control_structure", "control_strength", lambda: _control(control_strength=2), "between 0 and 1"
    ),
    "structure strength negative": (
        "control_structure", "control_strength", lambda: _control(control_strength=-1), "between 0 and 1"
    ),
    "structure seed": ("control_structure", "seed", lambda: _control(seed=-1), "between 0 and"),
    "structure format": ("control_structure", "output_format", lambda: _control(output_format="JPEG"), "one of"),
    "structure pixels": (
        "control_structure", "image", lambda: _control(image=claimed_png(3073, 3072)), "9,437,184"
    ),
    "structure side": ("control_structure", "image", lambda: _control(image=png(128, 63)), "at least 64"),
    "structure too tall": ("control_structure", "image", lambda: _control(image=png(100, 251)), "aspect ratio"),
    "structure 10 MiB": ("control_structure", "image", lambda: _control(image=_over_10_mib(3000, 3000)), "10 MiB"),
    # ---- style: fidelity 0..1, the nine aspect ratios; image 4,096..9,437,184 pixels, ratio 1:2.5..2.5:1
    "style prompt empty": ("control_style", "prompt", lambda: _control(prompt=""), "empty"),
    "style prompt 10001": ("control_style", "prompt", lambda: _control(prompt="x" * 10_001), "at most 10000"),
    "style negative 10001": (
        "control_style", "negative_prompt", lambda: _control(negative_prompt="x" * 10_001), "at most 10000"
    ),
    "style fidelity high": ("control_style", "fidelity", lambda: _control(fidelity=1.01), "between 0 and 1"),
    "style fidelity negative": ("control_style", "fidelity", lambda: _control(fidelity=-0.01), "between 0 and 1"),
    "style aspect ratio": ("control_style", "aspect_ratio", lambda: _control(aspect_ratio="2:1"), "21:9, 16:9"),
    "style seed": ("control_style", "seed", lambda: _control(seed=4_294_967_295), "4294967294"),
    "style format": ("control_style", "output_format", lambda: _control(output_format="gif"), "one of"),
    "style pixels": ("control_style", "image", lambda: _control(image=claimed_png(3072, 3073)), "9,437,184"),
    "style side": ("control_style", "image", lambda: _control(image=png(63, 100)), "at least 64"),
    "style too wide": ("control_style", "image", lambda: _control(image=png(251, 100)), "aspect ratio"),
    "style 10 MiB": ("control_style", "image", lambda: _control(image=_over_10_mib(3000, 3000)), "10 MiB"),
    # ---- stable-fast-3d: texture_resolution 512/1024/2048 (a string or that int); foreground_ratio 0.1..1;
    # remesh none/triangle/quad; vertex_count an integer -1..20000; image 4,096..4,194,304 pixels
    "3d texture 1000": ("stable_fast_3d", "texture_resolution", lambda: _model(texture_resolution=1000), "512, 1024"),
    "3d texture '1000'": (
        "stable_fast_3d", "texture_resolution", lambda: _model(texture_resolution="1000"), "512, 1024, 2048"
    ),
    "3d texture a float": (
        "stable_fast_3d", "texture_resolution", lambda: _model(texture_resolution=1024.0), "512, 1024, 2048"
    ),
    "3d texture True": (
        "stable_fast_3d", "texture_resolution", lambda: _model(texture_resolution=True), "512, 1024, 2048"
    ),
    "3d foreground low": (
        "stable_fast_3d", "foreground_ratio", lambda: _model(foreground_ratio=0.09), "between 0.1 and 1"
    ),
    "3d foreground high": (
        "stable_fast_3d", "foreground_ratio", lambda: _model(foreground_ratio=1.01), "between 0.1 and 1"
    ),
    "3d remesh": ("stable_fast_3d", "remesh", lambda: _model(remesh="tri"), "none, triangle, quad"),
    "3d vertex count low": ("stable_fast_3d", "vertex_count", lambda: _model(vertex_count=-2), "between -1 and 20000"),
    "3d vertex count high": (
        "stable_fast_3d", "vertex_count", lambda: _model(vertex_count=20_001), "between -1 and 20000"
    ),
    "3d vertex count fraction": ("stable_fast_3d", "vertex_count", lambda: _model(vertex_count=99.5), "integer"),
    "3d pixels": ("stable_fast_3d", "image", lambda: _model(image=claimed_png(2048, 2049)), "4,194,304"),
    "3d side": ("stable_fast_3d", "image", lambda: _model(image=png(63, 256)), "at least 64"),
    "3d image gif": ("stable_fast_3d", "image", lambda: _model(image=_encoded("GIF")), "PNG, JPEG"),
    "3d 10 MiB": ("stable_fast_3d", "image", lambda: _model(image=_over_10_mib(2000, 2000)), "10 MiB"),
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
    # ---- edit, control and 3D
    "erase alpha, grow_mask 20": ("edit_erase", {"image": CUTOUT, "grow_mask": 20, "seed": 4_294_967_294}),
    "erase smallest, grow_mask 0": ("edit_erase", {"image": png(64, 64), "mask": png(64, 64), "grow_mask": 0}),
    "erase a smaller mask": ("edit_erase", {"image": IMAGE, "mask": png(64, 64)}),  # the API resizes it
    "inpaint grow_mask 100": ("edit_inpaint", {"prompt": "x" * 10_000, "image": CUTOUT, "grow_mask": 100}),
    "outpaint 2000 and 0": ("edit_outpaint", {"image": png(64, 64), "left": 0, "down": 2000, "creativity": 0.5}),
    "outpaint empty prompt": ("edit_outpaint", {"image": png(160, 64), "up": 1, "prompt": "", "creativity": 0.2}),
    "replace widest, grow_mask 20": (
        "edit_search_and_replace", {"prompt": "x", "image": png(160, 64), "search_prompt": "y", "grow_mask": 20}
    ),
    "recolor tallest, grow_mask 0": (
        "edit_search_and_recolor", {"prompt": "x", "image": png(64, 160), "select_prompt": "y", "grow_mask": 0}
    ),
    "remove background webp": ("edit_remove_background", {"image": png(64, 64), "output_format": "webp"}),
    "relight reference only, weights 0": (
        "edit_replace_background_and_relight",
        {"subject_image": IMAGE, "background_reference": png(64, 64), "preserve_original_subject": 0,
         "original_background_depth": 0, "keep_original_background": False},
    ),
    "relight light reference, weights 1": (
        "edit_replace_background_and_relight",
        {"subject_image": png(160, 64), "background_prompt": "x" * 10_000, "light_reference": png(64, 64),
         "light_source_strength": 1, "preserve_original_subject": 1, "original_background_depth": 1},
    ),
    "relight direction, strength 0": (
        "edit_replace_background_and_relight",
        {"subject_image": IMAGE, "background_prompt": "x", "light_source_direction": "below",
         "light_source_strength": 0, "keep_original_background": True},
    ),
    "sketch strength 0, widest": ("control_sketch", {"prompt": "x", "image": png(160, 64), "control_strength": 0}),
    "structure strength 1, smallest": (
        "control_structure", {"prompt": "x", "image": png(64, 64), "control_strength": 1}
    ),
    "style fidelity 0, tallest": ("control_style", {"prompt": "x", "image": png(64, 160), "fidelity": 0}),
    "style fidelity 1, 9:21": ("control_style", {"prompt": "x", "image": IMAGE, "fidelity": 1, "aspect_ratio": "9:21"}),
    "3d texture 1024 as an int": ("stable_fast_3d", {"image": IMAGE, "texture_resolution": 1024}),
    "3d smallest, vertex count -1": (
        "stable_fast_3d", {"image": png(64, 64), "vertex_count": -1, "foreground_ratio": 0.1}
    ),
    "3d vertex count 20000": (
        "stable_fast_3d", {"image": IMAGE, "vertex_count": 20_000, "foreground_ratio": 1, "remesh": "triangle"}
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(EDGES))
def test_the_documented_edges_are_sent(client: Any, fake: FakeStability, case: str) -> None:
    method, kwargs = EDGES[case]
    assert getattr(client, method)(**kwargs) is not None
    assert fake.count(method) == 1
