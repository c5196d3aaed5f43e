"""v2beta control (sketch, structure, style: an image steers the generation) and 3D (Stable Fast 3D: a binary
glTF model from an image)."""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any, Final

from .._core import limits as L
from .._core import validation as check
from .._core.flow import Answer, Operation
from .._results import ModelResult
from .common import operation, upload
from .entry import DemoInput, Entry, Param
from .v2alpha import NEGATIVE, SEED, image_param, output_format_param, parse_image, prompt_param
from .v2beta import megapixels_result, sync_entry
from .v2beta_edit import bounded_ratio

_FORMATS: Final = L.V2_IMAGE_INPUT_FORMATS
_OUTPUT_FORMAT = output_format_param(L.V2BETA_OUTPUT_FORMATS)
_CONTROL_IMAGE = f"{L.EDIT_PIXELS.describe()} pixels, sides >= 64, aspect ratio 1:2.5 to 2.5:1"
_CONTROL_STRENGTH = Param(check.Number(L.CONTROL_STRENGTH), "how much the image steers the output", unset="0.7")
_STYLE_RESULT = megapixels_result(L.MEGAPIXELS["style"])


def _fast_3d(entry: Entry, args: dict[str, Any]) -> Operation[ModelResult]:
    source = upload(entry, args, "image", pixels=L.FAST_3D_PIXELS)
    return operation(entry, args, uploads={"image": source}, limit_request=True)


def parse_model(answer: Answer) -> ModelResult:
    """A binary glTF (GLB) file: the whole of it, as its header says (there is no JSON form, seed or finish reason)."""
    from .._core.media import check_glb

    content_type = answer.headers.get("content-type")
    check_glb(answer.content, content_type)
    return ModelResult(answer.content, "model/gltf-binary", answer.headers.get("x-request-id"))


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
    sync_entry(
        "control_sketch",
        "controlSketch",
        summary="Turn a sketch into a finished image that follows its lines (3 credits).",
        prepare=bounded_ratio,
        model="ControlSketchRequest",
        params=_control_params("the sketch", control_strength=_CONTROL_STRENGTH),
        files=("image",),
        price=L.PRICE_SKETCH,
        example=MappingProxyType({"prompt": _EXAMPLE_PROMPT, "image": DemoInput.IMAGE, "seed": 31}),
    ),
    sync_entry(
        "control_structure",
        "controlStructure",
        summary="Generate an image that keeps the structure (shapes, layout) of another (3 credits).",
        prepare=bounded_ratio,
        model="ControlStructureRequest",
        params=_control_params("the image whose structure to keep", control_strength=_CONTROL_STRENGTH),
        files=("image",),
        price=L.PRICE_STRUCTURE,
        example=MappingProxyType({"prompt": _EXAMPLE_PROMPT, "image": DemoInput.IMAGE, "seed": 32}),
    ),
    sync_entry(
        "control_style",
        "controlStyle",
        summary="Generate an image in the style of another (4 credits).",
        prepare=bounded_ratio,
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
    sync_entry(
        "stable_fast_3d",
        "stableFast3D",
        summary="Make a textured 3D model from an image of an object (2 credits; writes GLB).",
        returns="model",
        accept=(),
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
