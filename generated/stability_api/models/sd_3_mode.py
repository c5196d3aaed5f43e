from typing import Literal

Sd3Mode = Literal["image-to-image", "text-to-image"]

SD_3_MODE_VALUES: set[Sd3Mode] = {
    "image-to-image",
    "text-to-image",
}


def check_sd_3_mode(value: str) -> Sd3Mode:
    if value in SD_3_MODE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SD_3_MODE_VALUES!r}")
