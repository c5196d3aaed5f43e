"""The API's documented limits, in one table shared by the facade's checks and the fake server's.

The numbers come from openapi/stability.yaml (bounds, enums) and from the operation descriptions (sizes that
the schema cannot express); tests/test_limits.py fails when this table and the document disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


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
V1_CLIP_GUIDANCE_PRESETS: Final = ("FAST_BLUE", "FAST_GREEN", "NONE", "SIMPLE", "SLOW", "SLOWER", "SLOWEST")
V1_SAMPLERS: Final = (
    "DDIM",
    "DDPM",
    "K_DPMPP_2M",
    "K_DPMPP_2S_ANCESTRAL",
    "K_DPM_2",
    "K_DPM_2_ANCESTRAL",
    "K_EULER",
    "K_EULER_ANCESTRAL",
    "K_HEUN",
    "K_LMS",
)
V1_MASK_SOURCES: Final = ("MASK_IMAGE_WHITE", "MASK_IMAGE_BLACK", "INIT_IMAGE_ALPHA")

# v2alpha
V2_SEED: Final = Bounds(0, 4_294_967_294)
V2_PROMPT_MAX_CHARS: Final = 10_000
V2_OUTPUT_FORMATS: Final = ("jpeg", "png", "webp")
V2_MIN_SIDE: Final = 64
INPAINT_PIXELS: Final = Bounds(4_096, 9_437_184)
UPSCALE_PIXELS: Final = Bounds(4_096, 1_048_576)
UPSCALE_CREATIVITY: Final = Bounds(0, 0.35)
VIDEO_SIZES: Final = ((1024, 576), (576, 1024), (768, 768))
VIDEO_CFG_SCALE: Final = Bounds(0, 10)
VIDEO_MOTION_BUCKET_ID: Final = Bounds(1, 255)
INPAINT_MODES: Final = ("search", "mask")

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
