from typing import Literal

EditEraseAccept = Literal["application/json", "image/*"]

EDIT_ERASE_ACCEPT_VALUES: set[EditEraseAccept] = {
    "application/json",
    "image/*",
}


def check_edit_erase_accept(value: str) -> EditEraseAccept:
    if value in EDIT_ERASE_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EDIT_ERASE_ACCEPT_VALUES!r}")
