"""The engines over real sockets, against the fake on 127.0.0.1: sync (threads) and async (tasks) alike."""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from stability import AsyncStability, Stability, ValidationError
from stability._batch import BatchInputError, BatchItem, BatchOutcome, RateLimit
from stability._batch._manifest import Manifest, content_hash
from stability._batch._pacing import Limiter
from stability._batch._run import MANIFEST_NAME, batch
from stability.testing import FakeStability, Fault

FAST_POLLS = 0.05  # the fake's jobs finish at once: the API's 10 s between polls would only slow the tests


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def run(mode: str, fake: FakeStability, items: Any, out: Path, **options: Any) -> list[BatchOutcome]:
    """Run a whole batch with a fresh client of ``mode``; the outcomes in the order they came."""
    options.setdefault("poll_interval", FAST_POLLS)
    options.setdefault("rate_limit", None)
    if mode == "sync":
        with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
            return list(batch(client, items, out_dir=out, **options))

    async def main() -> list[BatchOutcome]:
        async with AsyncStability(api_key=fake.api_key, base_url=fake.base_url) as client:
            return [outcome async for outcome in batch(client, items, out_dir=out, **options)]

    return asyncio.run(main())


def cores(count: int, start: int = 0) -> list[BatchItem]:
    return [
        BatchItem(f"c{i}", i + 1, "generate_core", {"prompt": f"cat {i}", "seed": i + 1}, 3.0)
        for i in range(start, start + count)
    ]


def by_key(outcomes: list[BatchOutcome]) -> dict[str, BatchOutcome]:
    return {o.item.key: o for o in outcomes}


def test_a_mixed_batch_at_the_limit_and_its_rerun(mode: str, images: Path, tmp_path: Path) -> None:
    items = [
        *cores(10),
        BatchItem("up", 11, "upscale_creative", {"prompt": "up", "image": images / "small.png"}, 25.0),
        BatchItem("video", 12, "image_to_video_v2beta", {"image": images / "video.png"}, 20.0),
        BatchItem("many", 13, "text_to_image", {"prompt": "x", "samples": 2, "seed": 5}, 0.0),
    ]
    out = tmp_path / "out"
    with FakeStability(fast=True, rate_limit=(12, 1.0, 3.0)) as fake:
        limiter = Limiter(RateLimit(12, 1.0))
        began = time.monotonic()
        outcomes = run(mode, fake, items, out, pacer=limiter, concurrency=4)
        elapsed = time.monotonic() - began
        assert {o.state for o in outcomes} == {"done"}, [o.error for o in outcomes]
        assert sorted(by_key(outcomes)) == sorted(i.key for i in items)
        assert [r.status for r in fake.requests].count(429) == 0 and limiter.refusals == 0
        assert fake.count() > 12 and elapsed >= (fake.count() - 12) / 12  # paced, not sent at once
        assert fake.charges() == len(items)
        done = by_key(outcomes)
        assert done["c3"].outputs == (out / "c3.png",) and done["c3"].seed == 4 and done["c3"].credits == 3.0
        assert done["video"].outputs == (out / "video.mp4",) and done["up"].credits == 25.0
        assert done["many"].outputs == (out / "many-1.png", out / "many-2.png")
        for outcome in outcomes:
            for path in outcome.outputs:
                if path.suffix == ".png":
                    Image.open(path).verify()
        requests = fake.count()
        again = run(mode, fake, items, out, pacer=limiter)
        assert {o.state for o in again} == {"skipped"} and fake.count() == requests
        assert by_key(again)["many"].outputs == done["many"].outputs and by_key(again)["c3"].seed == 4


