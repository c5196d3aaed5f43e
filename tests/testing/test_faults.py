"""Every fault, in process and over sockets: what the client sees, what is recorded, what is charged."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from stability.testing import FakeStability, Fault
from tests.testing._helpers import (
    PROMPTS,
    TRANSPORTS,
    UPSCALE_RESULT,
    V1_MASK,
    V1_T2I,
    VIDEO,
    VIDEO_RESULT,
    auth,
    http_client,
    image_bytes,
    start_upscale,
)


@pytest.fixture(params=TRANSPORTS)
def client(request: pytest.FixtureRequest, fake: FakeStability) -> Iterator[httpx.Client]:
    with http_client(fake, str(request.param)) as client:
        yield client


def _t2i(client: httpx.Client, fake: FakeStability, **options: object) -> httpx.Response:
    headers = {**auth(fake), "Accept": "image/png"}
    return client.post(V1_T2I, headers=headers, json=PROMPTS, **options)  # type: ignore[arg-type]


def _video(client: httpx.Client, fake: FakeStability) -> httpx.Response:
    return client.post(VIDEO, headers=auth(fake), files={"image": ("f.png", image_bytes(768, 768))})


@pytest.mark.parametrize("code", [500, 502, 503, 504, 520])
def test_status_faults_use_the_version_error_body_and_charge_nothing(
    client: httpx.Client, fake: FakeStability, code: int
) -> None:
    fake.inject("text_to_image", Fault.status(code))
    fake.inject("image_to_video", Fault.status(code))
    goa, v2 = _t2i(client, fake), _video(client, fake)
    assert goa.status_code == v2.status_code == code
    assert goa.headers["content-type"] == "application/vnd.goa.error"
    assert goa.json()["fault"] is True and goa.json()["temporary"] is True and goa.json()["message"]
    assert v2.headers["content-type"] == "application/json" and v2.json()["errors"] and v2.headers["x-request-id"]
    assert fake.charges() == 0 and fake.count() == 2 and fake.requests[0].fault == "status"
    assert [r.status for r in fake.requests] == [code, code]
    assert _t2i(client, fake).status_code == 200  # consumed


def test_status_fault_names_follow_the_version(client: httpx.Client, fake: FakeStability) -> None:
    for code in (400, 403, 404):
        fake.inject("inpaint", Fault.status(code))
        fake.inject("masked_image_to_image", Fault.status(code))
    v2 = [client.post("/v2alpha/generation/stable-image/inpaint", headers=auth(fake)).json()["name"] for _ in "abc"]
    v1 = [client.post(V1_MASK, headers=auth(fake)).json()["name"] for _ in "abc"]
    assert v2 == ["bad_request", "content_moderation", "generation_not_found"]
    assert v1 == ["bad_request", "permission_denied", "not_found"]


def test_status_fault_with_a_custom_body(client: httpx.Client, fake: FakeStability) -> None:
    fault = Fault.status(400, body=b"nope", content_type="text/plain", headers={"X-Why": "testing"})
    fake.inject("balance_v1alpha", fault)
    response = client.get("/v1alpha/user/balance", headers=auth(fake))
    assert (response.status_code, response.text, response.headers["content-type"]) == (400, "nope", "text/plain")
    assert response.headers["x-why"] == "testing"


def test_rate_limited_fault(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("text_to_image", Fault.rate_limited(retry_after="2"))
    fake.inject("image_to_video", Fault.rate_limited(retry_after="Wed, 21 Oct 2026 07:28:00 GMT"))
    fake.inject("balance_v1alpha", Fault.rate_limited())
    goa, v2 = _t2i(client, fake), _video(client, fake)
    assert goa.status_code == 429 and goa.headers["retry-after"] == "2"
    assert goa.json()["name"] == "rate_limit_exceeded"
    assert v2.status_code == 429 and v2.headers["retry-after"].endswith("GMT")
    assert v2.json()["name"] == v2.json()["id"] == "rate_limit_exceeded"
    bare = client.get("/v1alpha/user/balance", headers=auth(fake))
    assert bare.status_code == 429 and "retry-after" not in bare.headers
    assert fake.charges() == 0


def test_faults_answer_before_authentication(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject(None, Fault.status(503))
    assert client.get("/v1alpha/user/balance").status_code == 503


def test_delay_answers_normally_after_the_delay(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("balance_v1alpha", Fault.delay(0.2))
    started = time.monotonic()
    response = client.get("/v1alpha/user/balance", headers=auth(fake))
    assert response.status_code == 200 and time.monotonic() - started >= 0.2


def test_delay_longer_than_the_read_timeout_times_out_and_still_charges(
    client: httpx.Client, fake: FakeStability
) -> None:
    fake.inject("text_to_image", Fault.delay(5.0))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        _t2i(client, fake, timeout=0.2)
    assert time.monotonic() - started < 2.0
    assert fake.count("text_to_image") == 1 and fake.charges("text_to_image") == 1


def test_drop_before_request_processes_nothing(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("text_to_image", Fault.drop_before_request())
    expected = httpx.ConnectError if client.base_url.host == "stability.test" else httpx.TransportError
    with pytest.raises(expected):
        _t2i(client, fake)
    assert fake.count() == 0 and fake.charges() == 0 and fake.pending_faults == 0
    assert _t2i(client, fake).status_code == 200


def test_drop_after_request_charges_and_records_no_answer(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("text_to_image", Fault.drop_after_request())
    with pytest.raises(httpx.RemoteProtocolError):
        _t2i(client, fake)
    [dropped] = fake.requests
    assert dropped.status == 0 and dropped.fault == "drop_after_request"
    assert fake.charges("text_to_image") == 1 and fake.balance() == 999.0
    # A client that sends it again is charged twice: the reason charged POSTs are not retried.
    assert _t2i(client, fake).status_code == 200 and fake.charges("text_to_image") == 2


def test_truncated_body_is_a_protocol_error_while_reading(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("text_to_image", Fault.truncated_body())
    with pytest.raises(httpx.RemoteProtocolError):
        _t2i(client, fake)
    with client.stream("GET", "/v1alpha/engines/list", headers=auth(fake)) as complete:
        assert complete.status_code == 200 and complete.read()
    fake.inject("engines_v1alpha", Fault.truncated_body())
    with client.stream("GET", "/v1alpha/engines/list", headers=auth(fake)) as response:
        declared = int(response.headers["content-length"])
        received = bytearray()
        with pytest.raises(httpx.RemoteProtocolError):
            for chunk in response.iter_raw():
                received += chunk
    assert 0 < len(received) < declared
    assert fake.charges("text_to_image") == 1


def test_wrong_content_type(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("text_to_image", Fault.wrong_content_type())
    fake.inject("balance_v1alpha", Fault.wrong_content_type("text/html"))
    response = _t2i(client, fake)
    assert response.status_code == 200 and response.headers["content-type"] == "text/plain"
    assert response.content.startswith(b"\x89PNG") and fake.charges() == 1
    balance = client.get("/v1alpha/user/balance", headers=auth(fake))
    assert balance.headers["content-type"] == "text/html" and balance.json()["credits"] == 999.0


def test_html_malformed_and_empty_bodies(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("balance_v1alpha", Fault.html_error())
    fake.inject("balance_v1alpha", Fault.malformed_json(status=503))
    fake.inject("balance_v1alpha", Fault.empty_body())
    html = client.get("/v1alpha/user/balance", headers=auth(fake))
    assert html.status_code == 502 and html.headers["content-type"].startswith("text/html")
    assert html.text.startswith("<html>")
    malformed = client.get("/v1alpha/user/balance", headers=auth(fake))
    assert malformed.status_code == 503 and malformed.headers["content-type"] == "application/json"
    with pytest.raises(ValueError):
        malformed.json()
    empty = client.get("/v1alpha/user/balance", headers=auth(fake))
    assert empty.status_code == 500 and empty.content == b"" and empty.headers["content-length"] == "0"


def test_never_finish_holds_each_poll_that_consumes_it(client: httpx.Client, fake: FakeStability) -> None:
    generation_id = start_upscale(client, fake)
    fake.inject("upscale_result", Fault.never_finish(), times=3)
    polls = [client.get(UPSCALE_RESULT + generation_id, headers=auth(fake)) for _ in range(4)]
    assert [p.status_code for p in polls] == [202, 202, 202, 200]
    assert polls[0].json() == {"id": generation_id, "status": "in-progress"}


def test_never_finish_for_any_operation_waits_for_a_result_endpoint(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject(None, Fault.never_finish())
    generation_id = start_upscale(client, fake)  # not consumed by the start call
    assert fake.pending_faults == 1
    assert client.get(UPSCALE_RESULT + generation_id, headers=auth(fake)).status_code == 202


def test_not_found_fault(client: httpx.Client, fake: FakeStability) -> None:
    fake.inject("image_to_video_result", Fault.not_found())
    fake.inject("text_to_image", Fault.not_found())
    v2 = client.get(VIDEO_RESULT + "f" * 64, headers=auth(fake))
    assert v2.status_code == 404 and v2.json()["name"] == "generation_not_found"
    goa = _t2i(client, fake)
    assert goa.status_code == 404 and goa.json()["name"] == "not_found"


def test_faults_are_consumed_first_in_first_out(fake: FakeStability) -> None:
    fake.inject("balance_v1alpha", Fault.status(500), times=2)
    fake.inject(None, Fault.status(502))
    fake.inject("balance_v1alpha", Fault.status(503))
    with http_client(fake, "in-process") as client:
        engines = client.get("/v1alpha/engines/list", headers=auth(fake)).status_code
        balances = [client.get("/v1alpha/user/balance", headers=auth(fake)).status_code for _ in range(4)]
    assert engines == 502 and balances == [500, 500, 503, 200]
    fake.inject(None, Fault.status(500), times=5)
    fake.reset_faults()
    assert fake.pending_faults == 0


def test_inject_checks_its_arguments(fake: FakeStability) -> None:
    with pytest.raises(ValueError):
        fake.inject("text-to-image", Fault.status(500))
    with pytest.raises(ValueError):
        fake.inject("text_to_image", Fault.status(500), times=0)
    with pytest.raises(ValueError):
        Fault.status(1000)
    with pytest.raises(ValueError):
        Fault.delay(-1)


def test_async_client_sees_the_same_faults(fake: FakeStability) -> None:
    import asyncio

    async def main() -> list[type[BaseException] | int]:
        seen: list[type[BaseException] | int] = []
        async with httpx.AsyncClient(base_url=fake.base_url, transport=fake.transport()) as client:
            for fault in (Fault.drop_before_request(), Fault.drop_after_request(), Fault.truncated_body()):
                fake.inject("balance_v1alpha", fault)
                try:
                    seen.append((await client.get("/v1alpha/user/balance", headers=auth(fake))).status_code)
                except httpx.TransportError as exc:
                    seen.append(type(exc))
            fake.inject("balance_v1alpha", Fault.delay(3.0))
            try:
                await client.get("/v1alpha/user/balance", headers=auth(fake), timeout=0.1)
            except httpx.ReadTimeout as exc:
                seen.append(type(exc))
            fake.inject("balance_v1alpha", Fault.status(503))
            seen.append((await client.get("/v1alpha/user/balance", headers=auth(fake))).status_code)
        return seen

    seen = asyncio.run(main())
    assert seen == [httpx.ConnectError, httpx.RemoteProtocolError, httpx.RemoteProtocolError, httpx.ReadTimeout, 503]
