from typing import Literal

MaskingAccept = Literal["application/json", "image/png"]

MASKING_ACCEPT_VALUES: set[MaskingAccept] = {
    "application/json",
    "image/png",
}


def check_masking_accept(value: str) -> MaskingAccept:
    if value in MASKING_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MASKING_ACCEPT_VALUES!r}")
