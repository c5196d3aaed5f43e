from typing import Literal

GetUpscaleCreativeResultAccept = Literal["application/json", "image/*"]

GET_UPSCALE_CREATIVE_RESULT_ACCEPT_VALUES: set[GetUpscaleCreativeResultAccept] = {
    "application/json",
    "image/*",
}


def check_get_upscale_creative_result_accept(value: str) -> GetUpscaleCreativeResultAccept:
    if value in GET_UPSCALE_CREATIVE_RESULT_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_UPSCALE_CREATIVE_RESULT_ACCEPT_VALUES!r}")
