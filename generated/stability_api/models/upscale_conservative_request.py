from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.output_format import OutputFormat, check_output_format
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="UpscaleConservativeRequest")


@_attrs_define
class UpscaleConservativeRequest:
    """The conservative upscale. `seed` is random and `output_format` `png` when absent.

    Attributes:
        image (File): The image to upscale: JPEG, PNG or WEBP, every side at least 64 pixels, 4,096 to 9,437,184 pixels,
            aspect ratio (width / height) from 1:2.5 to 2.5:1.
        prompt (str): What the output should show. `(word:weight)` with a weight from 0 to 1 weights a word.
        negative_prompt (str | Unset): What the output should not show.
        seed (float | Unset): Seed for the noise; 0 picks a random one.
        output_format (OutputFormat | Unset): The format of the output image.
        creativity (float | Unset): How readily the model adds detail that the input does not clearly call for. Not the
            creative upscale's range (0 to 0.35). Default: 0.35.
    """

    image: File
    prompt: str
    negative_prompt: str | Unset = UNSET
    seed: float | Unset = UNSET
    output_format: OutputFormat | Unset = UNSET
    creativity: float | Unset = 0.35
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        prompt = self.prompt

        negative_prompt = self.negative_prompt

        seed = self.seed

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        creativity = self.creativity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
                "prompt": prompt,
            }
        )
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format
        if creativity is not UNSET:
            field_dict["creativity"] = creativity

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        if not isinstance(self.negative_prompt, Unset):
            files.append(("negative_prompt", (None, str(self.negative_prompt).encode(), "text/plain")))

        if not isinstance(self.seed, Unset):
            files.append(("seed", (None, str(self.seed).encode(), "text/plain")))

        if not isinstance(self.output_format, Unset):
            files.append(("output_format", (None, str(self.output_format).encode(), "text/plain")))

        if not isinstance(self.creativity, Unset):
            files.append(("creativity", (None, str(self.creativity).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = File(payload=BytesIO(d.pop("image")))

        prompt = d.pop("prompt")

        negative_prompt = d.pop("negative_prompt", UNSET)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_output_format(_output_format)

        creativity = d.pop("creativity", UNSET)

        upscale_conservative_request = cls(
            image=image,
            prompt=prompt,
            negative_prompt=negative_prompt,
            seed=seed,
            output_format=output_format,
            creativity=creativity,
        )

        upscale_conservative_request.additional_properties = d
        return upscale_conservative_request

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
