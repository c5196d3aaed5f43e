"""stability/_limits.py agrees with openapi/stability.yaml, so the facade, the fake and the spec share one truth."""

from __future__ import annotations

import re
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


# ------------------------------------------------------------------------------------------------ v2beta

OPERATIONS: dict[str, dict[str, Any]] = {
    op["operationId"]: op for item in SPEC["paths"].values() for op in item.values()
}


def _enum(schema: dict[str, Any]) -> tuple[str, ...]:
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return tuple(schema["enum"])


def _number(value: float) -> str:
    """A count as the document writes it: 9,437,184; 1.5; 16,384."""
    return f"{value:,}" if float(value).is_integer() and value >= 1000 else f"{value:g}"


def _described(op_id: str, *texts: str) -> None:
    description = " ".join(OPERATIONS[op_id]["description"].split())
    for text in texts:
        assert text in description, f"{op_id}: {text!r} not in its description"


def test_v2beta_enums() -> None:
    assert _enum(SCHEMAS["OutputFormat"]) == L.V2BETA_OUTPUT_FORMATS
    for body in ("GenerateUltraRequest", "UpscaleFastRequest", "UpscaleConservativeRequest", "UpscaleCreativeRequest"):
        assert _enum(SCHEMAS[body]["properties"]["output_format"]) == L.V2BETA_OUTPUT_FORMATS
    # Core lists the same three formats in another order.
    assert set(_enum(SCHEMAS["GenerateCoreRequest"]["properties"]["output_format"])) == set(L.V2BETA_OUTPUT_FORMATS)
    sd3 = SCHEMAS["GenerateSd3Request"]["properties"]
    assert _enum(sd3["output_format"]) == L.SD3_OUTPUT_FORMATS
    assert _enum(sd3["mode"]) == L.SD3_MODES
    assert _enum(sd3["model"]) == L.SD3_MODELS
    for body in ("GenerateUltraRequest", "GenerateCoreRequest", "GenerateSd3Request"):
        assert _enum(SCHEMAS[body]["properties"]["aspect_ratio"]) == L.ASPECT_RATIOS
    assert _enum(SCHEMAS["GenerateCoreRequest"]["properties"]["style_preset"]) == L.STYLE_PRESETS


def test_v2beta_bounds() -> None:
    ultra, sd3 = SCHEMAS["GenerateUltraRequest"]["properties"], SCHEMAS["GenerateSd3Request"]["properties"]
    assert _bounds(ultra["strength"]) == _bounds(sd3["strength"]) == L.STRENGTH
    assert _bounds(sd3["cfg_scale"]) == L.SD3_CFG_SCALE
    assert _bounds(SCHEMAS["UpscaleConservativeRequest"]["properties"]["creativity"]) == L.CONSERVATIVE_CREATIVITY
    assert _bounds(SCHEMAS["UpscaleCreativeRequest"]["properties"]["creativity"]) == L.CREATIVE_CREATIVITY
    video = SCHEMAS["ImageToVideoV2BetaRequest"]["properties"]
    assert _bounds(video["cfg_scale"]) == L.VIDEO_CFG_SCALE
    assert _bounds(video["motion_bucket_id"]) == L.VIDEO_MOTION_BUCKET_ID
    for body in ("GenerateUltraRequest", "GenerateCoreRequest", "GenerateSd3Request", "UpscaleConservativeRequest",
                 "UpscaleCreativeRequest", "ImageToVideoV2BetaRequest"):  # fmt: skip
        props = SCHEMAS[body]["properties"]
        assert _bounds(props["seed"]) == L.V2_SEED
        for field in ("prompt", "negative_prompt"):
            if field in props:
                assert props[field]["maxLength"] == L.V2_PROMPT_MAX_CHARS


