from typing import Literal

EditSearchAndRecolorAccept = Literal["application/json", "image/*"]

EDIT_SEARCH_AND_RECOLOR_ACCEPT_VALUES: set[EditSearchAndRecolorAccept] = {
    "application/json",
    "image/*",
}


def check_edit_search_and_recolor_accept(value: str) -> EditSearchAndRecolorAccept:
    if value in EDIT_SEARCH_AND_RECOLOR_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EDIT_SEARCH_AND_RECOLOR_ACCEPT_VALUES!r}")
