from typing import Literal

Sd3Model = Literal["sd3-large", "sd3-large-turbo", "sd3-medium", "sd3.5-large", "sd3.5-large-turbo", "sd3.5-medium"]

SD_3_MODEL_VALUES: set[Sd3Model] = {
    "sd3-large",
    "sd3-large-turbo",
    "sd3-medium",
    "sd3.5-large",
    "sd3.5-large-turbo",
    "sd3.5-medium",
}


def check_sd_3_model(value: str) -> Sd3Model:
    if value in SD_3_MODEL_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SD_3_MODEL_VALUES!r}")
