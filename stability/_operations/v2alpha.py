"""v2alpha: stable-image inpaint and upscale (a job), image-to-video (a job), and the two job results."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final, Literal

from .._core import limits as L
from .._core import validation as check
from .._core.errors import GenerationFailedError
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
from .entry import DemoInput, Entry, Param

UPSCALE_RESULT = Expected()
INPAINT_RESULT = Expected(max_pixels=int(L.INPAINT_PIXELS.high))

# --------------------------------------------------------------------------------------------- arguments

NEGATIVE = Param(check.Text(L.V2_PROMPT_MAX_CHARS), "what to steer away from", "TEXT")
SEED = Param(check.Number(L.V2_SEED, integer=True), "noise seed; 0 is random", "N", unset="0")


def output_format_param(formats: tuple[str, ...]) -> Param:
    return Param(check.Choice(formats), "the image format", "FORMAT", unset="from the -o extension, else png")


_OUTPUT_FORMAT = output_format_param(L.V2_OUTPUT_FORMATS)


def prompt_param(what: str) -> Param:
    return Param(check.Text(L.V2_PROMPT_MAX_CHARS, required=True), what, "PROMPT")


def image_param(what: str, formats: tuple[str, ...], rule: str, *, required: bool = True) -> Param:
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
        check.inpaint_search(search_prompt, mask)
    else:
        mask_source = image_input(entry, args, "mask")
        check.inpaint_mask(source, mask_source, search_prompt)
    uploads = {"image": source, "mask": mask_source}
    return operation(entry, args, uploads=uploads, limit_request=True, mode=mode)


def _upscale(entry: Entry, args: dict[str, Any]) -> Operation[str]:
    source = image_input(entry, args, "image")
    assert source is not None
    check.pixel_bounds(source, L.UPSCALE_PIXELS)
    return operation(entry, args, uploads={"image": source}, limit_request=True)


def prepare_image_to_video(entry: Entry, args: dict[str, Any]) -> Operation[str]:
    source = image_input(entry, args, "image")
    assert source is not None
    check.exact_size(source, L.VIDEO_SIZES)
    return operation(entry, args, uploads={"image": source}, limit_request=True)


def video_params(**motion: Any) -> Mapping[str, Param]:
    """Image-to-video's arguments (the same in v2alpha and v2beta)."""
    return MappingProxyType(
        {
            "image": image_param(
                "the first frame",
                L.VIDEO_INPUT_FORMATS,
                "exactly " + " or ".join(f"{w}x{h}" for w, h in L.VIDEO_SIZES),
            ),
            "cfg_scale": Param(check.Number(L.VIDEO_CFG_SCALE), "how closely the video keeps to the image"),
            "motion_bucket_id": Param(check.Number(L.VIDEO_MOTION_BUCKET_ID), "more motion when higher", "N", **motion),
            "seed": SEED,
        }
    )


def job_entry(name: str, operation_id: str, module: str, *, result: str | None = None, **kwargs: Any) -> Entry:
    """A charged start of a job (``module`` in ``stability_api.api``): it answers the job's id; ``result``
    (default ``<name>_result``) finishes it."""
    return Entry(
        name,
        operation_id,
        f"stability_api.api.{module}",
        charged=True,
        returns="job",
        parse=parse_started,
        starts_job=result or f"{name}_result",
        **kwargs,
    )


def result_entry(
    name: str, operation_id: str, module: str, parse: Callable[[Answer], Any], *, finishes: tuple[str, ...],
    media: Literal["image", "video"], accept: str | None = None, former_name: str | None = None,
) -> Entry:  # fmt: skip
    """A job's result (``module`` in ``stability_api.api``): polled by id (202 while running), the media itself once
    done."""
    return Entry(
        name,
        operation_id,
        f"stability_api.api.{module}",
        charged=False,
        former_name=former_name,
        cli="result",
        summary="Resume a job by id: wait for it and download its result.",
        returns="result",
        parse=parse,
        accept=(accept or f"{media}/*",),
        finishes=finishes,
        media=media,
        renamed=MappingProxyType({"job_id": "id"}),
        max_body=L.MAX_MEDIA_BODY,
    )


ENTRIES: Final = (
    Entry(
        "inpaint",
        "inpaint",
        "stability_api.api.v2alpha.inpaint",
        charged=True,
        cli="inpaint",
        summary="Repaint part of an image: by a search prompt or a mask (v2alpha).",
        returns="image",
        prepare=_inpaint,
        parse=functools.partial(parse_image, expected=INPAINT_RESULT),
        model="InpaintRequest",
        params=MappingProxyType(
            {
                "prompt": prompt_param("what to paint"),
                "image": image_param(
                    "the image", L.V2_IMAGE_INPUT_FORMATS, f"{L.INPAINT_PIXELS.describe()} pixels, sides >= 64"
                ),
                "mask": image_param(
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
                "negative_prompt": NEGATIVE,
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        price=MappingProxyType({"search": L.PRICE_INPAINT_SEARCH, "mask": L.PRICE_INPAINT_MASK}),
        files=("image", "mask"),
        accept=("image/*",),
        defaulted=("mode",),  # search when a search_prompt is given, else mask
        max_body=L.MAX_MEDIA_BODY,
        example=MappingProxyType(
            {
                "prompt": "a clear blue sky",
                "image": DemoInput.IMAGE,
                "mask": DemoInput.MASK,
                "output_format": "jpeg",
                "seed": 9,
            }
        ),
    ),
    job_entry(
        "upscale",
        "upscale",
        "v2alpha.upscale",
        cli="upscale",
        summary="Upscale an image up to 4K (v2alpha job: waits, then writes the image).",
        prepare=_upscale,
        model="UpscaleRequest",
        params=MappingProxyType(
            {
                "prompt": prompt_param("what the image shows"),
                "image": image_param(
                    "the image", L.V2_IMAGE_INPUT_FORMATS, f"{L.UPSCALE_PIXELS.describe()} pixels, sides >= 64"
                ),
                "negative_prompt": NEGATIVE,
                "creativity": Param(check.Number(L.UPSCALE_CREATIVITY), "how much detail to invent"),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        price=L.PRICE_UPSCALE,
        files=("image",),
        example=MappingProxyType(
            {"prompt": "a sharper lighthouse", "image": DemoInput.IMAGE, "output_format": "webp", "seed": 10}
        ),
    ),
    result_entry(
        "upscale_result",
        "getUpscaleResult",
        "v2alpha.get_upscale_result",
        parse_image,
        finishes=("upscale",),
        media="image",
        former_name="get_upscale_result",
    ),
    job_entry(
        "image_to_video",
        "imageToVideo",
        "v2alpha.image_to_video",
        cli="image-to-video",
        summary="Make a short video from an image (v2alpha job: waits, writes MP4).",
        prepare=prepare_image_to_video,
        model="ImageToVideoRequest",
        params=video_params(),
        price=L.PRICE_IMAGE_TO_VIDEO,
        files=("image",),
        example=MappingProxyType({"image": DemoInput.IMAGE, "seed": 11}),
    ),
    result_entry(
        "image_to_video_result",
        "getImageToVideoResult",
        "v2alpha.get_image_to_video_result",
        parse_video,
        finishes=("image_to_video",),
        media="video",
        former_name="get_image_to_video_result",
    ),
)
