"""v2beta control (sketch, structure, style: an image steers the generation) and 3D (Stable Fast 3D: a binary
glTF model from an image)."""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any, Final

from .._core import limits as L
from .._core import validation as check
from .._core.flow import Answer, Operation
from .._results import ImageResult, ModelResult
from .common import Expected
from .common import operation as build_operation
from .entry import DemoInput, Entry, Param
from .v2alpha import NEGATIVE, SEED, image_param, output_format_param, parse_image, prompt_param
from .v2beta_edit import edit_result, upload

_FORMATS: Final = L.V2_IMAGE_INPUT_FORMATS
_OUTPUT_FORMAT = output_format_param(L.V2BETA_OUTPUT_FORMATS)
_CONTROL_IMAGE = f"{L.EDIT_PIXELS.describe()} pixels, sides >= 64, aspect ratio 1:2.5 to 2.5:1"
_CONTROL_STRENGTH = Param(check.Number(L.CONTROL_STRENGTH), "how much the image steers the output", unset="0.7")
_STYLE_RESULT = Expected(max_pixels=int(L.MEGAPIXELS["style"] * L.MEGAPIXEL_SLACK * 1024 * 1024))


def _control(entry: Entry, args: dict[str, Any]) -> Operation[ImageResult]:
    source = upload(entry, args, "image", pixels=L.EDIT_PIXELS, ratio=L.ASPECT_RATIO_RANGE)
    assert source is not None
    parse = entry.parse or functools.partial(parse_image, expected=edit_result(source.info.pixels))
    return build_operation(entry, args, uploads={"image": source}, parse=parse, limit_request=True)


def _fast_3d(entry: Entry, args: dict[str, Any]) -> Operation[ModelResult]:
    source = upload(entry, args, "image", pixels=L.FAST_3D_PIXELS)
    return build_operation(entry, args, uploads={"image": source}, limit_request=True)


def parse_model(answer: Answer) -> ModelResult:
    """A binary glTF (GLB) file: the whole of it, as its header says (there is no JSON form, seed or finish reason)."""
    from .._core.media import check_glb

    content_type = answer.headers.get("content-type")
    check_glb(answer.content, content_type)
    return ModelResult(answer.content, "model/gltf-binary", answer.headers.get("x-request-id"))


def _entry(name: str, operation_id: str, module: str, **kwargs: Any) -> Entry:
    return Entry(
        name,
        operation_id,
        f"stability_api.api.v2beta.{module}",
        charged=True,
        cli=name.replace("_", "-"),
        max_body=L.MAX_MEDIA_BODY,
        **kwargs,
    )


def _control_params(what: str, **extra: Param) -> MappingProxyType[str, Param]:
    return MappingProxyType(
        {
            "prompt": prompt_param("what to draw"),
            "image": image_param(what, _FORMATS, _CONTROL_IMAGE),
            **extra,
            "negative_prompt": NEGATIVE,
            "seed": SEED,
            "output_format": _OUTPUT_FORMAT,
        }
    )


_EXAMPLE_PROMPT = "a lighthouse at dusk, watercolour"

ENTRIES: Final = (
    _entry(
        "control_sketch",
        "controlSketch",
        "control_sketch",
        summary="Turn a sketch into a finished image that follows its lines (3 credits).",
        returns="image",
        accept=("image/*",),
        prepare=_control,
        model="ControlSketchRequest",
        params=_control_params("the sketch", control_strength=_CONTROL_STRENGTH),
        files=("image",),
        price=L.PRICE_SKETCH,
        example=MappingProxyType({"prompt": _EXAMPLE_PROMPT, "image": DemoInput.IMAGE, "seed": 31}),
    ),
    _entry(
        "control_structure",
        "controlStructure",
        "control_structure",
        summary="Generate an image that keeps the structure (shapes, layout) of another (3 credits).",
        returns="image",
        accept=("image/*",),
        prepare=_control,
        model="ControlStructureRequest",
        params=_control_params("the image whose structure to keep", control_strength=_CONTROL_STRENGTH),
        files=("image",),
        price=L.PRICE_STRUCTURE,
        example=MappingProxyType({"prompt": _EXAMPLE_PROMPT, "image": DemoInput.IMAGE, "seed": 32}),
    ),
    _entry(
        "control_style",
        "controlStyle",
        "control_style",
        summary="Generate an image in the style of another (4 credits).",
        returns="image",
        accept=("image/*",),
        prepare=_control,
        parse=functools.partial(parse_image, expected=_STYLE_RESULT),
        model="ControlStyleRequest",
        params=_control_params(
            "the style reference",
            aspect_ratio=Param(check.Choice(L.ASPECT_RATIOS), "the output's width:height", "W:H", unset="1:1"),
            fidelity=Param(check.Number(L.FIDELITY), "how closely the output keeps the image's style", unset="0.5"),
        ),
        files=("image",),
        price=L.PRICE_STYLE,
        example=MappingProxyType({"prompt": _EXAMPLE_PROMPT, "image": DemoInput.IMAGE, "seed": 33}),
    ),
    _entry(
        "stable_fast_3d",
        "stableFast3D",
        "stable_fast_3d",
        summary="Make a textured 3D model from an image of an object (2 credits; writes GLB).",
        returns="model",
        prepare=_fast_3d,
        parse=parse_model,
        model="StableFast3DRequest",
        params=MappingProxyType(
            {
                "image": image_param(
                    "an image of the object", _FORMATS, f"{L.FAST_3D_PIXELS.describe()} pixels, sides >= 64"
                ),
                "texture_resolution": Param(
                    check.Choice(L.TEXTURE_RESOLUTIONS, numeric=True),
                    "the textures' size in pixels",
                    "PX",
                    unset="1024",
                ),
                "foreground_ratio": Param(
                    check.Number(L.FOREGROUND_RATIO), "how much of the frame the object fills", unset="0.85"
                ),
                "remesh": Param(check.Choice(L.REMESH), "the mesh's faces: quad suits DCC tools", "KIND", unset="none"),
                "vertex_count": Param(
                    check.Number(L.VERTEX_COUNT, integer=True),
                    "about this many vertices; -1: no limit",
                    "N",
                    unset="-1",
                ),
            }
        ),  # fmt: skip
        files=("image",),
        price=L.PRICE_FAST_3D,
        example=MappingProxyType({"image": DemoInput.IMAGE}),
    ),
)
