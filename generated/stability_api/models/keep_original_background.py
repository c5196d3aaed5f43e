from typing import Literal

KeepOriginalBackground = Literal["false", "true"]

KEEP_ORIGINAL_BACKGROUND_VALUES: set[KeepOriginalBackground] = {
    "false",
    "true",
}


def check_keep_original_background(value: str) -> KeepOriginalBackground:
    if value in KEEP_ORIGINAL_BACKGROUND_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {KEEP_ORIGINAL_BACKGROUND_VALUES!r}")
