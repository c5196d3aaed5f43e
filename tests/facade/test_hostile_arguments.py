"""Arguments a red-team review found getting past the checks, through both clients against the fake on 127.0.0.1:
each is refused with a typed error naming the field before anything is sent, or sent as the value it compares
equal to."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from stability import APIConnectionError, AsyncStability, MalformedResponseError, Stability, ValidationError
from stability.testing import FakeStability, Fault


class Format(str, Enum):  # noqa: UP042 (StrEnum would make str() the value: the case this tests is not)
    PNG = "png"


class Strength(float, Enum):
    HALF = 0.5


class Seed(int):
    def __str__(self) -> str:
        return "not the seed"


@pytest.fixture
def fake() -> Iterator[FakeStability]:
    with FakeStability(job_duration=0.0) as server:
        yield server


def _png(size: tuple[int, int] = (768, 768)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def _both(fake: FakeStability, call: Callable[[Any], Any]) -> list[Any]:
    """``call`` on a sync client and on an async one (awaited when it returns an awaitable)."""
    with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        first = call(client)

    async def main() -> Any:
        async with AsyncStability(api_key=fake.api_key, base_url=fake.base_url) as client:
            made = call(client)
            return await made if asyncio.iscoroutine(made) else made

    return [first, asyncio.run(main())]


def _refused(fake: FakeStability, call: Callable[[Any], Any], field: str) -> None:
    before = len(fake.requests)
    with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        with pytest.raises(ValidationError) as caught:
            call(client)
    assert caught.value.field == field, caught.value

    async def main() -> None:
        async with AsyncStability(api_key=fake.api_key, base_url=fake.base_url) as client:
            with pytest.raises(ValidationError) as caught:
                made = call(client)
                if asyncio.iscoroutine(made):
                    await made
            assert caught.value.field == field, caught.value

    asyncio.run(main())
    assert len(fake.requests) == before, "a refused argument must send nothing"


def test_enum_members_and_subclasses_are_sent_as_their_values(fake: FakeStability) -> None:
    _both(fake, lambda c: c.generate_core("a lighthouse", output_format=Format.PNG, seed=Seed(7)))
    _both(fake, lambda c: c.generate_ultra("a lighthouse", image=_png(), strength=Strength.HALF))
    sent = [r.fields for r in fake.requests if r.operation in ("generate_core", "generate_ultra")]
    assert [f["output_format"] for f in sent[:2]] == ["png", "png"]
    assert [f["seed"] for f in sent[:2]] == ["7", "7"]
    assert [f["strength"] for f in sent[2:]] == ["0.5", "0.5"]


@pytest.mark.parametrize(
    "job_id",
    [
        ("../../v1/user/balance?" + "x" * 64)[:64],  # would aim the keyed poll at another endpoint
        "a/" * 32,
        "?" * 64,
        "%2e" * 21 + "a",
        "\x00" * 64,
        "\ud800" * 64,  # no UnicodeEncodeError either
        "é" * 64,
    ],
)
def test_a_job_id_that_is_no_generation_id_is_refused(fake: FakeStability, job_id: str) -> None:
    _refused(fake, lambda c: c.jobs.get("upscale_creative", job_id).poll(), "job_id")


def test_a_job_of_no_kind_and_an_engine_of_none_are_refused(fake: FakeStability) -> None:
    _refused(fake, lambda c: c.jobs.get(None, "a" * 64), "kind")
    _refused(fake, lambda c: c.text_to_image("a lighthouse", engine=None), "engine")
    _refused(fake, lambda c: c.masked_image_to_image("a lighthouse", image=_png((512, 512)), engine=None), "engine")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"backoff": None}, "backoff"),
        ({"backoff": "2"}, "backoff"),
        ({"backoff": float("nan")}, "backoff"),
        ({"backoff": -1}, "backoff"),
        ({"on_progress": 5}, "on_progress"),
    ],
)
def test_wait_options_are_checked_before_the_first_poll(
    fake: FakeStability, options: dict[str, Any], field: str
) -> None:
    _refused(fake, lambda c: c.jobs.get("image_to_video", "a" * 64).wait(**options), field)


@pytest.mark.parametrize("backoff", [0, 0.5, 1, 2, 1000, 10**400, float("inf")])
def test_any_backoff_from_0_up_is_taken_the_largest_as_the_cap(fake: FakeStability, backoff: float) -> None:
    fake.job_duration = 0.3
    results = _both(fake, lambda c: c.image_to_video(_png()))
    assert all(job.id for job in results)
    with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        video = client.jobs.get("image_to_video", results[0].id).wait(poll_interval=0.1, backoff=backoff)
    assert video.data


def test_save_options_are_checked_before_the_first_poll(fake: FakeStability, tmp_path: Path) -> None:
    _refused(fake, lambda c: c.jobs.get("image_to_video", "a" * 64).save(tmp_path / "v.mp4", on_progress=5),
             "on_progress")  # fmt: skip
    # An image job's result is never an MP4 (or a 3D model): known before any poll.
    _refused(fake, lambda c: c.jobs.get("upscale_creative", "a" * 64).save(tmp_path / "up.mp4"), "path")
    _refused(fake, lambda c: c.jobs.get("upscale_creative", "a" * 64).save(tmp_path / "up.glb"), "path")
    assert not list(tmp_path.iterdir())


def test_the_message_names_the_format_with_its_article(fake: FakeStability, tmp_path: Path) -> None:
    with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        with pytest.raises(ValidationError, match=r"names an MP4 file, but this job's result is an image"):
            client.jobs.get("upscale_creative", "a" * 64).save(tmp_path / "up.mp4")
        image = client.generate_core("a lighthouse", output_format="png")
        with pytest.raises(ValidationError, match=r"names an MP4 file, but this is a PNG image"):
            image.save(tmp_path / "x.mp4")


def test_attach_takes_only_a_job(fake: FakeStability) -> None:
    _refused(fake, lambda c: c.jobs.attach("x"), "job")
    _refused(fake, lambda c: c.jobs.attach(None), "job")


@pytest.mark.parametrize(
    ("items", "options", "field"),
    [
        (None, {}, "items"),
        (5, {}, "items"),
        ([], {"out_dir": "out\x00dir"}, "out_dir"),
        ([], {"out_dir": None}, "out_dir"),
        ([], {"manifest": 5}, "manifest"),
    ],
)
def test_batch_arguments_are_typed_errors(fake: FakeStability, items: Any, options: dict[str, Any], field: str) -> None:
    before = len(fake.requests)
    with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        with pytest.raises(ValidationError) as caught:
            list(client.batch(items, **options))
    assert caught.value.field == field
    assert len(fake.requests) == before


@pytest.mark.parametrize(
    "body", [b'{"credits": NaN}', b'{"credits": "5"}', b'{"credits": true}', b'{"credits": 1e999}']
)
def test_a_balance_that_is_no_number_is_a_malformed_response(fake: FakeStability, body: bytes) -> None:
    fake.inject("balance", Fault.status(200, body=body, content_type="application/json"), times=2)
    with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        with pytest.raises(MalformedResponseError):
            client.balance()

    async def main() -> None:
        async with AsyncStability(api_key=fake.api_key, base_url=fake.base_url) as client:
            with pytest.raises(MalformedResponseError):
                await client.balance()

    asyncio.run(main())
    assert fake.count("balance") == 2


def test_a_connection_error_reads_as_one_sentence(fake: FakeStability) -> None:
    fake.inject("balance", Fault.drop_after_request())
    with Stability(api_key=fake.api_key, base_url=fake.base_url, max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            client.balance()
    assert ".." not in str(caught.value) and str(caught.value).endswith(".")


def test_an_http_client_or_transport_of_the_wrong_kind_is_refused_when_the_client_is_made() -> None:
    import httpx

    from stability import ConfigurationError

    for made in (lambda: Stability("sk-test", http_client="x"), lambda: Stability("sk-test", transport="x"),  # type: ignore[arg-type]
                 lambda: Stability("sk-test", http_client=httpx.AsyncClient()),  # type: ignore[arg-type]
                 lambda: AsyncStability("sk-test", http_client=httpx.Client()),  # type: ignore[arg-type]
                 lambda: AsyncStability("sk-test", transport=object())):  # type: ignore[arg-type]  # fmt: skip
        with pytest.raises(ConfigurationError, match=r"must be an httpx\."):
            made()


def test_a_transport_is_taken_as_httpx_takes_it_by_its_method(fake: FakeStability) -> None:
    class Relay:  # not an httpx.BaseTransport subclass: httpx takes it all the same
        def __init__(self) -> None:
            self.inner = fake.transport()

        def handle_request(self, request: Any) -> Any:
            return self.inner.handle_request(request)

        def close(self) -> None:
            self.inner.close()

    with Stability(api_key=fake.api_key, base_url=fake.base_url, transport=Relay()) as client:  # type: ignore[arg-type]
        assert client.balance() >= 0


@pytest.mark.parametrize("name", ["clip.webm", "clip.mov", "clip.mkv", "clip.avi"])
def test_a_video_is_never_saved_under_another_videos_extension(fake: FakeStability, tmp_path: Path, name: str) -> None:
    with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        video = client.image_to_video(_png()).wait(poll_interval=0.1)
        with pytest.raises(ValidationError, match=r"but this is an MP4 video: save it as clip\.mp4"):
            video.save(tmp_path / name)
        with pytest.raises(ValidationError, match=r"this job's result is an image"):
            client.jobs.get("upscale_creative", "a" * 64).save(tmp_path / name)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["x.avif", "x.heic", "x.webm"])
def test_a_picture_is_never_saved_under_an_extension_nothing_here_writes(
    fake: FakeStability, tmp_path: Path, name: str
) -> None:
    with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        image = client.generate_core("a lighthouse", output_format="png")
        for convert in (False, True):
            with pytest.raises(ValidationError, match=r"save it as x\.png"):
                image.save(tmp_path / name, convert=convert)
    assert not list(tmp_path.iterdir())
