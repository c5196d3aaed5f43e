from typing import Literal

InpaintAccept = Literal["application/json", "image/*"]

INPAINT_ACCEPT_VALUES: set[InpaintAccept] = {
    "application/json",
    "image/*",
}


def check_inpaint_accept(value: str) -> InpaintAccept:
    if value in INPAINT_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {INPAINT_ACCEPT_VALUES!r}")
