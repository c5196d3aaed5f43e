from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.keep_original_background import (
    KeepOriginalBackground,
    check_keep_original_background,
)
from ..models.light_source_direction import (
    LightSourceDirection,
    check_light_source_direction,
)
from ..models.output_format import OutputFormat, check_output_format
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="EditReplaceBackgroundAndRelightRequest")


@_attrs_define
class EditReplaceBackgroundAndRelightRequest:
    """Replace background and relight. What the schema cannot express: `background_prompt` or `background_reference` is
    required (or both); `light_source_strength` requires `light_reference` or `light_source_direction`.
    `keep_original_background` is `false`, `seed` random and `output_format` `png` when absent. Numbers' defaults are in
    their descriptions, so that a client generated from this document sends only what its caller sets (an unasked
    `light_source_strength` would even break the rule above).

        Attributes:
            subject_image (File): The image with the subject to keep: JPEG, PNG or WEBP, every side at least 64 pixels,
                4,096 to 9,437,184 pixels, aspect ratio (width / height) from 1:2.5 to 2.5:1.
            background_reference (File | Unset): An image whose style the new background takes (as in the style control).
                JPEG, PNG or WEBP, every side at least 64 pixels, 4,096 to 9,437,184 pixels. This or `background_prompt` is
                required.
            background_prompt (str | Unset): The background wanted, or only its lighting when `light_source_direction` or
                `light_reference` sets the light. This or `background_reference` is required.
            foreground_prompt (str | Unset): A description of the subject, which keeps the background from bleeding into it
                (e.g. a subject turning green in front of a forest).
            negative_prompt (str | Unset): What the output should not show.
            preserve_original_subject (float | Unset): How exactly the subject keeps its original pixels: 1 is a pixel-for-
                pixel match, 0 a close match with new lighting. 0.6 when absent.
            original_background_depth (float | Unset): How closely the generated background keeps the depth of the original
                image. 0.5 when absent.
            keep_original_background (KeepOriginalBackground | Unset): `true` keeps the original background (relit to match
                the other settings), `false` (the default) replaces it. A string, not a boolean.
            light_source_direction (LightSourceDirection | Unset): Where the light comes from (no directional light when
                absent).
            light_reference (File | Unset): An image whose lighter areas become brighter light in the output (Stability's
                text once calls it `light_reference_image`; the field is `light_reference`). JPEG, PNG or WEBP, every side at
                least 64 pixels, 4,096 to 9,437,184 pixels.
            light_source_strength (float | Unset): How strong the light from `light_reference` or `light_source_direction`
                is (1 brighter, 0 dimmer); requires one of them. 0.3 when absent.
            seed (float | Unset): Seed for the noise; 0 picks a random one.
            output_format (OutputFormat | Unset): The format of the output image.
    """

    subject_image: File
    background_reference: File | Unset = UNSET
    background_prompt: str | Unset = UNSET
    foreground_prompt: str | Unset = UNSET
    negative_prompt: str | Unset = UNSET
    preserve_original_subject: float | Unset = UNSET
    original_background_depth: float | Unset = UNSET
    keep_original_background: KeepOriginalBackground | Unset = UNSET
    light_source_direction: LightSourceDirection | Unset = UNSET
    light_reference: File | Unset = UNSET
    light_source_strength: float | Unset = UNSET
    seed: float | Unset = UNSET
    output_format: OutputFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject_image = self.subject_image.to_tuple()

        background_reference: FileTypes | Unset = UNSET
        if not isinstance(self.background_reference, Unset):
            background_reference = self.background_reference.to_tuple()

        background_prompt = self.background_prompt

        foreground_prompt = self.foreground_prompt

        negative_prompt = self.negative_prompt

        preserve_original_subject = self.preserve_original_subject

        original_background_depth = self.original_background_depth

        keep_original_background: str | Unset = UNSET
        if not isinstance(self.keep_original_background, Unset):
            keep_original_background = self.keep_original_background

        light_source_direction: str | Unset = UNSET
        if not isinstance(self.light_source_direction, Unset):
            light_source_direction = self.light_source_direction

        light_reference: FileTypes | Unset = UNSET
        if not isinstance(self.light_reference, Unset):
            light_reference = self.light_reference.to_tuple()

        light_source_strength = self.light_source_strength

        seed = self.seed

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject_image": subject_image,
            }
        )
        if background_reference is not UNSET:
            field_dict["background_reference"] = background_reference
        if background_prompt is not UNSET:
            field_dict["background_prompt"] = background_prompt
        if foreground_prompt is not UNSET:
            field_dict["foreground_prompt"] = foreground_prompt
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if preserve_original_subject is not UNSET:
            field_dict["preserve_original_subject"] = preserve_original_subject
        if original_background_depth is not UNSET:
            field_dict["original_background_depth"] = original_background_depth
        if keep_original_background is not UNSET:
            field_dict["keep_original_background"] = keep_original_background
        if light_source_direction is not UNSET:
            field_dict["light_source_direction"] = light_source_direction
        if light_reference is not UNSET:
            field_dict["light_reference"] = light_reference
        if light_source_strength is not UNSET:
            field_dict["light_source_strength"] = light_source_strength
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("subject_image", self.subject_image.to_tuple()))

        if not isinstance(self.background_reference, Unset):
            files.append(("background_reference", self.background_reference.to_tuple()))

        if not isinstance(self.background_prompt, Unset):
            files.append(("background_prompt", (None, str(self.background_prompt).encode(), "text/plain")))

        if not isinstance(self.foreground_prompt, Unset):
            files.append(("foreground_prompt", (None, str(self.foreground_prompt).encode(), "text/plain")))

        if not isinstance(self.negative_prompt, Unset):
            files.append(("negative_prompt", (None, str(self.negative_prompt).encode(), "text/plain")))

        if not isinstance(self.preserve_original_subject, Unset):
            files.append(
                ("preserve_original_subject", (None, str(self.preserve_original_subject).encode(), "text/plain"))
            )

        if not isinstance(self.original_background_depth, Unset):
            files.append(
                ("original_background_depth", (None, str(self.original_background_depth).encode(), "text/plain"))
            )

        if not isinstance(self.keep_original_background, Unset):
            files.append(
                ("keep_original_background", (None, str(self.keep_original_background).encode(), "text/plain"))
            )

        if not isinstance(self.light_source_direction, Unset):
            files.append(("light_source_direction", (None, str(self.light_source_direction).encode(), "text/plain")))

        if not isinstance(self.light_reference, Unset):
            files.append(("light_reference", self.light_reference.to_tuple()))

        if not isinstance(self.light_source_strength, Unset):
            files.append(("light_source_strength", (None, str(self.light_source_strength).encode(), "text/plain")))

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
        subject_image = File(payload=BytesIO(d.pop("subject_image")))

        _background_reference = d.pop("background_reference", UNSET)
        background_reference: File | Unset
        if isinstance(_background_reference, Unset):
            background_reference = UNSET
        else:
            background_reference = File(payload=BytesIO(_background_reference))

        background_prompt = d.pop("background_prompt", UNSET)

        foreground_prompt = d.pop("foreground_prompt", UNSET)

        negative_prompt = d.pop("negative_prompt", UNSET)

        preserve_original_subject = d.pop("preserve_original_subject", UNSET)

        original_background_depth = d.pop("original_background_depth", UNSET)

        _keep_original_background = d.pop("keep_original_background", UNSET)
        keep_original_background: KeepOriginalBackground | Unset
        if isinstance(_keep_original_background, Unset):
            keep_original_background = UNSET
        else:
            keep_original_background = check_keep_original_background(_keep_original_background)

        _light_source_direction = d.pop("light_source_direction", UNSET)
        light_source_direction: LightSourceDirection | Unset
        if isinstance(_light_source_direction, Unset):
            light_source_direction = UNSET
        else:
            light_source_direction = check_light_source_direction(_light_source_direction)

        _light_reference = d.pop("light_reference", UNSET)
        light_reference: File | Unset
        if isinstance(_light_reference, Unset):
            light_reference = UNSET
        else:
            light_reference = File(payload=BytesIO(_light_reference))

        light_source_strength = d.pop("light_source_strength", UNSET)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: OutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_output_format(_output_format)

        edit_replace_background_and_relight_request = cls(
            subject_image=subject_image,
            background_reference=background_reference,
            background_prompt=background_prompt,
            foreground_prompt=foreground_prompt,
            negative_prompt=negative_prompt,
            preserve_original_subject=preserve_original_subject,
            original_background_depth=original_background_depth,
            keep_original_background=keep_original_background,
            light_source_direction=light_source_direction,
            light_reference=light_reference,
            light_source_strength=light_source_strength,
            seed=seed,
            output_format=output_format,
        )

        edit_replace_background_and_relight_request.additional_properties = d
        return edit_replace_background_and_relight_request

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
