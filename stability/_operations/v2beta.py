"""v2beta: Stability's live Stable Image operations: generate (Ultra, Core, SD3), upscale (fast, conservative,
creative: a job), the generic job result, and image-to-video (a job) with its result."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from .._core import limits as L
from .._core import validation as check
from .._core.flow import Operation
from .._results import ImageResult
from .common import Expected, operation, upload
from .entry import DemoInput, Entry, Param, Returns
from .v2alpha import (
    NEGATIVE,
    SEED,
    image_param,
    job_entry,
    output_format_param,
    parse_image,
    parse_video,
    prepare_image_to_video,
    prompt_param,
    result_entry,
    video_params,
)

_FORMATS: Final = L.V2_IMAGE_INPUT_FORMATS
_OUTPUT_FORMAT = output_format_param(L.V2BETA_OUTPUT_FORMATS)
_ASPECT_RATIO = Param(check.Choice(L.ASPECT_RATIOS), "the output's width:height", "W:H", unset="1:1")
_STRENGTH = Param(
    check.Number(L.STRENGTH),
    "how far the output may stray from the image: 0 keeps it, 1 ignores it",
    unset="none; required with an image",
)
_RATIO = "aspect ratio 1:2.5 to 2.5:1"


def megapixels_result(megapixels: float) -> Expected:
    """A generation's result: about ``megapixels`` (the document gives no size per aspect ratio)."""
    return Expected(max_pixels=int(megapixels * L.MEGAPIXEL_SLACK * 1024 * 1024))


_ULTRA_RESULT = megapixels_result(L.MEGAPIXELS["ultra"])
_CORE_RESULT = megapixels_result(L.MEGAPIXELS["core"])
_SD3_RESULT = megapixels_result(L.MEGAPIXELS["sd3"])
# Conservative upscales make about 4 megapixels from inputs of up to 9.4; creative about 4 from up to 1: accepted up
# to 16 times their largest input (4x each side), as the v2alpha upscale.
_CONSERVATIVE_RESULT = Expected(max_pixels=16 * int(L.CONSERVATIVE_PIXELS.high))
_FAST_RESULT = Expected(max_pixels=L.UPSCALE_FAST_FACTOR**2 * int(L.UPSCALE_FAST_PIXELS.high))


def _image(entry: Entry, args: Mapping[str, Any], **size: Any) -> dict[str, Any]:
    """The operation's ``image`` upload (None when optional and not given), its size checked as documented."""
    return {"image": upload(entry, args, "image", **size)}


# ------------------------------------------------------------------------------------------- operations


def _ultra(entry: Entry, args: dict[str, Any]) -> Operation[ImageResult]:
    check.together("image", args.get("image"), "strength", args.get("strength"))
    if args.get("image") is None:
        check.only_with("strength", args.get("strength"), "is only used with image (image-to-image)")
    uploads = _image(entry, args, side=L.ULTRA_IMAGE_SIDE, pixels=L.Bounds(L.ULTRA_IMAGE_MIN_PIXELS, float("inf")))
    return operation(entry, args, uploads=uploads, limit_request=True)


def _sd3(entry: Entry, args: dict[str, Any]) -> Operation[ImageResult]:
    image, strength = args.get("image"), args.get("strength")
    mode = args.get("mode") or ("image-to-image" if image is not None else "text-to-image")
    if mode == "image-to-image":
        if image is None:
            check.together("mode image-to-image", mode, "image", None)
        check.together("image", image, "strength", strength, " (mode image-to-image)")
        check.only_with(
            "aspect_ratio", args.get("aspect_ratio"), "is only used in text-to-image; the output has the image's shape"
        )
    else:
        check.only_with("image", image, "is only used in image-to-image (mode='image-to-image')")
        check.only_with("strength", strength, "is only used in image-to-image (mode='image-to-image')")
    if args.get("negative_prompt") is not None and args.get("model") in L.SD3_NO_NEGATIVE_PROMPT:
        check.only_with("negative_prompt", args["negative_prompt"], f"does not work with the model {args['model']}")
    return operation(entry, args, uploads=_image(entry, args), limit_request=True, mode=mode)


