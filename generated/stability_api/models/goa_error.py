from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GoaError")


@_attrs_define
class GoaError:
    """goa's error body, served as `application/vnd.goa.error`.

    Attributes:
        name (str): The error name, e.g. `invalid_height_or_width`.
        id (str): The error's id, to quote to support.
        message (str):
        temporary (bool): Whether the error is temporary.
        timeout (bool):
        fault (bool): Whether the fault is the service's.
    """

    name: str
    id: str
    message: str
    temporary: bool
    timeout: bool
    fault: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        id = self.id

        message = self.message

        temporary = self.temporary

        timeout = self.timeout

        fault = self.fault

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "id": id,
                "message": message,
                "temporary": temporary,
                "timeout": timeout,
                "fault": fault,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        id = d.pop("id")

        message = d.pop("message")

        temporary = d.pop("temporary")

        timeout = d.pop("timeout")

        fault = d.pop("fault")

        goa_error = cls(
            name=name,
            id=id,
            message=message,
            temporary=temporary,
            timeout=timeout,
            fault=fault,
        )

        goa_error.additional_properties = d
        return goa_error

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
