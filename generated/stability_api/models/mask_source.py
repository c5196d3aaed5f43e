from typing import Literal

MaskSource = Literal["INIT_IMAGE_ALPHA", "MASK_IMAGE_BLACK", "MASK_IMAGE_WHITE"]

MASK_SOURCE_VALUES: set[MaskSource] = {
    "INIT_IMAGE_ALPHA",
    "MASK_IMAGE_BLACK",
    "MASK_IMAGE_WHITE",
}


def check_mask_source(value: str) -> MaskSource:
    if value in MASK_SOURCE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MASK_SOURCE_VALUES!r}")
