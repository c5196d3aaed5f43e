"""Issue 17, the client: ``client.raw`` goes through the user's ``http_client``, and a job handle pickles (to
another process, where it is attached to a client and waited for)."""

from __future__ import annotations

import asyncio
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

import stability
from stability.testing import FakeStability
from stability_api.api.v1 import user_balance
from stability_api.models import Balance
from tests.raw_cases import png

FAST = 0.05


# --------------------------------------------------------------------------- raw through http_client


def test_raw_calls_go_through_the_users_sync_client(fake: FakeStability) -> None:
    seen: list[str] = []
    hooks: dict[str, list[Any]] = {"request": [lambda r: seen.append(r.url.path)]}
    with httpx.Client(event_hooks=hooks, headers={"X-Trace": "abc"}) as http:
        with stability.Stability(api_key=fake.api_key, base_url=fake.base_url, http_client=http) as client:
            assert client.balance() == pytest.approx(1000.0)
            answer = user_balance.sync_detailed(client=client.raw)
            assert answer.status_code == 200 and isinstance(answer.parsed, Balance)
            assert answer.parsed.credits_ == pytest.approx(1000.0)
        assert not http.is_closed  # closing the Stability client leaves the user's client to the user
    assert seen == ["/v1/user/balance", "/v1/user/balance"]  # the facade's call, then the raw one
    assert [r.headers.get("x-trace") for r in fake.requests] == ["abc", "abc"]


def test_a_raw_answer_read_by_the_users_response_hook_stays_readable(fake: FakeStability) -> None:
    read: list[bytes] = []

    def on_response(response: httpx.Response) -> None:
        response.read()
        read.append(response.content)

    with (
        httpx.Client(event_hooks={"response": [on_response]}) as http,
        stability.Stability(api_key=fake.api_key, base_url=fake.base_url, http_client=http) as client,
    ):
        answer = user_balance.sync_detailed(client=client.raw)
    assert isinstance(answer.parsed, Balance) and answer.parsed.credits_ == pytest.approx(1000.0)
    assert read == [answer.content]


def test_a_facade_answer_read_by_the_users_response_hook_is_still_the_result(fake: FakeStability) -> None:
    """A response hook that reads the body (logging it, say) used to break every facade call: the SDK then read
    a consumed stream (httpx.StreamConsumed)."""
    sizes: list[int] = []

    def on_response(response: httpx.Response) -> None:
        sizes.append(len(response.read()))

    with (
        httpx.Client(event_hooks={"response": [on_response]}) as http,
        stability.Stability(api_key=fake.api_key, base_url=fake.base_url, http_client=http) as client,
    ):
        image = client.upscale_fast(png(256, 256))
        assert client.balance() == pytest.approx(1000.0 - 1.0)
    assert (image.width, image.height) == (1024, 1024)
    assert sizes[0] == len(image.data) and len(sizes) == 2


def test_an_async_facade_answer_read_by_the_users_response_hook_is_still_the_result(fake: FakeStability) -> None:
    async def on_response(response: httpx.Response) -> None:
        await response.aread()

    async def run() -> tuple[int, int]:
        async with (
            httpx.AsyncClient(event_hooks={"response": [on_response]}) as http,
            stability.AsyncStability(api_key=fake.api_key, base_url=fake.base_url, http_client=http) as client,
        ):
            image = await client.upscale_fast(png(256, 256))
            return image.width, image.height

    assert asyncio.run(run()) == (1024, 1024)


def test_raw_calls_go_through_the_users_async_client(fake: FakeStability) -> None:
    seen: list[str] = []

    async def on_request(request: httpx.Request) -> None:
        seen.append(request.url.path)

    async def run() -> float:
        async with (
            httpx.AsyncClient(event_hooks={"request": [on_request]}) as http,
            stability.AsyncStability(api_key=fake.api_key, base_url=fake.base_url, http_client=http) as client,
        ):
            assert await client.balance() == pytest.approx(1000.0)
            answer = await user_balance.asyncio_detailed(client=client.raw)
            assert isinstance(answer.parsed, Balance)
            return float(answer.parsed.credits_)

    assert asyncio.run(run()) == pytest.approx(1000.0)
    assert seen == ["/v1/user/balance", "/v1/user/balance"]


def test_raw_without_http_client_is_unchanged(fake: FakeStability) -> None:
    with stability.Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        answer = user_balance.sync_detailed(client=client.raw)
        assert answer.status_code == 200 and "sk-" not in repr(client.raw)


# ------------------------------------------------------------------------------------- pickled jobs

_CHILD = textwrap.dedent(
    """
    import pickle, sys
    import stability

    job = pickle.loads(sys.stdin.buffer.read())
    base_url, key = sys.argv[1], sys.argv[2]
    try:
        job.poll()
    except stability.ConfigurationError as exc:
        assert "client.jobs.attach(job)" in str(exc), exc
    else:
        raise AssertionError("an unpickled job has no client")
    with stability.Stability(api_key=key, base_url=base_url) as client:
        job = client.jobs.attach(job)
        image = job.wait(poll_interval=0.05, timeout=30)
        print(job.kind, job.id, job.created_at.isoformat(), image.width, image.height, image.format)
    """
)


def test_a_pickled_job_is_waited_for_in_another_process(fake: FakeStability) -> None:
    fake.job_duration = 0.3
    with stability.Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        job = client.upscale_creative("a sharper lighthouse", image=png(128, 96), output_format="png")
        data = pickle.dumps(job)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, fake.base_url, fake.api_key],
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr.decode()
    kind, job_id, created, width, height, fmt = done.stdout.decode().split()
    assert (kind, job_id, created) == ("upscale_creative", job.id, job.created_at.isoformat())
    assert int(width) > 128 and int(height) > 96 and fmt == "png"
    assert fake.charges("upscale_creative") == 1  # waiting elsewhere starts nothing new


def test_job_pickles_as_kind_id_and_created_at(client: Any, fake: FakeStability) -> None:
    job = client.upscale("x", image=png(128, 128))
    job = getattr(job, "_target", job)  # the async job behind the test's blocking wrapper
    copy = pickle.loads(pickle.dumps(job))
    assert type(copy) is type(job) and (copy.kind, copy.id, copy.created_at) == (job.kind, job.id, job.created_at)
    assert not copy.done and copy.status is None
    assert "upscale" in repr(copy)
    with pytest.raises(stability.ConfigurationError, match=r"jobs\.attach"):
        copy._client  # noqa: B018
    bound = getattr(client, "_target", client).jobs.attach(copy)
    assert bound is copy
    again = client.jobs.attach(copy)
    assert again.wait(poll_interval=FAST).width > 128


def test_attach_refuses_what_is_not_a_job_handle(client: Any) -> None:
    job = client.jobs.get("upscale", "a" * 64)
    job = getattr(job, "_target", job)
    job.id = "not-an-id"
    with pytest.raises(stability.ValidationError):
        client.jobs.attach(job)