def _upscale_fast(entry: Entry, args: dict[str, Any]) -> Operation[ImageResult]:
    uploads = _image(entry, args, side=L.UPSCALE_FAST_SIDE, pixels=L.UPSCALE_FAST_PIXELS)
    info = uploads["image"].info
    # Documented as exactly 4 times each side: anything else is not what was paid for.
    factor = L.UPSCALE_FAST_FACTOR
    expected = Expected(width=factor * info.width, height=factor * info.height, max_pixels=_FAST_RESULT.max_pixels)
    parse = functools.partial(parse_image, expected=expected)
    return operation(entry, args, uploads=uploads, parse=parse, limit_request=True)


def _upscale_conservative(entry: Entry, args: dict[str, Any]) -> Operation[ImageResult]:
    uploads = _image(entry, args, pixels=L.CONSERVATIVE_PIXELS, ratio=L.ASPECT_RATIO_RANGE)
    return operation(entry, args, uploads=uploads, limit_request=True)


def _upscale_creative(entry: Entry, args: dict[str, Any]) -> Operation[str]:
    return operation(entry, args, uploads=_image(entry, args, pixels=L.CREATIVE_PIXELS), limit_request=True)


def sync_entry(
    name: str,
    operation_id: str,
    module: str | None = None,
    *,
    returns: Returns = "image",
    accept: tuple[str, ...] = ("image/*",),
    **kwargs: Any,
) -> Entry:
    """A synchronous v2beta operation (``module``: default its name): it answers the image (or, 3D, the model)."""
    return Entry(
        name,
        operation_id,
        f"stability_api.api.v2beta.{module or name}",
        charged=True,
        cli=name.replace("_", "-"),
        returns=returns,
        accept=accept,
        max_body=L.MAX_MEDIA_BODY,
        **kwargs,
    )


_EXAMPLE_PROMPT = "a lighthouse at dawn, oil painting"

