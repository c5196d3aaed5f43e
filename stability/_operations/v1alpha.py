"""v1alpha: text-to-image, image-to-image, masking, engines, account and balance.

Stability switched these endpoints off on 1 May 2023; they stay as the project started with them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from .._core import limits as L
from .._core import validation as check
from .._core.errors import GenerationFailedError
from .._core.flow import Answer, Operation
from .._files.inputs import ImageSource
from .._results import Account, Engine, ImageResult
from .._types import DEFAULT_ENGINE
from .common import Expected, _b64, _image, _image_bytes, _is_json, _json, _json_object, image_input, operation
from .entry import DemoInput, Entry, Param

V1_RESULT = Expected(min_side=int(L.V1_SIDE.low), max_side=int(L.V1_SIDE.high), max_pixels=L.V1_MAX_PIXELS)
_ACCEPT: Final = ("image/png", "application/json")  # PNG for one image, JSON for several
_NAMES: Final = MappingProxyType({"prompt": "text_prompts", "engine": "engine_id"})

# --------------------------------------------------------------------------------------------- arguments

_SIZES = (
    f"{L.V1_SIDE.describe()}, a multiple of {L.V1_SIDE_MULTIPLE}; width x height at most {L.V1_MAX_PIXELS:,} pixels"
)
_GENERATION: Final = MappingProxyType(
    {
        "prompt": Param(check.Prompts(L.V1_PROMPT_MAX_CHARS), "what to draw", "PROMPT"),
        "negative_prompt": Param(check.Text(L.V1_PROMPT_MAX_CHARS), "what to steer away from", "TEXT"),
        "engine": Param(check.PathSegment(DEFAULT_ENGINE), "the engine (see `engines`)", "ID"),
        "cfg_scale": Param(check.Number(L.V1_CFG_SCALE), "how strictly the image follows the prompt"),
        "steps": Param(check.Number(L.V1_STEPS, integer=True), "diffusion steps", "N"),
        "samples": Param(check.Number(L.V1_SAMPLES, integer=True), "images to make", "N"),
        "seed": Param(check.Number(L.V1_SEED, integer=True), "noise seed; 0 is random", "N"),
        "sampler": Param(check.Choice(L.V1_SAMPLERS), "diffusion sampler", "NAME", unset="the API picks"),
        "clip_guidance_preset": Param(check.Choice(L.V1_CLIP_GUIDANCE_PRESETS), "CLIP guidance", "NAME", unset="NONE"),
    }
)


def _with(*extra: tuple[str, Param], after: str = "prompt") -> Mapping[str, Param]:
    """The generation arguments with ``extra`` ones placed after ``after``."""
    params: dict[str, Param] = {}
    for name, param in _GENERATION.items():
        params[name] = param
        if name == after:
            params.update(extra)
    return MappingProxyType(params)


# What check.v1_image_size holds an input image to: it sets the output's size.
_INPUT_SIZE = (
    f"sides multiples of {L.V1_SIDE_MULTIPLE}, at most {int(L.V1_SIDE.high)}; at most {L.V1_MAX_PIXELS:,} pixels"
)
_IMAGE = Param(check.Image(L.V1_INPUT_FORMATS), f"the initial image ({_INPUT_SIZE})", "PATH")
_SIDE = check.Number(L.V1_SIDE, integer=True)

# ----------------------------------------------------------------------------------------------- parsing


def parse_images(answer: Answer, *, expected: Expected = V1_RESULT, samples: int | None = 0) -> list[ImageResult]:
    """PNG bytes with Seed/Finish-Reason headers, or JSON artifacts (one per sample).

    Only the image is required: a seed or finish reason the SDK cannot read is None resp. SUCCESS, so a paid
    image is never lost over them. A finish reason ERROR raises ``GenerationFailedError`` carrying the images
    (one ``ImageResult`` when ``samples`` was not given, else the list).
    """
    headers = answer.headers
    if _is_json(headers):
        artifacts = _json_object(answer)["artifacts"]
        if not isinstance(artifacts, list) or not artifacts:
            raise ValueError("the answer lists no artifacts")
        images = [
            _image(_b64(a["base64"]), a.get("seed"), a.get("finishReason"), None, expected=expected) for a in artifacts
        ]
    else:
        images = [_image_bytes(answer, expected)]
    failed = [i for i, image in enumerate(images) if image.finish_reason == "ERROR"]
    if failed:
        which = "the image" if len(images) == 1 else f"image {', '.join(str(i + 1) for i in failed)} of {len(images)}"
        raise GenerationFailedError(
            f"the API says the generation of {which} failed (finish_reason ERROR); the error's result holds what "
            "it returned",
            result=images[0] if samples is None else images,
        )
    return images


def _images(*, expected: Expected, samples: int | None) -> Callable[[Answer], list[ImageResult]]:
    """The parser of a generation that asked for ``samples`` images of the ``expected`` size."""
    return lambda answer: parse_images(answer, expected=expected, samples=samples)


def _input_size(source: ImageSource) -> Expected:
    """An image-to-image or masking result has the input image's size."""
    return Expected(width=source.info.width, height=source.info.height, max_pixels=L.V1_MAX_PIXELS)


