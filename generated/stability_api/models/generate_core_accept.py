from typing import Literal

GenerateCoreAccept = Literal["application/json", "image/*"]

GENERATE_CORE_ACCEPT_VALUES: set[GenerateCoreAccept] = {
    "application/json",
    "image/*",
}


def check_generate_core_accept(value: str) -> GenerateCoreAccept:
    if value in GENERATE_CORE_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GENERATE_CORE_ACCEPT_VALUES!r}")
