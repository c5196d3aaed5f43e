from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.aspect_ratio import AspectRatio, check_aspect_ratio
from ..models.output_format import OutputFormat, check_output_format
from ..models.style_preset import StylePreset, check_style_preset
from ..types import UNSET, Unset

T = TypeVar("T", bound="GenerateCoreRequest")


@_attrs_define
class GenerateCoreRequest:
    """Stable Image Core (text-to-image only). `aspect_ratio` is `1:1`, `seed` random, `output_format` `png` and no style
    preset when absent.

        Attributes:
            prompt (str): What the output should show. `(word:weight)` with a weight from 0 to 1 weights a word.
            aspect_ratio (AspectRatio | Unset): The shape of the output image, width:height (`1:1` when absent).
            negative_prompt (str | Unset): What the output should not show.
            seed (float | Unset): Seed for the noise; 0 picks a random one.
            style_preset (StylePreset | Unset): A style to steer the image towards (none when absent). The same list as v1's
                style presets, which Stability says may change.
            output_format (OutputFormat | Unset): The format of the output image.
    """

    prompt: str
    aspect_ratio: AspectRatio | Unset = UNSET
    negative_prompt: str | Unset = UNSET
    seed: float | Unset = UNSET
    style_preset: StylePreset | Unset = UNSET
    output_format: OutputFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio

        negative_prompt = self.negative_prompt

        seed = self.seed

        style_preset: str | Unset = UNSET
        if not isinstance(self.style_preset, Unset):
            style_preset = self.style_preset

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
            }
        )
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if seed is not UNSET:
            field_dict["seed"] = seed
        if style_preset is not UNSET:
            field_dict["style_preset"] = style_preset
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        if not isinstance(self.aspect_ratio, Unset):
            files.append(("aspect_ratio", (None, str(self.aspect_ratio).encode(), "text/plain")))

        if not isinstance(self.negative_prompt, Unset):
            files.append(("negative_prompt", (None, str(self.negative_prompt).encode(), "text/plain")))

        if not isinstance(self.seed, Unset):
            files.append(("seed", (None, str(self.seed).encode(), "text/plain")))

        if not isinstance(self.style_preset, Unset):
            files.append(("style_preset", (None, str(self.style_preset).encode(), "text/plain")))

        if not isinstance(self.output_format, Unset):
            files.append(("output_format", (None, str(self.output_format).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: AspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_aspect_ratio(_aspect_ratio)

        negative_prompt = d.pop("negative_prompt", UNSET)

        seed = d.pop("seed", UNSET)

        _style_preset = d.pop("style_preset", UNSET)
        style_preset: StylePreset | Unset
        if isinstance(_style_preset, Unset):
            style_preset = UNSET
        else:
            style_preset = check_style_preset(_style_preset)

        _output_format = d.pop("output_format", UNSET)
        output_format: OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_output_format(_output_format)

        generate_core_request = cls(
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            negative_prompt=negative_prompt,
            seed=seed,
            style_preset=style_preset,
            output_format=output_format,
        )

        generate_core_request.additional_properties = d
        return generate_core_request

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
