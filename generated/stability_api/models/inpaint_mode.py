from typing import Literal

InpaintMode = Literal["mask", "search"]

INPAINT_MODE_VALUES: set[InpaintMode] = {
    "mask",
    "search",
}


def check_inpaint_mode(value: str) -> InpaintMode:
    if value in INPAINT_MODE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {INPAINT_MODE_VALUES!r}")
