from typing import Literal

ImageToImageAccept = Literal["application/json", "image/png"]

IMAGE_TO_IMAGE_ACCEPT_VALUES: set[ImageToImageAccept] = {
    "application/json",
    "image/png",
}


def check_image_to_image_accept(value: str) -> ImageToImageAccept:
    if value in IMAGE_TO_IMAGE_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {IMAGE_TO_IMAGE_ACCEPT_VALUES!r}")
