"""v2beta edit: erase, inpaint, outpaint, search-and-replace, search-and-recolor, remove-background, and
replace-background-and-relight (a job, finished by ``results``)."""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any, Final

from .._core import limits as L
from .._core import validation as check
from .._core.errors import ValidationError
from .._core.flow import Operation
from .._results import ImageResult
from .common import Expected, image_input, operation, upload
from .entry import DemoInput, Entry, Param
from .v2alpha import NEGATIVE, SEED, image_param, job_entry, output_format_param, parse_image, prompt_param
from .v2beta import sync_entry

_FORMATS: Final = L.V2_IMAGE_INPUT_FORMATS
_OUTPUT_FORMAT = output_format_param(L.V2BETA_OUTPUT_FORMATS)
_EDIT_IMAGE = f"{L.EDIT_PIXELS.describe()} pixels, sides >= 64"
_RATIO = "aspect ratio 1:2.5 to 2.5:1"
_MASK = Param(
    check.Image(_FORMATS, required=False),
    "white = change, black = keep; resized to the image (default: the image's transparent pixels)",
    "PATH",
)


def grow_mask_param(bounds: L.Bounds, unset: str) -> Param:
    return Param(check.Number(bounds), "grow the mask's edges by this many pixels, blurred", "N", unset=unset)


def edit_result(pixels: int) -> Expected:
    """An edit's result: the document states its size (4 megapixels, or the input's); what is accepted is twice
    the larger of that and the input (a guard against a decompression bomb, not a size check)."""
    most = max(pixels, int(L.EDIT_MEGAPIXELS * 1024 * 1024))
    return Expected(max_pixels=int(L.MEGAPIXEL_SLACK * most))


def _masked(entry: Entry, args: dict[str, Any], **fields: Any) -> Operation[ImageResult]:
    """erase and inpaint: the part to change is the mask's white, or the image's transparent pixels."""
    source = upload(entry, args, "image", pixels=L.EDIT_PIXELS)
    assert source is not None
    mask = image_input(entry, args, "mask")
    check.mask_or_alpha(source, mask, L.EDIT_PIXELS)
    parse = functools.partial(parse_image, expected=edit_result(source.info.pixels))
    return operation(entry, args, uploads={"image": source, "mask": mask}, parse=parse, limit_request=True)


def single_image(entry: Entry, args: dict[str, Any], **size: Any) -> Operation[ImageResult]:
    """An operation on one ``image`` of the documented ``size`` (``check.image_size``'s bounds), answered by an
    image bounded by ``edit_result`` unless the entry reads its result itself."""
    source = upload(entry, args, "image", **size)
    assert source is not None
    parse = entry.parse or functools.partial(parse_image, expected=edit_result(source.info.pixels))
    return operation(entry, args, uploads={"image": source}, parse=parse, limit_request=True)


bounded_ratio = functools.partial(single_image, pixels=L.EDIT_PIXELS, ratio=L.ASPECT_RATIO_RANGE)
"""search-and-replace, search-and-recolor and the three controls: an image whose aspect ratio is bounded."""


_DIRECTIONS: Final = ("left", "right", "up", "down")


def _outpaint(entry: Entry, args: dict[str, Any]) -> Operation[ImageResult]:
    if not any(args.get(side) for side in _DIRECTIONS):
        raise ValidationError("left", args.get("left"), "at least one of left, right, up and down must be above 0")
    source = upload(entry, args, "image", pixels=L.EDIT_PIXELS, ratio=L.ASPECT_RATIO_RANGE)
    assert source is not None
    margin = {side: int(args.get(side) or 0) for side in _DIRECTIONS}
    width = source.info.width + margin["left"] + margin["right"]
    height = source.info.height + margin["up"] + margin["down"]
    parse = functools.partial(parse_image, expected=edit_result(width * height))
    return operation(entry, args, uploads={"image": source}, parse=parse, limit_request=True)


