from typing import Literal

StylePreset = Literal[
    "3d-model",
    "analog-film",
    "anime",
    "cinematic",
    "comic-book",
    "digital-art",
    "enhance",
    "fantasy-art",
    "isometric",
    "line-art",
    "low-poly",
    "modeling-compound",
    "neon-punk",
    "origami",
    "photographic",
    "pixel-art",
    "tile-texture",
]

STYLE_PRESET_VALUES: set[StylePreset] = {
    "3d-model",
    "analog-film",
    "anime",
    "cinematic",
    "comic-book",
    "digital-art",
    "enhance",
    "fantasy-art",
    "isometric",
    "line-art",
    "low-poly",
    "modeling-compound",
    "neon-punk",
    "origami",
    "photographic",
    "pixel-art",
    "tile-texture",
}


def check_style_preset(value: str) -> StylePreset:
    if value in STYLE_PRESET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {STYLE_PRESET_VALUES!r}")
