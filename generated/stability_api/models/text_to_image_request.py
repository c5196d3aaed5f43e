from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.clip_guidance_preset import ClipGuidancePreset, check_clip_guidance_preset
from ..models.sampler import Sampler, check_sampler
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.text_prompt import TextPrompt


T = TypeVar("T", bound="TextToImageRequest")


@_attrs_define
class TextToImageRequest:
    """
    Attributes:
        text_prompts (list[TextPrompt]):
        cfg_scale (float | Unset): How strictly the image follows the prompts. Default: 7.0.
        clip_guidance_preset (ClipGuidancePreset | Unset):
        height (int | Unset): Output height in pixels, a multiple of 64; width x height may not exceed 1,048,576 pixels.
            The engine's native size (512 for most engines) when absent.
        width (int | Unset): Output width in pixels; the same rules as `height`.
        sampler (Sampler | Unset): The diffusion sampler; the service picks one when absent.
        samples (int | Unset): Number of images; more than 1 requires `Accept: application/json`. Default: 1.
        seed (int | Unset): Seed for the noise; 0 picks a random one. Default: 0.
        steps (int | Unset): Number of diffusion steps. Default: 50.
    """

    text_prompts: list[TextPrompt]
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

        text_to_image_request = cls(
            text_prompts=text_prompts,
            cfg_scale=cfg_scale,
            clip_guidance_preset=clip_guidance_preset,
            height=height,
            width=width,
            sampler=sampler,
            samples=samples,
            seed=seed,
            steps=steps,
        )

        text_to_image_request.additional_properties = d
        return text_to_image_request

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
