from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.output_format import OutputFormat, check_output_format
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="EditOutpaintRequest")


@_attrs_define
class EditOutpaintRequest:
    """Outpaint. At least one of `left`, `right`, `up` and `down` must be more than 0 (each is 0 when absent). `seed` is
    random and `output_format` `png` when absent. Numbers' defaults are in their descriptions, so that a client
    generated from this document sends only what its caller sets.

        Attributes:
            image (File): The image to extend: JPEG, PNG or WEBP, every side at least 64 pixels, 4,096 to 9,437,184 pixels,
                aspect ratio (width / height) from 1:2.5 to 2.5:1.
            left (int | Unset): Pixels to add on the left. 0 when absent.
            right (int | Unset): Pixels to add on the right. 0 when absent.
            up (int | Unset): Pixels to add at the top. 0 when absent.
            down (int | Unset): Pixels to add at the bottom. 0 when absent.
            creativity (float | Unset): How readily the model adds detail that the input does not clearly call for.
                Stability's schema combines its shared creativity (0.2 to 0.5, default 0.35) with an outpaint override (0 to 1,
                default 0.5) in one `allOf`, so both ranges apply: 0.2 to 0.5, which either reading accepts. Which default the
                service uses when absent (0.35 or 0.5) is not settled by the document.
            prompt (str | Unset): What the new content should show (optional, may be empty). `(word:weight)` with a weight
                from 0 to 1 weights a word.
            seed (float | Unset): Seed for the noise; 0 picks a random one.
            output_format (OutputFormat | Unset): The format of the output image.
    """

    image: File
    left: int | Unset = UNSET
    right: int | Unset = UNSET
    up: int | Unset = UNSET
    down: int | Unset = UNSET
    creativity: float | Unset = UNSET
    prompt: str | Unset = UNSET
    seed: float | Unset = UNSET
    output_format: OutputFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        left = self.left

        right = self.right

        up = self.up

        down = self.down

        creativity = self.creativity

        prompt = self.prompt

        seed = self.seed

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
            }
        )
        if left is not UNSET:
            field_dict["left"] = left
        if right is not UNSET:
            field_dict["right"] = right
        if up is not UNSET:
            field_dict["up"] = up
        if down is not UNSET:
            field_dict["down"] = down
        if creativity is not UNSET:
            field_dict["creativity"] = creativity
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.left, Unset):
            files.append(("left", (None, str(self.left).encode(), "text/plain")))

        if not isinstance(self.right, Unset):
            files.append(("right", (None, str(self.right).encode(), "text/plain")))

        if not isinstance(self.up, Unset):
            files.append(("up", (None, str(self.up).encode(), "text/plain")))

        if not isinstance(self.down, Unset):
            files.append(("down", (None, str(self.down).encode(), "text/plain")))

        if not isinstance(self.creativity, Unset):
            files.append(("creativity", (None, str(self.creativity).encode(), "text/plain")))

        if not isinstance(self.prompt, Unset):
            files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

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

        left = d.pop("left", UNSET)

        right = d.pop("right", UNSET)

        up = d.pop("up", UNSET)

        down = d.pop("down", UNSET)

        creativity = d.pop("creativity", UNSET)

        prompt = d.pop("prompt", UNSET)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_output_format(_output_format)

        edit_outpaint_request = cls(
            image=image,
            left=left,
            right=right,
            up=up,
            down=down,
            creativity=creativity,
            prompt=prompt,
            seed=seed,
            output_format=output_format,
        )

        edit_outpaint_request.additional_properties = d
        return edit_outpaint_request

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
