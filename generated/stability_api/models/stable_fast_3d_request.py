from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.remesh import Remesh, check_remesh
from ..models.texture_resolution import TextureResolution, check_texture_resolution
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="StableFast3DRequest")


@_attrs_define
class StableFast3DRequest:
    """Stable Fast 3D. `texture_resolution` is `1024`, `foreground_ratio` 0.85, `remesh` `none` and `vertex_count` -1 (no
    limit) when absent. Numbers' defaults are in their descriptions, so that a client generated from this document sends
    only what its caller sets.

        Attributes:
            image (File): The image of the object: JPEG, PNG or WEBP, every side at least 64 pixels, 4,096 to 4,194,304
                pixels.
            texture_resolution (TextureResolution | Unset): The size in pixels of the albedo (colour) and normal textures,
                as a string (`1024` when absent). Higher values give finer detail and larger files; Stability says 1024 rarely
                needs changing.
            foreground_ratio (float | Unset): How much of the frame the object fills: higher means less padding and a larger
                object. Lower it for a long, narrow object seen end-on (a car or bus from the front), so that the model does not
                come out squished. 0.85 when absent, which suits most objects.
            remesh (Remesh | Unset): The remeshing algorithm: `none` (the default; fine for most uses), `triangle`
                (triangular faces) or `quad` (quadrilateral faces, suited to DCC tools such as Maya or Blender).
            vertex_count (float | Unset): About how many vertices the simplified mesh should have (fewer vertices, fewer
                faces); -1 sets no limit. -1 when absent.
    """

    image: File
    texture_resolution: TextureResolution | Unset = UNSET
    foreground_ratio: float | Unset = UNSET
    remesh: Remesh | Unset = UNSET
    vertex_count: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        texture_resolution: str | Unset = UNSET
        if not isinstance(self.texture_resolution, Unset):
            texture_resolution = self.texture_resolution

        foreground_ratio = self.foreground_ratio

        remesh: str | Unset = UNSET
        if not isinstance(self.remesh, Unset):
            remesh = self.remesh

        vertex_count = self.vertex_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
            }
        )
        if texture_resolution is not UNSET:
            field_dict["texture_resolution"] = texture_resolution
        if foreground_ratio is not UNSET:
            field_dict["foreground_ratio"] = foreground_ratio
        if remesh is not UNSET:
            field_dict["remesh"] = remesh
        if vertex_count is not UNSET:
            field_dict["vertex_count"] = vertex_count

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.texture_resolution, Unset):
            files.append(("texture_resolution", (None, str(self.texture_resolution).encode(), "text/plain")))

        if not isinstance(self.foreground_ratio, Unset):
            files.append(("foreground_ratio", (None, str(self.foreground_ratio).encode(), "text/plain")))

        if not isinstance(self.remesh, Unset):
            files.append(("remesh", (None, str(self.remesh).encode(), "text/plain")))

        if not isinstance(self.vertex_count, Unset):
            files.append(("vertex_count", (None, str(self.vertex_count).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = File(payload=BytesIO(d.pop("image")))

        _texture_resolution = d.pop("texture_resolution", UNSET)
        texture_resolution: TextureResolution | Unset
        if isinstance(_texture_resolution, Unset):
            texture_resolution = UNSET
        else:
            texture_resolution = check_texture_resolution(_texture_resolution)

        foreground_ratio = d.pop("foreground_ratio", UNSET)

        _remesh = d.pop("remesh", UNSET)
        remesh: Remesh | Unset
        if isinstance(_remesh, Unset):
            remesh = UNSET
        else:
            remesh = check_remesh(_remesh)

        vertex_count = d.pop("vertex_count", UNSET)

        stable_fast_3d_request = cls(
            image=image,
            texture_resolution=texture_resolution,
            foreground_ratio=foreground_ratio,
            remesh=remesh,
            vertex_count=vertex_count,
        )

        stable_fast_3d_request.additional_properties = d
        return stable_fast_3d_request

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