def test_v2beta_limits_written_in_descriptions() -> None:
    def image(body: str) -> str:
        return " ".join(SCHEMAS[body]["properties"]["image"]["description"].split())

    low, high = L.ULTRA_IMAGE_SIDE.low, L.ULTRA_IMAGE_SIDE.high
    assert f"{_number(low)} to {_number(high)} pixels" in image("GenerateUltraRequest")
    assert f"at least {_number(L.ULTRA_IMAGE_MIN_PIXELS)} pixels" in image("GenerateUltraRequest")
    assert f"at least {L.V2_MIN_SIDE} pixels" in image("GenerateSd3Request")
    fast = image("UpscaleFastRequest")
    assert f"{_number(L.UPSCALE_FAST_SIDE.low)} to {_number(L.UPSCALE_FAST_SIDE.high)} pixels" in fast
    assert f"{_number(L.UPSCALE_FAST_PIXELS.low)} to {_number(L.UPSCALE_FAST_PIXELS.high)} pixels" in fast
    conservative = image("UpscaleConservativeRequest")
    assert f"{_number(L.CONSERVATIVE_PIXELS.low)} to {_number(L.CONSERVATIVE_PIXELS.high)} pixels" in conservative
    assert (L.ASPECT_RATIO_RANGE.low, L.ASPECT_RATIO_RANGE.high) == (1 / 2.5, 2.5)
    assert "from 1:2.5 to 2.5:1" in conservative
    creative = image("UpscaleCreativeRequest")
    assert f"{_number(L.CREATIVE_PIXELS.low)} to {_number(L.CREATIVE_PIXELS.high)} pixels" in creative
    sizes = " or ".join(", ".join(f"{w}x{h}" for w, h in L.VIDEO_SIZES).rsplit(", ", 1))
    assert sizes in image("ImageToVideoV2BetaRequest")
    _described("upscaleFast", "four times the input's resolution", "at most 16 megapixels")
    for op_id, side, pixels in [
        ("generateUltra", L.ULTRA_IMAGE_SIDE, None),
        ("upscaleFast", L.UPSCALE_FAST_SIDE, L.UPSCALE_FAST_PIXELS),
        ("upscaleConservative", None, L.CONSERVATIVE_PIXELS),
        ("upscaleCreative", None, L.CREATIVE_PIXELS),
    ]:
        for bounds in (side, pixels):
            if bounds is not None:
                _described(op_id, f"{_number(bounds.low)} to {_number(bounds.high)}")
    _described("upscaleConservative", "from 1:2.5 to 2.5:1")
    assert L.UPSCALE_FAST_FACTOR == 4 and L.UPSCALE_FAST_PIXELS.high * L.UPSCALE_FAST_FACTOR**2 == 16_777_216
    _described("generateUltra", f"about {_number(L.MEGAPIXELS['ultra'])} megapixel", "strength` too: it is required")
    _described("generateCore", f"about {_number(L.MEGAPIXELS['core'])} megapixels")
    _described("generateSD3", f"about {_number(L.MEGAPIXELS['sd3'])} megapixel")
    _described("upscaleConservative", f"Output: {L.UPSCALED_PIXELS // 1_048_576} megapixels")
    _described("upscaleCreative", f"about {L.UPSCALED_PIXELS // 1_048_576} megapixels")
    for model in L.SD3_NO_NEGATIVE_PROMPT:
        assert (
            f"No effect with `{model}`" in SCHEMAS["GenerateSd3Request"]["properties"]["negative_prompt"]["description"]
        )


def test_v2beta_prices_written_in_descriptions() -> None:
    def credits(price: float) -> str:
        return f"{_number(price)} credit" + ("" if price == 1 else "s")

    _described("generateUltra", f"Price: {credits(L.PRICE_ULTRA)} per successful image")
    _described("generateCore", f"Price: {credits(L.PRICE_CORE)} per successful image")
    _described("upscaleFast", f"Price: {credits(L.PRICE_UPSCALE_FAST)} per successful image")
    _described("upscaleConservative", f"Price: {credits(L.PRICE_UPSCALE_CONSERVATIVE)} per successful image")
    _described("upscaleCreative", f"Price: {credits(L.PRICE_UPSCALE_CREATIVE)} per successful generation")
    _described("image_to_video_v2beta", f"Price: {credits(L.PRICE_IMAGE_TO_VIDEO)} per successful generation")
    assert set(L.PRICE_SD3) == set(L.SD3_MODELS)
    by_price: dict[float, list[str]] = {}
    for model, price in L.PRICE_SD3.items():
        by_price.setdefault(price, []).append(model)
    description = " ".join(OPERATIONS["generateSD3"]["description"].split())
    for price, models in by_price.items():
        sd35, sd30 = sorted(models, reverse=True)  # sd3.5-* sorts after sd3-*
        # "6.5 credits for `sd3.5-large` and `sd3-large`, 4 for ..."
        pattern = rf"\b{re.escape(_number(price))}( credits)? for `{re.escape(sd35)}` and `{re.escape(sd30)}`"
        assert re.search(pattern, description), (price, models)
