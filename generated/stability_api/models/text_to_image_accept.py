from typing import Literal

TextToImageAccept = Literal["application/json", "image/png"]

TEXT_TO_IMAGE_ACCEPT_VALUES: set[TextToImageAccept] = {
    "application/json",
    "image/png",
}


def check_text_to_image_accept(value: str) -> TextToImageAccept:
    if value in TEXT_TO_IMAGE_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TEXT_TO_IMAGE_ACCEPT_VALUES!r}")
