from typing import Literal

RemoveBackgroundOutputFormat = Literal["png", "webp"]

REMOVE_BACKGROUND_OUTPUT_FORMAT_VALUES: set[RemoveBackgroundOutputFormat] = {
    "png",
    "webp",
}


def check_remove_background_output_format(value: str) -> RemoveBackgroundOutputFormat:
    if value in REMOVE_BACKGROUND_OUTPUT_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REMOVE_BACKGROUND_OUTPUT_FORMAT_VALUES!r}")