def _relight(entry: Entry, args: dict[str, Any]) -> Operation[str]:
    # An empty prompt describes no background either (the fake, like a strict API, takes it as not given).
    if not args.get("background_prompt") and args.get("background_reference") is None:
        rule = "is required unless background_reference is given (give either, or both)"
        raise ValidationError("background_prompt", args.get("background_prompt"), rule)
    if args.get("light_source_strength") is not None and (
        args.get("light_reference") is None and args.get("light_source_direction") is None
    ):
        rule = "needs light_reference or light_source_direction (the light it sets the strength of)"
        raise ValidationError("light_source_strength", args["light_source_strength"], rule)
    uploads = {
        "subject_image": upload(entry, args, "subject_image", pixels=L.EDIT_PIXELS, ratio=L.ASPECT_RATIO_RANGE),
        "background_reference": upload(entry, args, "background_reference", pixels=L.EDIT_PIXELS),
        "light_reference": upload(entry, args, "light_reference", pixels=L.EDIT_PIXELS),
    }
    return operation(entry, args, uploads=uploads, limit_request=True)


def _weight(what: str, unset: str) -> Param:
    return Param(check.Number(L.RELIGHT_WEIGHT), what, unset=unset)


ENTRIES: Final = (
    sync_entry(
        "edit_erase",
        "editErase",
        summary="Erase what a mask (or the image's transparency) covers, filling it in (3 credits).",
        prepare=_masked,
        model="EditEraseRequest",
        params=MappingProxyType(
            {
                "image": image_param("the image", _FORMATS, _EDIT_IMAGE),
                "mask": _MASK,
                "grow_mask": grow_mask_param(L.GROW_MASK, "5"),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        files=("image", "mask"),
        price=L.PRICE_ERASE,
        example=MappingProxyType({"image": DemoInput.IMAGE, "mask": DemoInput.MASK, "seed": 21}),
    ),
    sync_entry(
        "edit_inpaint",
        "editInpaint",
        summary="Repaint what a mask (or the image's transparency) covers, as a prompt says (3 credits).",
        prepare=_masked,
        model="EditInpaintRequest",
        params=MappingProxyType(
            {
                "prompt": prompt_param("what to paint there"),
                "image": image_param("the image", _FORMATS, _EDIT_IMAGE),
                "mask": _MASK,
                "negative_prompt": NEGATIVE,
                "grow_mask": grow_mask_param(L.EDIT_INPAINT_GROW_MASK, "5"),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        files=("image", "mask"),
        price=L.PRICE_EDIT_INPAINT,
        example=MappingProxyType(
            {"prompt": "a full moon", "image": DemoInput.IMAGE, "mask": DemoInput.MASK, "seed": 22}
        ),
    ),
    sync_entry(
        "edit_outpaint",
        "editOutpaint",
        summary="Extend an image by the given margins, painting what lies beyond its edges (4 credits).",
        prepare=_outpaint,
        model="EditOutpaintRequest",
        params=MappingProxyType(
            {
                "prompt": Param(check.Text(L.V2_PROMPT_MAX_CHARS), "what to paint in the margins", "PROMPT"),
                "image": image_param("the image", _FORMATS, f"{_EDIT_IMAGE}, {_RATIO}"),
                **{
                    side: Param(
                        check.Number(L.OUTPAINT_MARGIN, integer=True), f"pixels to add {where}", "PX", unset="0"
                    )
                    for side, where in zip(
                        _DIRECTIONS, ("on the left", "on the right", "at the top", "at the bottom"), strict=True
                    )
                },
                "creativity": Param(
                    check.Number(L.OUTPAINT_CREATIVITY), "how much to invent in the margins", unset="the API's"
                ),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        files=("image",),
        price=L.PRICE_OUTPAINT,
        example=MappingProxyType({"image": DemoInput.IMAGE, "left": 128, "right": 128, "seed": 23}),
    ),
    sync_entry(
        "edit_search_and_replace",
        "editSearchAndReplace",
        summary="Replace an object the search prompt names with what the prompt describes; no mask (4 credits).",
        prepare=bounded_ratio,
        model="EditSearchAndReplaceRequest",
        params=MappingProxyType(
            {
                "prompt": prompt_param("what to put in its place"),
                "image": image_param("the image", _FORMATS, f"{_EDIT_IMAGE}, {_RATIO}"),
                "search_prompt": Param(
                    check.Text(L.V2_PROMPT_MAX_CHARS, required=True), "what to replace (e.g. 'glasses')", "TEXT"
                ),
                "negative_prompt": NEGATIVE,
                "grow_mask": grow_mask_param(L.GROW_MASK, "3"),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        files=("image",),
        price=L.PRICE_SEARCH_AND_REPLACE,
        example=MappingProxyType(
            {"prompt": "a sailing ship", "image": DemoInput.IMAGE, "search_prompt": "lighthouse", "seed": 24}
        ),
    ),
    sync_entry(
        "edit_search_and_recolor",
        "editSearchAndRecolor",
        summary="Recolor an object the select prompt names, as the prompt says; no mask (5 credits).",
        prepare=bounded_ratio,
        model="EditSearchAndRecolorRequest",
        params=MappingProxyType(
            {
                "prompt": prompt_param("the colors wanted"),
                "image": image_param("the image", _FORMATS, f"{_EDIT_IMAGE}, {_RATIO}"),
                "select_prompt": Param(
                    check.Text(L.V2_PROMPT_MAX_CHARS, required=True), "what to recolor (e.g. 'glasses')", "TEXT"
                ),
                "negative_prompt": NEGATIVE,
                "grow_mask": grow_mask_param(L.GROW_MASK, "3"),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        files=("image",),
        price=L.PRICE_SEARCH_AND_RECOLOR,
        example=MappingProxyType(
            {"prompt": "a red lighthouse", "image": DemoInput.IMAGE, "select_prompt": "lighthouse", "seed": 25}
        ),
    ),
    sync_entry(
        "edit_remove_background",
        "editRemoveBackground",
        summary="Cut the subject out: the background becomes transparent (2 credits).",
        prepare=functools.partial(single_image, pixels=L.REMOVE_BACKGROUND_PIXELS),
        model="EditRemoveBackgroundRequest",
        params=MappingProxyType(
            {
                "image": image_param(
                    "the image", _FORMATS, f"{L.REMOVE_BACKGROUND_PIXELS.describe()} pixels, sides >= 64"
                ),
                "output_format": output_format_param(L.REMOVE_BACKGROUND_OUTPUT_FORMATS),
            }
        ),  # fmt: skip
        files=("image",),
        price=L.PRICE_REMOVE_BACKGROUND,
        example=MappingProxyType({"image": DemoInput.IMAGE}),
    ),
    job_entry(
        "edit_replace_background_and_relight",
        "editReplaceBackgroundAndRelight",
        "v2beta.edit_replace_background_and_relight",
        result="results",
        cli="edit-replace-background-and-relight",
        summary="Put a subject on a new background and relight it (a job; 8 credits).",
        prepare=_relight,
        model="EditReplaceBackgroundAndRelightRequest",
        params=MappingProxyType(
            {
                "subject_image": image_param("the subject", _FORMATS, f"{_EDIT_IMAGE}, {_RATIO}"),
                "background_prompt": Param(
                    check.Text(L.V2_PROMPT_MAX_CHARS),
                    "the background (or only the light) wanted; this or --background-reference",
                    "TEXT",
                ),
                "background_reference": image_param(
                    "an image whose style the background takes", _FORMATS, _EDIT_IMAGE, required=False
                ),
                "foreground_prompt": Param(
                    check.Text(L.V2_PROMPT_MAX_CHARS), "the subject, so the background does not bleed into it", "TEXT"
                ),
                "negative_prompt": NEGATIVE,
                "preserve_original_subject": _weight("how exactly the subject keeps its pixels (1: exactly)", "0.6"),
                "original_background_depth": _weight("how closely the background keeps the original's depth", "0.5"),
                "keep_original_background": Param(
                    check.Flag(), "keep the original background, relit", "BOOL", unset="false"
                ),
                "light_source_direction": Param(
                    check.Choice(L.LIGHT_SOURCE_DIRECTIONS), "where the light comes from", "SIDE", unset="none"
                ),
                "light_reference": image_param(
                    "an image whose light areas light the output", _FORMATS, _EDIT_IMAGE, required=False
                ),
                "light_source_strength": _weight(
                    "the light's strength; needs --light-reference or --light-source-direction", "0.3"
                ),
                "seed": SEED,
                "output_format": _OUTPUT_FORMAT,
            }
        ),  # fmt: skip
        files=("subject_image", "background_reference", "light_reference"),
        price=L.PRICE_RELIGHT,
        example=MappingProxyType(
            {"subject_image": DemoInput.IMAGE, "background_prompt": "a misty harbour at night", "seed": 26}
        ),
    ),
)
