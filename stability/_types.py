"""The closed sets of values the API documents, as ``Literal`` types for the clients' signatures.

``_core/limits.py`` reads its tuples from them (the local checks, the CLI and the fake use those), and
tests/test_limits.py compares those with the spec.
"""

from __future__ import annotations

from typing import Literal

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
