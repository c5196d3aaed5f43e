"""Local checks of every documented limit, made before a request is sent (and before anything is charged).

Each check raises ``ValidationError(field, value, rule)``; the numbers come from ``_limits``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._files.inputs import ImageSource, image_source
from .._files.sniffing import shown
from . import limits as L
from .errors import ValidationError

if TYPE_CHECKING:
    from .flow import Request


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


def image_size(
    source: ImageSource,
    *,
    side: L.Bounds | None = None,
    pixels: L.Bounds | None = None,
    ratio: L.Bounds | None = None,
) -> None:
    """An input image's sides (default: at least 64), pixel count and width/height ratio, as documented."""
    info = source.info
    shape = f"this image is {info.width}x{info.height}"
    if side is None and pixels is not None:
        pixel_bounds(source, pixels)
    elif side is None:
        if min(info.width, info.height) < L.V2_MIN_SIDE:
            rule = f"every side must be at least {L.V2_MIN_SIDE} pixels ({shape})"
            raise ValidationError(source.field, source.file_name, rule)
    else:
        if info.width not in side or info.height not in side:
            rule = f"each side must be {side.describe()} pixels ({shape})"
            raise ValidationError(source.field, source.file_name, rule)
        if pixels is not None and info.pixels not in pixels:
            most = f" to {int(pixels.high):,}" if math.isfinite(pixels.high) else " or more"
            rule = f"must have {int(pixels.low):,}{most} pixels ({shape}: {info.pixels:,})"
            raise ValidationError(source.field, source.file_name, rule)
    if ratio is not None and info.width / info.height not in ratio:
        rule = f"its aspect ratio must be between 1:{1 / ratio.low:g} and {ratio.high:g}:1 ({shape})"
        raise ValidationError(source.field, source.file_name, rule)


def together(present: str, value: Any, needs: str, needed: Any, why: str = "") -> None:
    """``needs`` is required when ``present`` is given."""
    if value is not None and needed is None:
        raise ValidationError(needs, None, f"is required when {present} is given{why}")


def only_with(name: str, value: Any, rule: str) -> None:
    """``name`` is only used in some conditions (``rule`` says which); given otherwise, it is a mistake."""
    if value is not None:
        raise ValidationError(name, shown(value), rule)


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
    numeric: bool = False
    """The strings are numbers (``"1024"``): the same number as an int is accepted (and sent as its string)."""

    def check(self, field: str, value: Any) -> None:
        if self.numeric and isinstance(value, int) and not isinstance(value, bool):
            if str(value) not in self.values:  # named as given: 1000, not '1000'
                raise ValidationError(field, value, "must be one of " + ", ".join(self.values))
            return
        choice(field, value, self.values)

    def describe(self) -> str:
        return "one of " + ", ".join(self.values)


@dataclass(frozen=True, slots=True)
class Flag:
    """True or False (sent as the string ``true`` or ``false``, as the API's enum has it)."""

    def check(self, field: str, value: Any) -> None:
        if value is not None and not isinstance(value, bool):
            raise ValidationError(field, shown(value), "must be True or False")

    def describe(self) -> str:
        return "true or false"


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


Rule = Number | Choice | Flag | Text | Image | Prompts | PathSegment


# ------------------------------------------------------------------------------------ combinations
# Rules that involve more than one argument, or a file's size: each operation's ``prepare`` calls its own.


def is_generation_id(value: Any) -> bool:
    """Whether ``value`` can be a generation id: 64 characters (the API's only rule), and only letters, digits,
    ``-`` and ``_``, as every id it gives out is hex. The id becomes a path segment of a request that carries
    the key: a ``/``, ``..``, ``?`` or ``%`` in it would aim that request at another endpoint."""
    return (
        isinstance(value, str)
        and len(value) == L.GENERATION_ID_LENGTH
        and value.isascii()
        and value.replace("-", "").replace("_", "").isalnum()
    )


def job_id(value: Any) -> None:
    """The id a job start returned."""
    if not is_generation_id(value):
        raise ValidationError(
            "job_id",
            shown(value),
            f"must be the {L.GENERATION_ID_LENGTH}-character id a job start returned (letters, digits, - and _)",
        )


def plain(value: Any) -> Any:
    """``value`` as the builtin type it subclasses, so that it is checked and sent as the same thing.

    An enum member or another subclass of ``str``, ``int`` or ``float`` compares equal to its value, so it
    passes every check, but a multipart field is sent as ``str(value)``: ``"Format.PNG"`` for ``Format.PNG``.
    Lists and tuples (v1alpha's prompts) are converted item by item.
    """
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if kind is list or kind is tuple:
        return kind(plain(item) for item in value)
    return value


