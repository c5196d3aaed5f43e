from typing import Literal

EditOutpaintAccept = Literal["application/json", "image/*"]

EDIT_OUTPAINT_ACCEPT_VALUES: set[EditOutpaintAccept] = {
    "application/json",
    "image/*",
}


def check_edit_outpaint_accept(value: str) -> EditOutpaintAccept:
    if value in EDIT_OUTPAINT_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EDIT_OUTPAINT_ACCEPT_VALUES!r}")
