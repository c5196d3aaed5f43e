"""Each API operation as an ``Operation``: validated inputs, a request built by the generated client, a parser.

Requests come from the generated ``_get_kwargs()`` and models, so paths, parameters and field names have one
source, openapi/stability.yaml. Generated modules are imported inside the builders: ``import stability``
stays cheap and loads only what a call uses.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from .._core import limits as L
from .._core import validation as check
from .._core.errors import GenerationFailedError, StabilityError, ValidationError
from .._core.flow import Answer, BodyCutShort, Operation, Request
from .._files.inputs import ImageSource, image_source
from .._files.sniffing import shown, sniff_image
from .._results import Account, Engine, ImageResult, VideoResult

DEFAULT_ENGINE = "stable-diffusion-512-v2-1"
DEFAULT_MASKING_ENGINE = "stable-inpainting-512-v2-0"


def _present(**values: Any) -> dict[str, Any]:
    """Only the arguments the caller gave: the API (or the generated model) applies its own defaults."""
    return {k: v for k, v in values.items() if v is not None}


def _upload(source: ImageSource, opened: list[Any]) -> Any:
    from stability_api.types import File

    try:
        handle = source.open()  # refuses a file changed since it was checked, before anything is sent
    except BaseException:
        for earlier in opened:  # the image opened before a mask that fails
            earlier.close()
        raise
    opened.append(handle)
    return File(payload=handle, file_name=source.file_name, mime_type=source.info.mime_type)


# Room for the form fields and the multipart framing: three prompts of 10,000 four-byte characters fit.
_FIELDS_ROOM = 256 * 1024


def _check_request_size(build: Callable[[], Request], uploads: list[ImageSource | None]) -> None:
    """Refuse a request whose body would be over the API's 10 MiB before anything is sent (the API answers 413).

    The body is measured as it would be sent (the multipart framing, the fields and the files), without reading
    the files; requests whose files leave room for any fields are not built at all.
    """
    import httpx

    files = [source for source in uploads if source is not None]
    if sum(source.size for source in files) + _FIELDS_ROOM <= L.MAX_REQUEST_BYTES:
        return
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


def _request(kwargs: dict[str, Any], opened: list[Any] | None = None) -> Request:
    return Request(kwargs, opened or [])


def _org(organization: str | None) -> Any:
    from stability_api.types import UNSET

    return organization if organization else UNSET


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


UPSCALE_RESULT = Expected()
INPAINT_RESULT = Expected(max_pixels=int(L.INPAINT_PIXELS.high))
V1_RESULT = Expected(min_side=int(L.V1_SIDE.low), max_side=int(L.V1_SIDE.high), max_pixels=L.V1_MAX_PIXELS)


def _image(
    data: bytes,
    seed: Any,
    finish_reason: Any,
    request_id: str | None,
    *,
    content_type: str | None = None,
    expected: Expected = UPSCALE_RESULT,
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


def _finish_reason(value: Any) -> str:
    if not value or not isinstance(value, str):
        return "SUCCESS"
    return value if len(value) <= 64 else value[:61] + "..."


def _b64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"expected a base64 string in the answer, got {type(value).__name__}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"invalid base64 in the answer: {exc}") from None


def _json_object(answer: Answer) -> dict[str, Any]:
    from .._core.bounded_json import loads

    data = loads(answer.content)
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


def parse_v1_images(answer: Answer, *, expected: Expected = V1_RESULT, samples: int | None = 0) -> list[ImageResult]:
    """v1alpha: PNG bytes with Seed/Finish-Reason headers, or JSON artifacts (one per sample).

    Only the image is required: a seed or finish reason the SDK cannot read is None resp. SUCCESS, so a paid
    image is never lost over them. A finish reason ERROR raises ``GenerationFailedError`` carrying the images
    (one ``ImageResult`` when ``samples`` was not given, else the list).
    """
    headers = answer.headers
    if _is_json(headers):
        artifacts = _json_object(answer)["artifacts"]
        if not isinstance(artifacts, list) or not artifacts:
            raise ValueError("the answer lists no artifacts")
        images = [
            _image(_b64(a["base64"]), a.get("seed"), a.get("finishReason"), None, expected=expected) for a in artifacts
        ]
    else:
        images = [_image_bytes(answer, expected)]
    failed = [i for i, image in enumerate(images) if image.finish_reason == "ERROR"]
    if failed:
        which = "the image" if len(images) == 1 else f"image {', '.join(str(i + 1) for i in failed)} of {len(images)}"
        raise GenerationFailedError(
            f"the API says the generation of {which} failed (finish_reason ERROR); the error's result holds what "
            "it returned",
            result=images[0] if samples is None else images,
        )
    return images


def _v1_result(width: int | None, height: int | None) -> Expected:
    """A v1alpha text-to-image result with the sides the request fixed."""
    return Expected(width, height, V1_RESULT.min_side, V1_RESULT.max_side, V1_RESULT.max_pixels)


def _input_size(source: ImageSource) -> Expected:
    """A v1alpha image-to-image or masking result has the input image's size."""
    return Expected(width=source.info.width, height=source.info.height, max_pixels=L.V1_MAX_PIXELS)


