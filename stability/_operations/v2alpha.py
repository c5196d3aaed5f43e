"""v2alpha: stable-image inpaint and upscale (a job), image-to-video (a job), and the two job results."""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any, Final

from .._core import limits as L
from .._core import validation as check
from .._core.errors import GenerationFailedError, ValidationError
from .._core.flow import Answer, Operation
from .._results import ImageResult, VideoResult
from .common import (
    Expected,
    _b64,
    _finish_reason,
    _image,
    _image_bytes,
    _int,
    _is_json,
    _json_object,
    image_input,
    operation,
    parse_started,
)
from .entry import Entry, Param

UPSCALE_RESULT = Expected()
INPAINT_RESULT = Expected(max_pixels=int(L.INPAINT_PIXELS.high))

# --------------------------------------------------------------------------------------------- arguments

_FORMATS = ", ".join(f.upper() for f in L.V2_IMAGE_INPUT_FORMATS)
_NEGATIVE = Param(check.Text(L.V2_PROMPT_MAX_CHARS), "what to steer away from", "TEXT")
_SEED = Param(check.Number(L.V2_SEED, integer=True), "noise seed; 0 is random", "N")
_OUTPUT_FORMAT = Param(
    check.Choice(L.V2_OUTPUT_FORMATS), "the image format", "FORMAT", unset="from the -o extension, else png"
)


def _prompt(what: str) -> Param:
    return Param(check.Text(L.V2_PROMPT_MAX_CHARS, required=True), what, "PROMPT")


def _image_param(what: str, formats: tuple[str, ...], rule: str, *, required: bool = True) -> Param:
    return Param(check.Image(formats, required=required), f"{what} ({rule})", "PATH")


# ----------------------------------------------------------------------------------------------- parsing


def parse_image(answer: Answer, *, expected: Expected = UPSCALE_RESULT) -> ImageResult:
    """Inpaint and upscale result: image bytes with headers, or JSON with base64.

    The default ``expected`` is the upscale result's bound (a job resumed by id has no input size to compare).
    """
    headers = answer.headers
    request_id = headers.get("x-request-id")
    if _is_json(headers):
        body = _json_object(answer)
        image = _image(_b64(body["image"]), body.get("seed"), body.get("finish_reason"), request_id, expected=expected)
    else:
        image = _image_bytes(answer, expected)
    if image.finish_reason == "ERROR":  # not in v2alpha's enum, but not a picture either
        raise GenerationFailedError(
            "the API says the generation failed (finish_reason ERROR); the error's result holds what it returned",
            result=image,
        )
    return image


def parse_video(answer: Answer) -> VideoResult:
    """Image-to-video result: MP4 bytes with headers, or JSON with base64; a whole MP4 either way."""
    from .._core.media import check_media

    headers = answer.headers
    if _is_json(headers):
        from stability_api.models import EncodedVideo

        body = EncodedVideo.from_dict(_json_object(answer))
        data, seed, finish = _b64(body.video), _int(body.seed), body.finish_reason
        check_media(data, "video", None)  # the JSON wrapper's content type says nothing about the video
    else:
        data, seed, finish = answer.content, _int(headers.get("seed")), headers.get("finish-reason", "SUCCESS")
        check_media(data, "video", headers.get("content-type"))
    return VideoResult(data, "video/mp4", seed, _finish_reason(finish), headers.get("x-request-id"))


# ------------------------------------------------------------------------------------------- operations


def _inpaint(entry: Entry, args: dict[str, Any]) -> Operation[ImageResult]:
    search_prompt, mask = args.get("search_prompt"), args.get("mask")
    mode = args.get("mode") or ("search" if search_prompt is not None else "mask")
    source = image_input(entry, args, "image")
    assert source is not None
    check.pixel_bounds(source, L.INPAINT_PIXELS)
    mask_source = None
    if mode == "search":
        if search_prompt is None or not search_prompt.strip():  # its length and text are checked by its rule
            raise ValidationError(
                "search_prompt", search_prompt, "is required" if search_prompt is None else "must not be empty"
            )
        if mask is not None:
            raise ValidationError("mask", "<image>", "is not used in search mode; pass search_prompt or mask, not both")
    else:
        if search_prompt is not None:
            raise ValidationError("search_prompt", search_prompt, "is only used in search mode (mode='search')")
        mask_source = image_input(entry, args, "mask")
        if mask_source is not None:
            # The API resizes the mask to the image; one larger than any image it takes is a mistake (or a
            # decompression bomb), refused before a byte of it is uploaded.
            if mask_source.info.pixels > L.INPAINT_PIXELS.high:
                info = mask_source.info
                rule = f"must have at most {int(L.INPAINT_PIXELS.high):,} pixels, the most an inpaint image may have (this mask is {info.width}x{info.height})"
                raise ValidationError("mask", mask_source.file_name, rule)
        elif not source.info.has_alpha:
            raise ValidationError(
                "mask", None, "mask mode needs a mask image, or an image with an alpha channel (transparent = repaint)"
            )
    uploads = {"image": source, "mask": mask_source}
    return operation(entry, args, uploads=uploads, limit_request=True, mode=mode)


def _upscale(entry: Entry, args: dict[str, Any]) -> Operation[str]:
    source = image_input(entry, args, "image")
    assert source is not None
    check.pixel_bounds(source, L.UPSCALE_PIXELS)
    return operation(entry, args, uploads={"image": source}, limit_request=True)


