"""Upscale and image-to-video as jobs: start, poll, wait, resume, deadline, cancel, save, against the fake."""

from __future__ import annotations

import asyncio
import math
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import stability
from stability.testing import FakeStability, Fault
from tests.raw_cases import png

FAST = 0.05  # poll interval for tests


def test_upscale_lifecycle(client: Any, fake: FakeStability) -> None:
    fake.job_duration = 0.3
    job = client.upscale("a sharper lighthouse", image=png(256, 192), output_format="jpeg", creativity=0.2)
    assert len(job.id) == 64 and job.kind == "upscale" and not job.done and job.created_at.tzinfo
    seen: list[Any] = []
    result = job.wait(poll_interval=0.1, on_progress=seen.append)
    assert isinstance(result, stability.ImageResult) and result.format == "jpeg"
    assert result.width > 256 and result.height > 192
    assert job.done and job.result is result
    assert seen[-1].done and [s.polls for s in seen] == list(range(1, len(seen) + 1))
    assert all(s.state == "in-progress" for s in seen[:-1])
    polls = fake.count("upscale_result")
    assert 2 <= polls <= math.ceil(0.3 / 0.1) + 2
    assert fake.charges("upscale") == 1 and fake.balance() == pytest.approx(1000.0 - 25.0)
    assert job.wait() is result and fake.count("upscale_result") == polls  # no more requests


