"""What every operation shares: the request builder, the checks of a request as a whole, and the parsers.

Requests come from the generated ``_get_kwargs()`` and models, so paths, parameters and field names have one
source, openapi/stability.yaml: ``operation`` hands the checked arguments to a builder that fills the request
model's fields by name (``Entry.renamed`` says where an argument's name differs). Generated modules are imported
when a request is first built: ``import stability`` stays cheap and loads only what a call uses.
"""

from __future__ import annotations

import base64
import binascii
import functools
import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from .._core import limits as L
from .._core import validation as check
from .._core.errors import StabilityError
from .._core.flow import Answer, Operation, Request, Sink
from .._files.inputs import ImageSource
from .._files.sniffing import sniff_image
from .._results import ImageResult
from .._types import FinishReason
from .entry import Entry

# ------------------------------------------------------------------------------------------- building


def operation(
    entry: Entry,
    args: Mapping[str, Any],
    *,
    uploads: Mapping[str, ImageSource | None] | None = None,
    parse: Callable[[Answer], Any] | None = None,
    limit_request: bool = False,
    job_result: bool = False,
    sink: Sink | None = None,
    **fields: Any,
) -> Operation[Any]:
    """The ``Operation`` of ``entry`` with the caller's ``args`` (already checked) in their model fields.

    ``uploads`` are the file fields (by model field name), ``fields`` values the SDK worked out (the v1alpha
    ``text_prompts``, the chosen ``accept``); ``limit_request`` refuses a body over the API's 10 MiB before
    anything is sent.
    """
    # A whole float goes out as an integer ("127", not "127.0": multipart fields are sent as str(value)).
    values = {name: _sent(entry, name, value) for name, value in args.items() if value is not None}
    for name, field in entry.renamed.items():
        if name in values:
            values[field] = values.pop(name)
    values.update(fields)
    for name in entry.files:  # the caller's path or bytes: what is sent is the checked upload, or nothing
        values.pop(name, None)
    files = {name: source for name, source in (uploads or {}).items() if source is not None}
    if "accept" not in values and entry.accept:
        values["accept"] = entry.accept[0]
    build = functools.partial(_build, entry, values, files)
    if limit_request:
        check.request_size(build, list(files.values()))
    reader = parse or entry.parse
    assert reader is not None, f"{entry.name}: no parser"
    return Operation(
        entry.name,
        charged=entry.charged,
        build=build,
        parse=reader,
        job_result=job_result,
        sink=sink,
        max_body=entry.max_body or L.MAX_JSON_BODY,
    )


def _sent(entry: Entry, name: str, value: Any) -> Any:
    """An argument as its model field takes it: a whole float as an integer, a flag and a numeric choice as the
    strings the API's enums are (``"true"``, ``"1024"``)."""
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is bool and name in entry.params and isinstance(entry.params[name].rule, check.Flag):
        return "true" if value else "false"
    if type(value) is int and name in entry.params:
        rule = entry.params[name].rule
        if isinstance(rule, check.Choice) and rule.numeric:
            return str(value)
    return value


@functools.cache
def _call_plan(module: str) -> tuple[Callable[..., dict[str, Any]], tuple[str, ...], tuple[str, ...], bool]:
    """``_get_kwargs`` of a generated api module: its path parameters, its other keywords, whether it takes a body."""
    build = importlib.import_module(module)._get_kwargs
    parameters = inspect.signature(build).parameters.values()
    path = tuple(p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD)
    keywords = tuple(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "body")
    return build, path, keywords, any(p.name == "body" for p in parameters)


@functools.cache
def _model_plan(name: str) -> tuple[type, tuple[tuple[str, str | None], ...]]:
    """A generated model's fields, each with the model it nests (v1alpha's ``options``), if it is one."""
    import attrs

    models = importlib.import_module("stability_api.models")
    cls = getattr(models, name)
    plan = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "")
        nested = getattr(models, kind, None) if kind.isidentifier() else None
        plan.append((field.name, kind if isinstance(nested, type) and attrs.has(nested) else None))
    return cls, tuple(plan)


def _model(name: str, values: Mapping[str, Any]) -> Any:
    """The model ``name`` with each field the value of the same name (a nested model built the same way)."""
    cls, plan = _model_plan(name)
    kwargs: dict[str, Any] = {}
    for field, nested in plan:
        if nested is not None:
            kwargs[field] = _model(nested, values)
        elif field in values:
            kwargs[field] = values[field]
    return cls(**kwargs)


def _build(entry: Entry, values: Mapping[str, Any], files: Mapping[str, ImageSource]) -> Request:
    """One attempt's request: the files opened afresh (a retried upload starts from the first byte)."""
    build, path, keywords, has_body = _call_plan(entry.module)
    opened: list[Any] = []
    try:
        if files:
            values = {**values, **{name: _upload(source, opened) for name, source in files.items()}}
        kwargs = {name: values[name] for name in keywords if name in values}
        if has_body:
            assert entry.model is not None, f"{entry.name}: a body without a model"
            kwargs["body"] = _model(entry.model, values)
        return Request(build(*(values[name] for name in path), **kwargs), opened)
    except BaseException:
        for handle in opened:
            handle.close()
        raise


def _upload(source: ImageSource, opened: list[Any]) -> Any:
    from stability_api.types import File

    handle = source.open()  # refuses a file changed since it was checked, before anything is sent
    opened.append(handle)
    return File(payload=handle, file_name=source.file_name, mime_type=source.info.mime_type)


