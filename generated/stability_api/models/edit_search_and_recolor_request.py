from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.output_format import OutputFormat, check_output_format
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="EditSearchAndRecolorRequest")


@_attrs_define
class EditSearchAndRecolorRequest:
    """Search and recolor. `grow_mask` is 3, `seed` random and `output_format` `png` when absent. Numbers' defaults are in
    their descriptions, so that a client generated from this document sends only what its caller sets.

        Attributes:
            image (File): The image to recolor: JPEG, PNG or WEBP, every side at least 64 pixels, 4,096 to 9,437,184 pixels,
                aspect ratio (width / height) from 1:2.5 to 2.5:1.
            prompt (str): The colours wanted for what is found. `(word:weight)` with a weight from 0 to 1 weights a word.
            select_prompt (str): A short description of what to recolor, e.g. `glasses` (`select_prompt` here,
                `search_prompt` in search-and-replace). Stability declares no minimum length.
            negative_prompt (str | Unset): What the output should not show.
            grow_mask (float | Unset): Grows the edges of the found object's mask outward by this many pixels and blurs the
                grown band, which smooths seams; too much can hide fine detail or merge nearby areas. 3 when absent.
            seed (float | Unset): Seed for the noise; 0 picks a random one.
            output_format (OutputFormat | Unset): The format of the output image.
    """

    image: File
    prompt: str
    select_prompt: str
    negative_prompt: str | Unset = UNSET
    grow_mask: float | Unset = UNSET
    seed: float | Unset = UNSET
    output_format: OutputFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        prompt = self.prompt

        select_prompt = self.select_prompt

        negative_prompt = self.negative_prompt

        grow_mask = self.grow_mask

        seed = self.seed

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
                "prompt": prompt,
                "select_prompt": select_prompt,
            }
        )
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if grow_mask is not UNSET:
            field_dict["grow_mask"] = grow_mask
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        files.append(("select_prompt", (None, str(self.select_prompt).encode(), "text/plain")))

        if not isinstance(self.negative_prompt, Unset):
            files.append(("negative_prompt", (None, str(self.negative_prompt).encode(), "text/plain")))

        if not isinstance(self.grow_mask, Unset):
            files.append(("grow_mask", (None, str(self.grow_mask).encode(), "text/plain")))

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
        image = File(payload=BytesIO(d.pop("image")))

        prompt = d.pop("prompt")

        select_prompt = d.pop("select_prompt")

        negative_prompt = d.pop("negative_prompt", UNSET)

        grow_mask = d.pop("grow_mask", UNSET)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_output_format(_output_format)

        edit_search_and_recolor_request = cls(
            image=image,
            prompt=prompt,
            select_prompt=select_prompt,
            negative_prompt=negative_prompt,
            grow_mask=grow_mask,
            seed=seed,
            output_format=output_format,
        )

        edit_search_and_recolor_request.additional_properties = d
        return edit_search_and_recolor_request

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
