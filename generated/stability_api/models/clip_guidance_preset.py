from typing import Literal

ClipGuidancePreset = Literal["FAST_BLUE", "FAST_GREEN", "NONE", "SIMPLE", "SLOW", "SLOWER", "SLOWEST"]

CLIP_GUIDANCE_PRESET_VALUES: set[ClipGuidancePreset] = {
    "FAST_BLUE",
    "FAST_GREEN",
    "NONE",
    "SIMPLE",
    "SLOW",
    "SLOWER",
    "SLOWEST",
}


def check_clip_guidance_preset(value: str) -> ClipGuidancePreset:
    if value in CLIP_GUIDANCE_PRESET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CLIP_GUIDANCE_PRESET_VALUES!r}")