def parse_engines(answer: Answer) -> list[Engine]:
    """The engines, as v1alpha wraps them (``{"engines": [...]}``) or as v1 lists them (a bare array): read by the
    JSON's shape, since Stability's own v1 sample expects the other one."""
    from stability_api.models import Engine as EngineModel

    data = _json(answer)
    items = data.get("engines") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError(f"expected a list of engines, got {type(data).__name__}")
    return [Engine(e.id, e.name, e.description, e.type_) for e in map(EngineModel.from_dict, items)]


def parse_account(answer: Answer) -> Account:
    from stability_api.models import Account as AccountModel

    return Account._from(AccountModel.from_dict(_json_object(answer)))


def parse_balance(answer: Answer) -> float:
    from stability_api.models import Balance

    credits = Balance.from_dict(_json_object(answer)).credits_
    # The model keeps what the JSON held: a string ("5") or a NaN is no balance, whatever float() makes of it.
    if isinstance(credits, bool) or not isinstance(credits, int | float) or not math.isfinite(credits):
        raise ValueError(f"expected a number of credits, got {credits!r}")
    return float(credits)


# ------------------------------------------------------------------------------------------- operations


def _prompts(args: Mapping[str, Any]) -> list[tuple[str, float]]:
    """The text prompts, the negative one weighted -1 (checked first, as the API does)."""
    return check.v1_prompts(args["prompt"], args.get("negative_prompt"))


def _generation(
    entry: Entry, args: Mapping[str, Any], prompts: list[tuple[str, float]], expected: Expected,
    uploads: Mapping[str, ImageSource | None] | None = None, **fields: Any,
) -> Operation[list[ImageResult]]:  # fmt: skip
    """The request every generation makes: its text prompts, PNG for one image and JSON for several."""
    from stability_api.models import TextPrompt

    samples = args.get("samples")
    return operation(
        entry,
        args,
        uploads=uploads,
        parse=_images(expected=expected, samples=samples),
        text_prompts=[TextPrompt(text=text, weight=weight) for text, weight in prompts],
        accept=_ACCEPT[0] if samples in (None, 1) else _ACCEPT[1],  # PNG bytes are the cheapest, but hold one image
        **fields,
    )


def _text_to_image(entry: Entry, args: dict[str, Any]) -> Operation[list[ImageResult]]:
    prompts = _prompts(args)
    width, height = args.get("width"), args.get("height")
    check.v1_size(width, height)
    # A side the request leaves out is the engine's default, which differs by engine: held to the documented bounds.
    expected = (
        V1_RESULT if width is None and height is None
        else Expected(width, height, V1_RESULT.min_side, V1_RESULT.max_side, V1_RESULT.max_pixels)
    )  # fmt: skip
    return _generation(entry, args, prompts, expected)


def _image_to_image(entry: Entry, args: dict[str, Any]) -> Operation[list[ImageResult]]:
    prompts = _prompts(args)
    source = image_input(entry, args, "image")
    assert source is not None
    check.v1_image_size(source)
    return _generation(entry, args, prompts, _input_size(source), {"init_image": source})


def _masked_image_to_image(entry: Entry, args: dict[str, Any]) -> Operation[list[ImageResult]]:
    prompts = _prompts(args)
    source = image_input(entry, args, "image")
    assert source is not None
    check.v1_image_size(source)
    mask = image_input(entry, args, "mask")
    mask_source = args.get("mask_source") or ("MASK_IMAGE_WHITE" if mask is not None else "INIT_IMAGE_ALPHA")
    mask = check.v1_mask(source, mask, mask_source)
    uploads = {"init_image": source, "mask_image": mask}
    return _generation(entry, args, prompts, _input_size(source), uploads, mask_source=mask_source)


def read_entry(
    name: str, returns: Any, operation_id: str, module: str, parse: Callable[[Answer], Any], summary: str, **kwargs: Any
) -> Entry:  # fmt: skip
    """A free read of the account's data (v1alpha or v1): the demo runs it with no arguments."""
    return Entry(
        name,
        operation_id,
        module,
        charged=False,
        cli=name.replace("_", "-"),
        summary=summary,
        returns=returns,
        parse=parse,
        example=MappingProxyType({}),
        **kwargs,
    )


