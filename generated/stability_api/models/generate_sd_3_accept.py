from typing import Literal

GenerateSd3Accept = Literal["application/json", "image/*"]

GENERATE_SD_3_ACCEPT_VALUES: set[GenerateSd3Accept] = {
    "application/json",
    "image/*",
}


def check_generate_sd_3_accept(value: str) -> GenerateSd3Accept:
    if value in GENERATE_SD_3_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GENERATE_SD_3_ACCEPT_VALUES!r}")
