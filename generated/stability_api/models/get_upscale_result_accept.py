from typing import Literal

GetUpscaleResultAccept = Literal["application/json", "image/*"]

GET_UPSCALE_RESULT_ACCEPT_VALUES: set[GetUpscaleResultAccept] = {
    "application/json",
    "image/*",
}


def check_get_upscale_result_accept(value: str) -> GetUpscaleResultAccept:
    if value in GET_UPSCALE_RESULT_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_UPSCALE_RESULT_ACCEPT_VALUES!r}")
