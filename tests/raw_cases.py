"""One raw generated call per operation, described as data so every backend (stub transport, fake server) runs them.

A case knows how to call its generated module with valid arguments; tests pick the module's ``sync_detailed``
or ``asyncio_detailed`` and the backend decides what the server answers. There is a case for every registry
entry: its module, method, what a success looks like (by what the operation returns) and its documented error
statuses (from the spec) come from the entry; only the request bodies below are written by hand.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from stability._operations.registry import REGISTRY, Entry
from stability_api.models import (
    ControlSketchRequest,
    ControlStructureRequest,
    ControlStyleRequest,
    EditEraseRequest,
    EditInpaintRequest,
    EditOutpaintRequest,
    EditRemoveBackgroundRequest,
    EditReplaceBackgroundAndRelightRequest,
    EditSearchAndRecolorRequest,
    EditSearchAndReplaceRequest,
    GenerateCoreRequest,
    GenerateSd3Request,
    GenerateUltraRequest,
    ImageToImageOptions,
    ImageToImageRequest,
    ImageToVideoRequest,
    ImageToVideoV2BetaRequest,
    InpaintRequest,
    MaskingOptions,
    MaskingRequest,
    StableFast3DRequest,
    TextPrompt,
    TextToImageRequest,
    UpscaleConservativeRequest,
    UpscaleCreativeRequest,
    UpscaleFastRequest,
    UpscaleRequest,
)
from stability_api.types import File

GENERATION_ID = "a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4"


def png(width: int, height: int, *, alpha: bool = False) -> bytes:
    """A real, decodable PNG of one grey colour (stdlib only)."""
    channels = 4 if alpha else 3
    row = b"\x00" + bytes([128] * channels * width)
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def image_file(width: int = 512, height: int = 512, *, alpha: bool = False, name: str = "image.png") -> File:
    return File(payload=io.BytesIO(png(width, height, alpha=alpha)), file_name=name, mime_type="image/png")


def _prompts() -> list[TextPrompt]:
    return [TextPrompt(text="a lighthouse at dawn", weight=1.0), TextPrompt(text="fog", weight=-0.5)]


V1_ARTIFACTS = {"artifacts": [{"base64": "iVBORw0KGgo=", "seed": 1234, "finishReason": "SUCCESS"}]}
V2_IMAGE = {"image": "iVBORw0KGgo=", "finish_reason": "SUCCESS", "seed": 343940597}
V2_VIDEO = {"video": "AAAAIGZ0eXBpc29t", "finish_reason": "SUCCESS", "seed": 42}

# A JSON success by what the operation returns (a job's result: by its media).
JSON_SUCCESS: dict[str, dict[str, Any]] = {
    "images": V1_ARTIFACTS,
    "image": V2_IMAGE,
    "video": V2_VIDEO,
    "job": {"id": GENERATION_ID},
    "engines": {"engines": [{"id": "e", "name": "E", "description": "d", "type": "PICTURE"}]},
    "account": {"id": "user-1", "email": "a@example.com", "organizations": []},
    "balance": {"credits": 12.5},
}
# v1 lists engines as a bare array (v1alpha wraps it in an object).
V1_ENGINES = JSON_SUCCESS["engines"]["engines"]
# 3D answers only a binary glTF: it has no JSON success.
BINARY_SUCCESS = {"images": "image/png", "image": "image/png", "video": "video/mp4", "model": "model/gltf-binary"}

# Valid arguments of the operations that send a body (by the registry's name); the others take none, or the
# id of a job.
BODIES: dict[str, Callable[[], dict[str, Any]]] = {
    "text_to_image": lambda: {
        "engine_id": "stable-diffusion-512-v2-1",
        "body": TextToImageRequest(text_prompts=_prompts(), width=512, height=512, seed=7),
        "accept": "image/png",
    },
    "image_to_image": lambda: {
        "engine_id": "stable-diffusion-512-v2-1",
        "body": ImageToImageRequest(
            init_image=image_file(),
            options=ImageToImageOptions(text_prompts=_prompts(), step_schedule_start=0.6),
        ),
        "accept": "image/png",
    },
    "masked_image_to_image": lambda: {
        "engine_id": "stable-inpainting-512-v2-0",
        "body": MaskingRequest(
            init_image=image_file(alpha=True),
            options=MaskingOptions(text_prompts=_prompts(), mask_source="INIT_IMAGE_ALPHA"),
        ),
        "accept": "image/png",
    },
    "image_to_video": lambda: {"body": ImageToVideoRequest(image=image_file(768, 768), seed=5, motion_bucket_id=127)},
    "inpaint": lambda: {
        "body": InpaintRequest(mode="search", search_prompt="glasses", image=image_file(), prompt="sunglasses")
    },
    "upscale": lambda: {
        "body": UpscaleRequest(image=image_file(256, 256), prompt="a sharper lighthouse", creativity=0.3)
    },
    "generate_ultra": lambda: {
        "body": GenerateUltraRequest(prompt="a lighthouse at dawn", image=image_file(), strength=0.6, seed=7)
    },
    "generate_core": lambda: {
        "body": GenerateCoreRequest(prompt="a lighthouse at dawn", aspect_ratio="16:9", style_preset="line-art")
    },
    "generate_sd3": lambda: {
        "body": GenerateSd3Request(
            prompt="a lighthouse at dawn", mode="image-to-image", image=image_file(), strength=0.5, model="sd3.5-medium"
        )
    },
    "upscale_fast": lambda: {"body": UpscaleFastRequest(image=image_file(256, 256), output_format="webp")},
    "upscale_conservative": lambda: {
        "body": UpscaleConservativeRequest(image=image_file(), prompt="a sharper lighthouse", creativity=0.35)
    },
    "upscale_creative": lambda: {
        "body": UpscaleCreativeRequest(image=image_file(256, 256), prompt="a sharper lighthouse", creativity=0.3)
    },
    "image_to_video_v2beta": lambda: {
        "body": ImageToVideoV2BetaRequest(image=image_file(768, 768), seed=5, motion_bucket_id=127)
    },
    "edit_erase": lambda: {"body": EditEraseRequest(image=image_file(), mask=image_file(), grow_mask=5, seed=3)},
    "edit_inpaint": lambda: {
        "body": EditInpaintRequest(image=image_file(alpha=True), prompt="a full moon", grow_mask=50)
    },
    "edit_outpaint": lambda: {
        "body": EditOutpaintRequest(image=image_file(256, 256), left=64, down=32, creativity=0.4, prompt="sea")
    },
    "edit_search_and_replace": lambda: {
        "body": EditSearchAndReplaceRequest(image=image_file(), prompt="a sailing ship", search_prompt="lighthouse")
    },
    "edit_search_and_recolor": lambda: {
        "body": EditSearchAndRecolorRequest(
            image=image_file(), prompt="a red lighthouse", select_prompt="lighthouse", output_format="jpeg"
        )
    },
    "edit_remove_background": lambda: {
        "body": EditRemoveBackgroundRequest(image=image_file(256, 256), output_format="webp")
    },
    "edit_replace_background_and_relight": lambda: {
        "body": EditReplaceBackgroundAndRelightRequest(
            subject_image=image_file(),
            background_prompt="a misty harbour at night",
            keep_original_background="false",
            light_source_direction="left",
            light_source_strength=0.5,
        )
    },
    "control_sketch": lambda: {
        "body": ControlSketchRequest(prompt="a lighthouse at dusk", image=image_file(), control_strength=0.6)
    },
    "control_structure": lambda: {
        "body": ControlStructureRequest(prompt="a lighthouse at dusk", image=image_file(), output_format="webp")
    },
    "control_style": lambda: {
        "body": ControlStyleRequest(prompt="a lighthouse", image=image_file(), aspect_ratio="16:9", fidelity=0.8)
    },
    "stable_fast_3d": lambda: {
        "body": StableFast3DRequest(image=image_file(256, 256), texture_resolution="512", remesh="quad")
    },
}


@functools.cache
def _documented_errors() -> dict[str, tuple[int, ...]]:
    """operationId -> the error statuses the spec documents for it."""
    spec = yaml.safe_load((Path(__file__).resolve().parent.parent / "openapi" / "stability.yaml").read_text())
    return {
        op["operationId"]: tuple(sorted(int(status) for status in op["responses"] if int(status) >= 400))
        for item in spec["paths"].values()
        for op in item.values()
    }


@dataclass(frozen=True)
class RawCase:
    """An operation (by the registry's name) and valid arguments for its generated functions."""

    operation: str
    kwargs: Callable[[], dict[str, Any]]

    def __str__(self) -> str:
        return self.operation

    @property
    def entry(self) -> Entry:
        return REGISTRY[self.operation]

    @property
    def module(self) -> ModuleType:
        return self.entry.api

    @property
    def tag(self) -> str:
        return self.entry.path.split("/")[1]

    @property
    def method(self) -> str:
        return self.entry.method

    @property
    def _returns(self) -> str:
        return (self.entry.media or "image") if self.entry.returns == "result" else self.entry.returns

    @property
    def binary_success(self) -> str | None:
        """The media type of a binary 200, if the operation has one."""
        return BINARY_SUCCESS.get(self._returns)

    @property
    def json_success(self) -> Any:
        """A JSON 200 body (an object; v1's engines: an array); None for 3D, which has no JSON form."""
        if self.tag == "v1" and self._returns == "engines":
            return V1_ENGINES
        return JSON_SUCCESS.get(self._returns)

    @property
    def in_progress(self) -> bool:
        """Whether the operation answers 202 (a job's result)."""
        return bool(self.entry.finishes)

    @property
    def error_statuses(self) -> tuple[int, ...]:
        return _documented_errors()[self.entry.operation_id]

    @property
    def error_kind(self) -> str:
        return {"v1alpha": "goa", "v1": "v1"}.get(self.tag, "v2")


def _kwargs(entry: Entry) -> Callable[[], dict[str, Any]]:
    if entry.model is not None:
        assert entry.name in BODIES, f"tests/raw_cases.py: BODIES has no valid arguments for {entry.name}"
        return BODIES[entry.name]
    if entry.finishes:
        return lambda: {"id": GENERATION_ID}
    return dict


CASES: list[RawCase] = [RawCase(name, _kwargs(entry)) for name, entry in REGISTRY.items()]

CASE_IDS = [case.operation for case in CASES]
