"""Property tests: the facade and the fake's own validation agree on every parameter of every generation method.

Hypothesis draws each parameter from "absent", "valid" and "invalid" values of the documented limits
(``stability._core.limits``, which the fake's ``_rules`` also read). For every draw:

- when the facade refuses, it raises ``ValidationError`` and sends nothing (the fake's log stays empty), and the
  same request sent raw, past the facade, is refused by the fake with 400;
- when the facade accepts, the fake accepts it too (the call returns a result, nothing is a 400).

Each test also checks that both verdicts were seen, so no property holds vacuously. The domain is the rules
both sides share; where the facade is deliberately stricter (blank prompts, a float seed, an empty enum that a
form would send as "absent", a lone surrogate that UTF-8 cannot carry, an engine id that would rewrite the URL)
a plain test pins it down at the end.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stability
from stability._core import limits as L
from stability.testing import FakeStability
from tests.raw_cases import png
from tests.reliability._support import FIGURES

EXAMPLES = 80
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)


@pytest.fixture(scope="module")
def agreement_fake() -> FakeStability:
    return FakeStability(fast=True, initial_balance=1e9)


@pytest.fixture
def checked(agreement_fake: FakeStability) -> Iterator[tuple[Any, httpx.Client, FakeStability]]:
    fake = agreement_fake
    with (
        stability.Stability(
            fake.api_key, base_url="http://localhost", transport=fake.transport(), max_retries=0
        ) as client,
        httpx.Client(transport=fake.transport(), base_url="http://localhost") as raw,
    ):
        yield client, raw, fake


@cache
def image(width: int, height: int, alpha: bool = False) -> bytes:
    if width * height > 2_000_000:
        return claimed_png(width, height)
    return png(width, height, alpha=alpha)


def claimed_png(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` over a few bytes of pixel data (no decoder gets that far)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x80" * 30)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# ---------------------------------------------------------------------------------------------- value domains


def _mostly(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Absent, valid, or (one time in eight) invalid: a draw of several fields is then valid about half the time."""
    return st.integers(0, 7).flatmap(lambda k: invalid if k == 0 else (st.none() if k == 1 else valid))


def _num(bounds: L.Bounds, *, integer: bool, below: float = 100, above: float = 100) -> st.SearchStrategy[Any]:
    if integer:
        low, high = int(bounds.low), int(bounds.high)
        valid: st.SearchStrategy[Any] = st.integers(low, high)
        invalid: st.SearchStrategy[Any] = st.integers(low - int(below), low - 1) | st.integers(
            high + 1, high + int(above)
        )
    else:
        valid = st.floats(bounds.low, bounds.high, allow_nan=False)
        invalid = st.floats(bounds.low - below, bounds.low, exclude_max=True) | st.floats(
            bounds.high, bounds.high + above, exclude_min=True
        )
    return _mostly(valid, invalid)


def _enum(choices: tuple[str, ...], *, form: bool = False) -> st.SearchStrategy[Any]:
    # An empty form field reads as an absent one (the default), so "" is a shared rule only in JSON.
    wrong = ["fast", "K_EULER_X", "NONE ", "png2"] + ([] if form else [""])
    return _mostly(st.sampled_from(choices), st.sampled_from(wrong))


def _text(max_chars: int, *, required: bool) -> st.SearchStrategy[Any]:
    words = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x2FF), min_size=1, max_size=40)
    too_long = st.integers(max_chars + 1, max_chars + 50).map(lambda n: "y" * n)
    if required:
        return st.integers(0, 7).flatmap(lambda k: too_long if k == 0 else words)
    return _mostly(words, too_long)


V1_COMMON = {
    "negative_prompt": _text(L.V1_PROMPT_MAX_CHARS, required=False),
    "cfg_scale": _num(L.V1_CFG_SCALE, integer=False),
    "steps": _num(L.V1_STEPS, integer=True, below=10),
    "samples": _mostly(st.integers(1, 10), st.sampled_from([0, 11, 12])),
    "seed": _num(L.V1_SEED, integer=True, above=2**31),
    "sampler": _enum(L.V1_SAMPLERS),
    "clip_guidance_preset": _enum(L.V1_CLIP_GUIDANCE_PRESETS),
}
# Sides not a multiple of 64, one past 2048, more than 1 megapixel, and the 100000 x 100000.
V1_BAD_IMAGE_SIZES = [(500, 512), (512, 520), (2112, 64), (1088, 1024), (100_000, 100_000)]
SIDES = _mostly(st.sampled_from([512, 576, 640, 768, 1024]), st.sampled_from([500, 520, 448, 1088, 2048, 2112]))