def v1_images(*, expected: Expected, samples: int | None) -> Callable[[Answer], list[ImageResult]]:
    """The parser of a v1alpha generation that asked for ``samples`` images of the ``expected`` size."""
    return lambda answer: parse_v1_images(answer, expected=expected, samples=samples)


def parse_v2_image(answer: Answer, *, expected: Expected = UPSCALE_RESULT) -> ImageResult:
    """v2alpha inpaint and upscale result: image bytes with headers, or JSON with base64.

    The default ``expected`` is the upscale result's bound (a job resumed by id has no input size to compare).
    """
    headers = answer.headers
    request_id = headers.get("x-request-id")
    if _is_json(headers):
        body = _json_object(answer)
        image = _image(_b64(body["image"]), body.get("seed"), body.get("finish_reason"), request_id, expected=expected)
    else:
        image = _image_bytes(answer, expected)
    if image.finish_reason == "ERROR":  # not in v2alpha's enum, but not a picture either
        raise GenerationFailedError(
            "the API says the generation failed (finish_reason ERROR); the error's result holds what it returned",
            result=image,
        )
    return image


def parse_started(answer: Answer) -> str:
    """The generation id of a started job."""
    from stability_api.models import GenerationStarted

    job_id = GenerationStarted.from_dict(_json_object(answer)).id
    if not isinstance(job_id, str) or len(job_id) != L.GENERATION_ID_LENGTH:
        raise ValueError(f"expected a {L.GENERATION_ID_LENGTH}-character generation id, got {job_id!r}")
    return job_id


# ----------------------------------------------------------------------------------------- v1alpha


def _v1_accept(samples: int | None) -> Literal["image/png", "application/json"]:
    # PNG bytes are the cheapest answer, but only one image fits in them.
    return "image/png" if samples in (None, 1) else "application/json"


def _text_prompts(prompts: list[tuple[str, float]]) -> list[Any]:
    from stability_api.models import TextPrompt

    return [TextPrompt(text=text, weight=weight) for text, weight in prompts]


