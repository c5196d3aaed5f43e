from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.output_format import OutputFormat, check_output_format
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="ControlSketchRequest")


@_attrs_define
class ControlSketchRequest:
    """Sketch control. `control_strength` is 0.7, `seed` random and `output_format` `png` when absent. Numbers' defaults
    are in their descriptions, so that a client generated from this document sends only what its caller sets.

        Attributes:
            prompt (str): What the output should show. `(word:weight)` with a weight from 0 to 1 weights a word.
            image (File): The sketch (or any image whose contours and edges to follow): JPEG, PNG or WEBP, every side at
                least 64 pixels, at most 9,437,184 pixels, aspect ratio (width / height) from 1:2.5 to 2.5:1.
            control_strength (float | Unset): How much `image` steers the output, from 0 (least) to 1 (most). 0.7 when
                absent.
            negative_prompt (str | Unset): What the output should not show.
            seed (float | Unset): Seed for the noise; 0 picks a random one.
            output_format (OutputFormat | Unset): The format of the output image.
    """

    prompt: str
    image: File
    control_strength: float | Unset = UNSET
    negative_prompt: str | Unset = UNSET
    seed: float | Unset = UNSET
    output_format: OutputFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        image = self.image.to_tuple()

        control_strength = self.control_strength

        negative_prompt = self.negative_prompt

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
        if control_strength is not UNSET:
            field_dict["control_strength"] = control_strength
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.control_strength, Unset):
            files.append(("control_strength", (None, str(self.control_strength).encode(), "text/plain")))

        if not isinstance(self.negative_prompt, Unset):
            files.append(("negative_prompt", (None, str(self.negative_prompt).encode(), "text/plain")))

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

        control_strength = d.pop("control_strength", UNSET)

        negative_prompt = d.pop("negative_prompt", UNSET)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_output_format(_output_format)

        control_sketch_request = cls(
            prompt=prompt,
            image=image,
            control_strength=control_strength,
            negative_prompt=negative_prompt,
            seed=seed,
            output_format=output_format,
        )

        control_sketch_request.additional_properties = d
        return control_sketch_request

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
