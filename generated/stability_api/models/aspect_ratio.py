from typing import Literal

AspectRatio = Literal["16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"]

ASPECT_RATIO_VALUES: set[AspectRatio] = {
    "16:9",
    "1:1",
    "21:9",
    "2:3",
    "3:2",
    "4:5",
    "5:4",
    "9:16",
    "9:21",
}


def check_aspect_ratio(value: str) -> AspectRatio:
    if value in ASPECT_RATIO_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ASPECT_RATIO_VALUES!r}")
