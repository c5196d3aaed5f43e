"""User code that mypy --strict and pyright must accept (tests/test_typing.py), and that then runs against the fake:
every documented kind of image input, the Literal values of closed enums, and every public name."""

from __future__ import annotations

import io
from contextlib import ExitStack
from pathlib import Path
from typing import Literal, assert_type

from PIL import Image

from stability import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncStability,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ContentFilteredError,
    ContentModerationError,
    GenerationFailedError,
    ImageInput,
    ImageResult,
    InvalidFileError,
    JobNotFoundError,
    JobTimeoutError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    SaveError,
    ServerError,
    Stability,
    StabilityError,
    UnprocessableEntityError,
    ValidationError,
)

ERRORS: tuple[type[StabilityError], ...] = (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ContentFilteredError,
    ContentModerationError,
    GenerationFailedError,
    InvalidFileError,
    JobNotFoundError,
    JobTimeoutError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    SaveError,
    ServerError,
    UnprocessableEntityError,
    ValidationError,
)


def image_inputs(path: Path, files: ExitStack) -> list[ImageInput]:
    """``path`` (a PNG) as every kind of input the clients document; ``files`` closes the open ones."""
    data = path.read_bytes()
    return [
        str(path),
        path,
        data,
        bytearray(data),
        memoryview(data),
        io.BytesIO(data),
        files.enter_context(open(path, "rb")),
        files.enter_context(Image.open(path)),
    ]


def sync_calls(client: Stability, path: Path) -> list[ImageResult]:
    with ExitStack() as files:
        results = [client.upscale_fast(image) for image in image_inputs(path, files)]
        mask = files.enter_context(Image.open(path))
        results.append(client.edit_erase(files.enter_context(open(path, "rb")), mask=mask, output_format="webp"))
    painted = client.masked_image_to_image(
        "a red door",
        image=path,
        mask=path.read_bytes(),
        mask_source="MASK_IMAGE_BLACK",
        sampler="K_EULER",
        clip_guidance_preset="FAST_BLUE",
    )
    results.append(painted)
    assert_type(painted.finish_reason, Literal["SUCCESS", "CONTENT_FILTERED", "ERROR"])
    results.append(client.text_to_image("a lighthouse", sampler="K_DPMPP_2M", clip_guidance_preset="NONE"))
    results.append(client.inpaint("a cat", image=str(path), mask=path, mode="mask", output_format="jpeg"))
    results.append(client.generate_core("a fox", aspect_ratio="21:9", style_preset="pixel-art", output_format="png"))
    return results


async def async_calls(client: AsyncStability, path: Path) -> list[ImageResult]:
    with ExitStack() as files:
        results = [await client.upscale_fast(image) for image in image_inputs(path, files)]
        image = files.enter_context(Image.open(path))
        results.append(await client.image_to_image("as a watercolour", image=image, sampler="DDIM"))
    job = await client.edit_replace_background_and_relight(
        path, background_reference=path.read_bytes(), light_reference=io.BytesIO(path.read_bytes())
    )
    assert_type(job.id, str)
    return results
