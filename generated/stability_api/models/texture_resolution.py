from typing import Literal

TextureResolution = Literal["1024", "2048", "512"]

TEXTURE_RESOLUTION_VALUES: set[TextureResolution] = {
    "1024",
    "2048",
    "512",
}


def check_texture_resolution(value: str) -> TextureResolution:
    if value in TEXTURE_RESOLUTION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TEXTURE_RESOLUTION_VALUES!r}")
