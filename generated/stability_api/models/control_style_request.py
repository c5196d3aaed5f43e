from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.aspect_ratio import AspectRatio, check_aspect_ratio
from ..models.output_format import OutputFormat, check_output_format
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="ControlStyleRequest")


@_attrs_define
class ControlStyleRequest:
    """Style control. `aspect_ratio` is `1:1`, `fidelity` 0.5, `seed` random and `output_format` `png` when absent.
    Numbers' defaults are in their descriptions, so that a client generated from this document sends only what its
    caller sets.

        Attributes:
            prompt (str): What the output should show. `(word:weight)` with a weight from 0 to 1 weights a word.
            image (File): The style reference: JPEG, PNG or WEBP, every side at least 64 pixels, 4,096 to 9,437,184 pixels,
                aspect ratio (width / height) from 1:2.5 to 2.5:1.
            negative_prompt (str | Unset): What the output should not show.
            aspect_ratio (AspectRatio | Unset): The shape of the output image, width:height (`1:1` when absent).
            fidelity (float | Unset): How closely the output's style follows the input's, from 0 to 1. 0.5 when absent.
            seed (float | Unset): Seed for the noise; 0 picks a random one.
            output_format (OutputFormat | Unset): The format of the output image.
    """

    prompt: str
    image: File
    negative_prompt: str | Unset = UNSET
    aspect_ratio: AspectRatio | Unset = UNSET
    fidelity: float | Unset = UNSET
    seed: float | Unset = UNSET
    output_format: OutputFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        image = self.image.to_tuple()

        negative_prompt = self.negative_prompt

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio

        fidelity = self.fidelity

        seed = self.seed

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
                "image": image,
            }
        )
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if fidelity is not UNSET:
            field_dict["fidelity"] = fidelity
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.negative_prompt, Unset):
            files.append(("negative_prompt", (None, str(self.negative_prompt).encode(), "text/plain")))

        if not isinstance(self.aspect_ratio, Unset):
            files.append(("aspect_ratio", (None, str(self.aspect_ratio).encode(), "text/plain")))

        if not isinstance(self.fidelity, Unset):
            files.append(("fidelity", (None, str(self.fidelity).encode(), "text/plain")))

        if not isinstance(self.seed, Unset):
            files.append(("seed", (None, str(self.seed).encode(), "text/plain")))

        if not isinstance(self.output_format, Unset):
            files.append(("output_format", (None, str(self.output_format).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        image = File(payload=BytesIO(d.pop("image")))

        negative_prompt = d.pop("negative_prompt", UNSET)

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: AspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_aspect_ratio(_aspect_ratio)

        fidelity = d.pop("fidelity", UNSET)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_output_format(_output_format)

        control_style_request = cls(
            prompt=prompt,
            image=image,
            negative_prompt=negative_prompt,
            aspect_ratio=aspect_ratio,
            fidelity=fidelity,
            seed=seed,
            output_format=output_format,
        )

        control_style_request.additional_properties = d
        return control_style_request

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