def text_to_image(
    prompt: check.Prompt,
    *,
    negative_prompt: str | None,
    engine: str,
    width: int | None,
    height: int | None,
    cfg_scale: float | None,
    steps: int | None,
    samples: int | None,
    seed: int | None,
    sampler: str | None,
    clip_guidance_preset: str | None,
    organization: str | None,
) -> Operation[list[ImageResult]]:
    prompts = check.v1_prompts(prompt, negative_prompt)
    check.v1_size(width, height)
    check.v1_common(
        cfg_scale=cfg_scale,
        steps=steps,
        samples=samples,
        seed=seed,
        sampler=sampler,
        clip_guidance_preset=clip_guidance_preset,
    )
    _engine(engine)
    fields = _present(
        width=width, height=height, cfg_scale=cfg_scale, steps=steps, samples=samples, seed=seed, sampler=sampler,
        clip_guidance_preset=clip_guidance_preset,
    )  # fmt: skip
    accept = _v1_accept(samples)

    def build() -> Request:
        from stability_api.api.v1alpha import text_to_image as api
        from stability_api.models import TextToImageRequest

        body = TextToImageRequest(text_prompts=_text_prompts(prompts), **fields)
        return _request(api._get_kwargs(engine, body=body, accept=accept, organization=_org(organization)))

    # A side the request leaves out is the engine's default, which differs by engine: held to the documented bounds.
    # Built directly: dataclasses.replace introspects the fields on every call, and this is on every call.
    expected = V1_RESULT if width is None and height is None else _v1_result(width, height)
    parse = v1_images(expected=expected, samples=samples)
    return Operation("text_to_image", charged=True, build=build, parse=parse, max_body=L.MAX_MEDIA_BODY)


def image_to_image(
    prompt: check.Prompt,
    *,
    image: object,
    negative_prompt: str | None,
    engine: str,
    step_schedule_start: float | None,
    step_schedule_end: float | None,
    cfg_scale: float | None,
    steps: int | None,
    samples: int | None,
    seed: int | None,
    sampler: str | None,
    clip_guidance_preset: str | None,
    organization: str | None,
) -> Operation[list[ImageResult]]:
    prompts = check.v1_prompts(prompt, negative_prompt)
    check.v1_common(
        cfg_scale=cfg_scale,
        steps=steps,
        samples=samples,
        seed=seed,
        sampler=sampler,
        clip_guidance_preset=clip_guidance_preset,
    )
    check.number("step_schedule_start", step_schedule_start, L.V1_STEP_SCHEDULE)
    check.number("step_schedule_end", step_schedule_end, L.V1_STEP_SCHEDULE)
    _engine(engine)
    source = image_source(image, field="image")
    check.input_format(source, L.V1_INPUT_FORMATS)
    check.v1_image_size(source)
    fields = _present(
        cfg_scale=cfg_scale, steps=steps, samples=samples, seed=seed, sampler=sampler,
        clip_guidance_preset=clip_guidance_preset, step_schedule_start=step_schedule_start,
        step_schedule_end=step_schedule_end,
    )  # fmt: skip
    accept = _v1_accept(samples)

    def build() -> Request:
        from stability_api.api.v1alpha import image_to_image as api
        from stability_api.models import ImageToImageOptions, ImageToImageRequest

        opened: list[Any] = []
        options = ImageToImageOptions(text_prompts=_text_prompts(prompts), **fields)
        body = ImageToImageRequest(init_image=_upload(source, opened), options=options)
        return _request(api._get_kwargs(engine, body=body, accept=accept, organization=_org(organization)), opened)

    parse = v1_images(expected=_input_size(source), samples=samples)
    return Operation("image_to_image", charged=True, build=build, parse=parse, max_body=L.MAX_MEDIA_BODY)


