from typing import Literal

UpscaleFastAccept = Literal["application/json", "image/*"]

UPSCALE_FAST_ACCEPT_VALUES: set[UpscaleFastAccept] = {
    "application/json",
    "image/*",
}


def check_upscale_fast_accept(value: str) -> UpscaleFastAccept:
    if value in UPSCALE_FAST_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {UPSCALE_FAST_ACCEPT_VALUES!r}")
