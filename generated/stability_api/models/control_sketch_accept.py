from typing import Literal

ControlSketchAccept = Literal["application/json", "image/*"]

CONTROL_SKETCH_ACCEPT_VALUES: set[ControlSketchAccept] = {
    "application/json",
    "image/*",
}


def check_control_sketch_accept(value: str) -> ControlSketchAccept:
    if value in CONTROL_SKETCH_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CONTROL_SKETCH_ACCEPT_VALUES!r}")
