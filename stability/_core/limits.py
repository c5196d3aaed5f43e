"""The API's documented limits, in one table shared by the facade's checks and the fake server's.

The numbers come from openapi/stability.yaml (bounds, enums) and from the operation descriptions (sizes that
the schema cannot express); tests/test_limits.py fails when this table and the document disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, get_args

from .._types import (
    AspectRatio,
    ClipGuidancePreset,
    ImageFormat,
    InpaintMode,
    LightSourceDirection,
    MaskSource,
    Remesh,
    RemoveBackgroundFormat,
    Sampler,
    Sd3Format,
    Sd3Mode,
    Sd3Model,
    StylePreset,
    TextureResolution,
)


@dataclass(frozen=True, slots=True)
class Bounds:
    """An inclusive numeric range."""

    low: float
    high: float

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool) and self.low <= value <= self.high

    def describe(self) -> str:
        def fmt(x: float) -> str:
            return str(int(x)) if float(x).is_integer() else str(x)

        return f"between {fmt(self.low)} and {fmt(self.high)}"


# v1alpha (text-to-image, image-to-image, masking)
V1_SIDE: Final = Bounds(512, 2048)
V1_SIDE_MULTIPLE: Final = 64
V1_MAX_PIXELS: Final = 1_048_576
V1_CFG_SCALE: Final = Bounds(0, 35)
V1_STEPS: Final = Bounds(10, 150)
V1_SAMPLES: Final = Bounds(1, 10)
V1_SEED: Final = Bounds(0, 2_147_483_647)
V1_PROMPT_MAX_CHARS: Final = 2000
V1_STEP_SCHEDULE: Final = Bounds(0, 1)
# The closed sets of strings are the Literal types of the clients' signatures (``stability/_types.py``).
V1_CLIP_GUIDANCE_PRESETS: Final[tuple[str, ...]] = get_args(ClipGuidancePreset)
V1_SAMPLERS: Final[tuple[str, ...]] = get_args(Sampler)
V1_MASK_SOURCES: Final[tuple[str, ...]] = get_args(MaskSource)

# v2alpha
V2_SEED: Final = Bounds(0, 4_294_967_294)
V2_PROMPT_MAX_CHARS: Final = 10_000
V2_OUTPUT_FORMATS: Final[tuple[str, ...]] = get_args(ImageFormat)
V2_MIN_SIDE: Final = 64
INPAINT_PIXELS: Final = Bounds(4_096, 9_437_184)
UPSCALE_PIXELS: Final = Bounds(4_096, 1_048_576)
UPSCALE_CREATIVITY: Final = Bounds(0, 0.35)
VIDEO_SIZES: Final = ((1024, 576), (576, 1024), (768, 768))
VIDEO_CFG_SCALE: Final = Bounds(0, 10)
VIDEO_MOTION_BUCKET_ID: Final = Bounds(1, 255)
INPAINT_MODES: Final[tuple[str, ...]] = get_args(InpaintMode)

# Input formats each operation accepts, sniffed from the bytes.
V1_INPUT_FORMATS: Final = ("png", "jpeg", "webp")
V2_IMAGE_INPUT_FORMATS: Final = ("png", "jpeg", "webp")
VIDEO_INPUT_FORMATS: Final = ("png", "jpeg")

# Asynchronous generations
GENERATION_ID_LENGTH: Final = 64
RESULT_RETENTION_SECONDS: Final = 24 * 3600
UPSCALE_MIN_POLL_SECONDS: Final = 10.0

# Service-wide
RATE_LIMIT_REQUESTS: Final = 150
RATE_LIMIT_WINDOW_SECONDS: Final = 10.0
RATE_LIMIT_LOCKOUT_SECONDS: Final = 60.0
# The most a request body may be: the whole multipart body as sent (files, fields and their headers). Larger
# ones are answered 413 payload_too_large ("payloads cannot be larger than 10MiB in size"); the v2beta
# successors of the v2alpha inpaint, upscale and image-to-video operations document it (v1alpha documents none).
MAX_REQUEST_BYTES: Final = 10 * 1024 * 1024

# Prices in credits (1 credit = 1 US cent) as the v2alpha operations document them. v1alpha documents
# none; the fake server charges V1_CREDITS_PER_IMAGE for each image it returns.
PRICE_IMAGE_TO_VIDEO: Final = 20.0
PRICE_INPAINT_SEARCH: Final = 4.0
PRICE_INPAINT_MASK: Final = 3.0
PRICE_UPSCALE: Final = 25.0
V1_CREDITS_PER_IMAGE: Final = 1.0

# Bodies the SDK reads into memory, in bytes after decompression (gzip and deflate are decoded in pieces up to
# the bound; the SDK asks for no other encoding and decodes none). Success bodies of JSON
# operations get MAX_JSON_BODY; image results (base64 JSON for v1alpha: ten 1-megapixel PNGs of noise fit) and
# job results read in memory get MAX_MEDIA_BODY. Error bodies are read up to MAX_ERROR_BODY to find the API's
# message, and APIError.body keeps the first KEPT_ERROR_BODY bytes.
MAX_JSON_BODY: Final = 4 * 1024 * 1024
MAX_MEDIA_BODY: Final = 128 * 1024 * 1024
MAX_ERROR_BODY: Final = 1024 * 1024
KEPT_ERROR_BODY: Final = 64 * 1024
# ``job.save()`` streams to disk in chunks, so its bound is about disk, not memory: a 4K video is far smaller.
MAX_DOWNLOAD: Final = 2 * 1024 * 1024 * 1024

# ------------------------------------------------------------------------------------------------ v2beta
# Stability's live API (the document it served in January 2025). Its closed sets of strings are written once, as
# the Literal types of the clients' signatures (``stability/_types.py``), and read from there. Pixel counts, side bounds and aspect ratios come
# from the operations' descriptions (the schema cannot express them); the rest from the schema.
V2BETA_OUTPUT_FORMATS: Final[tuple[str, ...]] = get_args(ImageFormat)
SD3_OUTPUT_FORMATS: Final[tuple[str, ...]] = get_args(Sd3Format)
ASPECT_RATIOS: Final[tuple[str, ...]] = get_args(AspectRatio)
ASPECT_RATIO_RANGE: Final = Bounds(1 / 2.5, 2.5)
"""width / height of an input that must be between 1:2.5 and 2.5:1 (conservative, outpaint, search-*, control)."""
STYLE_PRESETS: Final[tuple[str, ...]] = get_args(StylePreset)
STRENGTH: Final = Bounds(0, 1)
ULTRA_IMAGE_SIDE: Final = Bounds(64, 16_384)
ULTRA_IMAGE_MIN_PIXELS: Final = 4_096
SD3_MODES: Final[tuple[str, ...]] = get_args(Sd3Mode)
SD3_MODELS: Final[tuple[str, ...]] = get_args(Sd3Model)
SD3_CFG_SCALE: Final = Bounds(1, 10)
SD3_NO_NEGATIVE_PROMPT: Final = ("sd3-large-turbo",)
"""Models the negative prompt does not work with (the document names only this one)."""
UPSCALE_FAST_SIDE: Final = Bounds(32, 1_536)
UPSCALE_FAST_PIXELS: Final = Bounds(1_024, 1_048_576)
UPSCALE_FAST_FACTOR: Final = 4
CONSERVATIVE_PIXELS: Final = Bounds(4_096, 9_437_184)
CONSERVATIVE_CREATIVITY: Final = Bounds(0.2, 0.5)
CREATIVE_PIXELS: Final = Bounds(4_096, 1_048_576)
CREATIVE_CREATIVITY: Final = Bounds(0, 0.35)
# Output sizes. Ultra and SD3 make 1 megapixel, Core 1.5; the document gives no pixel size per aspect ratio, so
# the fake uses the sizes below (each side a multiple of 64, the ratio as near as that allows) and the SDK
# checks a result against the megapixels with room (MEGAPIXEL_SLACK), not against these sizes.
MEGAPIXELS: Final = {"ultra": 1.0, "core": 1.5, "sd3": 1.0, "style": 1.0}
MEGAPIXEL_SLACK: Final = 2.0
UPSCALED_PIXELS: Final = 4 * 1_048_576
"""Conservative and creative upscales make about 4 megapixels ("4K" in the same descriptions); at most 16 MP (4x
each side of the largest input) is accepted from them."""
PRICE_ULTRA: Final = 8.0
PRICE_CORE: Final = 3.0
PRICE_SD3: Final = {
    "sd3.5-large": 6.5,
    "sd3.5-large-turbo": 4.0,
    "sd3.5-medium": 3.5,
    "sd3-large": 6.5,
    "sd3-large-turbo": 4.0,
    "sd3-medium": 3.5,
}
PRICE_UPSCALE_FAST: Final = 1.0
PRICE_UPSCALE_CONSERVATIVE: Final = 25.0
PRICE_UPSCALE_CREATIVE: Final = 25.0

# Edit, control and 3D. Every input image must have sides of at least 64 pixels; these are their pixel counts.
EDIT_PIXELS: Final = Bounds(4_096, 9_437_184)
"""erase, inpaint, outpaint, search-and-replace/recolor, the relight images, structure and style (sketch
documents only the maximum: with sides of at least 64 its minimum is the same)."""
REMOVE_BACKGROUND_PIXELS: Final = Bounds(4_096, 4_194_304)
FAST_3D_PIXELS: Final = Bounds(4_096, 4_194_304)
REMOVE_BACKGROUND_OUTPUT_FORMATS: Final[tuple[str, ...]] = get_args(RemoveBackgroundFormat)
GROW_MASK: Final = Bounds(0, 20)
"""erase and search-and-replace/recolor; edit/inpaint allows up to 100 (EDIT_INPAINT_GROW_MASK)."""
EDIT_INPAINT_GROW_MASK: Final = Bounds(0, 100)
OUTPAINT_MARGIN: Final = Bounds(0, 2_000)
OUTPAINT_CREATIVITY: Final = Bounds(0.2, 0.5)
"""The document gives outpaint's creativity as both the shared 0.2..0.5 (default 0.35) and 0..1 (default 0.5):
the SDK accepts what both allow."""
CONTROL_STRENGTH: Final = Bounds(0, 1)
FIDELITY: Final = Bounds(0, 1)
RELIGHT_WEIGHT: Final = Bounds(0, 1)
"""preserve_original_subject, original_background_depth and light_source_strength."""
LIGHT_SOURCE_DIRECTIONS: Final[tuple[str, ...]] = get_args(LightSourceDirection)
TEXTURE_RESOLUTIONS: Final[tuple[str, ...]] = get_args(TextureResolution)
REMESH: Final[tuple[str, ...]] = get_args(Remesh)
FOREGROUND_RATIO: Final = Bounds(0.1, 1)
VERTEX_COUNT: Final = Bounds(-1, 20_000)
"""-1: no limit."""
EDIT_MEGAPIXELS: Final = 4.0
"""What erase, inpaint and search-and-replace make ("4 megapixels"); search-and-recolor, sketch and structure make
the input's resolution, style 1 megapixel, outpaint the input with its margins."""
PRICE_ERASE: Final = 3.0
PRICE_EDIT_INPAINT: Final = 3.0
PRICE_OUTPAINT: Final = 4.0
PRICE_SEARCH_AND_REPLACE: Final = 4.0
PRICE_SEARCH_AND_RECOLOR: Final = 5.0
PRICE_REMOVE_BACKGROUND: Final = 2.0
PRICE_RELIGHT: Final = 8.0
PRICE_SKETCH: Final = 3.0
PRICE_STRUCTURE: Final = 3.0
PRICE_STYLE: Final = 4.0
PRICE_FAST_3D: Final = 2.0