def v1_mask(source: ImageSource, mask: ImageSource | None, mask_source: str) -> ImageSource | None:
    """The v1alpha mask to upload for ``mask_source`` (None when the image's alpha is the mask)."""
    if mask_source == "INIT_IMAGE_ALPHA":
        if not source.info.has_alpha:
            raise ValidationError(
                "image", source.file_name, "mask_source INIT_IMAGE_ALPHA needs an image with an alpha channel"
            )
        return None  # the API ignores a mask then; it is not uploaded
    if mask is None:
        raise ValidationError("mask", None, f"mask_source {mask_source} needs a mask image")
    if (mask.info.width, mask.info.height) != (source.info.width, source.info.height):
        rule = f"must be the same size as image ({source.info.width}x{source.info.height})"
        raise ValidationError("mask", f"{mask.info.width}x{mask.info.height}", rule)
    return mask


def inpaint_search(search_prompt: str | None, mask: object) -> None:
    """Search mode names what to replace: a search prompt, and no mask."""
    if search_prompt is None or not search_prompt.strip():  # its length and text are checked by its rule
        raise ValidationError(
            "search_prompt", search_prompt, "is required" if search_prompt is None else "must not be empty"
        )
    if mask is not None:
        raise ValidationError("mask", "<image>", "is not used in search mode; pass search_prompt or mask, not both")


def inpaint_mask(source: ImageSource, mask: ImageSource | None, search_prompt: str | None) -> None:
    """Mask mode repaints a mask's white pixels, or the image's transparent ones."""
    if search_prompt is not None:
        raise ValidationError("search_prompt", search_prompt, "is only used in search mode (mode='search')")
    if mask is None:
        if not source.info.has_alpha:
            raise ValidationError(
                "mask", None, "mask mode needs a mask image, or an image with an alpha channel (transparent = repaint)"
            )
    # The API resizes the mask to the image; one larger than any image it takes is a mistake (or a decompression
    # bomb), refused before a byte of it is uploaded.
    elif mask.info.pixels > L.INPAINT_PIXELS.high:
        info = mask.info
        rule = f"must have at most {int(L.INPAINT_PIXELS.high):,} pixels, the most an inpaint image may have (this mask is {info.width}x{info.height})"
        raise ValidationError("mask", mask.file_name, rule)


def mask_or_alpha(source: ImageSource, mask: ImageSource | None, pixels: L.Bounds) -> None:
    """A v2beta edit repaints a mask's white pixels, or the image's transparent ones (the mask wins)."""
    if mask is None:
        if not source.info.has_alpha:
            rule = "is required when the image has no alpha channel (white or transparent = the part to change)"
            raise ValidationError("mask", None, rule)
    elif mask.info.pixels > pixels.high:
        # The API resizes the mask to the image; one larger than any image it takes is a mistake (or a bomb).
        info = mask.info
        rule = f"must have at most {int(pixels.high):,} pixels, the most the image may have (this mask is {info.width}x{info.height})"
        raise ValidationError("mask", mask.file_name, rule)


def exact_size(source: ImageSource, sizes: Sequence[tuple[int, int]]) -> None:
    """An image that must have one of a few sizes (image-to-video)."""
    size = (source.info.width, source.info.height)
    if size not in sizes:
        allowed = ", ".join(f"{w}x{h}" for w, h in sizes)
        raise ValidationError(source.field, f"{size[0]}x{size[1]}", f"must be exactly one of {allowed} pixels")


# Room for the form fields and the multipart framing: three prompts of 10,000 four-byte characters fit.
_FIELDS_ROOM = 256 * 1024


def request_size(build: Callable[[], Request], files: Sequence[ImageSource]) -> None:
    """Refuse a request whose body would be over the API's 10 MiB before anything is sent (the API answers 413).

    The body is measured as it would be sent (the multipart framing, the fields and the files), without reading
    the files; requests whose files leave room for any fields are not built at all.
    """
    if sum(source.size for source in files) + _FIELDS_ROOM <= L.MAX_REQUEST_BYTES:
        return
    import httpx

    request = build()
    try:
        kwargs = request.kwargs
        measured = httpx.Request(
            kwargs["method"],
            "http://localhost" + kwargs["url"],
            files=kwargs.get("files"),
            headers=kwargs.get("headers"),
        )
        length = int(measured.headers.get("content-length") or sum(source.size for source in files))
    finally:
        request.close()
    if length > L.MAX_REQUEST_BYTES:
        largest = max(files, key=lambda source: source.size)
        limit = L.MAX_REQUEST_BYTES
        rule = (
            f"the request would be {length:,} bytes ({largest.field} alone is {largest.size:,}), over the API's "
            f"limit of {limit // (1024 * 1024)} MiB ({limit:,} bytes) per request: send a smaller image, or a "
            "JPEG or WEBP (they compress far better than PNG)"
        )
        raise ValidationError(largest.field, largest.file_name, rule)
