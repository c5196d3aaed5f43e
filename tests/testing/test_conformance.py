"""Every answer the fake gives conforms to openapi/stability.yaml, checked mechanically with openapi-core.

A client whose response hook validates each response (status declared, content type declared, body and
declared headers valid against their schemas) sends a broad set of requests: valid ones for every operation in
every accept variant, every invalid case of test_validation, missing and unknown keys, rate limiting,
moderation, unknown ids, jobs in progress, and the documented statuses that faults produce.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

import stability
from stability._core import limits as L
from stability._core.validation import Choice, Text
from stability._operations.registry import REGISTRY, Entry, prepare
from stability._types import DEFAULT_ENGINE
from stability.testing import FakeStability, Fault
from tests.reliability._matrix import arguments
from tests.testing import test_validation as cases
from tests.testing._helpers import (
    INPAINT,
    PROMPTS,
    UPSCALE,
    UPSCALE_RESULT,
    V1_I2I,
    V1_MASK,
    V1_T2I,
    VIDEO,
    VIDEO_RESULT,
    auth,
    image_bytes,
)

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "stability.yaml"
# The reads that take no argument (engines, account, balance): one valid request each.
GET_PATHS = [entry.path for entry in REGISTRY.values() if entry.method == "GET" and "{" not in entry.path]
V2ALPHA = [name for name, entry in REGISTRY.items() if entry.path.startswith("/v2alpha/")]


@pytest.fixture(scope="module")
def openapi() -> OpenAPI:
    # goa's error media type is JSON by another name.
    config = Config(extra_media_type_deserializers={"application/vnd.goa.error": json.loads})
    return OpenAPI.from_file_path(str(SPEC), config=config)


class Checked:
    """Counts the responses validated, so a test can prove it checked what it meant to."""

    def __init__(self, openapi: OpenAPI) -> None:
        self.openapi = openapi
        self.statuses: list[tuple[str, int]] = []

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        request = MockRequest("https://api.stability.ai", response.request.method.lower(), response.request.url.path)
        mock = MockResponse(
            response.content,
            status_code=response.status_code,
            content_type=response.headers.get("content-type", ""),
            headers=dict(response.headers),
        )
        try:
            self.openapi.validate_response(request, mock)
        except Exception as exc:  # report what did not conform, with the body's start
            detail = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
            raise AssertionError(f"{detail} {response.headers}: {exc!r} {response.content[:300]!r}") from exc
        self.statuses.append((response.request.url.path, response.status_code))


@pytest.fixture
def checked(openapi: OpenAPI) -> Checked:
    return Checked(openapi)


@pytest.fixture
def make_client(fake: FakeStability, checked: Checked) -> Iterator[Callable[..., httpx.Client]]:
    made: list[httpx.Client] = []

    def make(target: FakeStability = fake, transport: str = "in-process") -> httpx.Client:
        if transport == "socket":
            target.start()
            client = httpx.Client(base_url=target.base_url, event_hooks={"response": [checked]})
        else:
            client = httpx.Client(
                base_url=target.base_url, transport=target.transport(), event_hooks={"response": [checked]}
            )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def _valid_requests(client: httpx.Client, fake: FakeStability) -> None:
    """One or more valid requests per operation, in every accept variant."""
    for accept, samples in (("image/png", 1), ("application/json", 2)):
        headers = {**auth(fake), "Accept": accept}
        client.post(V1_T2I, headers=headers, json={**PROMPTS, "samples": samples, "width": 576})
        options = json.dumps({**PROMPTS, "samples": samples, "step_schedule_start": 0.5})
        client.post(V1_I2I, headers=headers, files={"init_image": image_bytes(512, 512), "options": (None, options)})
        options = json.dumps({**PROMPTS, "samples": samples, "mask_source": "INIT_IMAGE_ALPHA"})
        files = {"init_image": image_bytes(512, 512, alpha=True), "options": (None, options)}
        client.post(V1_MASK, headers=headers, files=files)
        filtered = {"text_prompts": [{"text": "forbidden"}], "samples": samples}
        client.post(V1_T2I, headers=headers, json=filtered)
    for path in GET_PATHS:
        client.get(path, headers=auth(fake))
    for fmt in ("png", "jpeg", "webp"):
        for accept in ("image/*", "application/json"):
            data = {"mode": "search", "search_prompt": "x", "prompt": "y", "output_format": fmt}
            client.post(
                INPAINT, headers={**auth(fake), "accept": accept}, files={"image": image_bytes(96, 96)}, data=data
            )
        files = {"image": image_bytes(96, 64, fmt if fmt != "webp" else "png")}
        upscale = client.post(UPSCALE, headers=auth(fake), files=files, data={"prompt": "x", "output_format": fmt})
        for accept in ("image/*", "application/json"):
            client.get(UPSCALE_RESULT + upscale.json()["id"], headers={**auth(fake), "accept": accept})
    video = client.post(VIDEO, headers=auth(fake), files={"image": image_bytes(576, 1024, "jpeg")}, data={"seed": 3})
    for accept in ("video/*", "application/json"):
        client.get(VIDEO_RESULT + video.json()["id"], headers={**auth(fake), "accept": accept})


def test_valid_requests_in_process(
    make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked
) -> None:
    _valid_requests(make_client(), fake)
    assert len(checked.statuses) == 26 + len(GET_PATHS) and {status for _, status in checked.statuses} == {200}


def test_valid_requests_over_sockets(
    make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked
) -> None:
    _valid_requests(make_client(transport="socket"), fake)
    assert len(checked.statuses) == 26 + len(GET_PATHS) and {status for _, status in checked.statuses} == {200}


def test_jobs_in_progress(make_client: Callable[..., httpx.Client], checked: Checked) -> None:
    fake = FakeStability(job_duration=60)
    client = make_client(fake)
    video = client.post(VIDEO, headers=auth(fake), files={"image": image_bytes(1024, 576)}).json()["id"]
    upscale = client.post(UPSCALE, headers=auth(fake), files={"image": image_bytes(64, 64)}, data={"prompt": "x"})
    for path in (VIDEO_RESULT + video, UPSCALE_RESULT + upscale.json()["id"]):
        for accept in ("application/json", "*/*"):
            client.get(path, headers={**auth(fake), "accept": accept})
    assert [status for _, status in checked.statuses] == [200, 200, 202, 202, 202, 202]


def test_every_validation_error(
    make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked
) -> None:
    client = make_client()
    headers = {**auth(fake), "Accept": "image/png"}
    for body, _ in cases.T2I_CASES:
        client.post(V1_T2I, headers=headers, json=body)
    for files, _ in cases.I2I_CASES:
        client.post(V1_I2I, headers=headers, files=files)
    for files, _ in cases.MASKING_CASES:
        client.post(V1_MASK, headers=headers, files=files)
    for files, data, _ in cases.VIDEO_CASES:
        client.post(VIDEO, headers=auth(fake), files=files or {"x": ("x", b"x")}, data=data)
    for files, data, _ in cases.INPAINT_CASES:
        client.post(INPAINT, headers=auth(fake), files=files or {"x": ("x", b"x")}, data=data)
    for data, image, _ in cases.UPSCALE_CASES:
        client.post(UPSCALE, headers=auth(fake), files={"image": image}, data=data)
    for path in (VIDEO_RESULT, UPSCALE_RESULT):
        client.get(path + "abc", headers=auth(fake))
        client.get(path + "0" * 64, headers={**auth(fake), "accept": "text/plain"})
    for path in (VIDEO, INPAINT, UPSCALE):
        client.post(path, headers=auth(fake), json={})
    client.post(V1_T2I, headers={**auth(fake), "Accept": "*/*"}, json=PROMPTS)
    client.post(V1_T2I, headers={**auth(fake), "Accept": "image/png", "Content-Type": "application/json"}, content=b"{")
    expected = sum(map(len, (cases.T2I_CASES, cases.I2I_CASES, cases.MASKING_CASES, cases.VIDEO_CASES)))
    expected += len(cases.INPAINT_CASES) + len(cases.UPSCALE_CASES) + 4 + 3 + 2
    assert len(checked.statuses) == expected and {status for _, status in checked.statuses} == {400}


def _send_as_the_sdk_does(
    client: httpx.Client, fake: FakeStability, operation: str, args: dict[str, Any], accept: str | None = None
) -> Any:
    """The request the SDK builds for ``operation`` with ``args`` (nothing else of the SDK runs); ``accept``
    replaces the Accept it sends."""
    method = getattr(stability.Stability, operation, None)
    if method is not None:  # as the method hands its arguments over: every one, with its default
        bound = inspect.signature(method).bind(None, **args)
        bound.apply_defaults()
        args = {name: value for name, value in bound.arguments.items() if name != "self"}
    request = prepare(operation, args).build()
    try:
        kwargs = dict(request.kwargs)
        headers = {
            name: value for name, value in kwargs.get("headers", {}).items() if name.lower() != "accept" or not accept
        }
        kwargs["headers"] = {**headers, **auth(fake), **({"accept": accept} if accept else {})}
        return client.request(**kwargs)
    finally:
        request.close()


def test_every_operation_as_the_sdk_sends_it(
    make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked
) -> None:
    """Each client method with valid arguments (the fault matrix's, else its entry's example), then each job's
    results (every operation that finishes it): every answer a 200 that conforms."""
    client = make_client()
    for name, entry in REGISTRY.items():
        if not entry.finishes:
            response = _send_as_the_sdk_does(client, fake, name, arguments(name))
            for result, finisher in REGISTRY.items():
                if name in finisher.finishes:
                    _send_as_the_sdk_does(client, fake, result, {"job_id": response.json()["id"]})
    # A result is asked once per operation whose job it finishes (`results`: the creative upscale's and relight's).
    sent = sum(1 for entry in REGISTRY.values() if not entry.finishes)
    sent += sum(len(entry.finishes) for entry in REGISTRY.values())
    assert len(checked.statuses) == sent and {status for _, status in checked.statuses} == {200}


def _send(client: httpx.Client, operation: str, headers: dict[str, str]) -> httpx.Response:
    """A request of ``operation`` with a body of its kind, for tests where it is refused before the body is read
    (no key, rate limit, an injected fault): its path parameters are an engine or a generation id."""
    entry = REGISTRY[operation]
    path = entry.path.replace("{engine_id}", DEFAULT_ENGINE)
    path = "/".join("0" * 64 if part.startswith("{") else part for part in path.split("/"))
    headers = {**headers, "Accept": entry.accept[0]} if entry.accept else headers
    if entry.body == "json":
        return client.request(entry.method, path, headers=headers, json=PROMPTS)
    files = {name: image_bytes(64, 64) for name in entry.files}
    return client.request(entry.method, path, headers=headers, files=files or None)


def _every_operation(client: httpx.Client, headers: dict[str, str]) -> None:
    for operation in REGISTRY:
        _send(client, operation, headers)


@pytest.mark.parametrize("key", [None, "sk-nobody", "Bearer sk-nobody"])
def test_missing_and_unknown_keys(make_client: Callable[..., httpx.Client], checked: Checked, key: str | None) -> None:
    _every_operation(make_client(), {"Authorization": key} if key else {})
    assert [status for _, status in checked.statuses] == [401] * len(REGISTRY)


def test_rate_limited(make_client: Callable[..., httpx.Client], checked: Checked) -> None:
    fake = FakeStability(rate_limit=(1, 10, 60))
    client = make_client(fake)
    client.get("/v1alpha/user/balance", headers=auth(fake))
    _every_operation(client, auth(fake))
    assert [status for _, status in checked.statuses] == [200] + [429] * len(REGISTRY)


def test_not_found_and_moderation(
    make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked
) -> None:
    client = make_client()
    client.post("/v1alpha/generation/nope/text-to-image", headers={**auth(fake), "Accept": "image/png"}, json=PROMPTS)
    client.get(VIDEO_RESULT + "0" * 64, headers=auth(fake))
    client.get(UPSCALE_RESULT + "0" * 64, headers=auth(fake))
    data = {"mode": "search", "search_prompt": "x", "prompt": "forbidden"}
    client.post(INPAINT, headers=auth(fake), files={"image": image_bytes(64, 64)}, data=data)
    client.post(UPSCALE, headers=auth(fake), files={"image": image_bytes(64, 64)}, data={"prompt": "forbidden"})
    assert [status for _, status in checked.statuses] == [404, 404, 404, 403, 403]


@pytest.mark.parametrize(
    ("fault", "status"),
    [(Fault.status(500), 500), (Fault.rate_limited("3"), 429), (Fault.rate_limited(), 429)],
)
def test_documented_fault_answers(
    make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked, fault: Fault, status: int
) -> None:
    client = make_client()
    operations = V2ALPHA if status == 500 else None  # v1alpha declares no 500
    if operations is None:
        fake.inject(None, fault, times=len(REGISTRY))
        _every_operation(client, auth(fake))
        expected = len(REGISTRY)
    else:
        for operation in operations:
            fake.inject(operation, fault)
            _send(client, operation, auth(fake))
        expected = len(operations)
    assert [s for _, s in checked.statuses] == [status] * expected


def test_not_found_fault_on_results(
    make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked
) -> None:
    client = make_client()
    fake.inject("image_to_video_result", Fault.not_found())
    fake.inject("upscale_result", Fault.not_found())
    client.get(VIDEO_RESULT + "0" * 64, headers=auth(fake))
    client.get(UPSCALE_RESULT + "0" * 64, headers=auth(fake))
    assert [s for _, s in checked.statuses] == [404, 404]


def test_the_checker_catches_a_non_conforming_answer(openapi: OpenAPI) -> None:
    """The hook is not a no-op: a wrong body, header or status fails it."""
    request = httpx.Request("GET", "https://api.stability.ai/v1alpha/user/balance")
    for response in (
        httpx.Response(200, json={"credits": "many"}, request=request),
        httpx.Response(418, json={"credits": 1}, request=request),
        httpx.Response(200, content=b"{}", headers={"content-type": "text/plain"}, request=request),
    ):
        with pytest.raises(AssertionError):
            Checked(openapi)(response)
    ok: Any = httpx.Response(200, json={"credits": 1.5}, request=request)
    Checked(openapi)(ok)


# ------------------------------------------------------------------------------------------------ v1 and v2beta

SPEC_DOCUMENT = yaml.safe_load(SPEC.read_text())
V2BETA = [name for name, entry in REGISTRY.items() if entry.path.startswith("/v2beta/")]


def _declared(entry: Entry) -> list[int]:
    """The error statuses the spec declares for an operation."""
    responses = SPEC_DOCUMENT["paths"][entry.path][entry.method.lower()]["responses"]
    return sorted(int(status) for status in responses if int(status) >= 400)


def _finishers(name: str) -> list[str]:
    """The result operations that answer the job ``name`` starts."""
    return [result for result, entry in REGISTRY.items() if name in entry.finishes]


def _result_accepts(result: Entry) -> list[str]:
    """Every Accept a result takes: its enum's, and for ``results/{id}`` also ``image/*`` (Stability's samples)."""
    return sorted({result.accept[0], f"{result.media}/*", "application/json"})


def _formats(entry: Entry) -> tuple[str | None, ...]:
    param = entry.params.get("output_format")
    return tuple(param.rule.values) if param is not None and isinstance(param.rule, Choice) else (None,)


def test_v2beta_answers_in_every_format_and_accept(
    make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked
) -> None:
    """Each v2beta operation in each of its output formats: a synchronous one in both accepts, a job's results
    from every operation that finishes it in each accept it takes, before (202) and after (200) it is done."""
    client = make_client()
    expected: list[int] = []
    for name in V2BETA:
        entry = REGISTRY[name]
        if entry.finishes:
            continue
        for fmt in _formats(entry):
            args = {**arguments(name), **({"output_format": fmt} if fmt else {})}
            if not entry.starts_job:
                for accept in ("image/*", "application/json"):
                    _send_as_the_sdk_does(client, fake, name, args, accept=accept)
                    expected.append(200)
                continue
            fake.job_duration = 30.0
            job_id = _send_as_the_sdk_does(client, fake, name, args).json()["id"]
            expected.append(200)
            for result in _finishers(name):
                for accept in _result_accepts(REGISTRY[result]):
                    _send_as_the_sdk_does(client, fake, result, {"job_id": job_id}, accept=accept)
                    expected.append(202)
            fake.clock.advance(30.0)
            for result in _finishers(name):
                for accept in _result_accepts(REGISTRY[result]):
                    _send_as_the_sdk_does(client, fake, result, {"job_id": job_id}, accept=accept)
                    expected.append(200)
    assert [status for _, status in checked.statuses] == expected and len(expected) > 50


def test_v2beta_refusals(make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked) -> None:
    """An empty form (400), a body over 10 MiB where one is declared (413), a moderated prompt (403), an unknown
    id (404) and an id of the wrong length (400): each in the error body the spec declares."""
    client = make_client()
    expected: list[int] = []
    for name in V2BETA:
        entry = REGISTRY[name]
        declared = _declared(entry)
        if entry.finishes:
            for generation_id in ("0" * 64, "short"):
                client.get(entry.path.replace("{id}", generation_id), headers=auth(fake))
            expected += [404, 400]
            continue
        client.post(entry.path, headers=auth(fake), files={"none": ("none", b"")})
        expected.append(400)
        if 413 in declared:
            big = {"image": ("big.png", image_bytes(64, 64) + bytes(L.MAX_REQUEST_BYTES))}
            client.post(entry.path, headers=auth(fake), files=big, data=_strings(arguments(name)))
            expected.append(413)
        texts = [argument for argument, param in entry.params.items() if isinstance(param.rule, Text)]
        if texts:  # the first text argument: a prompt, or relight's background_prompt
            args = {**arguments(name), texts[0]: "something forbidden"}
            _send_as_the_sdk_does(client, fake, name, args)
            expected.append(403)
    assert [status for _, status in checked.statuses] == expected
    assert fake.charges() == 0


def _strings(args: dict[str, Any]) -> dict[str, str]:
    return {name: str(value) for name, value in args.items() if not isinstance(value, bytes)}


def test_every_declared_error_status_injected(
    make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked
) -> None:
    """For every v1 and v2beta operation, each error status the spec declares for it, injected as a fault,
    answers in the body the spec declares (v1's `{id, name, message}`; v2beta's `{id, name, errors}`)."""
    client = make_client()
    expected: list[int] = []
    for name, entry in REGISTRY.items():
        if entry.path.split("/")[1] not in ("v1", "v2beta"):
            continue
        for status in _declared(entry):
            fake.inject(name, Fault.status(status))
            _send(client, name, auth(fake))
            expected.append(status)
    assert [status for _, status in checked.statuses] == expected and 422 in expected and 413 in expected


def test_v1_answers_and_errors(make_client: Callable[..., httpx.Client], fake: FakeStability, checked: Checked) -> None:
    """v1's reads: a bare engine array, the account and the balance (bare key or Bearer), then 401 and 429 in
    v1's error body."""
    client = make_client()
    v1 = [entry.path for entry in REGISTRY.values() if entry.path.startswith("/v1/")]
    for path in v1:
        client.get(path, headers=auth(fake))
        client.get(path, headers=auth(fake, bearer=False))
        client.get(path)
    limited_fake = FakeStability(rate_limit=(1, 10, 60))
    limited = make_client(limited_fake)
    for path in v1:
        limited.get(path, headers=auth(limited_fake))
    assert [status for _, status in checked.statuses] == [200, 200, 401] * len(v1) + [200] + [429] * (len(v1) - 1)
