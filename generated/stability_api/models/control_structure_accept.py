from typing import Literal

ControlStructureAccept = Literal["application/json", "image/*"]

CONTROL_STRUCTURE_ACCEPT_VALUES: set[ControlStructureAccept] = {
    "application/json",
    "image/*",
}


def check_control_structure_accept(value: str) -> ControlStructureAccept:
    if value in CONTROL_STRUCTURE_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CONTROL_STRUCTURE_ACCEPT_VALUES!r}")