def test_image_to_video_lifecycle_and_streaming_save(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    job = client.image_to_video(png(1024, 576), seed=11, motion_bucket_id=40)
    path = job.save(tmp_path / "clip.mp4", poll_interval=FAST)
    data = path.read_bytes()
    assert data[4:8] == b"ftyp" and not job.done  # streamed to disk, not kept in memory
    with pytest.raises(FileExistsError):
        client.jobs.get("image_to_video", job.id).save(path)
    video = client.jobs.get("image_to_video", job.id).wait(poll_interval=FAST)
    assert isinstance(video, stability.VideoResult) and video.data == data and video.format == "mp4"


def test_poll_checks_once_without_sleeping(client: Any, fake: FakeStability) -> None:
    fake.job_duration = 0.2
    job = client.upscale("x", image=png(128, 128))
    assert job.poll() is False and fake.count("upscale_result") == 1
    time.sleep(0.25)
    assert job.poll() is True and job.done and job.result.width > 128


def test_resume_by_id_from_a_new_client(make_client: Any, fake: FakeStability) -> None:
    job_id = make_client().upscale("x", image=png(128, 128)).id
    resumed = make_client().jobs.get("upscale", job_id)
    assert resumed.id == job_id and resumed.wait(poll_interval=FAST).width > 128


def test_deadline_raises_with_the_id_and_the_job_survives(client: Any, fake: FakeStability) -> None:
    job = client.upscale("x", image=png(128, 128))
    fake.inject("upscale_result", Fault.never_finish(), times=1000)
    started = time.monotonic()
    with pytest.raises(stability.JobTimeoutError) as caught:
        job.wait(timeout=0.4, poll_interval=0.1)
    assert 0.35 <= time.monotonic() - started < 2.0
    assert caught.value.job_id == job.id and job.id in str(caught.value) and "jobs.get" in str(caught.value)
    assert caught.value.last_error is None and "still running" in str(caught.value)  # every poll answered 202
    fake.reset_faults()
    assert job.wait(poll_interval=FAST).width > 128


def test_expired_job_is_job_not_found(client: Any, fake: FakeStability) -> None:
    job = client.upscale("x", image=png(128, 128))
    fake.clock.advance(24 * 3600 + 1)
    with pytest.raises(stability.JobNotFoundError) as caught:
        job.wait(poll_interval=FAST)
    assert isinstance(caught.value, stability.NotFoundError)
    assert "24 hours" in str(caught.value) and "same" in str(caught.value).lower() or "API key" in str(caught.value)


def test_another_keys_job_is_not_found() -> None:
    with FakeStability(api_keys=("sk-first-key-000", "sk-second-key-00")) as fake:
        with stability.Stability("sk-first-key-000", base_url=fake.base_url) as first:
            job_id = first.upscale("x", image=png(128, 128)).id
        with stability.Stability("sk-second-key-00", base_url=fake.base_url) as second:
            with pytest.raises(stability.JobNotFoundError):
                second.jobs.get("upscale", job_id).wait(poll_interval=FAST)


def test_transient_errors_during_polling_do_not_fail_the_job(make_client: Any, fake: FakeStability) -> None:
    client = make_client(max_retries=0)
    job = client.image_to_video(png(768, 768))
    fake.inject("image_to_video_result", Fault.status(503), times=2)
    fake.inject("image_to_video_result", Fault.rate_limited(retry_after="0"))
    seen: list[Any] = []
    assert job.wait(poll_interval=FAST, on_progress=seen.append).data[4:8] == b"ftyp"
    assert [s.state for s in seen][:3] == ["retrying"] * 3


def test_content_moderation_on_upscale(client: Any, fake: FakeStability) -> None:
    with pytest.raises(stability.ContentModerationError):
        client.upscale("something forbidden", image=png(128, 128))
    assert fake.charges() == 0


def test_start_is_never_resent_after_it_may_have_been_processed(client: Any, fake: FakeStability) -> None:
    fake.inject("image_to_video", Fault.drop_after_request())
    with pytest.raises(stability.APIConnectionError):
        client.image_to_video(png(768, 768))
    assert fake.count("image_to_video") == 1 and fake.charges("image_to_video") == 1


def test_dropped_download_leaves_no_file(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    job = client.image_to_video(png(576, 1024))
    # A broken download is fetched again like any read (max_retries=2): three breaks in a row raise.
    fake.inject("image_to_video_result", Fault.truncated_body(), times=3)
    with pytest.raises(stability.APIConnectionError) as caught:
        job.save(tmp_path / "clip.mp4", poll_interval=FAST)
    assert caught.value.attempts == 3 and fake.count("image_to_video_result") == 3
    assert list(tmp_path.iterdir()) == []


def test_large_result_streams_to_disk_with_flat_memory(tmp_path: Path) -> None:
    size = 48 * 1024 * 1024
    with FakeStability(video_bytes=size) as fake, stability.Stability(fake.api_key, base_url=fake.base_url) as client:
        job = client.image_to_video(png(768, 768))
        tracemalloc.start()
        try:
            path = job.save(tmp_path / "big.mp4", poll_interval=FAST)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert path.stat().st_size >= size
    assert peak < 8 * 1024 * 1024, f"peak Python allocation {peak / 2**20:.1f} MiB while saving {size / 2**20:.0f} MiB"


def test_cancelling_wait_stops_polling(fake: FakeStability) -> None:
    async def main() -> None:
        async with stability.AsyncStability(fake.api_key, base_url=fake.base_url) as client:
            job = await client.upscale("x", image=png(128, 128))
            fake.inject("upscale_result", Fault.never_finish(), times=1000)
            task = asyncio.create_task(job.wait(poll_interval=FAST))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            polls = fake.count("upscale_result")
            await asyncio.sleep(0.3)
            assert fake.count("upscale_result") == polls and polls >= 2

    asyncio.run(main())


def test_fifty_concurrent_jobs_on_one_pool(fake: FakeStability) -> None:
    fake.job_duration = 0.5
    interval = 0.1

    async def main() -> list[stability.VideoResult]:
        async with stability.AsyncStability(fake.api_key, base_url=fake.base_url) as client:
            jobs = await asyncio.gather(*(client.image_to_video(png(768, 768), seed=i + 1) for i in range(50)))
            return await asyncio.gather(*(job.wait(poll_interval=interval) for job in jobs))

    results = asyncio.run(main())
    assert len(results) == 50 and all(r.data[4:8] == b"ftyp" for r in results)
    assert len({r.seed for r in results}) == 50
    assert fake.count("image_to_video_result") <= 50 * (math.ceil(0.5 / interval) + 2)
    assert fake.connections_opened <= 100  # the client's pool limit


def test_job_save_never_mislabels_the_result(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    # As ImageResult.save: the bytes streamed to disk must be what the extension names (issue 13, item 26).
    video = client.image_to_video(png(1024, 576))
    with pytest.raises(stability.ValidationError, match=r"save it as clip\.mp4"):
        video.save(tmp_path / "clip.png", poll_interval=FAST)
    assert fake.count("image_to_video_result") == 0  # refused before waiting
    upscaled = client.upscale("x", image=png(128, 128), output_format="jpeg")
    with pytest.raises(stability.ValidationError, match=r"save it as up\.jpg, or save job\.wait\(\) with convert"):
        upscaled.save(tmp_path / "up.png", poll_interval=FAST)
    assert list(tmp_path.iterdir()) == []  # nothing written, no temporary file left
    assert upscaled.save(tmp_path / "up.jpg", poll_interval=FAST).read_bytes()[:3] == b"\xff\xd8\xff"
    assert video.save(tmp_path / "clip.mp4", poll_interval=FAST).read_bytes()[4:8] == b"ftyp"
