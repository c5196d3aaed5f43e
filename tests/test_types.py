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