ENTRIES: Final = (
    sync_entry(
        "generate_ultra",
        "generateUltra",
        "generate_ultra",
        summary="Generate an image with Stable Image Ultra, from text or from an image and text (8 credits).",
        prepare=_ultra,
        parse=functools.partial(parse_image, expected=_ULTRA_RESULT),
        model="GenerateUltraRequest",
        params=MappingProxyType(
            {
                "prompt": prompt_param("what to draw"),
                "negative_prompt": NEGATIVE,
                "aspect_ratio": _ASPECT_RATIO,
                "image": image_param(
                    "image-to-image: the starting image",
                    _FORMATS,
                    f"sides {L.ULTRA_IMAGE_SIDE.describe()}",
                    required=False,
                ),
                "strength": _STRENGTH,
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        files=("image",),
        price=L.PRICE_ULTRA,
        example=MappingProxyType({"prompt": _EXAMPLE_PROMPT, "aspect_ratio": "16:9", "seed": 12}),
    ),
    sync_entry(
        "generate_core",
        "generateCore",
        "generate_core",
        summary="Generate an image with Stable Image Core, fast and affordable (3 credits).",
        parse=functools.partial(parse_image, expected=_CORE_RESULT),
        model="GenerateCoreRequest",
        params=MappingProxyType(
            {
                "prompt": prompt_param("what to draw"),
                "negative_prompt": NEGATIVE,
                "aspect_ratio": _ASPECT_RATIO,
                "style_preset": Param(check.Choice(L.STYLE_PRESETS), "a style to steer towards", "STYLE", unset="none"),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        price=L.PRICE_CORE,
        example=MappingProxyType({"prompt": _EXAMPLE_PROMPT, "style_preset": "photographic", "seed": 13}),
    ),
    sync_entry(
        "generate_sd3",
        "generateSD3",
        "generate_sd3",
        summary="Generate an image with Stable Diffusion 3.5 or 3.0, from text or from an image and text "
        "(3.5 to 6.5 credits by model).",
        prepare=_sd3,
        parse=functools.partial(parse_image, expected=_SD3_RESULT),
        model="GenerateSd3Request",
        params=MappingProxyType(
            {
                "prompt": prompt_param("what to draw"),
                "negative_prompt": NEGATIVE,
                "model": Param(check.Choice(L.SD3_MODELS), "the model", "MODEL", unset="sd3.5-large"),
                "mode": Param(
                    check.Choice(L.SD3_MODES),
                    "text-to-image or image-to-image",
                    "MODE",
                    unset="image-to-image with an image, else text-to-image",
                ),
                "image": image_param("image-to-image: the starting image", _FORMATS, "sides >= 64", required=False),
                "strength": _STRENGTH,
                "aspect_ratio": _ASPECT_RATIO,
                "cfg_scale": Param(
                    check.Number(L.SD3_CFG_SCALE), "how strictly the image follows the prompt", unset="the model's"
                ),
                "seed": SEED,
                "output_format": output_format_param(L.SD3_OUTPUT_FORMATS),
            }
        ),  # fmt: skip
        files=("image",),
        price=MappingProxyType(dict(L.PRICE_SD3)),
        defaulted=("mode",),
        example=MappingProxyType({"prompt": _EXAMPLE_PROMPT, "model": "sd3.5-medium", "seed": 14}),
    ),
    sync_entry(
        "upscale_fast",
        "upscaleFast",
        "upscale_fast",
        summary="Upscale an image 4x in about a second (1 credit).",
        prepare=_upscale_fast,
        parse=functools.partial(parse_image, expected=_FAST_RESULT),
        model="UpscaleFastRequest",
        params=MappingProxyType(
            {
                "image": image_param(
                    "the image",
                    _FORMATS,
                    f"sides {L.UPSCALE_FAST_SIDE.describe()}, {L.UPSCALE_FAST_PIXELS.describe()} pixels",
                ),
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        files=("image",),
        price=L.PRICE_UPSCALE_FAST,
        example=MappingProxyType({"image": DemoInput.IMAGE, "output_format": "webp"}),
    ),
    sync_entry(
        "upscale_conservative",
        "upscaleConservative",
        "upscale_conservative",
        summary="Upscale an image to about 4 megapixels, keeping it as it is (25 credits).",
        prepare=_upscale_conservative,
        parse=functools.partial(parse_image, expected=_CONSERVATIVE_RESULT),
        model="UpscaleConservativeRequest",
        params=MappingProxyType(
            {
                "prompt": prompt_param("what the image shows"),
                "image": image_param(
                    "the image", _FORMATS, f"{L.CONSERVATIVE_PIXELS.describe()} pixels, sides >= 64, {_RATIO}"
                ),
                "negative_prompt": NEGATIVE,
                "creativity": Param(check.Number(L.CONSERVATIVE_CREATIVITY), "how much detail to invent"),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        files=("image",),
        price=L.PRICE_UPSCALE_CONSERVATIVE,
        example=MappingProxyType({"prompt": "a lighthouse", "image": DemoInput.IMAGE, "seed": 15}),
    ),
    job_entry(
        "upscale_creative",
        "upscaleCreative",
        "v2beta.upscale_creative",
        result="results",
        cli="upscale-creative",
        summary="Upscale a degraded image to about 4 megapixels, reimagining it (a job; 25 credits).",
        prepare=_upscale_creative,
        model="UpscaleCreativeRequest",
        params=MappingProxyType(
            {
                "prompt": prompt_param("what the image shows"),
                "image": image_param("the image", _FORMATS, f"{L.CREATIVE_PIXELS.describe()} pixels, sides >= 64"),
                "negative_prompt": NEGATIVE,
                "creativity": Param(check.Number(L.CREATIVE_CREATIVITY), "how much detail to invent"),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        price=L.PRICE_UPSCALE_CREATIVE,
        files=("image",),
        example=MappingProxyType({"prompt": "a sharper lighthouse", "image": DemoInput.IMAGE, "seed": 16}),
    ),
    result_entry(
        "results",
        "getResult",
        "v2beta.get_result",
        parse_image,
        finishes=("upscale_creative", "edit_replace_background_and_relight"),
        media="image",
        accept="*/*",
    ),
    result_entry(
        "upscale_creative_result",
        "getUpscaleCreativeResult",
        "v2beta.get_upscale_creative_result",
        parse_image,
        finishes=("upscale_creative",),
        media="image",
    ),
    job_entry(
        "image_to_video_v2beta",
        "image_to_video_v2beta",
        "v2beta.image_to_video_v2beta",
        cli="image-to-video-v2beta",
        summary="Make a short video from an image (a job; 20 credits; writes MP4).",
        prepare=prepare_image_to_video,
        model="ImageToVideoV2BetaRequest",
        # motion_bucket_id's default is in the spec's prose only: a schema default would go out as 127.0.
        params=video_params(unset="127"),
        price=L.PRICE_IMAGE_TO_VIDEO,
        files=("image",),
        example=MappingProxyType({"image": DemoInput.IMAGE, "seed": 17}),
    ),
    result_entry(
        "image_to_video_v2beta_result",
        "get_image_to_video_v2beta_result",
        "v2beta.get_image_to_video_v2beta_result",
        parse_video,
        finishes=("image_to_video_v2beta",),
        media="video",
    ),
)
