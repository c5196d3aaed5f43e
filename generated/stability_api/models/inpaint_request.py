from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.inpaint_mode import InpaintMode, check_inpaint_mode
from ..models.output_format import OutputFormat, check_output_format
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="InpaintRequest")


@_attrs_define
class InpaintRequest:
    """Both inpaint modes in one flat object. In `search` mode `search_prompt` is required and `mask` unused; in `mask`
    mode `search_prompt` is unused and `mask` optional (without it, the alpha channel of `image` is the mask).

        Attributes:
            mode (InpaintMode): `search` (find and replace what `search_prompt` names) or `mask` (use a mask or the alpha).
            image (File): The image to repaint: JPEG, PNG or WEBP, every side at least 64 pixels, 4,096 to 9,437,184 pixels.
            prompt (str): What the output should show. `(word:weight)` with a weight from 0 to 1 weights a word.
            search_prompt (str | Unset): In search mode, a short description of what to replace, e.g. `glasses`.
            mask (File | Unset): In mask mode, a black-and-white image: white pixels are repainted fully, black pixels kept.
                It is resized to the image when sizes differ, and wins over the image's alpha channel.
            negative_prompt (str | Unset): What the output should not show.
            seed (float | Unset): Seed for the noise; 0 picks a random one.
            output_format (OutputFormat | Unset): The format of the output image.
    """

    mode: InpaintMode
    image: File
    prompt: str
    search_prompt: str | Unset = UNSET
    mask: File | Unset = UNSET
    negative_prompt: str | Unset = UNSET
    seed: float | Unset = UNSET
    output_format: OutputFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mode: str = self.mode

        image = self.image.to_tuple()

        prompt = self.prompt

        search_prompt = self.search_prompt

        mask: FileTypes | Unset = UNSET
        if not isinstance(self.mask, Unset):
            mask = self.mask.to_tuple()

        negative_prompt = self.negative_prompt

        seed = self.seed

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "mode": mode,
                "image": image,
                "prompt": prompt,
            }
        )
        if search_prompt is not UNSET:
            field_dict["search_prompt"] = search_prompt
        if mask is not UNSET:
            field_dict["mask"] = mask
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("mode", (None, str(self.mode).encode(), "text/plain")))

        files.append(("image", self.image.to_tuple()))

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        if not isinstance(self.search_prompt, Unset):
            files.append(("search_prompt", (None, str(self.search_prompt).encode(), "text/plain")))

        if not isinstance(self.mask, Unset):
            files.append(("mask", self.mask.to_tuple()))

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
        mode = check_inpaint_mode(d.pop("mode"))

        image = File(payload=BytesIO(d.pop("image")))

        prompt = d.pop("prompt")

        search_prompt = d.pop("search_prompt", UNSET)

        _mask = d.pop("mask", UNSET)
        mask: File | Unset
        if isinstance(_mask, Unset):
            mask = UNSET
        else:
            mask = File(payload=BytesIO(_mask))

        negative_prompt = d.pop("negative_prompt", UNSET)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_output_format(_output_format)

        inpaint_request = cls(
            mode=mode,
            image=image,
            prompt=prompt,
            search_prompt=search_prompt,
            mask=mask,
            negative_prompt=negative_prompt,
            seed=seed,
            output_format=output_format,
        )

        inpaint_request.additional_properties = d
        return inpaint_request

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
