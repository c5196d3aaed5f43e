from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.aspect_ratio import AspectRatio, check_aspect_ratio
from ..models.output_format import OutputFormat, check_output_format
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="GenerateUltraRequest")


@_attrs_define
class GenerateUltraRequest:
    """Stable Image Ultra. Text-to-image needs only `prompt`; image-to-image adds `image`, and then `strength` is required
    too. `aspect_ratio` is `1:1`, `seed` random and `output_format` `png` when absent.

        Attributes:
            prompt (str): What the output should show. `(word:weight)` with a weight from 0 to 1 weights a word.
            negative_prompt (str | Unset): What the output should not show.
            aspect_ratio (AspectRatio | Unset): The shape of the output image, width:height (`1:1` when absent).
            seed (float | Unset): Seed for the noise; 0 picks a random one.
            output_format (OutputFormat | Unset): The format of the output image.
            image (File | Unset): A starting image (image-to-image): JPEG, PNG or WEBP, width and height each 64 to 16,384
                pixels, at least 4,096 pixels in all. Requires `strength`.
            strength (float | Unset): How far the output may move from `image`: 0 gives the image back unchanged, 1 ignores
                it. Required with `image`, unused without it; no default.
    """

    prompt: str
    negative_prompt: str | Unset = UNSET
    aspect_ratio: AspectRatio | Unset = UNSET
    seed: float | Unset = UNSET
    output_format: OutputFormat | Unset = UNSET
    image: File | Unset = UNSET
    strength: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        negative_prompt = self.negative_prompt

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio

        seed = self.seed

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        image: FileTypes | Unset = UNSET
        if not isinstance(self.image, Unset):
            image = self.image.to_tuple()

        strength = self.strength

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
            }
        )
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format
        if image is not UNSET:
            field_dict["image"] = image
        if strength is not UNSET:
            field_dict["strength"] = strength

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        if not isinstance(self.negative_prompt, Unset):
            files.append(("negative_prompt", (None, str(self.negative_prompt).encode(), "text/plain")))

        if not isinstance(self.aspect_ratio, Unset):
            files.append(("aspect_ratio", (None, str(self.aspect_ratio).encode(), "text/plain")))

        if not isinstance(self.seed, Unset):
            files.append(("seed", (None, str(self.seed).encode(), "text/plain")))

        if not isinstance(self.output_format, Unset):
            files.append(("output_format", (None, str(self.output_format).encode(), "text/plain")))

        if not isinstance(self.image, Unset):
            files.append(("image", self.image.to_tuple()))

        if not isinstance(self.strength, Unset):
            files.append(("strength", (None, str(self.strength).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        negative_prompt = d.pop("negative_prompt", UNSET)

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: AspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_aspect_ratio(_aspect_ratio)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_output_format(_output_format)

        _image = d.pop("image", UNSET)
        image: File | Unset
        if isinstance(_image, Unset):
            image = UNSET
        else:
            image = File(payload=BytesIO(_image))

        strength = d.pop("strength", UNSET)

        generate_ultra_request = cls(
            prompt=prompt,
            negative_prompt=negative_prompt,
            aspect_ratio=aspect_ratio,
            seed=seed,
            output_format=output_format,
            image=image,
            strength=strength,
        )

        generate_ultra_request.additional_properties = d
        return generate_ultra_request

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
