"""Jobs against the fake and a raw socket server: the 60 s lockout, the wait's deadline (default, explicit, and
through failing polls), what the deadline error says, the checks on a saved result, and the content filter.

Waits that last minutes or hours run on a ``Timeline``: the client's sleeps take no real time but move the job's
clock and the fake's, so a 60 s lockout or a 30 minute deadline passes at once. Two tests that are about wall-clock
time (a slow server, a long Retry-After) sleep for real, about a second each.
"""

from __future__ import annotations

import math
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import stability
from stability._operations.registry import REGISTRY
from stability.testing import FakeStability, Fault
from tests.raw_cases import png
from tests.reliability._support import FIGURES, assert_no_key, no_partial_files, object_texts

PERSISTENT = 10_000
RESULT_OP = {name: entry.starts_job for name, entry in REGISTRY.items() if entry.starts_job}  # job -> its result
LOCKOUT = 60.0


class Timeline:
    """Sleeps that take no real time but move the job's clock and the fake's: hours of polling pass at once."""

    LIMIT = 3 * 3600.0  # a wait still going after 3 hours has no deadline

    def __init__(self, fake: FakeStability) -> None:
        self.fake = fake
        self.offset = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return time.monotonic() + self.offset

    def _pass(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.offset += seconds
        self.fake.clock.advance(seconds)
        if self.offset > self.LIMIT:
            raise AssertionError(f"still waiting after {self.offset / 3600:.1f} h ({len(self.slept)} sleeps)")

    def sync(self, seconds: float) -> None:
        self._pass(seconds)

    async def async_(self, seconds: float) -> None:
        self._pass(seconds)

    def attach(self, client: Any, job: Any, mode: str) -> Any:
        getattr(client, "_target", client)._driver._sleep = self.sync if mode == "sync" else self.async_
        getattr(job, "_target", job)._clock = self.clock
        return job


def _resumed(client: Any, kind: str) -> Any:
    """A job started on the fake, as ``client.jobs.get`` resumes it (its first poll goes out at once)."""
    job = client.upscale("sharper", image=png(96, 96)) if kind == "upscale" else client.image_to_video(png(768, 768))
    return client.jobs.get(kind, job.id)


def _scenario(value: object) -> None:
    FIGURES.add("scenarios")
    FIGURES.outcome("success" if not isinstance(value, BaseException) else type(value).__name__)


# ------------------------------------------------------------------------------------ the 60 s lockout


@pytest.mark.parametrize("kind", ["upscale", "image_to_video"])
def test_a_lockout_while_polling_is_waited_out_with_one_poll_per_lockout(
    clients: Any, fake: FakeStability, mode: str, kind: str
) -> None:
    # Issue 13 item 7: inside the lockout (429 without Retry-After) wait() raised RateLimitError after ~47 s
    # and 15 refused requests. Here the key stays locked out for 20 minutes: 20 polls, 60 s apart, then the result.
    client = clients()
    job = _resumed(client, kind)
    fake.inject(RESULT_OP[kind], Fault.never_finish())
    fake.inject(RESULT_OP[kind], Fault.rate_limited(), times=20)
    timeline = Timeline(fake)
    result = timeline.attach(client, job, mode).wait(poll_interval=10)
    assert result.data and not result.filtered
    assert fake.count(RESULT_OP[kind]) == 1 + 20 + 1
    assert timeline.slept == [10.0] + [LOCKOUT] * 20  # every refused poll is followed by a whole lockout
    _scenario(result)


def test_any_call_waits_out_the_lockout_before_trying_again(clients: Any, fake: FakeStability) -> None:
    # Retrying after the usual half-second backoff only meets the lockout again.
    client = clients()
    fake.inject("balance", Fault.rate_limited())
    fake.inject("text_to_image", Fault.rate_limited())
    assert client.balance() > 0
    assert client.text_to_image("a lighthouse").width > 0  # refused, so not charged: sent again
    assert clients.sleeps.seconds == [LOCKOUT, LOCKOUT]
    assert fake.count("balance") == 2 and fake.charges("text_to_image") == 1
    FIGURES.add("scenarios", 2)


def test_a_long_retry_after_does_not_stretch_a_short_wait(clients: Any, fake: FakeStability, mode: str) -> None:
    # Issue 13 item 10: 429 with Retry-After: 20 made wait(timeout=2) take 40 s.
    client = clients()
    job = _resumed(client, "upscale")
    fake.inject("upscale_result", Fault.rate_limited("20"), times=PERSISTENT)
    timeline = Timeline(fake)
    with pytest.raises(stability.JobTimeoutError) as caught:
        timeline.attach(client, job, mode).wait(timeout=2, poll_interval=0.5)
    assert sum(timeline.slept) <= 2 + 0.5, timeline.slept
    assert fake.count("upscale_result") == 1  # one request: the next could only come after the deadline
    assert isinstance(caught.value.__cause__, stability.RateLimitError)
    assert caught.value.__cause__.retry_after == 20
    _scenario(caught.value)


@pytest.mark.timeout(20)
def test_wait_timeout_holds_in_wall_clock_time_against_retry_after_20(fake: FakeStability) -> None:
    fake.inject("upscale_result", Fault.rate_limited("20"), times=PERSISTENT)
    with stability.Stability(fake.api_key, base_url=fake.base_url) as client:
        job = _resumed(client, "upscale")
        start = time.monotonic()
        with pytest.raises(stability.JobTimeoutError):
            job.wait(timeout=1.0, poll_interval=0.25)
        elapsed = time.monotonic() - start
    assert 0.9 <= elapsed <= 1.0 + 0.25 + 0.5, f"wait(timeout=1) took {elapsed:.2f}s"
    FIGURES.add("scenarios")


# ------------------------------------------------------------------------------------ the deadline error


def test_the_deadline_error_names_and_chains_a_download_that_always_breaks(
    clients: Any, fake: FakeStability, mode: str
) -> None:
    # Issue 13 item 13: every poll's result download breaks; the job finished long ago, yet the error said
    # "it is still running" with no cause.
    client = clients(transport="socket", max_retries=0)
    job = _resumed(client, "image_to_video")
    fake.inject("image_to_video_result", Fault.truncated_body(), times=PERSISTENT)
    timeline = Timeline(fake)
    with pytest.raises(stability.JobTimeoutError) as caught:
        timeline.attach(client, job, mode).wait(timeout=25, poll_interval=10)
    error = caught.value
    assert fake.count("image_to_video_result") == 3  # polls at 0, 10 and 20 s
    assert isinstance(error.__cause__, stability.APIConnectionError) and error.last_error is error.__cause__
    assert "may have finished" in str(error) and "still running" not in str(error)
    assert "APIConnectionError" in str(error) and job.id in str(error)
    assert_no_key(fake.api_key, object_texts(error))
    _scenario(error)


# ------------------------------------------------------------------------------------ the default deadline


def test_a_wait_without_timeout_ends_at_the_documented_default(clients: Any, fake: FakeStability, mode: str) -> None:
    # Issue 13 item 14: an endless 202 with no timeout (the default, also the CLI's) polled for ever.
    from stability._core.polling import DEFAULT_WAIT_TIMEOUT

    fake.job_duration = 2 * 3600.0  # longer than the default deadline
    client = clients()
    job = _resumed(client, "image_to_video")
    timeline = Timeline(fake)
    with pytest.raises(stability.JobTimeoutError) as caught:
        timeline.attach(client, job, mode).wait()
    assert DEFAULT_WAIT_TIMEOUT - 10 <= sum(timeline.slept) <= DEFAULT_WAIT_TIMEOUT
    assert caught.value.last_error is None and "still running" in str(caught.value)
    _scenario(caught.value)
    # Lifted explicitly, the wait goes on for as long as the job takes.
    video = job.wait(timeout=math.inf, poll_interval=60)
    assert video.data and sum(timeline.slept) >= 2 * 3600.0 - 60
    FIGURES.add("scenarios")


def test_save_without_timeout_ends_at_the_default_too(
    clients: Any, fake: FakeStability, mode: str, tmp_path: Path
) -> None:
    from stability._core.polling import DEFAULT_WAIT_TIMEOUT

    fake.job_duration = 2 * 3600.0
    client = clients()
    job = _resumed(client, "upscale")
    timeline = Timeline(fake)
    with pytest.raises(stability.JobTimeoutError):
        timeline.attach(client, job, mode).save(tmp_path / "big.png")
    assert sum(timeline.slept) <= DEFAULT_WAIT_TIMEOUT and list(tmp_path.iterdir()) == []
    FIGURES.add("scenarios")


@pytest.mark.parametrize("timeout", [-1, math.nan, "600"])
def test_a_bad_timeout_is_refused_before_any_poll(clients: Any, fake: FakeStability, timeout: Any) -> None:
    job = _resumed(clients(), "upscale")
    polls = fake.count("upscale_result")
    with pytest.raises(stability.ValidationError):
        job.wait(timeout=timeout)
    assert fake.count("upscale_result") == polls
    FIGURES.add("scenarios")


@pytest.mark.parametrize("interval", [10**400, math.inf, 0, -5, True])
def test_a_bad_poll_interval_is_refused_before_any_poll(clients: Any, fake: FakeStability, interval: Any) -> None:
    job = _resumed(clients(), "upscale")
    polls = fake.count("upscale_result")
    with pytest.raises(stability.ValidationError, match="poll_interval"):
        job.wait(poll_interval=interval)
    assert fake.count("upscale_result") == polls
    FIGURES.add("scenarios")


# ------------------------------------------------------------------------------------ a saved result is checked

HTML = b"<!doctype html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
JSON = b'{"id": "7f3a", "name": "internal_error", "errors": ["An unexpected server error has occurred"]}'
NOT_MEDIA = {
    "html_page": (HTML, "text/html; charset=utf-8"),
    "json_body": (JSON, "application/json"),
    "html_labelled_as_media": (HTML, None),  # the job's own media type, with a page in it
}


@pytest.mark.parametrize("kind", ["upscale", "image_to_video"])
@pytest.mark.parametrize("body", NOT_MEDIA)
def test_save_refuses_a_200_that_is_not_the_media(
    clients: Any, fake: FakeStability, tmp_path: Path, kind: str, body: str
) -> None:
    # Issue 13 item 4: job.save() saved an HTML page or JSON answered with 200 as clip.mp4 and said it succeeded.
    data, content_type = NOT_MEDIA[body]
    content_type = content_type or ("image/png" if kind == "upscale" else "video/mp4")
    job = _resumed(clients(), kind)
    fake.inject(RESULT_OP[kind], Fault.status(200, body=data, content_type=content_type), times=PERSISTENT)
    destination = tmp_path / "result.bin"
    destination.write_bytes(b"keep me")
    with pytest.raises(stability.MalformedResponseError) as caught:
        job.save(destination, overwrite=True)
    assert fake.count(RESULT_OP[kind]) == 1  # not fetched again: the same request gets the same answer
    assert destination.read_bytes() == b"keep me" and no_partial_files(tmp_path) == []
    assert caught.value.status_code == 200
    # wait() refuses the same answer.
    with pytest.raises(stability.MalformedResponseError):
        job.wait()
    _scenario(caught.value)


def _mp4(payload: int = 4000) -> bytes:
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    moov = (8 + 100).to_bytes(4, "big") + b"moov" + b"\x01" * 100
    mdat = (8 + payload).to_bytes(4, "big") + b"mdat" + bytes(range(256)) * (payload // 256) + b"\x02" * (payload % 256)
    return ftyp + moov + mdat


MP4 = _mp4()


def _close_delimited(body: bytes) -> Callable[[bytes, socket.socket], None]:
    """Answer 200 video/mp4 without Content-Length: the body ends where the server closes the connection."""

    def respond(head: bytes, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nConnection: close\r\n\r\n" + body)

    return respond


def test_save_fetches_again_a_body_cut_short_without_content_length(
    clients: Any, raw_server: Any, tmp_path: Path
) -> None:
    # Issue 13 item 4: a close-delimited body cut short was saved as complete.
    server = raw_server(_close_delimited(MP4[: len(MP4) // 2]))
    client = clients(transport="socket", base_url=server.url)
    job = client.jobs.get("image_to_video", "c" * 64)
    with pytest.raises(stability.APIConnectionError) as caught:
        job.save(tmp_path / "clip.mp4")
    assert caught.value.attempts == 3 and len(server.heads) == 3  # a broken read: fetched again, max_retries=2
    assert list(tmp_path.iterdir()) == []
    assert "cut short" in str(caught.value)
    # wait() refuses the same body.
    with pytest.raises(stability.MalformedResponseError):
        client.jobs.get("image_to_video", "c" * 64).wait()
    _scenario(caught.value)


def test_a_lockout_longer_than_the_results_are_kept_ends_a_wait_without_deadline(clients: Any, raw_server: Any) -> None:
    # wait(timeout=math.inf) and a 429 whose Retry-After is absurd (1e20 s): the sync client raised a raw
    # OverflowError from its sleep, the async one slept for ever. The result is kept 24 h: the 429 is the answer.
    body = b'{"id": "x", "name": "rate_limit_exceeded", "errors": ["slow down"]}'
    head = b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 1e20\r\n"

    def respond(request: bytes, conn: socket.socket) -> None:
        conn.sendall(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)

    server = raw_server(respond)
    client = clients(transport="socket", base_url=server.url, max_retries=0)
    started = time.monotonic()
    with pytest.raises(stability.RateLimitError) as caught:
        client.jobs.get("upscale", "c" * 64).wait(timeout=math.inf, poll_interval=0.01)
    assert time.monotonic() - started < 5 and len(server.heads) == 1
    _scenario(caught.value)


def test_save_keeps_a_whole_body_without_content_length(clients: Any, raw_server: Any, tmp_path: Path) -> None:
    server = raw_server(_close_delimited(MP4))
    client = clients(transport="socket", base_url=server.url)
    path = client.jobs.get("image_to_video", "c" * 64).save(tmp_path / "clip.mp4")
    assert path.read_bytes() == MP4 and len(server.heads) == 1
    _scenario(path)


def _drip(head: bytes, conn: socket.socket) -> None:
    """A server that promises a whole video and sends one byte every 0.1 s."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: %d\r\n\r\n" % len(MP4))
    for byte in MP4[:50]:
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


@pytest.mark.timeout(30)
def test_a_slow_download_keeps_the_client_timeout(raw_server: Any, tmp_path: Path) -> None:
    # Issue 13 item 10: a server sending 1 byte per second kept job.save() and wait(timeout=2) running past
    # 20 s with timeout=3.
    server = raw_server(_drip)
    with stability.Stability("sk-slow-server-key-000000", base_url=server.url, timeout=1.0) as client:
        job = client.jobs.get("image_to_video", "d" * 64)
        start = time.monotonic()
        with pytest.raises(stability.APITimeoutError):
            job.save(tmp_path / "clip.mp4")
        saved_in = time.monotonic() - start
        start = time.monotonic()
        with pytest.raises(stability.JobTimeoutError) as caught:
            job.wait(timeout=2.0, poll_interval=0.25)
        waited = time.monotonic() - start
    assert saved_in <= 1.0 + 0.5, f"save() took {saved_in:.2f}s with timeout=1"
    assert waited <= 2.0 + 0.25 + 0.5, f"wait(timeout=2) took {waited:.2f}s"
    assert isinstance(caught.value.__cause__, stability.APITimeoutError)
    assert list(tmp_path.iterdir()) == []
    FIGURES.add("scenarios", 2)


# ------------------------------------------------------------------------------------ the content filter


@pytest.mark.parametrize("kind", ["upscale", "image_to_video"])
def test_a_filtered_job_result_raises_when_asked(clients: Any, fake: FakeStability, tmp_path: Path, kind: str) -> None:
    # Issue 13 item 21: raise_on_content_filtered=True was ignored for video (and for every save()).
    plain = clients()
    job = _resumed(plain, kind)
    media = job.wait()
    headers = {"finish-reason": "CONTENT_FILTERED", "seed": "7"}
    filtered = Fault.status(200, body=media.data, content_type=media.content_type, headers=headers)
    fake.inject(RESULT_OP[kind], filtered, times=PERSISTENT)
    strict = clients(raise_on_content_filtered=True)
    with pytest.raises(stability.ContentFilteredError) as caught:
        strict.jobs.get(kind, job.id).wait()
    assert caught.value.result.filtered and caught.value.result.data == media.data  # kept, as for images
    with pytest.raises(stability.ContentFilteredError) as saved:
        strict.jobs.get(kind, job.id).save(tmp_path / "result.bin")
    assert saved.value.result.filtered and saved.value.result.data == media.data
    assert list(tmp_path.iterdir()) == []  # nothing written: the error carries the result
    # Without the option a filtered result is returned (and saved), marked as such.
    assert plain.jobs.get(kind, job.id).wait().filtered
    assert plain.jobs.get(kind, job.id).save(tmp_path / "kept.bin").read_bytes() == media.data
    _scenario(caught.value)
