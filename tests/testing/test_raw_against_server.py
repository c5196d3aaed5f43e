"""Every raw generated call of tests/raw_cases.py against the fake's real loopback server, sync and async.

Successes parse into File (binary) or the JSON models, the JSON variants parse, jobs answer 202 then 200, and
errors (bad key, invalid input, unknown ids) parse into the documented error models.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image

from stability._core.media import check_glb
from stability.testing import FakeStability
from stability_api import AuthenticatedClient
from stability_api.models import (
    ContentModerationResponse,
    ErrorResponse,
    GenerationInProgress,
    GoaError,
    TextToImageRequest,
    UpscaleRequest,
    V1Error,
)
from stability_api.types import File, Response
from tests.raw_cases import CASE_IDS, CASES, RawCase, _prompts, image_file

MODES = ["sync", "async"]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeStability]:
    with FakeStability(api_keys=("sk-raw-cases-key", "sk-another-key")) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeStability) -> Iterator[FakeStability]:
    yield server
    server.reset()
    server.job_duration = 0.0


def _call(fake: FakeStability, case: RawCase, mode: str, token: str | None = None, **kwargs: Any) -> Response[Any]:
    client = AuthenticatedClient(base_url=fake.base_url, token=token or fake.api_key)
    arguments = {**case.kwargs(), **kwargs}
    if mode == "sync":
        with client:
            return case.module.sync_detailed(client=client, **arguments)  # type: ignore[no-any-return]

    async def run() -> Response[Any]:
        async with client:
            return await case.module.asyncio_detailed(client=client, **arguments)  # type: ignore[no-any-return]

    return asyncio.run(run())


def _case(operation: str) -> RawCase:
    return next(case for case in CASES if case.operation == operation)


def _start(fake: FakeStability, case: RawCase, mode: str) -> str:
    assert case.entry.finishes
    started = _call(fake, _case(case.entry.finishes[0]), mode)
    assert started.status_code == 200, started.content
    generation_id: str = started.parsed.id
    return generation_id


def _arguments(fake: FakeStability, case: RawCase, mode: str) -> dict[str, Any]:
    return {"id": _start(fake, case, mode)} if case.in_progress else {}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_success_parses(fake: FakeStability, case: RawCase, mode: str) -> None:
    response = _call(fake, case, mode, **_arguments(fake, case, mode))
    assert response.status_code == 200, response.content
    if case.binary_success == "model/gltf-binary":  # a GLB, with no other header (and no mime type in File)
        assert isinstance(response.parsed, File) and response.headers["content-type"] == case.binary_success
        check_glb(response.parsed.payload.read(), case.binary_success)
        assert "seed" not in response.headers and "finish-reason" not in response.headers
    elif case.binary_success:
        assert isinstance(response.parsed, File) and response.parsed.mime_type == _asked_media(case)
        data = response.parsed.payload.read()
        if case.binary_success == "video/mp4":
            assert data[4:8] == b"ftyp"
        else:
            Image.open(io.BytesIO(data)).verify()
        assert response.headers["seed"].isdigit() and response.headers["finish-reason"] == "SUCCESS"
    else:
        assert case.json_success is not None
        expected, parsed = case.json_success, response.parsed
        if isinstance(expected, list):  # v1's engines: a bare array, of objects with these fields
            expected, parsed = expected[0], parsed[0]
        assert set(expected) <= set(parsed.to_dict())


def _asked_media(case: RawCase) -> str | None:
    """The media type of the case's binary success: its ``output_format``'s image type, where it asks for one."""
    output_format = getattr(case.kwargs().get("body"), "output_format", None)
    return f"image/{output_format}" if isinstance(output_format, str) else case.binary_success


@pytest.mark.parametrize("mode", MODES)
# The operations that take an Accept (3D declares none: a GLB is all it answers).
@pytest.mark.parametrize("case", [c for c in CASES if c.binary_success and c.entry.accept], ids=lambda c: c.operation)
def test_json_variant_parses(fake: FakeStability, case: RawCase, mode: str) -> None:
    response = _call(fake, case, mode, accept="application/json", **_arguments(fake, case, mode))
    assert response.status_code == 200 and not isinstance(response.parsed, File)
    body = response.parsed.to_dict()
    assert case.json_success is not None and set(body) == set(case.json_success)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", [c for c in CASES if c.in_progress], ids=lambda c: c.operation)
def test_jobs_answer_202_then_200(fake: FakeStability, case: RawCase, mode: str) -> None:
    fake.job_duration = 60.0
    generation_id = _start(fake, case, mode)
    pending = _call(fake, case, mode, id=generation_id)
    assert pending.status_code == 202 and isinstance(pending.parsed, GenerationInProgress)
    assert pending.parsed.id == generation_id and pending.parsed.status == "in-progress"
    fake.clock.advance(60.0)
    done = _call(fake, case, mode, id=generation_id)
    assert done.status_code == 200 and isinstance(done.parsed, File)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_bad_key_parses_as_the_version_error(fake: FakeStability, case: RawCase, mode: str) -> None:
    response = _call(fake, case, mode, token="sk-not-a-key")
    assert response.status_code == 401
    expected = {"goa": GoaError, "v1": V1Error}.get(case.error_kind, ErrorResponse)
    assert isinstance(response.parsed, expected) and response.parsed.name == "unauthorized"


def _video_of_wrong_size() -> dict[str, Any]:
    body = _case("image_to_video").kwargs()["body"]
    body.image = image_file(512, 512)  # not one of the three video sizes
    return {"body": body}


INVALID: dict[str, tuple[Callable[[], dict[str, Any]], int, str]] = {
    "text_to_image": (
        lambda: {"body": TextToImageRequest(text_prompts=_prompts(), width=520, height=512)},
        400,
        "invalid_height_or_width",
    ),
    "image_to_image": (lambda: {"engine_id": "no-such-engine"}, 404, "not_found"),
    "masked_image_to_image": (lambda: {"engine_id": "no-such-engine"}, 404, "not_found"),
    "image_to_video": (_video_of_wrong_size, 400, "bad_request"),
    "image_to_video_result": (lambda: {"id": "f" * 64}, 404, "generation_not_found"),
    "inpaint": (dict, 403, "content_moderation"),  # with "sunglasses" as the moderated word
    "upscale": (
        lambda: {"body": UpscaleRequest(image=image_file(256, 256), prompt="x", creativity=0.5)},
        400,
        "bad_request",
    ),
    "upscale_result": (lambda: {"id": "short"}, 400, "bad_request"),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", [c for c in CASES if c.operation in INVALID], ids=lambda c: c.operation)
def test_refused_calls_parse_as_documented_errors(fake: FakeStability, case: RawCase, mode: str) -> None:
    make_kwargs, status, name = INVALID[case.operation]
    fake.moderation_word = "sunglasses"
    try:
        response = _call(fake, case, mode, **make_kwargs())
    finally:
        fake.moderation_word = "forbidden"
    assert response.status_code == status and status in case.error_statuses
    expected = {"goa": GoaError, "v2": ContentModerationResponse if status == 403 else ErrorResponse}
    assert isinstance(response.parsed, expected[case.error_kind]) and response.parsed.name == name
    if name == "bad_request":
        assert len(response.parsed.errors) == 1, response.parsed.errors
    assert fake.charges() == 0


@pytest.mark.parametrize("mode", MODES)
def test_another_keys_generation_is_404(fake: FakeStability, mode: str) -> None:
    case = _case("upscale_result")
    generation_id = _start(fake, case, mode)
    response = _call(fake, case, mode, token="sk-another-key", id=generation_id)
    assert response.status_code == 404 and isinstance(response.parsed, ErrorResponse)
    assert response.parsed.name == "generation_not_found"