def masked_image_to_image(
    prompt: check.Prompt,
    *,
    image: object,
    mask: object | None,
    mask_source: str | None,
    negative_prompt: str | None,
    engine: str,
    cfg_scale: float | None,
    steps: int | None,
    samples: int | None,
    seed: int | None,
    sampler: str | None,
    clip_guidance_preset: str | None,
    organization: str | None,
) -> Operation[list[ImageResult]]:
    prompts = check.v1_prompts(prompt, negative_prompt)
    check.v1_common(
        cfg_scale=cfg_scale,
        steps=steps,
        samples=samples,
        seed=seed,
        sampler=sampler,
        clip_guidance_preset=clip_guidance_preset,
    )
    _engine(engine)
    source = image_source(image, field="image")
    check.input_format(source, L.V1_INPUT_FORMATS)
    check.v1_image_size(source)
    mask_src = image_source(mask, field="mask") if mask is not None else None
    if mask_source is None:
        mask_source = "MASK_IMAGE_WHITE" if mask_src is not None else "INIT_IMAGE_ALPHA"
    check.choice("mask_source", mask_source, L.V1_MASK_SOURCES)
    if mask_source == "INIT_IMAGE_ALPHA":
        if not source.info.has_alpha:
            raise ValidationError(
                "image", source.file_name, "mask_source INIT_IMAGE_ALPHA needs an image with an alpha channel"
            )
        mask_src = None  # the API ignores it; do not upload it
    elif mask_src is None:
        raise ValidationError("mask", None, f"mask_source {mask_source} needs a mask image")
    else:
        check.input_format(mask_src, L.V1_INPUT_FORMATS)
        if (mask_src.info.width, mask_src.info.height) != (source.info.width, source.info.height):
            rule = f"must be the same size as image ({source.info.width}x{source.info.height})"
            raise ValidationError("mask", f"{mask_src.info.width}x{mask_src.info.height}", rule)
    fields = _present(
        cfg_scale=cfg_scale, steps=steps, samples=samples, seed=seed, sampler=sampler,
        clip_guidance_preset=clip_guidance_preset,
    )  # fmt: skip
    accept = _v1_accept(samples)
    chosen_source = mask_source

    def build() -> Request:
        from stability_api.api.v1alpha import masking as api
        from stability_api.models import MaskingOptions, MaskingRequest
        from stability_api.types import UNSET

        opened: list[Any] = []
        options = MaskingOptions(
            text_prompts=_text_prompts(prompts),
            mask_source=cast(Any, chosen_source),
            **fields,
        )
        body = MaskingRequest(
            init_image=_upload(source, opened),
            mask_image=_upload(mask_src, opened) if mask_src is not None else UNSET,
            options=options,
        )
        return _request(api._get_kwargs(engine, body=body, accept=accept, organization=_org(organization)), opened)

    parse = v1_images(expected=_input_size(source), samples=samples)
    return Operation("masking", charged=True, build=build, parse=parse, max_body=L.MAX_MEDIA_BODY)


def list_engines(organization: str | None) -> Operation[list[Engine]]:
    def build() -> Request:
        from stability_api.api.v1alpha import list_engines as api

        return _request(api._get_kwargs(organization=_org(organization)))

    def parse(answer: Answer) -> list[Engine]:
        from stability_api.models import EngineList

        engines = EngineList.from_dict(_json_object(answer)).engines
        return [Engine(e.id, e.name, e.description, e.type_) for e in engines]

    return Operation("list_engines", charged=False, build=build, parse=parse)


def get_account() -> Operation[Account]:
    def build() -> Request:
        from stability_api.api.v1alpha import get_account as api

        return _request(api._get_kwargs())

    def parse(answer: Answer) -> Account:
        from stability_api.models import Account as AccountModel

        return Account._from(AccountModel.from_dict(_json_object(answer)))

    return Operation("get_account", charged=False, build=build, parse=parse)


def get_balance(organization: str | None) -> Operation[float]:
    def build() -> Request:
        from stability_api.api.v1alpha import get_balance as api

        return _request(api._get_kwargs(organization=_org(organization)))

    def parse(answer: Answer) -> float:
        from stability_api.models import Balance

        return float(Balance.from_dict(_json_object(answer)).credits_)

    return Operation("get_balance", charged=False, build=build, parse=parse)


# ----------------------------------------------------------------------------------------- v2alpha


