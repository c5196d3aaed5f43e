from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.clip_guidance_preset import ClipGuidancePreset, check_clip_guidance_preset
from ..models.mask_source import MaskSource, check_mask_source
from ..models.sampler import Sampler, check_sampler
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.text_prompt import TextPrompt


T = TypeVar("T", bound="MaskingOptions")


@_attrs_define
class MaskingOptions:
    """The text-to-image options plus the mask source, sent JSON-encoded as the `options` part.

    Attributes:
        text_prompts (list[TextPrompt]):
        mask_source (MaskSource): Which pixels are repainted: `MASK_IMAGE_WHITE` (white pixels of `mask_image`),
            `MASK_IMAGE_BLACK` (black pixels of `mask_image`), `INIT_IMAGE_ALPHA` (transparent pixels of `init_image`; no
            mask needed).
        cfg_scale (float | Unset):  Default: 7.0.
        clip_guidance_preset (ClipGuidancePreset | Unset):
        height (int | Unset):
        width (int | Unset):
        sampler (Sampler | Unset): The diffusion sampler; the service picks one when absent.
        samples (int | Unset):  Default: 1.
        seed (int | Unset):  Default: 0.
        steps (int | Unset):  Default: 50.
    """

    text_prompts: list[TextPrompt]
    mask_source: MaskSource
    cfg_scale: float | Unset = 7.0
    clip_guidance_preset: ClipGuidancePreset | Unset = UNSET
    height: int | Unset = UNSET
    width: int | Unset = UNSET
    sampler: Sampler | Unset = UNSET
    samples: int | Unset = 1
    seed: int | Unset = 0
    steps: int | Unset = 50
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        text_prompts = []
        for text_prompts_item_data in self.text_prompts:
            text_prompts_item = text_prompts_item_data.to_dict()
            text_prompts.append(text_prompts_item)

        mask_source: str = self.mask_source

        cfg_scale = self.cfg_scale

        clip_guidance_preset: str | Unset = UNSET
        if not isinstance(self.clip_guidance_preset, Unset):
            clip_guidance_preset = self.clip_guidance_preset

        height = self.height

        width = self.width

        sampler: str | Unset = UNSET
        if not isinstance(self.sampler, Unset):
            sampler = self.sampler

        samples = self.samples

        seed = self.seed

        steps = self.steps

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "text_prompts": text_prompts,
                "mask_source": mask_source,
            }
        )
        if cfg_scale is not UNSET:
            field_dict["cfg_scale"] = cfg_scale
        if clip_guidance_preset is not UNSET:
            field_dict["clip_guidance_preset"] = clip_guidance_preset
        if height is not UNSET:
            field_dict["height"] = height
        if width is not UNSET:
            field_dict["width"] = width
        if sampler is not UNSET:
            field_dict["sampler"] = sampler
        if samples is not UNSET:
            field_dict["samples"] = samples
        if seed is not UNSET:
            field_dict["seed"] = seed
        if steps is not UNSET:
            field_dict["steps"] = steps

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.text_prompt import TextPrompt  # noqa: PLC0415

        d = dict(src_dict)
        text_prompts = []
        _text_prompts = d.pop("text_prompts")
        for text_prompts_item_data in _text_prompts:
            text_prompts_item = TextPrompt.from_dict(text_prompts_item_data)

            text_prompts.append(text_prompts_item)

        mask_source = check_mask_source(d.pop("mask_source"))

        cfg_scale = d.pop("cfg_scale", UNSET)

        _clip_guidance_preset = d.pop("clip_guidance_preset", UNSET)
        clip_guidance_preset: ClipGuidancePreset | Unset
        if isinstance(_clip_guidance_preset, Unset):
            clip_guidance_preset = UNSET
        else:
            clip_guidance_preset = check_clip_guidance_preset(_clip_guidance_preset)

        height = d.pop("height", UNSET)

        width = d.pop("width", UNSET)

        _sampler = d.pop("sampler", UNSET)
        sampler: Sampler | Unset
        if isinstance(_sampler, Unset):
            sampler = UNSET
        else:
            sampler = check_sampler(_sampler)

        samples = d.pop("samples", UNSET)

        seed = d.pop("seed", UNSET)

        steps = d.pop("steps", UNSET)

        masking_options = cls(
            text_prompts=text_prompts,
            mask_source=mask_source,
            cfg_scale=cfg_scale,
            clip_guidance_preset=clip_guidance_preset,
            height=height,
            width=width,
            sampler=sampler,
            samples=samples,
            seed=seed,
            steps=steps,
        )

        masking_options.additional_properties = d
        return masking_options

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
