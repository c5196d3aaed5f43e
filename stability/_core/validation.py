"""Local checks of every documented limit, made before a request is sent (and before anything is charged).

Each check raises ``ValidationError(field, value, rule)``; the numbers come from ``_limits``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._files.inputs import ImageSource, image_source
from .._files.sniffing import shown
from . import limits as L
from .errors import ValidationError

Prompt = str | Sequence[str | tuple[str, float]]
"""A prompt: text, or a list of texts and ``(text, weight)`` pairs; a negative weight steers away."""


def number(field: str, value: Any, bounds: L.Bounds, *, integer: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        raise ValidationError(field, value, "must be an integer" if integer else "must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(field, value, "must be a finite number")
    if value not in bounds:  # exact for any int, however large (no conversion to float)
        raise ValidationError(field, shown(value), f"must be {bounds.describe()}")


def choice(field: str, value: Any, allowed: Sequence[str]) -> None:
    if value is not None and value not in allowed:
        raise ValidationError(field, shown(value), "must be one of " + ", ".join(allowed))


def text(field: str, value: Any, max_chars: int, *, required: bool) -> None:
    if value is None:
        if required:
            raise ValidationError(field, value, "is required")
        return
    if not isinstance(value, str):
        raise ValidationError(field, shown(value), "must be a string")
    if required and not value.strip():
        raise ValidationError(field, value, "must not be empty")
    if len(value) > max_chars:
        raise ValidationError(field, f"<{len(value)} characters>", f"must be at most {max_chars} characters")
    if not encodable(value):
        raise ValidationError(
            field, value, "must be valid Unicode text (it holds a lone surrogate, which UTF-8 cannot encode)"
        )


def encodable(value: str) -> bool:
    """Whether ``value`` can be sent as UTF-8 (a lone surrogate, as from a bad decode, cannot)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def v1_prompts(prompt: object, negative_prompt: str | None) -> list[tuple[str, float]]:
    """The v1alpha ``text_prompts`` list; ``negative_prompt`` joins it with weight -1."""
    items: list[Any]
    if isinstance(prompt, str):
        items = [prompt]
    elif prompt is None:
        items = []
    elif isinstance(prompt, Sequence) and not isinstance(prompt, bytes | bytearray | memoryview):
        items = list(prompt)
    else:  # a number, a Path, an image: not iterable, or iterable into nonsense
        raise ValidationError(
            "prompt",
            shown(prompt),
            f"must be a string or a list of strings and (text, weight) pairs, not {type(prompt).__name__}",
        )
    pairs: list[tuple[str, float]] = []
    for item in items:
        pair = (item, 1.0) if isinstance(item, str) else item
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            raise ValidationError("prompt", shown(item), "each prompt must be a string or a (text, weight) pair")
        text("prompt", pair[0], L.V1_PROMPT_MAX_CHARS, required=True)
        weight = pair[1]
        try:
            finite = not isinstance(weight, bool) and isinstance(weight, int | float) and math.isfinite(weight)
        except OverflowError:  # an int too large for a float (the JSON body would carry it as a float)
            finite = False
        if not finite:
            raise ValidationError("prompt", (pair[0], shown(weight)), "a prompt weight must be a finite number")
        pairs.append((pair[0], float(weight)))
    if negative_prompt is not None:
        text("negative_prompt", negative_prompt, L.V1_PROMPT_MAX_CHARS, required=True)
        pairs.append((negative_prompt, -1.0))
    if not pairs:
        raise ValidationError("prompt", prompt, "at least one prompt is required")
    return pairs


def v1_common(*, cfg_scale: Any, steps: Any, samples: Any, seed: Any, sampler: Any, clip_guidance_preset: Any) -> None:
    number("cfg_scale", cfg_scale, L.V1_CFG_SCALE)
    number("steps", steps, L.V1_STEPS, integer=True)
    number("samples", samples, L.V1_SAMPLES, integer=True)
    number("seed", seed, L.V1_SEED, integer=True)
    choice("sampler", sampler, L.V1_SAMPLERS)
    choice("clip_guidance_preset", clip_guidance_preset, L.V1_CLIP_GUIDANCE_PRESETS)


def v1_size(width: Any, height: Any) -> None:
    for field, value in (("width", width), ("height", height)):
        number(field, value, L.V1_SIDE, integer=True)
        if value is not None and value % L.V1_SIDE_MULTIPLE:
            raise ValidationError(field, value, f"must be a multiple of {L.V1_SIDE_MULTIPLE}")
    w = width if width is not None else 512
    h = height if height is not None else 512
    if w * h > L.V1_MAX_PIXELS:
        raise ValidationError("width*height", f"{w}x{h}", f"must be at most {L.V1_MAX_PIXELS:,} pixels")


