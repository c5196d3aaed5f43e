"""``job.save()`` over sockets, sync and async: a broken download is retried by the flow's GET policy, within
the job's deadline, and the file is complete or absent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import stability
from stability.testing import FakeStability, Fault
from tests.raw_cases import png

FAST = 0.05
RESULT = "image_to_video_result"


def _done_job(client: Any) -> Any:
    """A finished image-to-video job, resumed by id (its first poll gets the result)."""
    return client.jobs.get("image_to_video", client.image_to_video(png(768, 768)).id)


def _files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_a_download_that_breaks_twice_then_succeeds(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    job = _done_job(client)
    fake.inject(RESULT, Fault.truncated_body(), times=2)
    seen: list[Any] = []
    path = job.save(tmp_path / "clip.mp4", poll_interval=FAST, on_progress=seen.append)
    assert fake.count(RESULT) == 3  # two broken downloads fetched again by the flow, then the whole one
    assert path == (tmp_path / "clip.mp4").absolute() and _files(tmp_path) == ["clip.mp4"]
    assert path.read_bytes() == client.jobs.get("image_to_video", job.id).wait().data
    assert [status.state for status in seen] == ["done"] and seen[0].polls == 1  # one poll: its download retried


def test_a_download_that_breaks_past_max_retries(make_client: Any, fake: FakeStability, tmp_path: Path) -> None:
    job = _done_job(make_client(max_retries=1))
    fake.inject(RESULT, Fault.truncated_body(), times=2)
    destination = tmp_path / "clip.mp4"
    destination.write_bytes(b"keep me")
    with pytest.raises(stability.APIConnectionError) as caught:
        job.save(destination, overwrite=True, poll_interval=FAST)
    assert caught.value.attempts == 2 and fake.count(RESULT) == 2
    assert not isinstance(caught.value, stability.JobTimeoutError)
    assert destination.read_bytes() == b"keep me" and _files(tmp_path) == ["clip.mp4"]  # no temporary file left


def test_a_save_past_the_job_deadline(make_client: Any, fake: FakeStability, tmp_path: Path) -> None:
    job = _done_job(make_client(max_retries=5))
    fake.inject(RESULT, Fault.truncated_body(), times=10_000)
    with pytest.raises(stability.JobTimeoutError) as caught:
        job.save(tmp_path / "clip.mp4", timeout=0.2, poll_interval=FAST)  # a retry waits 0.25 s at least
    assert fake.count(RESULT) == 1
    assert isinstance(caught.value.__cause__, stability.APIConnectionError)
    assert caught.value.last_error is caught.value.__cause__ and job.id in str(caught.value)
    assert _files(tmp_path) == []
