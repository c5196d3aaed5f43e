from typing import Literal

LightSourceDirection = Literal["above", "below", "left", "right"]

LIGHT_SOURCE_DIRECTION_VALUES: set[LightSourceDirection] = {
    "above",
    "below",
    "left",
    "right",
}


def check_light_source_direction(value: str) -> LightSourceDirection:
    if value in LIGHT_SOURCE_DIRECTION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIGHT_SOURCE_DIRECTION_VALUES!r}")