def v1_image_size(source: ImageSource) -> None:
    """A v1alpha input image sets the output size, so it obeys the output's rules (the API answers 400 otherwise)."""
    width, height = source.info.width, source.info.height
    step, side, most = L.V1_SIDE_MULTIPLE, int(L.V1_SIDE.high), L.V1_MAX_PIXELS
    if width % step or height % step or max(width, height) > side or width * height > most:
        rule = f"sides must be multiples of {step}, at most {side}, and at most {most:,} pixels in all (this image is {width}x{height})"
        raise ValidationError(source.field, source.file_name, rule)


def input_format(source: ImageSource, allowed: Sequence[str]) -> None:
    if source.info.format not in allowed:
        rule = "must be " + " or ".join(f.upper() for f in allowed) + f" (this file is {source.info.format.upper()})"
        raise ValidationError(source.field, source.file_name, rule)


def pixel_bounds(source: ImageSource, bounds: L.Bounds) -> None:
    info = source.info
    if min(info.width, info.height) < L.V2_MIN_SIDE:
        rule = f"every side must be at least {L.V2_MIN_SIDE} pixels (this image is {info.width}x{info.height})"
        raise ValidationError(source.field, source.file_name, rule)
    if info.pixels not in bounds:
        rule = f"must have {int(bounds.low):,} to {int(bounds.high):,} pixels ({info.width}x{info.height} has {info.pixels:,})"
        raise ValidationError(source.field, source.file_name, rule)


def v2_prompts(prompt: Any, negative_prompt: Any) -> None:
    text("prompt", prompt, L.V2_PROMPT_MAX_CHARS, required=True)
    text("negative_prompt", negative_prompt, L.V2_PROMPT_MAX_CHARS, required=False)


# ------------------------------------------------------------------------------------------------ rules
# What an operation's entry says about each argument (``_operations.entry.Param``): checked here before a
# request is built, and described in the CLI's help from the same value.


@dataclass(frozen=True, slots=True)
class Number:
    """A number in a documented range (an integer when ``integer``)."""

    bounds: L.Bounds
    integer: bool = False

    def check(self, field: str, value: Any) -> None:
        number(field, value, self.bounds, integer=self.integer)

    def describe(self) -> str:
        return self.bounds.describe()


@dataclass(frozen=True, slots=True)
class Choice:
    """One of a closed set of strings."""

    values: tuple[str, ...]

    def check(self, field: str, value: Any) -> None:
        choice(field, value, self.values)

    def describe(self) -> str:
        return "one of " + ", ".join(self.values)


@dataclass(frozen=True, slots=True)
class Text:
    """A string of at most ``max_chars`` characters (not blank when ``required``)."""

    max_chars: int
    required: bool = False

    def check(self, field: str, value: Any) -> None:
        text(field, value, self.max_chars, required=self.required)

    def describe(self) -> str:
        return f"at most {self.max_chars:,} characters"


@dataclass(frozen=True, slots=True)
class Image:
    """An image input (a path, bytes, a binary file or a PIL image) in one of ``formats``; the operation checks
    its size, which each one bounds differently."""

    formats: tuple[str, ...]
    required: bool = True

    def check(self, field: str, value: Any) -> None:
        pass  # ``source`` reads the file, once, when the operation is ready to

    def source(self, field: str, value: Any) -> ImageSource | None:
        """The sniffed input, its format checked (None when it is optional and not given)."""
        if value is None and not self.required:
            return None
        source = image_source(value, field=field)
        input_format(source, self.formats)
        return source

    def describe(self) -> str:
        return ", ".join(f.upper() for f in self.formats)


@dataclass(frozen=True, slots=True)
class Prompts:
    """v1alpha's prompt: text, or a list of texts and ``(text, weight)`` pairs (see ``v1_prompts``)."""

    max_chars: int

    def check(self, field: str, value: Any) -> None:
        pass  # v1_prompts checks it, with negative_prompt, when it builds text_prompts

    def describe(self) -> str:
        return f"at most {self.max_chars:,} characters"


@dataclass(frozen=True, slots=True)
class PathSegment:
    """An id that becomes a path segment (an engine): no separators, no query or fragment, nothing to escape."""

    example: str

    def check(self, field: str, value: Any) -> None:
        if (
            not isinstance(value, str)
            or not value.strip()
            or not (value.isascii() and value.isprintable())
            or any(c in value for c in "/?#% ")
        ):
            raise ValidationError(field, shown(value), f"must be an engine id such as {self.example!r}")

    def describe(self) -> str:
        return ""


Rule = Number | Choice | Text | Image | Prompts | PathSegment
