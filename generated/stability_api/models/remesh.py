from typing import Literal

Remesh = Literal["none", "quad", "triangle"]

REMESH_VALUES: set[Remesh] = {
    "none",
    "quad",
    "triangle",
}


def check_remesh(value: str) -> Remesh:
    if value in REMESH_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REMESH_VALUES!r}")
