"""Raw generated calls work for every operation, sync and async, against stubbed answers.

These pin the generator workarounds of scripts/templates: binary bodies come back as bytes, JSON twins parse,
202 parses, error bodies parse, and unlisted statuses or HTML pages do not crash.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httpx
import pytest

from stability_api import AuthenticatedClient, errors
from stability_api.models import ContentModerationResponse, ErrorResponse, GenerationInProgress, GoaError, V1Error
from stability_api.types import File, Response
from tests.raw_cases import CASE_IDS, CASES, GENERATION_ID, RawCase

KEY = "sk-test-raw-0123456789"
BINARY = {
    "image/png": b"\x89PNG\r\n\x1a\n-png-bytes",
    "video/mp4": b"\x00\x00\x00\x20ftypisom-mp4-bytes",
    "model/gltf-binary": b"glTF\x02\x00\x00\x00-glb-bytes",
}


def _call(case: RawCase, handler: Callable[[httpx.Request], httpx.Response], mode: str, **extra: Any) -> Response[Any]:
    client = AuthenticatedClient(
        base_url="https://api.stability.ai",
        token=KEY,
        httpx_args={"transport": httpx.MockTransport(handler)},
        **extra,
    )
    kwargs = case.kwargs()
    if mode == "sync":
        with client:
            return case.module.sync_detailed(client=client, **kwargs)  # type: ignore[no-any-return]

    async def run() -> Response[Any]:
        async with client:
            return await case.module.asyncio_detailed(client=client, **kwargs)  # type: ignore[no-any-return]

    return asyncio.run(run())


def _answer(status: int, body: bytes | dict[str, Any], content_type: str, **headers: str) -> Callable[..., Any]:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(status, content=content, headers={"content-type": content_type, **headers})

    return handler


def _error_body(case: RawCase, status: int) -> tuple[dict[str, Any], str]:
    if case.error_kind == "goa":
        body = {"name": "bad_request", "id": "3F1FKVRR", "message": "nope", "temporary": False, "timeout": False}
        return {**body, "fault": False}, "application/vnd.goa.error"
    if case.error_kind == "v1":
        return {
            "id": "9160aa70-222f-4a36-9eb7-475e2668362a",
            "name": "unauthorized",
            "message": "nope",
        }, "application/json"
    name = "content_moderation" if status == 403 else "bad_request"
    body = {"id": "2a1b2d4eafe2bc6ab4cd4d5c6133f513", "name": name, "errors": ["prompt: is required"]}
    return body, "application/json"


MODES = ["sync", "async"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", [c for c in CASES if c.binary_success], ids=lambda c: c.operation)
def test_binary_success_is_bytes(case: RawCase, mode: str) -> None:
    media = case.binary_success or ""
    payload = BINARY[media]
    response = _call(case, _answer(200, payload, media, seed="42", **{"finish-reason": "SUCCESS"}), mode)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, File)
    assert response.parsed.payload.read() == payload
    assert response.parsed.mime_type == media
    assert response.headers["seed"] == "42"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", [c for c in CASES if c.json_success], ids=lambda c: c.operation)
def test_json_success_parses(case: RawCase, mode: str) -> None:
    assert case.json_success is not None
    media = "application/json"
    if case.binary_success and case.tag.startswith("v2"):
        media = f"application/json; type={case.binary_success}"
    response = _call(case, _answer(200, case.json_success, media), mode)
    assert response.parsed is not None and not isinstance(response.parsed, File)
    parsed = response.parsed
    assert ([item.to_dict() for item in parsed] if isinstance(parsed, list) else parsed.to_dict()) == case.json_success


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", [c for c in CASES if c.in_progress], ids=lambda c: c.operation)
def test_202_in_progress_parses(case: RawCase, mode: str) -> None:
    body = {"id": GENERATION_ID, "status": "in-progress"}
    response = _call(case, _answer(202, body, "application/json"), mode)
    assert isinstance(response.parsed, GenerationInProgress)
    assert response.parsed.id == GENERATION_ID and response.parsed.status == "in-progress"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("case", "status"), [(c, s) for c in CASES for s in c.error_statuses], ids=lambda v: getattr(v, "operation", v)
)
def test_documented_error_body_parses(case: RawCase, status: int, mode: str) -> None:
    body, media = _error_body(case, status)
    response = _call(case, _answer(status, body, media), mode)
    v2 = ContentModerationResponse if status == 403 else ErrorResponse
    expected = {"goa": GoaError, "v1": V1Error, "v2": v2}[case.error_kind]
    assert isinstance(response.parsed, expected)
    assert response.parsed.name == body["name"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_unlisted_status_does_not_crash(case: RawCase, mode: str) -> None:
    response = _call(case, _answer(520, b"<html>origin error</html>", "text/html"), mode)
    assert response.status_code == 520 and response.parsed is None
    with pytest.raises(errors.UnexpectedStatus) as caught:
        _call(case, _answer(520, b"<html>origin error</html>", "text/html"), mode, raise_on_unexpected_status=True)
    assert caught.value.status_code == 520


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_html_or_malformed_error_body_does_not_crash(case: RawCase, mode: str) -> None:
    status = case.error_statuses[0]
    for body in (b"<html><body>Bad Gateway</body></html>", b"", b"{not json", b"{}"):
        response = _call(case, _answer(status, body, "application/json"), mode)
        assert response.status_code == status and response.parsed is None


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_request_shape(case: RawCase) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(599)

    _call(case, handler, "sync")
    _call(case, handler, "sync")
    first, second = seen
    assert first.method == case.method
    assert first.url.path.startswith(f"/{case.tag}/")
    assert first.headers["authorization"] == f"Bearer {KEY}"
    content_type = first.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        boundary = content_type.split("boundary=", 1)[1]
        # A fixed boundary lets uploaded bytes inject fields; httpx picks a random one per request.
        assert boundary != "+++" and boundary != second.headers["content-type"].split("boundary=", 1)[1]
        if case.entry.files:  # v2beta sends multipart even without a file (generate/core has none)
            assert b'filename="image.png"' in first.content
            assert b"Content-Type: image/png" in first.content


def test_image_to_image_sends_options_as_one_json_part() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        request.read()
        return httpx.Response(599)

    _call(next(c for c in CASES if c.operation == "image_to_image"), handler, "sync")
    body = seen[0].content
    start = body.index(b'name="options"')
    part = body[start : body.index(b"\r\n--", start)]
    options = json.loads(part.split(b"\r\n\r\n", 1)[1])
    assert options["text_prompts"][0] == {"text": "a lighthouse at dawn", "weight": 1.0}
    assert options["step_schedule_start"] == 0.6
