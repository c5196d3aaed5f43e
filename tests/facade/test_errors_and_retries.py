"""Every error class from a real answer, and the retry policy, counted on the fake's request log and balance."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import stability
from stability.testing import FakeStability, Fault
from tests.raw_cases import png

ONE_IMAGE = 1.0  # the fake's price per v1alpha image


def test_unknown_key_is_authentication_error(make_client: Any, fake: FakeStability) -> None:
    client = make_client(api_key="sk-not-a-real-key")
    with pytest.raises(stability.AuthenticationError) as caught:
        client.balance()
    assert caught.value.status_code == 401 and caught.value.name == "unauthorized"
    with pytest.raises(stability.AuthenticationError):
        client.inpaint("x", image=png(128, 128), search_prompt="y")
    assert "sk-not-a-real-key" not in str(caught.value) and "sk-not-a-real-key" not in repr(caught.value.args)


def test_unknown_engine_is_not_found(client: Any) -> None:
    with pytest.raises(stability.NotFoundError) as caught:
        client.text_to_image("x", engine="no-such-engine")
    assert caught.value.status_code == 404 and caught.value.error_id


def test_content_moderation(client: Any, fake: FakeStability) -> None:
    with pytest.raises(stability.ContentModerationError) as caught:
        client.inpaint("something forbidden", image=png(128, 128), search_prompt="cat")
    assert isinstance(caught.value, stability.PermissionDeniedError)
    assert caught.value.name == "content_moderation" and fake.charges() == 0


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.status(400), stability.BadRequestError),
        (Fault.status(403), stability.PermissionDeniedError),
        (Fault.html_error(status=502), stability.ServerError),
        (Fault.status(520), stability.ServerError),
        (Fault.malformed_json(status=500), stability.ServerError),
        (Fault.empty_body(status=500), stability.ServerError),
    ],
)
def test_error_answers_map_to_classes(client: Any, fake: FakeStability, fault: Fault, error: type) -> None:
    fake.inject("text_to_image", fault)
    with pytest.raises(error) as caught:
        client.text_to_image("x")
    assert isinstance(caught.value, stability.APIError) and caught.value.status_code == fault.status_code
    assert fake.count("text_to_image") == 1  # a charged POST is never sent twice after a 4xx/5xx


def test_wrong_content_type_and_truncated_body(client: Any, fake: FakeStability) -> None:
    # A mislabelled body is read by its bytes: a charged image is not thrown away over a header.
    fake.inject("balance", Fault.wrong_content_type("text/html"))
    assert client.balance() == pytest.approx(1000.0)
    fake.inject("text_to_image", Fault.wrong_content_type("text/plain"))
    assert client.text_to_image("x").format == "png"
    fake.inject("inpaint", Fault.status(200, body=b"<html>hello</html>", content_type="text/html"))
    with pytest.raises(stability.MalformedResponseError):
        client.inpaint("x", image=png(128, 128), search_prompt="y")
    fake.inject("text_to_image", Fault.truncated_body())
    with pytest.raises(stability.APIConnectionError):
        client.text_to_image("x")
    assert fake.count("text_to_image") == 2


def test_get_retries_transient_errors(client: Any, fake: FakeStability) -> None:
    fake.inject("balance", Fault.status(503), times=2)
    assert client.balance() == pytest.approx(1000.0)
    assert fake.count("balance") == 3


def test_get_gives_up_after_max_retries(make_client: Any, fake: FakeStability) -> None:
    fake.inject("engines", Fault.status(500), times=5)
    with pytest.raises(stability.ServerError) as caught:
        make_client(max_retries=1).engines()
    assert caught.value.attempts == 2 and fake.count("engines") == 2


def test_charged_post_not_retried_after_5xx(client: Any, fake: FakeStability) -> None:
    fake.inject("text_to_image", Fault.status(503))
    with pytest.raises(stability.ServerError):
        client.text_to_image("x")
    assert fake.count("text_to_image") == 1


def test_charged_post_retried_after_429_and_charged_once(client: Any, fake: FakeStability) -> None:
    fake.inject("inpaint", Fault.rate_limited(retry_after="0"))
    result = client.inpaint("x", image=png(128, 128), search_prompt="y")
    assert result.width == 128
    assert fake.count("inpaint") == 2 and fake.charges("inpaint") == 1
    assert fake.balance() == pytest.approx(1000.0 - 4.0)


def test_rate_limit_error_carries_retry_after(make_client: Any, fake: FakeStability) -> None:
    fake.inject("balance", Fault.rate_limited(retry_after="120"), times=3)
    with pytest.raises(stability.RateLimitError) as caught:
        make_client().balance()
    # 120 s is longer than the client waits on its own: it raises at once with the hint.
    assert caught.value.retry_after == pytest.approx(120.0) and fake.count("balance") == 1


def test_dropped_connection_after_a_charged_post_is_not_resent(client: Any, fake: FakeStability) -> None:
    fake.inject("text_to_image", Fault.drop_after_request())
    with pytest.raises(stability.APIConnectionError) as caught:
        client.text_to_image("x")
    assert "not sent again" in str(caught.value)
    assert fake.count("text_to_image") == 1 and fake.charges("text_to_image") == 1


def test_connection_refused_is_retried_then_typed(mode: str) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    options = {"api_key": "sk-x", "base_url": f"http://127.0.0.1:{port}", "max_retries": 1}
    if mode == "sync":
        with stability.Stability(**options) as client, pytest.raises(stability.APIConnectionError) as caught:
            client.text_to_image("x")
    else:
        import asyncio

        async def run() -> None:
            async with stability.AsyncStability(**options) as client:
                await client.text_to_image("x")

        with pytest.raises(stability.APIConnectionError) as caught:
            asyncio.run(run())
    assert caught.value.attempts == 2  # never reached the server: safe to resend even a charged POST


def test_read_timeout_is_typed_and_not_resent(make_client: Any, fake: FakeStability) -> None:
    fake.inject("text_to_image", Fault.delay(1.0))
    with pytest.raises(stability.APITimeoutError):
        make_client(timeout=0.3).text_to_image("x")
    assert fake.count("text_to_image") == 1


def test_with_options_copy(client: Any, fake: FakeStability) -> None:
    fake.inject("balance", Fault.status(503))
    with pytest.raises(stability.ServerError):
        client.with_options(max_retries=0).balance()
    assert client.balance() == pytest.approx(1000.0)  # the original still retries, on the same pool


def test_key_never_in_logs_reprs_or_errors(make_client: Any, fake: FakeStability, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client()
    fake.inject("balance", Fault.status(503))
    client.balance()
    result = client.text_to_image("x")
    fake.inject("text_to_image", Fault.status(500))
    with pytest.raises(stability.ServerError) as caught:
        client.text_to_image("x")
    texts = [caplog.text, repr(client), repr(result), str(caught.value), repr(caught.value.args)]
    texts.append(repr(caught.value.headers))
    assert all(fake.api_key not in text for text in texts)
    assert "retrying" in caplog.text


def test_missing_key_names_both_variables(monkeypatch: Any, fake: FakeStability) -> None:
    monkeypatch.delenv("STABILITY_API_KEY", raising=False)
    monkeypatch.delenv("STABILITY_KEY", raising=False)
    client = stability.Stability(base_url=fake.base_url)
    with pytest.raises(stability.ConfigurationError) as caught:
        client.balance()
    assert "STABILITY_API_KEY" in str(caught.value) and "STABILITY_KEY" in str(caught.value)
    assert fake.count() == 0
    client.close()


def test_key_and_base_url_from_environment(monkeypatch: Any, fake: FakeStability) -> None:
    monkeypatch.delenv("STABILITY_API_KEY", raising=False)
    monkeypatch.setenv("STABILITY_KEY", fake.api_key)
    monkeypatch.setenv("STABILITY_BASE_URL", fake.base_url)
    with stability.Stability() as client:
        assert client.balance() == pytest.approx(1000.0)


def test_plain_http_to_another_host_is_refused() -> None:
    with pytest.raises(stability.ConfigurationError):
        stability.Stability("sk-x", base_url="http://api.example.com")
    stability.Stability("sk-x", base_url="http://api.example.com", allow_insecure_http=True).close()


def test_redirects_are_not_followed(client: Any, fake: FakeStability) -> None:
    fake.inject("balance", Fault.status(307, headers={"location": "https://elsewhere.example/steal"}))
    with pytest.raises(stability.APIError) as caught:
        client.balance()
    assert caught.value.status_code == 307 and fake.count() == 1
