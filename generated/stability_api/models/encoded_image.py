from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EncodedImage")


@_attrs_define
class EncodedImage:
    """
    Attributes:
        image (str): The image, base64-encoded.
        finish_reason (str): `SUCCESS` or `CONTENT_FILTERED` (a string: the service may add values).
        seed (float | Unset):
    """

    image: str
    finish_reason: str
    seed: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image

        finish_reason = self.finish_reason

        seed = self.seed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
                "finish_reason": finish_reason,
            }
        )
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = d.pop("image")

        finish_reason = d.pop("finish_reason")

        seed = d.pop("seed", UNSET)

        encoded_image = cls(
            image=image,
            finish_reason=finish_reason,
            seed=seed,
        )

        encoded_image.additional_properties = d
        return encoded_image

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
