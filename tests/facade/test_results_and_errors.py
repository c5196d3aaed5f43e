"""Results and errors outside the happy path: every error survives pickling (also out of a worker process),
``save()`` never writes one format under another's extension, ``to_pil()`` raises typed errors, seeds that are
not integers are None, and error pages are summarised in linear time."""

from __future__ import annotations

import concurrent.futures
import errno
import io
import multiprocessing
import pickle
import struct
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

import stability
from stability import ImageResult, VideoResult
from stability._core.errors import _summarise_text, error_from_response
from stability._operations.common import _int
from stability.testing import FakeStability
from tests.raw_cases import png

JOB_ID = "c" * 64


def _image(data: bytes | None = None) -> ImageResult:
    return ImageResult(
        data=data or png(64, 64), content_type="image/png", seed=7, finish_reason="SUCCESS", width=64, height=64
    )


# ------------------------------------------------------------------------------------------------ pickling


def _api_error(cls: type[stability.APIError]) -> stability.APIError:
    return cls(
        418,
        name="some_name",
        error_id="e-1",
        messages=["first", "second"],
        request_id="r-1",
        headers={"retry-after": "7", "x-request-id": "r-1"},
        body=b'{"name": "some_name"}',
        attempts=3,
    )


def make_error(cls: type[BaseException]) -> BaseException:
    """An instance of a public error class with every attribute set to something other than its default."""
    if issubclass(cls, stability.APIError):
        return _api_error(cls)
    if cls is stability.BatchInputError:
        return cls("prompts.jsonl", [(0, "no items"), (3, "unknown operation 'paint'")])
    if issubclass(cls, stability.ValidationError):
        return cls("width", 513, "must be a multiple of 64")
    if issubclass(cls, stability.APIConnectionError):
        return cls("text_to_image: connection refused", attempts=4)
    if issubclass(cls, stability.ContentFilteredError | stability.GenerationFailedError):
        return cls("filtered", result=_image())
    if issubclass(cls, stability.JobTimeoutError):
        cause = _api_error(stability.RateLimitError)
        return cls("upscale", JOB_ID, 12.5, last_error=cause)
    if cls.__name__ == "SaveError":  # also an OSError, made like one
        return cls(errno.ENOSPC, "No space left on device", "/data/out.png")
    if cls in (stability.StabilityError, stability.ConfigurationError):
        return cls("no API key")
    raise AssertionError(f"{cls.__name__} is a new public error: add it to make_error so it is pickled too")


PUBLIC_ERRORS = sorted(
    (
        cls
        for cls in (getattr(stability, name) for name in stability.__all__)
        if isinstance(cls, type) and issubclass(cls, BaseException)
    ),
    key=lambda cls: cls.__name__,
)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, BaseException):
        return type(a) is type(b) and str(a) == str(b) and a.args == b.args and _same(vars(a), vars(b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def test_every_public_error_class_is_covered() -> None:
    names = {cls.__name__ for cls in PUBLIC_ERRORS}
    assert {"APIError", "ValidationError", "JobTimeoutError", "ContentFilteredError", "RequestTooLargeError"} <= names
    assert len(PUBLIC_ERRORS) >= 21


def test_every_error_survives_pickling() -> None:
    for cls in PUBLIC_ERRORS:
        error = make_error(cls)
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            restored = pickle.loads(pickle.dumps(error, protocol))
            assert _same(error, restored), (cls, vars(error), vars(restored))
        if isinstance(error, stability.RateLimitError):
            assert restored.retry_after == 7.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422, 429, 500, 503, 520])
def test_errors_from_answers_survive_pickling(status: int) -> None:
    body = b'{"id": "i", "name": "content_moderation", "errors": ["no"]}' if status == 403 else b"<html>x</html>"
    error = error_from_response(status, {"X-Request-Id": "rq", "Retry-After": "3"}, body, attempts=2, job_result=True)
    restored = pickle.loads(pickle.dumps(error))
    assert _same(error, restored) and restored.status_code == status and restored.attempts == 2


def test_an_attribute_pickle_refuses_arrives_as_its_repr(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x")
    with path.open("rb") as handle:
        error = stability.ValidationError("image", handle, "must be a PNG")
        restored = pickle.loads(pickle.dumps(error))
    assert restored.field == "image" and restored.rule == "must be a PNG"
    assert isinstance(restored.value, str) and "f.bin" in restored.value
    assert str(restored) == str(error)


def _raise(name: str) -> None:
    raise make_error(getattr(stability, name))


def test_errors_raised_in_a_worker_process_reach_the_parent() -> None:
    context = multiprocessing.get_context("fork")  # no re-import in each worker: fast
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        futures = {cls: pool.submit(_raise, cls.__name__) for cls in PUBLIC_ERRORS}
        for cls, future in futures.items():
            error = future.exception(timeout=30)
            assert _same(error, make_error(cls)), cls
        # The pool still works after every one of them.
        assert pool.submit(len, "abc").result(timeout=30) == 3


# -------------------------------------------------------------------------------------------- save, to_pil


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 16), (1, 2, 3)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize("name", ["x.jpg", "x.JPEG", "x.webp", "x.gif", "x.mp4"])
def test_save_refuses_an_extension_of_another_format(tmp_path: Path, name: str) -> None:
    with pytest.raises(stability.ValidationError) as caught:
        _image().save(tmp_path / name)
    message = str(caught.value)
    assert caught.value.field == "path" and "PNG" in message and Path(name).suffix in message
    assert "x.png" in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", [5, None, 1.5, ["x.png"]])
