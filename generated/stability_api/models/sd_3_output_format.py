from typing import Literal

Sd3OutputFormat = Literal["jpeg", "png"]

SD_3_OUTPUT_FORMAT_VALUES: set[Sd3OutputFormat] = {
    "jpeg",
    "png",
}


def check_sd_3_output_format(value: str) -> Sd3OutputFormat:
    if value in SD_3_OUTPUT_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SD_3_OUTPUT_FORMAT_VALUES!r}")
