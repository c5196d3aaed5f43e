from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.aspect_ratio import AspectRatio, check_aspect_ratio
from ..models.sd_3_mode import Sd3Mode, check_sd_3_mode
from ..models.sd_3_model import Sd3Model, check_sd_3_model
from ..models.sd_3_output_format import Sd3OutputFormat, check_sd_3_output_format
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="GenerateSd3Request")


@_attrs_define
class GenerateSd3Request:
    """Stable Diffusion 3.5 / 3.0, both modes in one flat object. In `text-to-image` (the default) send no `image` and no
    `strength`; `aspect_ratio` is optional (`1:1` when absent). In `image-to-image`, `image` and `strength` are required
    and `aspect_ratio` is not accepted. `model` is `sd3.5-large`, `seed` random and `output_format` `png` when absent;
    `negative_prompt` has no effect with `sd3-large-turbo`.

        Attributes:
            prompt (str): What the output should show.
            mode (Sd3Mode | Unset): `text-to-image` (the default; `prompt` only, `aspect_ratio` optional) or `image-to-
                image` (`image` and `strength` required, no `aspect_ratio`).
            image (File | Unset): The starting image, in image-to-image only: JPEG, PNG or WEBP, every side at least 64
                pixels.
            strength (float | Unset): How far the output may move from `image`: 0 gives the image back unchanged, 1 ignores
                it. Required in image-to-image, not accepted in text-to-image; no default.
            aspect_ratio (AspectRatio | Unset): The shape of the output image, width:height (`1:1` when absent).
            model (Sd3Model | Unset): The model (`sd3.5-large` when absent). Credits per image: 6.5 for the large models, 4
                for the large turbo ones, 3.5 for the medium ones.
            seed (float | Unset): Seed for the noise; 0 picks a random one.
            output_format (Sd3OutputFormat | Unset): The format of the output image (`png` when absent); SD3 makes no WEBP.
            negative_prompt (str | Unset): What the output should not show. No effect with `sd3-large-turbo`.
            cfg_scale (float | Unset): How strictly the image follows the prompt (higher is stricter). No documented
                default: the model picks one when absent.
    """

    prompt: str
    mode: Sd3Mode | Unset = UNSET
    image: File | Unset = UNSET
    strength: float | Unset = UNSET
    aspect_ratio: AspectRatio | Unset = UNSET
    model: Sd3Model | Unset = UNSET
    seed: float | Unset = UNSET
    output_format: Sd3OutputFormat | Unset = UNSET
    negative_prompt: str | Unset = UNSET
    cfg_scale: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode

        image: FileTypes | Unset = UNSET
        if not isinstance(self.image, Unset):
            image = self.image.to_tuple()

        strength = self.strength

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio

        model: str | Unset = UNSET
        if not isinstance(self.model, Unset):
            model = self.model

        seed = self.seed

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        negative_prompt = self.negative_prompt

        cfg_scale = self.cfg_scale

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
            }
        )
        if mode is not UNSET:
            field_dict["mode"] = mode
        if image is not UNSET:
            field_dict["image"] = image
        if strength is not UNSET:
            field_dict["strength"] = strength
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if model is not UNSET:
            field_dict["model"] = model
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if cfg_scale is not UNSET:
            field_dict["cfg_scale"] = cfg_scale

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        if not isinstance(self.mode, Unset):
            files.append(("mode", (None, str(self.mode).encode(), "text/plain")))

        if not isinstance(self.image, Unset):
            files.append(("image", self.image.to_tuple()))

        if not isinstance(self.strength, Unset):
            files.append(("strength", (None, str(self.strength).encode(), "text/plain")))

        if not isinstance(self.aspect_ratio, Unset):
            files.append(("aspect_ratio", (None, str(self.aspect_ratio).encode(), "text/plain")))

        if not isinstance(self.model, Unset):
            files.append(("model", (None, str(self.model).encode(), "text/plain")))

        if not isinstance(self.seed, Unset):
            files.append(("seed", (None, str(self.seed).encode(), "text/plain")))

        if not isinstance(self.output_format, Unset):
            files.append(("output_format", (None, str(self.output_format).encode(), "text/plain")))

        if not isinstance(self.negative_prompt, Unset):
            files.append(("negative_prompt", (None, str(self.negative_prompt).encode(), "text/plain")))

        if not isinstance(self.cfg_scale, Unset):
            files.append(("cfg_scale", (None, str(self.cfg_scale).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        _mode = d.pop("mode", UNSET)
        mode: Sd3Mode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = check_sd_3_mode(_mode)

        _image = d.pop("image", UNSET)
        image: File | Unset
        if isinstance(_image, Unset):
            image = UNSET
        else:
            image = File(payload=BytesIO(_image))

        strength = d.pop("strength", UNSET)

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: AspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_aspect_ratio(_aspect_ratio)

        _model = d.pop("model", UNSET)
        model: Sd3Model | Unset
        if isinstance(_model, Unset):
            model = UNSET
        else:
            model = check_sd_3_model(_model)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: Sd3OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_sd_3_output_format(_output_format)

        negative_prompt = d.pop("negative_prompt", UNSET)

        cfg_scale = d.pop("cfg_scale", UNSET)

        generate_sd_3_request = cls(
            prompt=prompt,
            mode=mode,
            image=image,
            strength=strength,
            aspect_ratio=aspect_ratio,
            model=model,
            seed=seed,
            output_format=output_format,
            negative_prompt=negative_prompt,
            cfg_scale=cfg_scale,
        )

        generate_sd_3_request.additional_properties = d
        return generate_sd_3_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
