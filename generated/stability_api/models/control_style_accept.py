from typing import Literal

ControlStyleAccept = Literal["application/json", "image/*"]

CONTROL_STYLE_ACCEPT_VALUES: set[ControlStyleAccept] = {
    "application/json",
    "image/*",
}


def check_control_style_accept(value: str) -> ControlStyleAccept:
    if value in CONTROL_STYLE_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CONTROL_STYLE_ACCEPT_VALUES!r}")
