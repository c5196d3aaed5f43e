from typing import Literal

Sampler = Literal[
    "DDIM",
    "DDPM",
    "K_DPM_2",
    "K_DPM_2_ANCESTRAL",
    "K_DPMPP_2M",
    "K_DPMPP_2S_ANCESTRAL",
    "K_EULER",
    "K_EULER_ANCESTRAL",
    "K_HEUN",
    "K_LMS",
]

SAMPLER_VALUES: set[Sampler] = {
    "DDIM",
    "DDPM",
    "K_DPM_2",
    "K_DPM_2_ANCESTRAL",
    "K_DPMPP_2M",
    "K_DPMPP_2S_ANCESTRAL",
    "K_EULER",
    "K_EULER_ANCESTRAL",
    "K_HEUN",
    "K_LMS",
}


def check_sampler(value: str) -> Sampler:
    if value in SAMPLER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SAMPLER_VALUES!r}")
