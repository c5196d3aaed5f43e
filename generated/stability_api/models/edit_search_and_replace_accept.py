from typing import Literal

EditSearchAndReplaceAccept = Literal["application/json", "image/*"]

EDIT_SEARCH_AND_REPLACE_ACCEPT_VALUES: set[EditSearchAndReplaceAccept] = {
    "application/json",
    "image/*",
}


def check_edit_search_and_replace_accept(value: str) -> EditSearchAndReplaceAccept:
    if value in EDIT_SEARCH_AND_REPLACE_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EDIT_SEARCH_AND_REPLACE_ACCEPT_VALUES!r}")
