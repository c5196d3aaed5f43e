"""stability/_limits.py agrees with openapi/stability.yaml, so the facade, the fake and the spec share one truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stability._core import limits as L

SPEC: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "openapi" / "stability.yaml").read_text()
)
SCHEMAS = SPEC["components"]["schemas"]


def _bounds(schema: dict[str, Any]) -> L.Bounds:
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return L.Bounds(schema["minimum"], schema["maximum"])


@pytest.mark.parametrize("body", ["TextToImageRequest", "ImageToImageOptions", "MaskingOptions"])
def test_v1alpha_bounds(body: str) -> None:
    props = SCHEMAS[body]["properties"]
    assert _bounds(props["height"]) == _bounds(props["width"]) == L.V1_SIDE
    assert _bounds(props["cfg_scale"]) == L.V1_CFG_SCALE
    assert _bounds(props["steps"]) == L.V1_STEPS
    assert _bounds(props["samples"]) == L.V1_SAMPLES
    assert _bounds(props["seed"]) == L.V1_SEED
    assert SCHEMAS["TextPrompt"]["properties"]["text"]["maxLength"] == L.V1_PROMPT_MAX_CHARS


def test_v1alpha_enums_and_step_schedule() -> None:
    assert tuple(SCHEMAS["ClipGuidancePreset"]["enum"]) == L.V1_CLIP_GUIDANCE_PRESETS
    assert tuple(SCHEMAS["Sampler"]["enum"]) == L.V1_SAMPLERS
    assert tuple(SCHEMAS["MaskSource"]["enum"]) == L.V1_MASK_SOURCES
    props = SCHEMAS["ImageToImageOptions"]["properties"]
    assert _bounds(props["step_schedule_start"]) == _bounds(props["step_schedule_end"]) == L.V1_STEP_SCHEDULE


def test_v2alpha_bounds() -> None:
    video = SCHEMAS["ImageToVideoRequest"]["properties"]
    assert _bounds(video["cfg_scale"]) == L.VIDEO_CFG_SCALE
    assert _bounds(video["motion_bucket_id"]) == L.VIDEO_MOTION_BUCKET_ID
    assert _bounds(video["seed"]) == L.V2_SEED
    upscale = SCHEMAS["UpscaleRequest"]["properties"]
    assert _bounds(upscale["creativity"]) == L.UPSCALE_CREATIVITY
    for body in ("InpaintRequest", "UpscaleRequest"):
        props = SCHEMAS[body]["properties"]
        assert props["prompt"]["maxLength"] == props["negative_prompt"]["maxLength"] == L.V2_PROMPT_MAX_CHARS
    assert tuple(SCHEMAS["OutputFormat"]["enum"]) == L.V2_OUTPUT_FORMATS
    assert tuple(SCHEMAS["InpaintMode"]["enum"]) == L.INPAINT_MODES
    assert SCHEMAS["GenerationId"]["maxLength"] == L.GENERATION_ID_LENGTH


def test_limits_written_in_descriptions() -> None:
    text = yaml.safe_dump(SPEC)
    assert "4,096 to 9,437,184 pixels" in SCHEMAS["InpaintRequest"]["properties"]["image"]["description"]
    assert "4,096 to 1,048,576 pixels" in SCHEMAS["UpscaleRequest"]["properties"]["image"]["description"]
    assert (L.INPAINT_PIXELS.low, L.INPAINT_PIXELS.high) == (4_096, 9_437_184)
    assert (L.UPSCALE_PIXELS.low, L.UPSCALE_PIXELS.high) == (4_096, 1_048_576)
    assert "1024x576, 576x1024 or 768x768" in SCHEMAS["ImageToVideoRequest"]["properties"]["image"]["description"]
    assert L.VIDEO_SIZES == ((1024, 576), (576, 1024), (768, 768))
    assert "1,048,576 pixels" in SCHEMAS["TextToImageRequest"]["properties"]["height"]["description"]
    assert "20 cents" in text and "25 cents" in text and "4 cents" in text and "3 cents" in text


def test_bounds_membership() -> None:
    assert 0.35 in L.UPSCALE_CREATIVITY and 0.36 not in L.UPSCALE_CREATIVITY
    assert True not in L.V1_SAMPLES and "3" not in L.V1_SAMPLES
    assert L.V1_SEED.describe() == "between 0 and 2147483647"