# ---------------------------------------------------------------------------------------------- the property


def _verdict(status: int) -> str:
    assert status in (200, 400), f"the fake answered {status}, neither accepted nor refused"
    return "accepted" if status == 200 else "refused"


def _agree(
    checked: tuple[Any, httpx.Client, FakeStability],
    seen: Counter[str],
    call: Callable[[Any], Any],
    send_raw: Callable[[httpx.Client, str], httpx.Response],
) -> None:
    client, raw, fake = checked
    fake.reset()
    FIGURES.add("inputs tried")
    try:
        call(client)
    except stability.ValidationError:
        assert fake.count() == 0, "a refused input reached the API"
        answer = send_raw(raw, fake.api_key)
        assert _verdict(answer.status_code) == "refused", f"the fake accepts what the facade refused: {answer.text}"
        seen["refused"] += 1
        FIGURES.add("invalid inputs refused before sending")
        return
    assert fake.count() >= 1 and _verdict(fake.requests[-1].status) == "accepted"
    seen["accepted"] += 1
    FIGURES.add("valid inputs accepted by the fake")


def _v1_options(prompt: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    prompts = [{"text": prompt, "weight": 1.0}]
    if kwargs.get("negative_prompt") is not None:
        prompts.append({"text": kwargs["negative_prompt"], "weight": -1.0})
    fields = {k: v for k, v in kwargs.items() if v is not None and k not in ("negative_prompt", "image", "mask")}
    return {"text_prompts": prompts, **fields}


def _v1_accept(kwargs: dict[str, Any]) -> str:
    return "image/png" if kwargs.get("samples") in (None, 1) else "application/json"


def _v2_fields(kwargs: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in kwargs.items() if v is not None and k not in ("image", "mask")}


def test_text_to_image_agrees(checked: Any) -> None:
    seen: Counter[str] = Counter()

    @SETTINGS
    @given(
        prompt=_text(L.V1_PROMPT_MAX_CHARS, required=True),
        kwargs=st.fixed_dictionaries({**V1_COMMON, "width": SIDES, "height": SIDES}),
    )
    def check(prompt: str, kwargs: dict[str, Any]) -> None:
        def send_raw(raw: httpx.Client, key: str) -> httpx.Response:
            headers = {"Authorization": key, "Accept": _v1_accept(kwargs)}
            url = "/v1alpha/generation/stable-diffusion-512-v2-1/text-to-image"
            return raw.post(url, json=_v1_options(prompt, kwargs), headers=headers)

        _agree(checked, seen, lambda c: c.text_to_image(prompt, **kwargs), send_raw)

    check()
    assert seen["accepted"] and seen["refused"], seen


@pytest.mark.parametrize("operation", ["image_to_image", "masking"])
def test_image_to_image_and_masking_agree(checked: Any, operation: str) -> None:
    seen: Counter[str] = Counter()
    extra: dict[str, st.SearchStrategy[Any]] = (
        {"step_schedule_start": _num(L.V1_STEP_SCHEDULE, integer=False, below=2, above=2)}
        if operation == "image_to_image"
        else {"mask_source": st.sampled_from(["MASK_IMAGE_WHITE", "MASK_IMAGE_BLACK", "MASK_IMAGE_GREY", "mask"])}
    )

    @SETTINGS
    @given(
        prompt=_text(L.V1_PROMPT_MAX_CHARS, required=True),
        size=st.sampled_from([(512, 512), (640, 448), (1024, 1024), *V1_BAD_IMAGE_SIZES]),
        kwargs=st.fixed_dictionaries({**V1_COMMON, **extra}),
    )
    def check(prompt: str, size: tuple[int, int], kwargs: dict[str, Any]) -> None:
        picture = image(*size)

        def send_raw(raw: httpx.Client, key: str) -> httpx.Response:
            headers = {"Authorization": key, "Accept": _v1_accept(kwargs)}
            files: dict[str, Any] = {"init_image": ("image.png", picture, "image/png")}
            if operation == "masking":
                files["mask_image"] = ("mask.png", picture, "image/png")
                url = "/v1alpha/generation/stable-inpainting-512-v2-0/image-to-image/masking"
            else:
                url = "/v1alpha/generation/stable-diffusion-512-v2-1/image-to-image"
            data = {"options": json.dumps(_v1_options(prompt, kwargs))}
            return raw.post(url, data=data, files=files, headers=headers)

        def call(c: Any) -> Any:
            if operation == "masking":
                return c.masked_image_to_image(prompt, image=picture, mask=picture, **kwargs)
            return c.image_to_image(prompt, image=picture, **kwargs)

        _agree(checked, seen, call, send_raw)

    check()
    assert seen["accepted"] and seen["refused"], seen


V2_SEED = _num(L.V2_SEED, integer=True, above=2**33)
V2_FORMAT = _enum(L.V2_OUTPUT_FORMATS, form=True)


def _v2_send(
    path: str, kwargs: dict[str, Any], files: dict[str, bytes]
) -> Callable[[httpx.Client, str], httpx.Response]:
    def send_raw(raw: httpx.Client, key: str) -> httpx.Response:
        parts = {name: (f"{name}.png", data, "image/png") for name, data in files.items()}
        headers = {"Authorization": f"Bearer {key}"}
        return raw.post(path, data=_v2_fields(kwargs), files=parts, headers=headers)

    return send_raw


def test_inpaint_agrees(checked: Any) -> None:
    seen: Counter[str] = Counter()

    @SETTINGS
    @given(
        size=st.sampled_from([(96, 96), (64, 64), (128, 48), (3100, 3100)]),
        kwargs=st.fixed_dictionaries(
            {
                "prompt": _text(L.V2_PROMPT_MAX_CHARS, required=True),
                "negative_prompt": _text(L.V2_PROMPT_MAX_CHARS, required=False),
                "search_prompt": _text(L.V2_PROMPT_MAX_CHARS, required=True),
                "seed": V2_SEED,
                "output_format": V2_FORMAT,
            }
        ),
    )
    def check(size: tuple[int, int], kwargs: dict[str, Any]) -> None:
        picture = image(*size)
        send = _v2_send("/v2alpha/generation/stable-image/inpaint", {**kwargs, "mode": "search"}, {"image": picture})
        _agree(checked, seen, lambda c: c.inpaint(image=picture, **kwargs), send)

    check()
    assert seen["accepted"] and seen["refused"], seen


def test_upscale_agrees(checked: Any) -> None:
    seen: Counter[str] = Counter()

    @SETTINGS
    @given(
        size=st.sampled_from([(96, 96), (64, 64), (1024, 1024), (60, 200), (1100, 1000)]),
        kwargs=st.fixed_dictionaries(
            {
                "prompt": _text(L.V2_PROMPT_MAX_CHARS, required=True),
                "negative_prompt": _text(L.V2_PROMPT_MAX_CHARS, required=False),
                "seed": V2_SEED,
                "output_format": V2_FORMAT,
                "creativity": _num(L.UPSCALE_CREATIVITY, integer=False, below=1, above=1),
            }
        ),
    )
    def check(size: tuple[int, int], kwargs: dict[str, Any]) -> None:
        picture = image(*size)
        send = _v2_send("/v2alpha/generation/stable-image/upscale", kwargs, {"image": picture})
        _agree(checked, seen, lambda c: c.upscale(image=picture, **kwargs), send)

    check()
    assert seen["accepted"] and seen["refused"], seen


def test_image_to_video_agrees(checked: Any) -> None:
    seen: Counter[str] = Counter()

    @SETTINGS
    @given(
        size=st.sampled_from([*L.VIDEO_SIZES, (512, 512), (1024, 577)]),
        kwargs=st.fixed_dictionaries(
            {
                "seed": V2_SEED,
                "cfg_scale": _num(L.VIDEO_CFG_SCALE, integer=False),
                "motion_bucket_id": _num(L.VIDEO_MOTION_BUCKET_ID, integer=False),
            }
        ),
    )
    def check(size: tuple[int, int], kwargs: dict[str, Any]) -> None:
        picture = image(*size)
        send = _v2_send("/v2alpha/generation/image-to-video", kwargs, {"image": picture})
        _agree(checked, seen, lambda c: c.image_to_video(picture, **kwargs), send)

    check()
    assert seen["accepted"] and seen["refused"], seen


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.text_to_image("   "), "prompt"),  # the API would paint from nothing
        (lambda c: c.text_to_image("x", seed=5.0), "seed"),  # an integer field
        (lambda c: c.upscale("x", image=image(96, 96), output_format=""), "output_format"),  # a form sends "" as absent
        (lambda c: c.text_to_image("a \ud800 b"), "prompt"),  # a lone surrogate: UTF-8 cannot carry it
        (lambda c: c.inpaint("ok", image=image(96, 96), search_prompt="\udfff"), "search_prompt"),
        (lambda c: c.upscale("\ud83d", image=image(96, 96)), "prompt"),
        (lambda c: c.text_to_image("x", engine="x?steal=1"), "engine"),  # a path segment, not a query
        (lambda c: c.text_to_image("x", engine="v1/../../user"), "engine"),
        (lambda c: c.jobs.get("upscale", "0" * 63), "job_id"),
        (lambda c: c.jobs.get("inpaint", "0" * 64), "kind"),
    ],
)
def test_facade_is_stricter_where_it_must_be(checked: Any, call: Callable[[Any], Any], field: str) -> None:
    client, _, fake = checked
    fake.reset()
    with pytest.raises(stability.ValidationError) as caught:
        call(client)
    assert caught.value.field == field and fake.count() == 0
    FIGURES.add("inputs tried")
    FIGURES.add("invalid inputs refused before sending")