def test_a_429_holds_the_whole_run(mode: str, tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake:
        fake.inject("generate_core", Fault.rate_limited("1"))
        limiter = Limiter(RateLimit(1000, 1.0))
        began = time.monotonic()
        outcomes = run(mode, fake, cores(6), tmp_path, pacer=limiter, concurrency=3)
        assert {o.state for o in outcomes} == {"done"}
        assert limiter.refusals == 1 and [r.status for r in fake.requests].count(429) == 1
        assert time.monotonic() - began >= 1.0 and fake.charges() == 6


def test_max_credits_stops_starting(mode: str, tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake:
        outcomes = run(mode, fake, cores(5), tmp_path, max_credits=7, concurrency=1)
        assert [o.state for o in outcomes] == ["done", "done", "unstarted", "unstarted", "unstarted"]
        assert fake.charges() == 2 and sum(o.credits for o in outcomes) == 6.0


def _manifest_row(path: Path, item: BatchItem, state: str, job_id: str | None = None) -> None:
    manifest = Manifest(path)
    manifest.register([(item, content_hash(item))], {})
    manifest.sending(item)
    if job_id is not None:
        manifest.started(item.key, job_id)
    manifest.close()


def _started_elsewhere(fake: FakeStability, images: Path, manifest: Path) -> BatchItem:
    """A creative upscale whose job a run started (its manifest row says so) and then lost: it is the fake's now."""
    item = BatchItem("up", 1, "upscale_creative", {"prompt": "up", "image": images / "small.png"}, 25.0)
    with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        job = client.upscale_creative("up", image=images / "small.png")
    _manifest_row(manifest, item, "started", job.id)
    return item


def test_a_started_job_is_resumed_by_id_never_started_again(mode: str, images: Path, tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake:
        item = _started_elsewhere(fake, images, tmp_path / MANIFEST_NAME)
        (outcome,) = run(mode, fake, [item], tmp_path)
        assert outcome.state == "done" and outcome.credits == 0.0 and outcome.outputs == (tmp_path / "up.png",)
        assert fake.count("upscale_creative") == 1 and fake.charges() == 1


def test_an_uncertain_item_is_not_sent_again_unless_asked(mode: str, tmp_path: Path) -> None:
    (item,) = cores(1)
    with FakeStability(fast=True) as fake:
        _manifest_row(tmp_path / MANIFEST_NAME, item, "sending")
        (outcome,) = run(mode, fake, [item], tmp_path)
        assert outcome.state == "uncertain" and "earlier run" in (outcome.error or "") and fake.count() == 0
        (outcome,) = run(mode, fake, [item], tmp_path, retry_uncertain=True)
        assert outcome.state == "done" and fake.charges() == 1


def test_a_request_dropped_after_processing_is_uncertain(mode: str, tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake:
        fake.inject("generate_core", Fault.drop_after_request())
        (outcome,) = run(mode, fake, cores(1), tmp_path)
        assert outcome.state == "uncertain" and outcome.error and outcome.error.startswith("APIConnectionError")
        (outcome,) = run(mode, fake, cores(1), tmp_path)
        assert outcome.state == "uncertain" and outcome.error.startswith("APIConnectionError")
        assert fake.charges() == 1


def test_a_refused_item_fails_and_is_retried_by_the_rerun(mode: str, tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake:
        fake.inject("generate_core", Fault.status(400))
        (outcome,) = run(mode, fake, cores(1), tmp_path)
        assert outcome.state == "failed" and outcome.error.startswith("BadRequestError") and outcome.credits == 0
        (outcome,) = run(mode, fake, cores(1), tmp_path)
        assert outcome.state == "done" and fake.charges() == 1


def test_outputs_are_never_overwritten_without_force(mode: str, tmp_path: Path) -> None:
    (tmp_path / "c0.png").write_bytes(b"mine")
    with FakeStability(fast=True) as fake:
        (outcome,) = run(mode, fake, cores(1), tmp_path)
        assert outcome.state == "failed" and "FileExistsError" in (outcome.error or "") and fake.count() == 0
        assert (tmp_path / "c0.png").read_bytes() == b"mine"
        (outcome,) = run(mode, fake, cores(1), tmp_path, force=True)
        assert outcome.state == "done" and (tmp_path / "c0.png").read_bytes().startswith(b"\x89PNG")


def test_the_client_method_from_a_file(mode: str, jsonl: Any, tmp_path: Path) -> None:
    path = jsonl([{"operation": "generate_core", "id": f"n{i}", "prompt": f"p{i}"} for i in range(3)])
    out = tmp_path / "out"
    with FakeStability(fast=True) as fake:
        if mode == "sync":
            with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
                outcomes = list(client.batch(path, out_dir=out, concurrency=2))
        else:

            async def main() -> list[BatchOutcome]:
                async with AsyncStability(api_key=fake.api_key, base_url=fake.base_url) as client:
                    return [o async for o in client.batch(path, out_dir=out, concurrency=2)]

            outcomes = asyncio.run(main())
    assert sorted(o.item.key for o in outcomes if o.state == "done") == ["n0", "n1", "n2"]
    assert (out / MANIFEST_NAME).exists() and (out / "n1.png").exists()


def test_bad_input_is_refused_before_the_run(jsonl: Any, tmp_path: Path) -> None:
    path = jsonl([{"operation": "generate_core", "prompt": "x", "seed": -1}])
    with FakeStability(fast=True) as fake, Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        with pytest.raises(BatchInputError, match="line 1: seed"):
            client.batch(path, out_dir=tmp_path)
        with pytest.raises(ValidationError, match="concurrency"):
            client.batch(cores(1), concurrency=0)
        with pytest.raises(ValidationError, match="max_credits"):
            client.batch(cores(1), max_credits=-1)
        assert fake.count() == 0


def test_breaking_off_releases_the_manifest(tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake, Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        outcomes = batch(client, cores(6), out_dir=tmp_path, concurrency=1, rate_limit=None)
        next(outcomes)
        outcomes.close()  # type: ignore[attr-defined]
        rerun = list(batch(client, cores(6), out_dir=tmp_path, rate_limit=None))
    states = [o.state for o in rerun]
    assert states.count("skipped") >= 1 and set(states) <= {"skipped", "done"}
    assert json.dumps(states) and fake.charges() == 6


def test_concurrency_is_real_from_the_first_send(mode: str, tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake:
        fake.inject("generate_core", Fault.delay(0.6), times=4)
        began = time.monotonic()
        outcomes = run(mode, fake, cores(4), tmp_path, concurrency=4, pacer=Limiter(RateLimit(1000, 1.0)))
        elapsed = time.monotonic() - began
        assert {o.state for o in outcomes} == {"done"} and fake.charges() == 4
        assert elapsed < 1.15, elapsed  # four at once: one delay, not two (the first alone) or four


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_stops_the_run(mode: str, status: int, tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake:
        body = b'{"id": "e1", "name": "forbidden", "errors": ["this key may not use this API"]}'  # not moderation
        fake.inject("generate_core", Fault.status(status, body=body, content_type="application/json"))
        outcomes = run(mode, fake, cores(5), tmp_path, concurrency=1)
        assert [o.state for o in outcomes] == ["failed", *["unstarted"] * 4]
        assert fake.count("generate_core") == 1 and fake.charges() == 0
        refused = outcomes[1].error or ""
        assert "refused" in refused and ("AuthenticationError" in refused or "PermissionDeniedError" in refused)


def test_a_moderated_prompt_does_not_stop_the_run(mode: str, tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake:
        fake.inject("generate_core", Fault.status(403))  # the fake's 403: content moderation, this prompt only
        outcomes = run(mode, fake, cores(3), tmp_path, concurrency=1)
        assert [o.state for o in outcomes] == ["failed", "done", "done"]


def test_a_refused_key_leaves_a_started_job_to_the_rerun(mode: str, images: Path, tmp_path: Path) -> None:
    with FakeStability(fast=True) as fake:
        item = _started_elsewhere(fake, images, tmp_path / MANIFEST_NAME)
        fake.inject("results", Fault.status(401))
        (outcome,) = run(mode, fake, [item], tmp_path)
        assert outcome.state == "failed" and (outcome.error or "").startswith("AuthenticationError")
        (outcome,) = run(mode, fake, [item], tmp_path)  # the job, resumed by id: never started again
        assert outcome.state == "done" and fake.count("upscale_creative") == 1 and fake.charges() == 1


def test_an_interrupt_before_the_request_leaves_the_item_unsent(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stability._batch import _run

    take = _run._Run.take

    def interrupted(self: _run._Run) -> Any:
        taken = take(self)
        if isinstance(taken, BatchItem) and taken.key == "c1":
            raise KeyboardInterrupt  # Ctrl-C right after the item was taken, before its request
        return taken

    monkeypatch.setattr(_run._Run, "take", interrupted)
    with FakeStability(fast=True) as fake:
        with pytest.raises(KeyboardInterrupt):
            run(mode, fake, cores(3), tmp_path, concurrency=1)
        monkeypatch.setattr(_run._Run, "take", take)
        outcomes = run(mode, fake, cores(3), tmp_path)
        assert {o.item.key: o.state for o in outcomes} == {"c0": "skipped", "c1": "done", "c2": "done"}
        assert fake.charges() == 3


def test_a_late_request_holds_its_place_until_its_answer(tmp_path: Path) -> None:
    """An upload that stalls reaches the API's count long after its slot; the limiter counts it until its answer,
    so the requests booked meanwhile stay under the limit (counted from its slot, the fourth would be a 429)."""

    class Stalling(io.BytesIO):
        """An image whose upload stalls once, halfway (a slow disk, a slow network share)."""

        stalled = False

        def readinto(self, buffer: Any) -> int:
            if not self.stalled and self.tell() > 0:
                self.stalled = True
                time.sleep(0.9)
            return super().readinto(buffer)

    image = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(image, "PNG")
    with FakeStability(fast=True, rate_limit=(3, 1.0, 5.0)) as fake:
        limiter = Limiter(RateLimit(3, 1.0), margin=0.0)
        with Stability(api_key=fake.api_key, base_url=fake.base_url, max_retries=0) as plain:
            client = plain._paced(limiter)
            slow = threading.Thread(target=client.upscale_fast, args=(Stalling(image.getvalue()),))
            slow.start()
            for _ in range(5):
                client.balance()
            slow.join()
        assert [r.status for r in fake.requests] == [200] * 6 and limiter.refusals == 0
        assert limiter.in_flight == 0
