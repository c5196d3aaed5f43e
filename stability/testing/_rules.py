"""Server-side validation of every operation's inputs, with every number and enum taken from `stability._core.limits`.

An operation's simple checks come from its registry entry: each field of its request model that an argument's
rule covers (`Number`, `Choice`, `Text`, `Image`) is checked by that rule, in the model's field order (the
order the API declares them), and required when the model requires it. What the rules cannot say (v1alpha
image sizes, inpaint's modes, video sizes, v2beta image sizes and mode rules) the operation's handler checks.

v1alpha reports the first problem, named as goa names it (`missing_field`, `invalid_range`,
`invalid_enum_value`, ...) or by the service's own names (`invalid_height_or_width`, `invalid_samples`, ...).
v2alpha and v2beta report every problem at once as `field: message` strings under `bad_request`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._core import limits as L
from .._core.validation import Choice, Flag, Image, Number, Rule, Text
from .._operations.registry import REGISTRY
from ._errors import ErrorReply
from ._forms import Part
from ._media import Probe, probe

FLAG_VALUES = ("true", "false")
"""How the API spells a boolean form field (relight's keep_original_background): a string enum."""

# The rules of model fields no client method takes, which the API checks all the same: the output size of a
# v1alpha image-to-image or masking is the input image's, but their options still carry width and height.
_UNEXPOSED_RULES: Mapping[str, Rule] = {
    "width": Number(L.V1_SIDE, integer=True),
    "height": Number(L.V1_SIDE, integer=True),
}


@functools.cache
def field_rules(operation: str) -> tuple[tuple[str, Rule, bool], ...]:
    """(field, rule, required) for each field of the operation's request model that a rule covers, in the
    model's order; a nested model's fields (v1alpha's `options`) stand in its place."""
    import attrs

    import stability_api.models as models

    entry = REGISTRY[operation]
    if entry.model is None:
        return ()
    by_field: dict[str, Rule] = {entry.field(name): param.rule for name, param in entry.params.items()}
    by_field.update((name, _UNEXPOSED_RULES[name]) for name in entry.unexposed if name in _UNEXPOSED_RULES)
    found: list[tuple[str, Rule, bool]] = []

    def walk(model: type) -> None:
        for item in attrs.fields(model):
            nested = getattr(models, str(item.type), None)
            if isinstance(nested, type) and attrs.has(nested):
                walk(nested)
            elif item.init and item.name in by_field:
                found.append((item.name, by_field[item.name], item.default is attrs.NOTHING))

    walk(getattr(models, entry.model))
    return tuple(found)


# ------------------------------------------------------------------------------------------------ v1alpha


def _bad(name: str, message: str) -> ErrorReply:
    return ErrorReply(400, name, message)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_range(where: str, value: object, bounds: L.Bounds, *, integer: bool) -> None:
    if not (_is_integer(value) if integer else _is_number(value)):
        kind = "integer" if integer else "number"
        raise _bad("invalid_field_type", f"{where} must be of type {kind} but got value {value!r}")
    assert isinstance(value, int | float)
    if value < bounds.low:
        raise _bad("invalid_range", f"{where} must be greater or equal than {_fmt(bounds.low)} but got value {value}")
    if value > bounds.high:
        raise _bad("invalid_range", f"{where} must be lower or equal than {_fmt(bounds.high)} but got value {value}")


def _check_enum(where: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        listed = ", ".join(f'"{choice}"' for choice in choices)
        raise _bad("invalid_enum_value", f"{where} must be one of {listed} but got value {value!r}")


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True, slots=True)
class V1Options:
    """Validated v1alpha generation options; `fields` is the payload as sent."""

    prompts: list[tuple[str, float]]
    width: int
    height: int
    samples: int
    seed: int
    step_schedule_start: float
    fields: Mapping[str, Any]


def v1_options(payload: object, where: str, operation: str) -> V1Options:
    """Validate an operation's generation options (the JSON body or the `options` part); raise the first problem.

    After the prompts, its ranges then its enums, then the fields the API requires although a client may leave
    them out (masking's `mask_source`): missing, or out of their rule.
    """
    if not isinstance(payload, Mapping):
        raise _bad("decode_payload", f"{where} must be a JSON object")
    prompts = _v1_prompts(payload, where)
    rules = [(name, rule, required) for name, rule, required in field_rules(operation) if _is_v1_simple(rule)]
    for name, rule, required in sorted(rules, key=lambda item: (item[2], isinstance(item[1], Choice))):
        if name in payload:
            _check_rule(f"{where}.{name}", payload[name], rule)
        elif required:
            raise _bad("missing_field", f'"{name}" is missing from {where}')
    width, height = int(payload.get("width", 512)), int(payload.get("height", 512))
    _check_v1_size(width, height, "height and width")
    return V1Options(
        prompts=prompts,
        width=width,
        height=height,
        samples=int(payload.get("samples", 1)),
        seed=int(payload.get("seed", 0)),
        step_schedule_start=float(payload.get("step_schedule_start", 0.65)),
        fields=payload,
    )


def _is_v1_simple(rule: Rule) -> bool:
    return isinstance(rule, Number | Choice)


def _check_rule(where: str, value: object, rule: Rule) -> None:
    if isinstance(rule, Number):
        _check_range(where, value, rule.bounds, integer=rule.integer)
    elif isinstance(rule, Choice):
        _check_enum(where, value, rule.values)


def _v1_prompts(payload: Mapping[str, Any], where: str) -> list[tuple[str, float]]:
    if "text_prompts" not in payload:
        raise _bad("missing_field", f'"text_prompts" is missing from {where}')
    items = payload["text_prompts"]
    if not isinstance(items, list):
        raise _bad("invalid_field_type", f"{where}.text_prompts must be of type array but got value {items!r}")
    if not items:
        raise _bad("invalid_length", f"length of {where}.text_prompts must be greater or equal than 1 but got 0")
    prompts = []
    for index, item in enumerate(items):
        at = f"{where}.text_prompts[{index}]"
        if not isinstance(item, Mapping) or "text" not in item:
            raise _bad("missing_field", f'"text" is missing from {at}')
        text, weight = item["text"], item.get("weight", 1.0)
        if not isinstance(text, str):
            raise _bad("invalid_field_type", f"{at}.text must be of type string but got value {text!r}")
        if len(text) > L.V1_PROMPT_MAX_CHARS:
            raise _bad("invalid_length", f"length of {at}.text must be lower or equal than {L.V1_PROMPT_MAX_CHARS}")
        if not _is_number(weight):
            raise _bad("invalid_field_type", f"{at}.weight must be of type number but got value {weight!r}")
        prompts.append((text, float(weight)))
    return prompts


def _check_v1_size(width: int, height: int, what: str) -> None:
    multiple = L.V1_SIDE_MULTIPLE
    if width % multiple or height % multiple:
        raise _bad("invalid_height_or_width", f"{what} must be specified in increments of {multiple}")
    if width * height > L.V1_MAX_PIXELS:
        raise _bad(
            "invalid_height_or_width",
            f"{what} multiplied must not exceed {L.V1_MAX_PIXELS} pixels (got {width}x{height})",
        )


def v1_samples(options: V1Options, accept: str) -> None:
    if options.samples > 1 and accept == "image/png":
        raise _bad("invalid_samples", "samples must be 1 with Accept: image/png; use application/json for more")


def v1_image(parts: Mapping[str, Part], name: str, *, required: bool = True) -> tuple[Probe, bytes] | None:
    """A v1alpha input image: present, non-empty, a PNG/JPEG/WEBP by its bytes, of a usable size."""
    part = parts.get(name)
    if part is None:
        if required:
            raise _bad("missing_field", f'"{name}" is missing from body')
        return None
    if not part.data:
        raise _bad("invalid_file_size", f"{name}: the file is empty")
    found = probe(part.data)
    if found is None or found.format not in L.V1_INPUT_FORMATS:
        raise _bad("invalid_mime_type", f"{name}: must be a PNG, JPEG or WEBP image")
    if max(found.width, found.height) > L.V1_SIDE.high:
        raise _bad("invalid_height_or_width", f"{name}: sides must be at most {_fmt(L.V1_SIDE.high)} pixels")
    _check_v1_size(found.width, found.height, f"{name}: height and width")
    return found, part.data


# ------------------------------------------------------------------------------------------------ v2alpha


class V2Form:
    """Reads v2alpha and v2beta multipart fields, collecting one `field: message` per problem.

    `read(operation)` checks every field an argument's rule covers; a reader returns None for a field left out,
    left empty or refused, so that a handler applies its own default.
    """

    def __init__(self, parts: Mapping[str, Part]) -> None:
        self.parts = parts
        self.errors: list[str] = []

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise ErrorReply(400, "bad_request", self.errors)

    def read(self, operation: str, **options: Mapping[str, Any]) -> dict[str, Any]:
        """Each field of the operation's request that a rule covers, read by it in the model's order.

        `options[field]` are more keywords for that field's reader: an image's `pixels` bounds or exact `sizes`,
        or `required` where the API requires a field only sometimes.
        """
        return {
            name: self.field(name, rule, **{"required": required, **options.get(name, {})})
            for name, rule, required in field_rules(operation)
        }

    def one(self, operation: str, name: str, **options: Any) -> Any:
        """One field of the operation's request, read by its rule (for a handler that reads in its own order)."""
        for field, rule, required in field_rules(operation):
            if field == name:
                return self.field(name, rule, **{"required": required, **options})
        raise KeyError(f"{operation} has no rule for {name!r}")

    def field(self, name: str, rule: Rule, *, required: bool, **options: Any) -> Any:
        """One field, read by its rule (required when the API requires it)."""
        if isinstance(rule, Number):
            return self.number(name, rule.bounds, whole=rule.integer)
        if isinstance(rule, Choice):
            return self.choice(name, rule.values, required=required)
        if isinstance(rule, Text):
            return self.text(name, required=required, max_chars=rule.max_chars)
        if isinstance(rule, Image):
            return self.image(name, rule.formats, required=required, **options)
        if isinstance(rule, Flag):  # an enum of two strings: Python's `True` sent as a form field is refused
            return self.choice(name, FLAG_VALUES, required=required)
        raise TypeError(f"{name}: the fake reads no v2alpha field by {type(rule).__name__}")

    def text(self, name: str, *, required: bool = False, max_chars: int | None = None) -> str | None:
        part = self.parts.get(name)
        if part is None or (not part.data and not required):
            if required:
                self.errors.append(f"{name}: is required")
            return None
        value = part.text
        if required and not value:
            self.errors.append(f"{name}: cannot be empty")
        if max_chars is not None and len(value) > max_chars:
            self.errors.append(f"{name}: must be at most {max_chars} characters")
        return value

    def number(self, name: str, bounds: L.Bounds, *, whole: bool = False) -> float | None:
        part = self.parts.get(name)
        if part is None or not part.text.strip():
            return None
        try:
            value = float(part.text)
        except ValueError:
            self.errors.append(f"{name}: must be a number")
            return None
        if value not in bounds:
            self.errors.append(f"{name}: must be {bounds.describe()}")
            return None
        if whole and not value.is_integer():
            self.errors.append(f"{name}: must be a whole number")
            return None
        return value

    def choice(self, name: str, choices: Sequence[str], *, required: bool = False) -> str | None:
        part = self.parts.get(name)
        if part is None or not part.text:
            if required:
                self.errors.append(f"{name}: is required")
            return None
        if part.text not in choices:
            self.errors.append(f"{name}: must be one of {', '.join(choices)}")
            return None
        return part.text

    def image(
        self,
        name: str,
        formats: Sequence[str],
        *,
        required: bool = True,
        pixels: L.Bounds | None = None,
        side: L.Bounds | None = None,
        ratio: L.Bounds | None = None,
        sizes: Sequence[tuple[int, int]] = (),
    ) -> tuple[Probe, bytes] | None:
        """An input image: present when required, in one of `formats`, its size within the bounds given.

        `side` bounds each side (by default, with `pixels`: at least 64), `pixels` the pixel count, `ratio`
        width / height; `sizes` lists the only sizes allowed.
        """
        part = self.parts.get(name)
        if part is None or not part.data:
            if required:
                self.errors.append(f"{name}: is required")
            return None
        found = probe(part.data)
        if found is None or found.format not in formats:
            listed = ", ".join(fmt.upper() for fmt in formats)
            self.errors.append(f"{name}: must be an image in one of these formats: {listed}")
            return None
        size = f"{found.width}x{found.height}"
        if side is None and pixels is not None:
            side = L.Bounds(L.V2_MIN_SIDE, math.inf)
        if side is not None and (found.width not in side or found.height not in side):
            if math.isinf(side.high):
                self.errors.append(f"{name}: every side must be at least {_fmt(side.low)} pixels (got {size})")
            else:
                self.errors.append(f"{name}: each side must be {side.describe()} pixels (got {size})")
        if pixels is not None and found.pixels not in pixels:
            bounds = f"at least {_fmt(pixels.low)}" if math.isinf(pixels.high) else pixels.describe()
            self.errors.append(f"{name}: the pixel count must be {bounds} (got {size})")
        if ratio is not None and found.width / found.height not in ratio:
            allowed = f"between 1:{1 / ratio.low:g} and {ratio.high:g}:1"
            self.errors.append(f"{name}: the aspect ratio must be {allowed} (got {size})")
        if sizes and (found.width, found.height) not in sizes:
            listed = ", ".join(f"{w}x{h}" for w, h in sizes)
            self.errors.append(f"{name}: dimensions must be one of {listed} (got {size})")
        return found, part.data

    def given(self, name: str) -> bool:
        """Whether the request carries a non-empty `name` (a rule reads an empty field as left out)."""
        part = self.parts.get(name)
        return part is not None and bool(part.data)


def given(value: float | None, default: float) -> float:
    """A number read from a form, or the API's default for it when left out (or refused)."""
    return default if value is None else value