def inpaint(
    prompt: str,
    *,
    image: object,
    mask: object | None,
    search_prompt: str | None,
    mode: str | None,
    negative_prompt: str | None,
    seed: int | None,
    output_format: str | None,
) -> Operation[ImageResult]:
    check.v2_prompts(prompt, negative_prompt)
    check.number("seed", seed, L.V2_SEED, integer=True)
    check.choice("output_format", output_format, L.V2_OUTPUT_FORMATS)
    if mode is None:
        mode = "search" if search_prompt is not None else "mask"
    check.choice("mode", mode, L.INPAINT_MODES)
    source = image_source(image, field="image")
    check.input_format(source, L.V2_IMAGE_INPUT_FORMATS)
    check.pixel_bounds(source, L.INPAINT_PIXELS)
    mask_src = None
    if mode == "search":
        check.text("search_prompt", search_prompt, L.V2_PROMPT_MAX_CHARS, required=True)
        if mask is not None:
            raise ValidationError("mask", "<image>", "is not used in search mode; pass search_prompt or mask, not both")
    else:
        if search_prompt is not None:
            raise ValidationError("search_prompt", search_prompt, "is only used in search mode (mode='search')")
        if mask is not None:
            mask_src = image_source(mask, field="mask")
            check.input_format(mask_src, L.V2_IMAGE_INPUT_FORMATS)
            # The API resizes the mask to the image; one larger than any image it takes is a mistake (or a
            # decompression bomb), refused before a byte of it is uploaded.
            if mask_src.info.pixels > L.INPAINT_PIXELS.high:
                info = mask_src.info
                rule = f"must have at most {int(L.INPAINT_PIXELS.high):,} pixels, the most an inpaint image may have (this mask is {info.width}x{info.height})"
                raise ValidationError("mask", mask_src.file_name, rule)
        elif not source.info.has_alpha:
            raise ValidationError(
                "mask", None, "mask mode needs a mask image, or an image with an alpha channel (transparent = repaint)"
            )
    fields = _present(
        search_prompt=search_prompt, negative_prompt=negative_prompt, seed=seed, output_format=output_format
    )
    chosen_mode = mode

    def build() -> Request:
        from stability_api.api.v2alpha import inpaint as api
        from stability_api.models import InpaintRequest
        from stability_api.types import UNSET

        opened: list[Any] = []
        body = InpaintRequest(
            mode=chosen_mode,  # type: ignore[arg-type]
            image=_upload(source, opened),
            prompt=prompt,
            mask=_upload(mask_src, opened) if mask_src is not None else UNSET,
            **fields,
        )
        return _request(api._get_kwargs(body=body, accept="image/*"), opened)

    _check_request_size(build, [source, mask_src])
    parse = functools.partial(parse_v2_image, expected=INPAINT_RESULT)
    return Operation("inpaint", charged=True, build=build, parse=parse, max_body=L.MAX_MEDIA_BODY)


def upscale(
    prompt: str,
    *,
    image: object,
    negative_prompt: str | None,
    seed: int | None,
    output_format: str | None,
    creativity: float | None,
) -> Operation[str]:
    check.v2_prompts(prompt, negative_prompt)
    check.number("seed", seed, L.V2_SEED, integer=True)
    check.choice("output_format", output_format, L.V2_OUTPUT_FORMATS)
    check.number("creativity", creativity, L.UPSCALE_CREATIVITY)
    source = image_source(image, field="image")
    check.input_format(source, L.V2_IMAGE_INPUT_FORMATS)
    check.pixel_bounds(source, L.UPSCALE_PIXELS)
    fields = _present(negative_prompt=negative_prompt, seed=seed, output_format=output_format, creativity=creativity)

    def build() -> Request:
        from stability_api.api.v2alpha import upscale as api
        from stability_api.models import UpscaleRequest

        opened: list[Any] = []
        body = UpscaleRequest(image=_upload(source, opened), prompt=prompt, **fields)
        return _request(api._get_kwargs(body=body), opened)

    _check_request_size(build, [source])
    return Operation("upscale", charged=True, build=build, parse=parse_started)


def image_to_video(
    *,
    image: object,
    seed: int | None,
    cfg_scale: float | None,
    motion_bucket_id: float | None,
) -> Operation[str]:
    check.number("seed", seed, L.V2_SEED, integer=True)
    check.number("cfg_scale", cfg_scale, L.VIDEO_CFG_SCALE)
    check.number("motion_bucket_id", motion_bucket_id, L.VIDEO_MOTION_BUCKET_ID)
    source = image_source(image, field="image")
    check.input_format(source, L.VIDEO_INPUT_FORMATS)
    size = (source.info.width, source.info.height)
    if size not in L.VIDEO_SIZES:
        allowed = ", ".join(f"{w}x{h}" for w, h in L.VIDEO_SIZES)
        raise ValidationError("image", f"{size[0]}x{size[1]}", f"must be exactly one of {allowed} pixels")
    fields = _present(seed=seed, cfg_scale=cfg_scale, motion_bucket_id=motion_bucket_id)

    def build() -> Request:
        from stability_api.api.v2alpha import image_to_video as api
        from stability_api.models import ImageToVideoRequest

        opened: list[Any] = []
        body = ImageToVideoRequest(image=_upload(source, opened), **fields)
        return _request(api._get_kwargs(body=body), opened)

    _check_request_size(build, [source])
    return Operation("image_to_video", charged=True, build=build, parse=parse_started)


