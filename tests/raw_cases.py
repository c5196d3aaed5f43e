"""One raw generated call per operation, described as data so every backend (stub transport, fake server) runs them.

A case knows how to call its generated module with valid arguments; tests pick the module's ``sync_detailed``
or ``asyncio_detailed`` and the backend decides what the server answers.
"""

from __future__ import annotations

import importlib
import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from stability_api.models import (
    ImageToImageOptions,
    ImageToImageRequest,
    ImageToVideoRequest,
    InpaintRequest,
    MaskingOptions,
    MaskingRequest,
    TextPrompt,
    TextToImageRequest,
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


@dataclass(frozen=True)
class RawCase:
    """An operation and valid arguments for its generated functions."""

    operation: str  # the operationId, snake_case, as the generated module is named
    tag: str
    method: str
    kwargs: Callable[[], dict[str, Any]]
    binary_success: str | None = None  # media type of a binary 200, if the operation has one
    json_success: dict[str, Any] | None = None  # a JSON 200 body, if the operation has one
    in_progress: bool = False  # whether the operation answers 202
    error_statuses: tuple[int, ...] = field(default=(400,))

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"stability_api.api.{self.tag}.{self.operation}")

    @property
    def error_kind(self) -> str:
        return "goa" if self.tag == "v1alpha" else "v2"


def _prompts() -> list[TextPrompt]:
    return [TextPrompt(text="a lighthouse at dawn", weight=1.0), TextPrompt(text="fog", weight=-0.5)]


V1_ARTIFACTS = {"artifacts": [{"base64": "iVBORw0KGgo=", "seed": 1234, "finishReason": "SUCCESS"}]}
V2_IMAGE = {"image": "iVBORw0KGgo=", "finish_reason": "SUCCESS", "seed": 343940597}
V2_VIDEO = {"video": "AAAAIGZ0eXBpc29t", "finish_reason": "SUCCESS", "seed": 42}

CASES: list[RawCase] = [
    RawCase(
        "text_to_image",
        "v1alpha",
        "POST",
        lambda: {
            "engine_id": "stable-diffusion-512-v2-1",
            "body": TextToImageRequest(text_prompts=_prompts(), width=512, height=512, seed=7),
            "accept": "image/png",
        },
        binary_success="image/png",
        json_success=V1_ARTIFACTS,
        error_statuses=(400, 401, 403, 404),
    ),
    RawCase(
        "image_to_image",
        "v1alpha",
        "POST",
        lambda: {
            "engine_id": "stable-diffusion-512-v2-1",
            "body": ImageToImageRequest(
                init_image=image_file(),
                options=ImageToImageOptions(text_prompts=_prompts(), step_schedule_start=0.6),
            ),
            "accept": "image/png",
        },
        binary_success="image/png",
        json_success=V1_ARTIFACTS,
        error_statuses=(400, 401, 403, 404),
    ),
    RawCase(
        "masking",
        "v1alpha",
        "POST",
        lambda: {
            "engine_id": "stable-inpainting-512-v2-0",
            "body": MaskingRequest(
                init_image=image_file(alpha=True),
                options=MaskingOptions(text_prompts=_prompts(), mask_source="INIT_IMAGE_ALPHA"),
            ),
            "accept": "image/png",
        },
        binary_success="image/png",
        json_success=V1_ARTIFACTS,
        error_statuses=(400, 401, 403, 404),
    ),
    RawCase(
        "list_engines",
        "v1alpha",
        "GET",
        dict,
        json_success={"engines": [{"id": "e", "name": "E", "description": "d", "type": "PICTURE"}]},
        error_statuses=(401,),
    ),
    RawCase(
        "get_account",
        "v1alpha",
        "GET",
        dict,
        json_success={"id": "user-1", "email": "a@example.com", "organizations": []},
        error_statuses=(401,),
    ),
    RawCase("get_balance", "v1alpha", "GET", dict, json_success={"credits": 12.5}, error_statuses=(401,)),
    RawCase(
        "image_to_video",
        "v2alpha",
        "POST",
        lambda: {"body": ImageToVideoRequest(image=image_file(768, 768), seed=5, motion_bucket_id=127)},
        json_success={"id": GENERATION_ID},
        error_statuses=(400, 401, 500),
    ),
    RawCase(
        "get_image_to_video_result",
        "v2alpha",
        "GET",
        lambda: {"id": GENERATION_ID},
        binary_success="video/mp4",
        json_success=V2_VIDEO,
        in_progress=True,
        error_statuses=(400, 404, 500),
    ),
    RawCase(
        "inpaint",
        "v2alpha",
        "POST",
        lambda: {
            "body": InpaintRequest(mode="search", search_prompt="glasses", image=image_file(), prompt="sunglasses")
        },
        binary_success="image/png",
        json_success=V2_IMAGE,
        error_statuses=(400, 403, 500),
    ),
    RawCase(
        "upscale",
        "v2alpha",
        "POST",
        lambda: {"body": UpscaleRequest(image=image_file(256, 256), prompt="a sharper lighthouse", creativity=0.3)},
        json_success={"id": GENERATION_ID},
        error_statuses=(400, 403, 500),
    ),
    RawCase(
        "get_upscale_result",
        "v2alpha",
        "GET",
        lambda: {"id": GENERATION_ID},
        binary_success="image/png",
        json_success=V2_IMAGE,
        in_progress=True,
        error_statuses=(400, 403, 404, 500),
    ),
]

CASE_IDS = [case.operation for case in CASES]
