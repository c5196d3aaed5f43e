from typing import Literal

GetResultAccept = Literal["*/*", "application/json"]

GET_RESULT_ACCEPT_VALUES: set[GetResultAccept] = {
    "*/*",
    "application/json",
}


def check_get_result_accept(value: str) -> GetResultAccept:
    if value in GET_RESULT_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_RESULT_ACCEPT_VALUES!r}")
