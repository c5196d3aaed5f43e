"""The per-key rate limit: N requests per window, then the documented 429 for the lockout, on the fake's clock."""

from __future__ import annotations

import httpx
import pytest

from stability._core import limits as L
from stability.testing import FakeStability, Fault
from tests.testing._helpers import PROMPTS, V1_T2I, VIDEO_RESULT, http_client

# Stability's own 429 example (every v2beta operation of the document served at /v2alpha/openapi, Jan 2025).
DOCUMENTED_429 = {
    "id": "rate_limit_exceeded",
    "name": "rate_limit_exceeded",
    "errors": [
        "You have exceeded the rate limit of 150 requests within a 10 second period, and have been timed out for 60 "
        "seconds."
    ],
}
DOCUMENTED_LIMIT = (L.RATE_LIMIT_REQUESTS, L.RATE_LIMIT_WINDOW_SECONDS, L.RATE_LIMIT_LOCKOUT_SECONDS)


def _balance(client: httpx.Client, key: str) -> httpx.Response:
    return client.get("/v1alpha/user/balance", headers={"Authorization": key})


def test_past_the_limit_every_request_is_429_until_the_lockout_ends() -> None:
    fake = FakeStability(api_keys=("sk-a", "sk-b"), rate_limit=(3, 10.0, 60.0))
    with http_client(fake, "in-process") as client:
        assert [_balance(client, "sk-a").status_code for _ in range(3)] == [200, 200, 200]
        refused = _balance(client, "sk-a")
        assert refused.status_code == 429 and "retry-after" not in refused.headers
        assert refused.headers["content-type"] == "application/vnd.goa.error"
        assert refused.json()["name"] == "rate_limit_exceeded" and refused.json()["temporary"] is True
        assert refused.json()["message"] == (
            "You have exceeded the rate limit of 3 requests within a 10 second period, and have been timed out for "
            "60 seconds."
        )
        v2 = client.get(VIDEO_RESULT + "0" * 64, headers={"Authorization": "Bearer sk-a"})
        assert v2.status_code == 429 and v2.json()["name"] == "rate_limit_exceeded" and v2.json()["errors"]
        assert _balance(client, "sk-b").status_code == 200  # per key
        fake.clock.advance(59.5)
        assert _balance(client, "sk-a").status_code == 429
        fake.clock.advance(0.5)
        assert _balance(client, "sk-a").status_code == 200


@pytest.mark.parametrize("transport", ["socket"])
def test_the_429_is_the_documented_example_word_for_word(transport: str) -> None:
    """Over the documented limit the v2alpha body is Stability's example exactly, with no Retry-After (none is
    documented); an injected 429 answers the same body."""
    fake = FakeStability(rate_limit=DOCUMENTED_LIMIT)
    with http_client(fake, transport) as client:
        headers = {"Authorization": f"Bearer {fake.api_key}"}
        answers = [client.get(VIDEO_RESULT + "0" * 64, headers=headers) for _ in range(L.RATE_LIMIT_REQUESTS + 1)]
        refused = answers[-1]
        assert [a.status_code for a in answers[:-1]] == [404] * L.RATE_LIMIT_REQUESTS
        assert refused.status_code == 429 and refused.json() == DOCUMENTED_429
        assert "retry-after" not in refused.headers and refused.headers["content-type"] == "application/json"
        fake.reset()
        fake.inject("upscale_result", Fault.rate_limited())
        injected = client.get("/v2alpha/generation/stable-image/upscale/result/" + "0" * 64, headers=headers)
        assert injected.status_code == 429 and injected.json() == DOCUMENTED_429
        assert "retry-after" not in injected.headers


def test_retry_after_on_the_fakes_own_429_only_when_asked() -> None:
    fake = FakeStability(rate_limit=(1, 10.0, 60.0), rate_limit_retry_after=True)
    with http_client(fake, "in-process") as client:
        assert _balance(client, fake.api_key).status_code == 200
        assert _balance(client, fake.api_key).headers["retry-after"] == "60"
        fake.clock.advance(59.5)
        refused = _balance(client, fake.api_key)
        assert refused.headers["retry-after"] == "1" and refused.json()["name"] == "rate_limit_exceeded"


def test_the_window_slides() -> None:
    fake = FakeStability(rate_limit=(2, 10.0, 60.0))
    with http_client(fake, "in-process") as client:
        assert _balance(client, fake.api_key).status_code == 200
        fake.clock.advance(6)
        assert _balance(client, fake.api_key).status_code == 200
        fake.clock.advance(5)  # the first request left the window
        assert _balance(client, fake.api_key).status_code == 200
        assert _balance(client, fake.api_key).status_code == 429


def test_refused_generations_are_not_charged_and_bad_keys_are_not_counted() -> None:
    fake = FakeStability(rate_limit=(1, 10.0, 60.0))
    with http_client(fake, "in-process") as client:
        headers = {"Authorization": fake.api_key, "Accept": "image/png"}
        assert client.get("/v1alpha/user/balance", headers={"Authorization": "sk-wrong"}).status_code == 401
        assert client.post(V1_T2I, headers=headers, json=PROMPTS).status_code == 200
        assert client.post(V1_T2I, headers=headers, json=PROMPTS).status_code == 429
    assert fake.charges() == 1


def test_reset_clears_the_windows() -> None:
    fake = FakeStability(rate_limit=(1, 10.0, 60.0))
    with http_client(fake, "in-process") as client:
        _balance(client, fake.api_key)
        assert _balance(client, fake.api_key).status_code == 429
        fake.reset()
        assert _balance(client, fake.api_key).status_code == 200


@pytest.mark.parametrize("transport", ["socket"])
def test_the_documented_limit_over_sockets(transport: str) -> None:
    fake = FakeStability(rate_limit=(L.RATE_LIMIT_REQUESTS, L.RATE_LIMIT_WINDOW_SECONDS, L.RATE_LIMIT_LOCKOUT_SECONDS))
    with http_client(fake, transport) as client:
        statuses = [_balance(client, fake.api_key).status_code for _ in range(L.RATE_LIMIT_REQUESTS + 1)]
    assert statuses.count(200) == L.RATE_LIMIT_REQUESTS and statuses[-1] == 429
    assert fake.connections_opened == 1  # one keep-alive connection carried all of them