def check_job(kind: Any, job_id: Any) -> None:
    from .._core.polling import JOB_KINDS

    check.choice("kind", kind, JOB_KINDS)
    if not isinstance(job_id, str) or len(job_id) != L.GENERATION_ID_LENGTH:
        raise ValidationError(
            "job_id", job_id, f"must be the {L.GENERATION_ID_LENGTH}-character id a job start returned"
        )


def parse_v2_video(answer: Answer) -> VideoResult:
    """v2alpha image-to-video result: MP4 bytes with headers, or JSON with base64; a whole MP4 either way."""
    from .._core.media import check_media

    headers = answer.headers
    if _is_json(headers):
        from stability_api.models import EncodedVideo

        body = EncodedVideo.from_dict(_json_object(answer))
        data, seed, finish = _b64(body.video), _int(body.seed), body.finish_reason
        check_media(data, "video", None)  # the JSON wrapper's content type says nothing about the video
    else:
        data, seed, finish = answer.content, _int(headers.get("seed")), headers.get("finish-reason", "SUCCESS")
        check_media(data, "video", headers.get("content-type"))
    return VideoResult(data, "video/mp4", seed, _finish_reason(finish), headers.get("x-request-id"))


class DownloadCutShort(BodyCutShort):
    """A streamed result ended before its media did (a body without Content-Length cut off): a broken read."""


class ResultDownload:
    """The checks of a job result streamed to disk (``job.save``), chunk by chunk, in constant memory.

    A saved result is checked like a waited one: an HTML or JSON content type is refused before a byte is
    written, the bytes must be the media the job makes (``MalformedResponseError``, not retried: the same
    request would get the same answer), and a body that ends before its media does raises ``DownloadCutShort``
    (fetched again, like a connection that broke off).
    """

    def __init__(self, kind: str, headers: Mapping[str, str], *, attempt: int = 1, path: Any = None) -> None:
        from .._core.media import MediaCheck

        self._name = f"get_{kind}_result"
        self._headers = headers
        self._attempt = attempt
        self._path = path  # refused, before a byte is written, when its extension names another format
        try:
            self._check = MediaCheck("image" if kind == "upscale" else "video", headers.get("content-type"))
        except ValueError as exc:
            raise self.malformed(exc) from None

    def feed(self, chunk: bytes) -> bytes:
        """``chunk``, once it fits the media so far."""
        try:
            self._check.feed(chunk)
        except ValueError as exc:
            raise self.malformed(exc) from None
        if self._path is not None and self._check.format:
            from .._results import check_suffix

            path, self._path = self._path, None
            # As ImageResult.save: never a JPEG under a .png name (converting needs the whole image in memory).
            check_suffix(path, self._check.format, convert="save job.wait() with convert=True")
        return chunk

    def finish(self) -> None:
        """Say the body ended: ``DownloadCutShort`` unless the media is whole."""
        try:
            self._check.finish()
        except ValueError as exc:
            raise DownloadCutShort(f"the body ended early: {exc}") from None

    def malformed(self, exc: Exception) -> StabilityError:
        from .._core.errors import MalformedResponseError

        return MalformedResponseError._of(
            f"the {self._name} answer could not be saved: {exc}", headers=self._headers, attempts=self._attempt
        )


