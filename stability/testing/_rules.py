"""Server-side validation of every operation's inputs, with every number and enum taken from `stability._core.limits`.

v1alpha reports the first problem, named as goa names it (`missing_field`, `invalid_range`,
`invalid_enum_value`, ...) or by the service's own names (`invalid_height_or_width`, `invalid_samples`, ...).
v2alpha reports every problem at once as `field: message` strings under `bad_request`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._core import limits as L
from ._errors import ApiError
from ._forms import Part
from ._media import Probe, probe

# ------------------------------------------------------------------------------------------------ v1alpha


def _bad(name: str, message: str) -> ApiError:
    return ApiError(400, name, message)


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
    """Validated v1alpha generation options."""

    prompts: list[tuple[str, float]]
    width: int
    height: int
    samples: int
    seed: int
    step_schedule_start: float
    mask_source: str | None


_V1_RANGES: tuple[tuple[str, L.Bounds, bool], ...] = (
    ("cfg_scale", L.V1_CFG_SCALE, False),
    ("height", L.V1_SIDE, True),
    ("width", L.V1_SIDE, True),
    ("samples", L.V1_SAMPLES, True),
    ("seed", L.V1_SEED, True),
    ("steps", L.V1_STEPS, True),
)


def v1_options(payload: object, where: str, *, schedule: bool = False, masking: bool = False) -> V1Options:
    """Validate text-to-image options (plus the step schedule or the mask source); raise the first problem."""
    if not isinstance(payload, Mapping):
        raise _bad("decode_payload", f"{where} must be a JSON object")
    prompts = _v1_prompts(payload, where)
    for name, bounds, integer in _V1_RANGES:
        if name in payload:
            _check_range(f"{where}.{name}", payload[name], bounds, integer=integer)
    if schedule:
        for name in ("step_schedule_start", "step_schedule_end"):
            if name in payload:
                _check_range(f"{where}.{name}", payload[name], L.V1_STEP_SCHEDULE, integer=False)
    if "clip_guidance_preset" in payload:
        _check_enum(f"{where}.clip_guidance_preset", payload["clip_guidance_preset"], L.V1_CLIP_GUIDANCE_PRESETS)
    if "sampler" in payload:
        _check_enum(f"{where}.sampler", payload["sampler"], L.V1_SAMPLERS)
    mask_source = None
    if masking:
        if "mask_source" not in payload:
            raise _bad("missing_field", f'"mask_source" is missing from {where}')
        _check_enum(f"{where}.mask_source", payload["mask_source"], L.V1_MASK_SOURCES)
        mask_source = str(payload["mask_source"])
    width, height = int(payload.get("width", 512)), int(payload.get("height", 512))
    _check_v1_size(width, height, "height and width")
    return V1Options(
        prompts=prompts,
        width=width,
        height=height,
        samples=int(payload.get("samples", 1)),
        seed=int(payload.get("seed", 0)),
        step_schedule_start=float(payload.get("step_schedule_start", 0.65)),
        mask_source=mask_source,
    )


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
    """Reads v2alpha multipart fields, collecting one `field: message` per problem."""

    def __init__(self, parts: Mapping[str, Part]) -> None:
        self.parts = parts
        self.errors: list[str] = []

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise ApiError(400, "bad_request", self.errors)

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

    def number(self, name: str, bounds: L.Bounds, default: float, *, whole: bool = False) -> float:
        part = self.parts.get(name)
        if part is None or not part.text.strip():
            return default
        try:
            value = float(part.text)
        except ValueError:
            self.errors.append(f"{name}: must be a number")
            return default
        if value not in bounds:
            self.errors.append(f"{name}: must be {bounds.describe()}")
            return default
        if whole and not value.is_integer():
            self.errors.append(f"{name}: must be a whole number")
            return default
        return value

    def choice(self, name: str, choices: Sequence[str], default: str | None) -> str | None:
        part = self.parts.get(name)
        if part is None or not part.text:
            if default is None:
                self.errors.append(f"{name}: is required")
            return default
        if part.text not in choices:
            self.errors.append(f"{name}: must be one of {', '.join(choices)}")
            return default
        return part.text

    def image(
        self, name: str, formats: Sequence[str], *, required: bool = True, pixels: L.Bounds | None = None
    ) -> tuple[Probe, bytes] | None:
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
        if pixels is not None:
            size = f"{found.width}x{found.height}"
            if min(found.width, found.height) < L.V2_MIN_SIDE:
                self.errors.append(f"{name}: every side must be at least {L.V2_MIN_SIDE} pixels (got {size})")
            if found.pixels not in pixels:
                self.errors.append(f"{name}: the pixel count must be {pixels.describe()} (got {size})")
        return found, part.data


def video_size(form: V2Form, image: tuple[Probe, bytes] | None) -> None:
    if image is None:
        return
    found = image[0]
    if (found.width, found.height) not in L.VIDEO_SIZES:
        sizes = ", ".join(f"{w}x{h}" for w, h in L.VIDEO_SIZES)
        form.errors.append(f"image: dimensions must be one of {sizes} (got {found.width}x{found.height})")
