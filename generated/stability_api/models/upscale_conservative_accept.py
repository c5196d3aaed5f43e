from typing import Literal

UpscaleConservativeAccept = Literal["application/json", "image/*"]

UPSCALE_CONSERVATIVE_ACCEPT_VALUES: set[UpscaleConservativeAccept] = {
    "application/json",
    "image/*",
}


def check_upscale_conservative_accept(value: str) -> UpscaleConservativeAccept:
    if value in UPSCALE_CONSERVATIVE_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {UPSCALE_CONSERVATIVE_ACCEPT_VALUES!r}")