def test_save_to_something_that_is_not_a_path_is_a_typed_error(path: Any) -> None:
    with pytest.raises(stability.InvalidFileError, match="path"):
        _image().save(path)


def test_save_takes_a_bytes_path(tmp_path: Path) -> None:
    saved = _image().save(bytes(tmp_path / "x.png"))
    assert saved.read_bytes() == _image().data


def test_save_converts_when_asked(tmp_path: Path) -> None:
    from PIL import Image

    result = ImageResult(
        data=png(40, 30, alpha=True), content_type="image/png", seed=1, finish_reason="SUCCESS", width=40, height=30
    )
    written = result.save(tmp_path / "x.jpg", convert=True)
    assert written.read_bytes()[:3] == b"\xff\xd8\xff"
    with Image.open(written) as opened:
        assert opened.format == "JPEG" and opened.size == (40, 30)
    assert result.save(tmp_path / "x.webp", convert=True).read_bytes()[8:12] == b"WEBP"
    # Already the right format, or an extension that names no format: the bytes as they came.
    for name in ("same.png", "plain", "x.dat", "x.PNG"):
        assert result.save(tmp_path / name, convert=True).read_bytes() == result.data
        assert result.save(tmp_path / name, overwrite=True).read_bytes() == result.data
    jpeg = ImageResult(data=_jpeg(), content_type="image/jpeg", seed=1, finish_reason="SUCCESS", width=32, height=16)
    assert jpeg.save(tmp_path / "x.jpeg").read_bytes() == jpeg.data


def test_a_video_is_never_saved_as_an_image(tmp_path: Path) -> None:
    video = VideoResult(b"\x00\x00\x00\x08ftyp", "video/mp4", 1, "SUCCESS")
    for name in ("x.png", "x.jpg", "x.webp"):
        with pytest.raises(stability.ValidationError, match=r"MP4 video: save it as x\.mp4"):
            video.save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_a_real_result_saves_under_its_own_extension_only(client: Any, tmp_path: Path) -> None:
    image = client.text_to_image("a lighthouse")
    assert image.format == "png"
    with pytest.raises(stability.ValidationError, match="PNG"):
        image.save(tmp_path / "lighthouse.jpg")
    assert image.save(tmp_path / "lighthouse.jpg", convert=True).read_bytes()[:2] == b"\xff\xd8"


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "data", [_png_claiming(100_000, 100_000), png(64, 64)[:60], b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"garbage"]
)
def test_to_pil_raises_typed_errors(data: bytes) -> None:
    with pytest.raises(stability.MalformedResponseError) as caught:
        _image(data).to_pil()
    assert caught.value.status_code == 200 and caught.value.name == "undecodable_image"


# ------------------------------------------------------------------------------------ seeds, JSON, pages


SEEDS: list[tuple[Any, int | None]] = [
    ("123", 123),
    (" 42 ", 42),
    ("0", 0),
    (2045963300, 2045963300),
    (343940597.0, 343940597),
    ("4294967295", 4294967295),
    ("inf", None),
    ("1e999", None),
    ("-inf", None),
    ("nan", None),
    (float("inf"), None),
    (float("nan"), None),
    ("-5", None),
    (-5, None),
    ("4294967296", None),
    (10**400, None),
    ("9" * 5000, None),
    ("12.5", None),
    ("abc", None),
    ("", None),
    (None, None),
    (True, None),
    ([1], None),
]


def test_a_seed_that_is_not_one_is_none() -> None:
    assert [(raw, _int(raw)) for raw, _ in SEEDS] == SEEDS


def test_summarising_a_crafted_page_is_linear() -> None:
    # Sizes at which the old regular expressions took seconds each; only a bounded prefix is looked at now.
    start = time.perf_counter()
    for body in (b">" + b"<" * 100_000, b"<title>" * 20_000, b"<a " * 300_000 + b">"):
        assert len(_summarise_text(body)) <= 203
    assert time.perf_counter() - start < 0.25
    assert _summarise_text(b"<html><head><TITLE>502 Bad  Gateway</TITLE></head><body>nginx</body></html>") == (
        "502 Bad Gateway"
    )
    assert _summarise_text(b"<p>upstream <b>timed out</b></p>") == "upstream timed out"


def test_the_fake_answers_413_and_422_with_typed_errors(fake: FakeStability, make_client: Any) -> None:
    from stability.testing import Fault

    client = make_client(max_retries=0)
    fake.inject("text_to_image", Fault.status(413))
    with pytest.raises(stability.RequestTooLargeError) as too_large:
        client.text_to_image("x")
    fake.inject("inpaint", Fault.status(422))
    with pytest.raises(stability.UnprocessableEntityError) as refused:
        client.inpaint("x", image=png(128, 128), search_prompt="y")
    assert too_large.value.status_code == 413 and refused.value.status_code == 422
    assert isinstance(too_large.value, stability.APIError) and isinstance(refused.value, stability.APIError)
