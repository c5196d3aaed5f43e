"""The types of the clients' signatures: the closed sets of values the API documents, as ``Literal`` types, and
``ImageInput``, what an image argument may be.

``_core/limits.py`` reads its tuples from the ``Literal`` types (the local checks, the CLI and the fake use those),
and tests/test_limits.py compares those with the spec.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Literal, Protocol, TypeAlias

Prompt = str | Sequence[str | tuple[str, float]]
"""A prompt: text, or a list of texts and ``(text, weight)`` pairs; a negative weight steers away."""

DEFAULT_ENGINE = "stable-diffusion-512-v2-1"
"""The v1alpha engine of text-to-image and image-to-image when none is named."""
DEFAULT_MASKING_ENGINE = "stable-inpainting-512-v2-0"
"""The v1alpha engine of masking when none is named."""

AspectRatio = Literal["21:9", "16:9", "3:2", "5:4", "1:1", "4:5", "2:3", "9:16", "9:21"]
ImageFormat = Literal["jpeg", "png", "webp"]
Sd3Format = Literal["png", "jpeg"]
Sd3Model = Literal["sd3.5-large", "sd3.5-large-turbo", "sd3.5-medium", "sd3-medium", "sd3-large", "sd3-large-turbo"]
Sd3Mode = Literal["text-to-image", "image-to-image"]
StylePreset = Literal[
    "enhance",
    "anime",
    "photographic",
    "digital-art",
    "comic-book",
    "fantasy-art",
    "line-art",
    "analog-film",
    "neon-punk",
    "isometric",
    "low-poly",
    "origami",
    "modeling-compound",
    "cinematic",
    "3d-model",
    "pixel-art",
    "tile-texture",
]
RemoveBackgroundFormat = Literal["png", "webp"]
LightSourceDirection = Literal["left", "right", "above", "below"]
Remesh = Literal["none", "triangle", "quad"]
TextureResolution = Literal["512", "1024", "2048"]
"""Stable Fast 3D's texture size: a string in the API (the clients take the same numbers as ints too)."""

# v1alpha
Sampler = Literal[
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
]
ClipGuidancePreset = Literal["FAST_BLUE", "FAST_GREEN", "NONE", "SIMPLE", "SLOW", "SLOWER", "SLOWEST"]
MaskSource = Literal["MASK_IMAGE_WHITE", "MASK_IMAGE_BLACK", "INIT_IMAGE_ALPHA"]

# v2alpha
InpaintMode = Literal["search", "mask"]

FinishReason = Literal["SUCCESS", "CONTENT_FILTERED", "ERROR"]
"""What the API says of an output: ``SUCCESS``; ``CONTENT_FILTERED`` (the content filter changed it); ``ERROR``
(v1alpha: the generation failed, which the clients raise as ``GenerationFailedError``)."""


class _BinaryFile(Protocol):
    """A file opened in binary mode, or any object whose ``read()`` gives bytes (``io.BytesIO``, a socket file)."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes (all that is left when negative)."""
        ...


class _PILImage(Protocol):
    """What the clients use of a ``PIL.Image.Image``, written out so that Pillow stays optional: a type checker
    matches a Pillow image against it without Pillow being importable here."""

    @property
    def mode(self) -> str: ...
    @property
    def size(self) -> tuple[int, int]: ...
    def getbands(self) -> tuple[str, ...]:
        """The names of the image's bands (``("R", "G", "B", "A")``)."""
        ...


ImageInput: TypeAlias = str | os.PathLike[str] | bytes | bytearray | memoryview | _BinaryFile | _PILImage
"""An image argument: a path (``str`` or ``os.PathLike``), the file's bytes, a file opened in binary mode
(``open(path, "rb")``, ``io.BytesIO``) or a ``PIL.Image.Image``. The file must hold a PNG, JPEG or WEBP image
(a PIL image is sent as PNG); which formats and sizes an operation accepts is checked before anything is sent."""
