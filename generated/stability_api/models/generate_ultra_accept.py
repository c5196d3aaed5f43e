from typing import Literal

GenerateUltraAccept = Literal["application/json", "image/*"]

GENERATE_ULTRA_ACCEPT_VALUES: set[GenerateUltraAccept] = {
    "application/json",
    "image/*",
}


def check_generate_ultra_accept(value: str) -> GenerateUltraAccept:
    if value in GENERATE_ULTRA_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GENERATE_ULTRA_ACCEPT_VALUES!r}")
