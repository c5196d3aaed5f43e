from typing import Literal

EditRemoveBackgroundAccept = Literal["application/json", "image/*"]

EDIT_REMOVE_BACKGROUND_ACCEPT_VALUES: set[EditRemoveBackgroundAccept] = {
    "application/json",
    "image/*",
}


def check_edit_remove_background_accept(value: str) -> EditRemoveBackgroundAccept:
    if value in EDIT_REMOVE_BACKGROUND_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EDIT_REMOVE_BACKGROUND_ACCEPT_VALUES!r}")