class ResultSink:
    """``job.save``'s ``Sink``: each 200 result body streamed through ``ResultDownload`` into an atomic write.

    The file is complete or absent (and an existing one kept unless ``overwrite``) whatever stops a download:
    ``atomic_write`` removes the temporary file on any error or interrupt, so a download fetched again starts
    from an empty file. ``filtered_in_memory``: a result the API marks as content-filtered is not streamed but
    read into memory (``Answer.saved`` stays None), so that ``ContentFilteredError`` can carry it.
    """

    def __init__(
        self, kind: str, destination: Any, *, path: Any, overwrite: bool, filtered_in_memory: bool = False
    ) -> None:
        self.limit = L.MAX_DOWNLOAD
        self.began = False
        self.attempts = 0
        self._kind = kind
        self._destination = destination
        self._path = path
        self._overwrite = overwrite
        self._filtered_in_memory = filtered_in_memory
        self._download: ResultDownload | None = None

    def accepts(self, headers: Mapping[str, str]) -> bool:
        from .._results import CONTENT_FILTERED

        if self._filtered_in_memory and headers.get("finish-reason") == CONTENT_FILTERED:
            return False
        self.began = True
        self.attempts += 1
        self._download = ResultDownload(self._kind, headers, attempt=self.attempts, path=self._path)
        return True

    def consume(self, chunks: Iterator[bytes]) -> Any:
        from .._files.outputs import atomic_write

        return atomic_write(self._destination, self._checked(chunks), overwrite=self._overwrite)

    async def aconsume(self, chunks: AsyncIterator[bytes]) -> Any:
        from .._files.outputs import atomic_write_async

        return await atomic_write_async(self._destination, self._achecked(chunks), overwrite=self._overwrite)

    def _checked(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """``chunks``, each checked before it is written; the last check runs before the file is committed."""
        from .._drivers import BodyTooLarge

        download = self._download
        assert download is not None, "consume() before accepts()"
        try:
            for chunk in chunks:
                yield download.feed(chunk)
        except BodyTooLarge as exc:
            raise download.malformed(exc) from None
        download.finish()

    async def _achecked(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        from .._drivers import BodyTooLarge

        download = self._download
        assert download is not None, "aconsume() before accepts()"
        try:
            async for chunk in chunks:
                yield download.feed(chunk)
        except BodyTooLarge as exc:
            raise download.malformed(exc) from None
        download.finish()


def job_result(kind: str, job_id: str, *, sink: ResultSink | None = None) -> Operation[Any]:
    """One poll of a job's result: ``Pending`` on 202, ``Done`` with the result on 200 (with ``sink``: what the
    sink saved, or the result in memory when the sink declined it)."""
    from .._core.polling import Done, Pending

    media: Callable[[Answer], Any] = parse_v2_image if kind == "upscale" else parse_v2_video

    def build() -> Request:
        if kind == "upscale":
            from stability_api.api.v2alpha import get_upscale_result as api

            return _request(api._get_kwargs(job_id, accept="image/*"))
        from stability_api.api.v2alpha import get_image_to_video_result as api2

        return _request(api2._get_kwargs(job_id, accept="video/*"))

    def parse(answer: Answer) -> Any:
        if answer.status == 202:
            from stability_api.models import GenerationInProgress

            return Pending(GenerationInProgress.from_dict(_json_object(answer)).status)
        if answer.status != 200:
            raise ValueError(f"unexpected status {answer.status} for a job result")
        return Done(answer.saved if answer.saved is not None else media(answer))

    return Operation(
        f"get_{kind}_result",
        charged=False,
        build=build,
        parse=parse,
        job_result=True,
        sink=sink,
        max_body=L.MAX_MEDIA_BODY,
    )


def _engine(engine: Any) -> None:
    # The id becomes a path segment: no separators, no query or fragment, nothing a URL would have to escape.
    if (
        not isinstance(engine, str)
        or not engine.strip()
        or not (engine.isascii() and engine.isprintable())
        or any(c in engine for c in "/?#% ")
    ):
        raise ValidationError("engine", shown(engine), "must be an engine id such as 'stable-diffusion-512-v2-1'")