def _generation_entry(name: str, operation_id: str, module: str, **kwargs: Any) -> Entry:
    kwargs.setdefault("defaulted", ("engine",))
    return Entry(
        name,
        operation_id,
        f"stability_api.api.v1alpha.{module}",
        charged=True,
        returns="images",
        accept=_ACCEPT,
        folded=("negative_prompt",),  # a text prompt with a negative weight
        max_body=L.MAX_MEDIA_BODY,
        **kwargs,
    )


ENTRIES: Final = (
    _generation_entry(
        "text_to_image",
        "textToImage",
        "text_to_image",
        cli="text-to-image",
        summary="Generate an image from text (v1alpha; writes PNG).",
        prepare=_text_to_image,
        model="TextToImageRequest",
        params=_with(
            ("width", Param(_SIDE, f"output width ({_SIZES})", "PX", unset="the engine's, 512")),
            ("height", Param(_SIDE, f"output height ({_SIZES})", "PX", unset="the engine's, 512")),
            after="engine",
        ),
        renamed=_NAMES,
        # 768x768: a size image-to-video takes, so this first image feeds every later step of the demo.
        example=MappingProxyType(
            {"prompt": "a lighthouse at dawn, oil painting", "width": 768, "height": 768, "seed": 42}
        ),
    ),
    _generation_entry(
        "image_to_image",
        "imageToImage",
        "image_to_image",
        cli="image-to-image",
        summary="Generate an image from an image and text (v1alpha; writes PNG).",
        prepare=_image_to_image,
        model="ImageToImageRequest",
        params=_with(
            ("image", _IMAGE),
            (
                "step_schedule_start",
                Param(
                    check.Number(L.V1_STEP_SCHEDULE),
                    "how much the image may change: 0 keeps it, 1 ignores it",
                    unset="the API picks",
                ),
            ),
            (
                "step_schedule_end",
                Param(check.Number(L.V1_STEP_SCHEDULE), "where the schedule ends", unset="the API picks"),
            ),
        ),  # fmt: skip
        files=("init_image",),
        renamed=MappingProxyType({**_NAMES, "image": "init_image"}),
        unexposed=("width", "height"),  # the output has the image's size
        example=MappingProxyType(
            {"prompt": "as a watercolour", "image": DemoInput.IMAGE, "step_schedule_start": 0.6, "seed": 7}
        ),
    ),
    _generation_entry(
        "masked_image_to_image",
        "masking",
        "masking",
        former_name="masking",
        cli="masking",
        summary="Repaint the masked part of an image (v1alpha image-to-image/masking; writes PNG).",
        prepare=_masked_image_to_image,
        model="MaskingRequest",
        params=_with(
            ("image", Param(check.Image(L.V1_INPUT_FORMATS), f"the image to repaint ({_INPUT_SIZE})", "PATH")),
            (
                "mask",
                Param(
                    check.Image(L.V1_INPUT_FORMATS, required=False),
                    "the mask, the image's size (white pixels are repainted)",
                    "PATH",
                ),
            ),
            (
                "mask_source",
                Param(
                    check.Choice(L.V1_MASK_SOURCES),
                    "which pixels to repaint",
                    "NAME",
                    unset="MASK_IMAGE_WHITE with a mask, else INIT_IMAGE_ALPHA",
                ),
            ),
        ),  # fmt: skip
        files=("init_image", "mask_image"),
        renamed=MappingProxyType({**_NAMES, "image": "init_image", "mask": "mask_image"}),
        unexposed=("width", "height"),
        defaulted=("engine", "mask_source"),  # from whether a mask is given
        example=MappingProxyType({"prompt": "a red door", "image": DemoInput.IMAGE, "mask": DemoInput.MASK, "seed": 8}),
    ),
    *(
        read_entry(
            f"{name}_v1alpha",
            name,
            operation_id,
            f"stability_api.api.v1alpha.{module}",
            parse,
            f"{summary} (v1alpha, retired by Stability in 2023).",
        )
        for name, operation_id, module, parse, summary in (
            ("engines", "listEngines", "list_engines", parse_engines, "List the engines your key may use"),
            ("account", "getAccount", "get_account", parse_account, "Show the account that owns the key"),
            ("balance", "getBalance", "get_balance", parse_balance, "Show your credits (1 credit = 1 US cent)"),
        )
    ),  # fmt: skip
)