@pytest.mark.parametrize(
    "options",
    [{"api_key": "sk-caf\u00e9"}, {"api_key": "sk-a b"}, {"api_key": "sk-\x00x"}, {"organization": "org-\u00e9\n"}],
)
def test_keys_and_organizations_a_header_cannot_carry_are_configuration_errors(options: dict[str, Any]) -> None:
    options = {"api_key": "sk-fine", **options}
    with pytest.raises(stability.ConfigurationError) as caught:
        stability.Stability(base_url="http://localhost", **options)
    assert options["api_key"] not in str(caught.value)
    FIGURES.add("inputs tried")


def _pil_image() -> Any:
    from PIL import Image

    return Image.new("RGB", (512, 512))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.text_to_image(5), "prompt"),  # each was a raw TypeError, OverflowError, UnicodeEncodeError...
        (lambda c: c.text_to_image(True), "prompt"),
        (lambda c: c.text_to_image(Path("prompt.txt")), "prompt"),
        (lambda c: c.text_to_image(_pil_image()), "prompt"),
        (lambda c: c.image_to_image(5, image=image(512, 512)), "prompt"),
        (lambda c: c.masked_image_to_image(Path("x"), image=image(512, 512), mask=image(512, 512)), "prompt"),
        (lambda c: c.text_to_image([("a lighthouse", 10**400)]), "prompt"),
        (lambda c: c.text_to_image("x", seed=10**5000), "seed"),  # too long for repr() to print
        (lambda c: c.text_to_image("x", engine=10**5000), "engine"),
        (lambda c: c.text_to_image("x", sampler=10**5000), "sampler"),
        (lambda c: c.upscale("x", image=10**5000), "image"),
        (lambda c: c.upscale("x", image="input-\ud800.png"), "image"),
        (lambda c: c.image_to_image("x", image="input-\udfff.png"), "image"),
        (lambda c: c.inpaint("x", image=image(96, 96), mask="mask-\ud800.png"), "mask"),
        (lambda c: c.masked_image_to_image("x", image=image(512, 512), mask="mask-\ud800.png"), "mask"),
        (lambda c: c.image_to_video("frame\x00.png"), "image"),
        (lambda c: c.inpaint("x", image=image(96, 96), mask=b"mask\x00.png".decode()), "mask"),
        (lambda c: c.text_to_image("x").save("out-\ud800.png"), "path"),
        (lambda c: c.text_to_image("x").save("out\x00.png"), "path"),
        (lambda c: c.image_to_video(image(768, 768)).save("clip-\ud800.mp4"), "path"),
        (lambda c: c.image_to_video(image(768, 768)).save("clip\x00.mp4"), "path"),
    ],
)
def test_bad_input_is_a_typed_error_naming_the_field(checked: Any, call: Callable[[Any], Any], field: str) -> None:
    client, _, fake = checked
    fake.reset()
    with pytest.raises(stability.ValidationError) as caught:
        call(client)
    assert caught.value.field == field, caught.value
    if field != "path":
        assert fake.count() == 0
    str(caught.value), repr(caught.value)  # printable, whatever the value
    FIGURES.add("inputs tried")
    FIGURES.add("invalid inputs refused before sending")
    FIGURES.outcome(type(caught.value).__name__)