def _image_to_video(entry: Entry, args: dict[str, Any]) -> Operation[str]:
    source = image_input(entry, args, "image")
    assert source is not None
    size = (source.info.width, source.info.height)
    if size not in L.VIDEO_SIZES:
        allowed = ", ".join(f"{w}x{h}" for w, h in L.VIDEO_SIZES)
        raise ValidationError("image", f"{size[0]}x{size[1]}", f"must be exactly one of {allowed} pixels")
    return operation(entry, args, uploads={"image": source}, limit_request=True)


_RESULT_ID: Final = MappingProxyType({"job_id": "id"})

ENTRIES: Final = (
    Entry(
        "inpaint",
        "inpaint",
        "stability_api.api.v2alpha.inpaint",
        charged=True,
        fake="inpaint",
        cli="inpaint",
        summary="Repaint part of an image: by a search prompt or a mask (v2alpha).",
        returns="image",
        prepare=_inpaint,
        parse=functools.partial(parse_image, expected=INPAINT_RESULT),
        model="InpaintRequest",
        params=MappingProxyType(
            {
                "prompt": _prompt("what to paint"),
                "image": _image_param(
                    "the image", L.V2_IMAGE_INPUT_FORMATS, f"{L.INPAINT_PIXELS.describe()} pixels, sides >= 64"
                ),
                "mask": _image_param(
                    "mask mode: white pixels are repainted",
                    L.V2_IMAGE_INPUT_FORMATS,
                    "resized to the image",
                    required=False,
                ),
                "search_prompt": Param(
                    check.Text(L.V2_PROMPT_MAX_CHARS), "search mode: what to find and replace", "TEXT"
                ),
                "mode": Param(
                    check.Choice(L.INPAINT_MODES),
                    "how to find the area",
                    "MODE",
                    unset="search with a search prompt, else mask",
                ),
                "negative_prompt": _NEGATIVE,
                "seed": _SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        price=MappingProxyType({"search": L.PRICE_INPAINT_SEARCH, "mask": L.PRICE_INPAINT_MASK}),
        files=("image", "mask"),
        accept=("image/*",),
        defaulted=("mode",),  # search when a search_prompt is given, else mask
        max_body=L.MAX_MEDIA_BODY,
    ),
    Entry(
        "upscale",
        "upscale",
        "stability_api.api.v2alpha.upscale",
        charged=True,
        fake="upscale",
        cli="upscale",
        summary="Upscale an image up to 4K (v2alpha job: waits, then writes the image).",
        returns="job",
        prepare=_upscale,
        parse=parse_started,
        model="UpscaleRequest",
        params=MappingProxyType(
            {
                "prompt": _prompt("what the image shows"),
                "image": _image_param(
                    "the image", L.V2_IMAGE_INPUT_FORMATS, f"{L.UPSCALE_PIXELS.describe()} pixels, sides >= 64"
                ),
                "negative_prompt": _NEGATIVE,
                "creativity": Param(check.Number(L.UPSCALE_CREATIVITY), "how much detail to invent"),
                "seed": _SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        price=L.PRICE_UPSCALE,
        files=("image",),
        starts_job="upscale_result",
    ),
    Entry(
        "upscale_result",
        "getUpscaleResult",
        "stability_api.api.v2alpha.get_upscale_result",
        charged=False,
        fake="get_upscale_result",
        cli="result",
        summary="Resume a job by id: wait for it and download its result.",
        returns="result",
        parse=parse_image,
        accept=("image/*",),
        finishes="upscale",
        media="image",
        renamed=_RESULT_ID,
        max_body=L.MAX_MEDIA_BODY,
    ),
    Entry(
        "image_to_video",
        "imageToVideo",
        "stability_api.api.v2alpha.image_to_video",
        charged=True,
        fake="image_to_video",
        cli="image-to-video",
        summary="Make a short video from an image (v2alpha job: waits, writes MP4).",
        returns="job",
        prepare=_image_to_video,
        parse=parse_started,
        model="ImageToVideoRequest",
        params=MappingProxyType(
            {
                "image": _image_param(
                    "the first frame",
                    L.VIDEO_INPUT_FORMATS,
                    "exactly " + " or ".join(f"{w}x{h}" for w, h in L.VIDEO_SIZES),
                ),
                "cfg_scale": Param(check.Number(L.VIDEO_CFG_SCALE), "how closely the video keeps to the image"),
                "motion_bucket_id": Param(check.Number(L.VIDEO_MOTION_BUCKET_ID), "more motion when higher", "N"),
                "seed": _SEED,
            }
        ),  # fmt: skip
        price=L.PRICE_IMAGE_TO_VIDEO,
        files=("image",),
        starts_job="image_to_video_result",
    ),
    Entry(
        "image_to_video_result",
        "getImageToVideoResult",
        "stability_api.api.v2alpha.get_image_to_video_result",
        charged=False,
        fake="get_image_to_video_result",
        cli="result",
        summary="Resume a job by id: wait for it and download its result.",
        returns="result",
        parse=parse_video,
        accept=("video/*",),
        finishes="image_to_video",
        media="video",
        renamed=_RESULT_ID,
        max_body=L.MAX_MEDIA_BODY,
    ),
)
