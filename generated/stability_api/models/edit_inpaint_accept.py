from typing import Literal

EditInpaintAccept = Literal["application/json", "image/*"]

EDIT_INPAINT_ACCEPT_VALUES: set[EditInpaintAccept] = {
    "application/json",
    "image/*",
}


def check_edit_inpaint_accept(value: str) -> EditInpaintAccept:
    if value in EDIT_INPAINT_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EDIT_INPAINT_ACCEPT_VALUES!r}")
