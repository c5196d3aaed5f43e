from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="ImageToVideoV2BetaRequest")


@_attrs_define
class ImageToVideoV2BetaRequest:
    """Image-to-video (the same fields, bounds and defaults as the v2alpha one). `seed` is random when absent.

    Attributes:
        image (File): The first frame, a JPEG or PNG of exactly 1024x576, 576x1024 or 768x768 pixels.
        seed (float | Unset): Seed for the noise; 0 picks a random one.
        cfg_scale (float | Unset): How closely the video keeps to the image: lower values leave more freedom, higher
            ones correct motion distortions. Default: 1.8.
        motion_bucket_id (float | Unset): How much motion: lower values usually give less, higher values more. 127 when
            absent (declared in this description only, so that a client generated from this document does not always send
            it, as `127.0`).
    """

    image: File
    seed: float | Unset = UNSET
    cfg_scale: float | Unset = 1.8
    motion_bucket_id: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        seed = self.seed

        cfg_scale = self.cfg_scale

        motion_bucket_id = self.motion_bucket_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
            }
        )
        if seed is not UNSET:
            field_dict["seed"] = seed
        if cfg_scale is not UNSET:
            field_dict["cfg_scale"] = cfg_scale
        if motion_bucket_id is not UNSET:
            field_dict["motion_bucket_id"] = motion_bucket_id

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.seed, Unset):
            files.append(("seed", (None, str(self.seed).encode(), "text/plain")))

        if not isinstance(self.cfg_scale, Unset):
            files.append(("cfg_scale", (None, str(self.cfg_scale).encode(), "text/plain")))

        if not isinstance(self.motion_bucket_id, Unset):
            files.append(("motion_bucket_id", (None, str(self.motion_bucket_id).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = File(payload=BytesIO(d.pop("image")))

        seed = d.pop("seed", UNSET)

        cfg_scale = d.pop("cfg_scale", UNSET)

        motion_bucket_id = d.pop("motion_bucket_id", UNSET)

        image_to_video_v2_beta_request = cls(
            image=image,
            seed=seed,
            cfg_scale=cfg_scale,
            motion_bucket_id=motion_bucket_id,
        )

        image_to_video_v2_beta_request.additional_properties = d
        return image_to_video_v2_beta_request

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
