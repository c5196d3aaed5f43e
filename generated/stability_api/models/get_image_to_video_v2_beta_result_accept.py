from typing import Literal

GetImageToVideoV2BetaResultAccept = Literal["application/json", "video/*"]

GET_IMAGE_TO_VIDEO_V2_BETA_RESULT_ACCEPT_VALUES: set[GetImageToVideoV2BetaResultAccept] = {
    "application/json",
    "video/*",
}


def check_get_image_to_video_v2_beta_result_accept(value: str) -> GetImageToVideoV2BetaResultAccept:
    if value in GET_IMAGE_TO_VIDEO_V2_BETA_RESULT_ACCEPT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_IMAGE_TO_VIDEO_V2_BETA_RESULT_ACCEPT_VALUES!r}")