def check_params(entry: Entry, args: Mapping[str, Any]) -> None:
    """Every argument against its documented rule (what one value can break; combinations are the entry's)."""
    for name, check_value, required in entry.checks:
        value = args.get(name)
        if value is not None or required:  # most arguments are left out
            check_value(name, value)


def image_input(entry: Entry, args: Mapping[str, Any], name: str) -> ImageSource | None:
    """The image argument ``name``, sniffed and its format checked (None when optional and not given)."""
    rule = entry.params[name].rule
    assert isinstance(rule, check.Image), f"{entry.name}.{name} is not an image"
    return rule.source(name, args.get(name))


def upload(entry: Entry, args: Mapping[str, Any], name: str, **size: Any) -> ImageSource | None:
    """The image argument ``name`` (None when optional and not given), its size checked as documented
    (``check.image_size``'s ``side``, ``pixels`` and ``ratio``)."""
    source = image_input(entry, args, name)
    if source is not None:
        check.image_size(source, **size)
    return source


# ---------------------------------------------------------------------------------------------- parsing


def _media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _is_json(headers: Mapping[str, str]) -> bool:
    return _media_type(headers) == "application/json"


_SEED_MAX = 2**32 - 1  # the widest documented seed range (v1: uint32)


def _int(value: Any) -> int | None:
    """A seed from a header or a JSON body, or None for anything that is not one (``inf``, ``1e999``, ``-1``,
    text): a paid result is never refused over its seed."""
    number: Any = value
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 20:
            number = int(text)
        elif len(text) <= 40:  # "123.0", "1e3": a number in another spelling; longer text is not a seed
            try:
                number = float(text)
            except ValueError:
                return None
    if isinstance(number, float):  # inf and nan are not integers
        number = int(number) if number.is_integer() else None
    if isinstance(number, int) and not isinstance(number, bool) and 0 <= number <= _SEED_MAX:
        return number
    return None


@dataclass(frozen=True, slots=True)
class Expected:
    """The sizes a result image may have: the sides the request fixed, else the documented bounds.

    A header that claims more is refused before any pixel is decoded: it is not what was paid for, and
    decoding it could take gigabytes (a decompression bomb).
    """

    width: int | None = None
    """The exact width, when the request sets it (v1alpha: ``width``, or the input image's)."""
    height: int | None = None
    min_side: int = 1
    max_side: int = 65_535
    max_pixels: int = 16 * int(L.UPSCALE_PIXELS.high)
    """Upscale goes "all the way to 4K": at most 4x each side of its largest input."""

    def check(self, width: int, height: int) -> None:
        for name, got, exact in (("width", width, self.width), ("height", height, self.height)):
            if exact is not None and got != exact:
                raise ValueError(f"the result image is {width}x{height}, but {name} {exact} was asked for")
            if not self.min_side <= got <= self.max_side:
                raise ValueError(
                    f"the result image is {width}x{height}: its {name} is outside the documented "
                    f"{self.min_side}..{self.max_side}"
                )
        if width * height > self.max_pixels:
            raise ValueError(
                f"the result image is {width}x{height}, more than the {self.max_pixels:,} pixels this operation makes"
            )


def _image(
    data: bytes,
    seed: Any,
    finish_reason: Any,
    request_id: str | None,
    *,
    content_type: str | None = None,
    expected: Expected,
) -> ImageResult:
    from .._core.media import check_media

    check_media(data, "image", content_type)  # a whole image: a body cut short is not a result
    try:
        info = sniff_image(data, field="result")
    except StabilityError as exc:  # not an image: the answer is malformed, not the caller's input
        raise ValueError(f"the body is not a PNG, JPEG or WEBP image ({exc})") from None
    expected.check(info.width, info.height)
    return ImageResult(
        data=data,
        content_type=info.mime_type,
        seed=_int(seed),
        finish_reason=_finish_reason(finish_reason),
        request_id=request_id,
        width=info.width,
        height=info.height,
    )


def _finish_reason(value: Any) -> FinishReason:
    if not value or not isinstance(value, str):
        return "SUCCESS"
    # The documented values are the type; one the API adds later is passed on rather than refused with a paid image.
    return cast("FinishReason", value if len(value) <= 64 else value[:61] + "...")


def _b64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"expected a base64 string in the answer, got {type(value).__name__}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"invalid base64 in the answer: {exc}") from None


def _json(answer: Answer) -> Any:
    from .._core.bounded_json import loads

    return loads(answer.content)


def _json_object(answer: Answer) -> dict[str, Any]:
    data = _json(answer)
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    return data


def _image_bytes(answer: Answer, expected: Expected) -> ImageResult:
    """An answer that is the image itself, its seed and finish reason in headers."""
    headers = answer.headers
    return _image(
        answer.content,
        headers.get("seed"),
        headers.get("finish-reason"),
        headers.get("x-request-id"),
        content_type=headers.get("content-type"),
        expected=expected,
    )


def parse_started(answer: Answer) -> str:
    """The generation id of a started job."""
    from stability_api.models import GenerationStarted

    job_id = GenerationStarted.from_dict(_json_object(answer)).id
    if not check.is_generation_id(job_id):  # it goes into the result's path: see is_generation_id
        raise ValueError(f"expected a {L.GENERATION_ID_LENGTH}-character generation id, got {job_id!r}")
    return job_id
