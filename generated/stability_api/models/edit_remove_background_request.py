from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.remove_background_output_format import (
    RemoveBackgroundOutputFormat,
    check_remove_background_output_format,
)
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="EditRemoveBackgroundRequest")


@_attrs_define
class EditRemoveBackgroundRequest:
    """Remove background. `output_format` is `png` when absent; there is no seed.

    Attributes:
        image (File): The image whose background to remove: JPEG, PNG or WEBP, every side at least 64 pixels, 4,096 to
            4,194,304 pixels.
        output_format (RemoveBackgroundOutputFormat | Unset): The format of the output image (`png` when absent); no
            JPEG, which has no alpha channel.
    """

    image: File
    output_format: RemoveBackgroundOutputFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

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
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.output_format, Unset):
            files.append(("output_format", (None, str(self.output_format).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = File(payload=BytesIO(d.pop("image")))

        _output_format = d.pop("output_format", UNSET)
        output_format: RemoveBackgroundOutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_remove_background_output_format(_output_format)

        edit_remove_background_request = cls(
            image=image,
            output_format=output_format,
        )

        edit_remove_background_request.additional_properties = d
        return edit_remove_background_request

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
