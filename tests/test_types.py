"""The Literal types of the clients' signatures name exactly the values the local checks allow."""

from __future__ import annotations

import typing

import pytest

from stability import _types
from stability._core import limits as L


@pytest.mark.parametrize(
    ("alias", "values"),
    [
        (_types.AspectRatio, L.ASPECT_RATIOS),
        (_types.ImageFormat, L.V2BETA_OUTPUT_FORMATS),
        (_types.Sd3Format, L.SD3_OUTPUT_FORMATS),
        (_types.Sd3Model, L.SD3_MODELS),
        (_types.Sd3Mode, L.SD3_MODES),
        (_types.StylePreset, L.STYLE_PRESETS),
    ],
)
def test_each_literal_type_is_its_limit(alias: object, values: tuple[str, ...]) -> None:
    assert set(typing.get_args(alias)) == set(values)


@pytest.mark.parametrize(
    ("alias", "values"),
    [
        (_types.Sampler, L.V1_SAMPLERS),
        (_types.ClipGuidancePreset, L.V1_CLIP_GUIDANCE_PRESETS),
        (_types.MaskSource, L.V1_MASK_SOURCES),
        (_types.ImageFormat, L.V2_OUTPUT_FORMATS),
        (_types.InpaintMode, L.INPAINT_MODES),
    ],
)
def test_the_v1alpha_and_v2alpha_sets_are_literal_types_too(alias: object, values: tuple[str, ...]) -> None:
    assert typing.get_args(alias) == values  # the order too: help and error messages list them so


def _methods() -> list[tuple[str, str, object]]:
    from stability import AsyncStability, Stability
    from stability._operations.registry import REGISTRY

    return [
        (entry.name, argument, typing.get_type_hints(getattr(client, entry.name))[argument])
        for client in (AsyncStability, Stability)
        for entry in REGISTRY.values()
        if hasattr(client, entry.name)
        for argument in entry.params
    ]


def test_every_image_argument_is_an_image_input() -> None:
    from stability._core.validation import Image
    from stability._operations.registry import REGISTRY

    images = [case for case in _methods() if isinstance(REGISTRY[case[0]].params[case[1]].rule, Image)]
    assert len(images) >= 2 * 25
    for name, argument, hint in images:
        required = REGISTRY[name].params[argument].rule.required  # type: ignore[attr-defined]
        assert hint == (_types.ImageInput if required else _types.ImageInput | None), (name, argument)


def test_every_closed_set_is_a_literal_type_in_the_signatures() -> None:
    """Each argument that the local checks hold to a closed set of strings is a ``Literal`` of exactly that set: a
    type checker refuses ``sampler="K_EULERX"`` as the client would (texture_resolution also takes the ints)."""
    from stability._core.validation import Choice
    from stability._operations.registry import REGISTRY

    choices = [case for case in _methods() if isinstance(REGISTRY[case[0]].params[case[1]].rule, Choice)]
    assert len(choices) >= 2 * 30
    for name, argument, hint in choices:
        rule = REGISTRY[name].params[argument].rule
        literals = {value for part in typing.get_args(hint) for value in typing.get_args(part)}
        assert {str(value) for value in literals} == set(rule.values), (name, argument, hint)  # type: ignore[attr-defined]
        assert type(None) in typing.get_args(hint), (name, argument)  # every one may be left to the API's default


def test_results_carry_the_finish_reason_type() -> None:
    from stability import ImageResult, VideoResult

    for result in (ImageResult, VideoResult):
        assert typing.get_type_hints(result)["finish_reason"] is _types.FinishReason
