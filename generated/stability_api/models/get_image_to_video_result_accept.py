from typing import Literal

GetImageToVideoResultAccept = Literal["application/json", "video/*"]

GET_IMAGE_TO_VIDEO_RESULT_ACCEPT_VALUES: set[GetImageToVideoResultAccept] = {
    "application/json",
    "video/*",
}


def check_get_image_to_video_result_accept(value: str) -> GetImageToVideoResultAccept:
    if value in GET_IMAGE_TO_VIDEO_RESULT_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_IMAGE_TO_VIDEO_RESULT_ACCEPT_VALUES!r}")
