"""``AsyncStability``: the asynchronous client. ``_sync_client.py`` is generated from this file.

Edit this file, then run ``python scripts/unasync.py`` (``nox -s lint`` fails when the two differ). Method
bodies only validate and build an ``Operation`` (``_operations``) and hand it to the driver (``_transport``):
behaviour lives in the sans-I/O core, written once for both clients.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

import httpx

from ._async_driver import AsyncDriver
from ._batch._pacing import RateLimit
from ._core.config import NOT_GIVEN, Options, Pacer, check_http_arguments, configure_logging_from_env
from ._core.errors import ConfigurationError, ContentFilteredError
from ._core.flow import Operation, call_flow
from ._core.polling import DEFAULT_INTERVAL, Done, JobKind, JobStatus, progress_callback, wait_flow, wait_timeout
from ._core.retry import DEFAULT_MAX_RETRIES
from ._drivers import CLOSED_MESSAGE, raw_client
from ._files.outputs import check_destination
from ._results import (
    CONTENT_FILTERED,
    Account,
    Engine,
    ImageResult,
    ModelResult,
    VideoResult,
    check_picture_suffix,
    check_suffix,
)
from ._types import (
    DEFAULT_ENGINE,
    DEFAULT_MASKING_ENGINE,
    AspectRatio,
    ClipGuidancePreset,
    ImageFormat,
    ImageInput,
    InpaintMode,
    LightSourceDirection,
    MaskSource,
    Prompt,
    Remesh,
    RemoveBackgroundFormat,
    Sampler,
    Sd3Format,
    Sd3Mode,
    Sd3Model,
    StylePreset,
    TextureResolution,
)

if TYPE_CHECKING:
    from stability_api import AuthenticatedClient

    from ._batch._input import BatchItem
    from ._batch._run import BatchOutcome
    from ._operations import jobs

_T = TypeVar("_T")
_R = TypeVar("_R", ImageResult, VideoResult)
logger = logging.getLogger("stability")


class AsyncStability:
    """The Stability AI API, asynchronously. Use it as ``async with AsyncStability() as client: ...``.

    Args:
        api_key: your key; default ``STABILITY_API_KEY`` (or the legacy ``STABILITY_KEY``) from the environment.
        base_url: default ``STABILITY_BASE_URL`` or ``https://api.stability.ai``.
        organization: bill this organization instead of the key's default one (the v1 and v1alpha operations that take one).
        timeout: seconds for a whole call, retries and their waits included; or an ``httpx.Timeout``
            with separate connect/read/write/pool parts, whose sum then bounds the whole call (default:
            connect 10 s, read and write 180 s, pool 60 s: 430 s in all).
        max_retries: how many times a failed request is sent again (default 2; 0 disables). Charged
            generations are retried only when they provably were not processed (see the README).
        http_client: your own ``httpx.AsyncClient`` (its pool, proxies, certificates).
        transport: an httpx transport for the client's own ``httpx.AsyncClient`` (for example
            ``stability.testing.FakeStability().transport()``).
        allow_insecure_http: allow sending the key over plain ``http://`` to a host that is not loopback.
        raise_on_content_filtered: raise ``ContentFilteredError`` instead of returning a filtered result.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        organization: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        allow_insecure_http: bool = False,
        raise_on_content_filtered: bool = False,
    ) -> None:
        configure_logging_from_env()
        self._options = Options.resolve(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            timeout=timeout,
            max_retries=max_retries,
            allow_insecure_http=allow_insecure_http,
            raise_on_content_filtered=raise_on_content_filtered,
        )
        check_http_arguments(http_client, transport, httpx.AsyncClient, httpx.AsyncBaseTransport)
        self._driver = AsyncDriver(http_client=http_client, transport=transport)
        self._owner = True
        self._raw: AuthenticatedClient | None = None

    def with_options(
        self,
        *,
        api_key: str | None = NOT_GIVEN,
        base_url: str = NOT_GIVEN,
        organization: str | None = NOT_GIVEN,
        timeout: float | httpx.Timeout = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        raise_on_content_filtered: bool = NOT_GIVEN,
    ) -> AsyncStability:
        """A copy with some options changed that shares this client's connection pool.

        ``client.with_options(timeout=300, max_retries=0).text_to_image(...)``. Closing the copy leaves the
        pool open; close the original when done.
        """
        given = dict(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            timeout=timeout,
            max_retries=max_retries,
            raise_on_content_filtered=raise_on_content_filtered,
        )
        return self._copy(self._options.replace(**{k: v for k, v in given.items() if v is not NOT_GIVEN}))

    def _paced(self, pacer: Pacer) -> AsyncStability:
        """A copy, sharing this client's connection pool, whose every request (starts, polls, downloads) first
        asks ``pacer`` for its slot and tells it of every 429: how ``batch`` keeps a whole run under the limit."""
        return self._copy(self._options.replace(pacer=pacer))

    def _copy(self, options: Options) -> AsyncStability:
        """A client with ``options`` on this one's pool, which stays this one's to close."""
        copy = object.__new__(type(self))
        copy._options = options
        copy._driver = self._driver
        copy._owner = False
        copy._raw = None
        return copy

    def batch(
        self,
        items: str | os.PathLike[str] | Iterable[BatchItem],
        *,
        out_dir: str | os.PathLike[str] = ".",
        manifest: str | os.PathLike[str] | None = None,
        operation: str | None = None,
        concurrency: int = 8,
        rate_limit: RateLimit | None = RateLimit(),  # noqa: B008 (frozen: one shared default is safe)
        max_credits: float | None = None,
        retry_uncertain: bool = False,
        force: bool = False,
    ) -> AsyncIterator[BatchOutcome]:
        """Run many requests under the account's rate limit, resumably; yield each item's outcome as it finishes.

        ``items`` is a batch file (``.jsonl``: one ``{"operation": ..., "id"?: ..., **arguments}`` per line;
        ``.csv`` with ``operation=``: a column per argument) or ``BatchItem`` objects (``read_batch``). A file is
        read and every line checked now, before anything is sent (``BatchInputError`` lists every bad line).

        Outputs go to ``out_dir`` as ``{key}.{ext}`` (several: ``{key}-1.{ext}``, ...), the key being the
        item's ``id`` or ``line-N``; written atomically, never over an existing file unless ``force``. The
        manifest (default ``out_dir/stability-batch.sqlite``) records each item's state, so running the same
        batch again resumes it: done items are skipped (their outcomes come first), started jobs are collected
        by id, failed items are sent again, and an item whose charged request may have been processed (the run
        ended while it was in flight) is reported ``uncertain`` and not sent again unless ``retry_uncertain``.
        No API offers an idempotency key, so exactly-once is impossible for a request in flight at a crash;
        that is the only window, and the manifest names every item in it.

        Args:
            concurrency: synchronous operations and job starts in flight at once (and as many polls).
            rate_limit: every request of the run (starts, polls, downloads) is paced under it (default the
                documented 150 requests in 10 s); a 429 that comes anyway holds the whole run for the lockout.
                None: no pacing.
            max_credits: stop starting items before the documented prices of those started would pass it; the
                rest are ``unstarted``.
        """
        from ._batch._run import batch

        return batch(
            self,
            items,
            out_dir=out_dir,
            manifest=manifest,
            operation=operation,
            concurrency=concurrency,
            rate_limit=rate_limit,
            max_credits=max_credits,
            retry_uncertain=retry_uncertain,
            force=force,
        )

    @property
    def jobs(self) -> AsyncJobs:
        """Resume jobs by id: ``client.jobs.get("upscale", job_id)``."""
        return AsyncJobs(self)

    @property
    def raw(self) -> AuthenticatedClient:
        """The generated ``stability_api`` client with this client's key, base URL, timeout and transport.

        For what the facade does not cover: ``get_balance.asyncio_detailed(client=client.raw)``. Its requests
        go through the ``http_client`` you gave, if any (its hooks, proxies and certificates apply). It is
        closed with this client.
        """
        if self._driver.closed:
            raise ConfigurationError(CLOSED_MESSAGE)
        if self._raw is None:
            self._raw = raw_client(self._options, self._driver.transport, self._driver.given)
        return self._raw

    async def aclose(self) -> None:
        """Close the connections (whichever event loop opened them). Later calls raise ``ConfigurationError``
        and a ``wait()`` in progress stops. A ``with_options`` copy leaves them to the original."""
        if self._raw is not None:
            await self._raw.__aexit__(None, None, None)
            self._raw = None
        if self._owner:
            await self._driver.aclose()

    async def __aenter__(self) -> AsyncStability:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._options.base_url!r})"

    async def _call(self, operation: Operation[_T]) -> _T:
        options = self._options
        return await self._driver.run(call_flow(operation, options.retry, deadline=options.call_deadline()), options)

    async def _run(self, name: str, args: dict[str, Any]) -> _T:  # type: ignore[type-var, unused-ignore]
        """Call the operation ``name`` with a method's arguments (its ``locals()``): every method's body.

        It returns what the registry says the operation returns; ``_T`` is whatever the calling method declares
        (its annotation is the one place the type is written; tests/facade check each one at run time).
        """
        from ._operations.registry import REGISTRY, prepare  # at first call: importing the client stays cheap

        args.pop("self", None)
        result: Any = await self._call(prepare(name, args, organization=self._options.organization))
        returns = REGISTRY[name].returns
        if returns == "job":
            return AsyncJob(self, name, result, started=time.monotonic())  # type: ignore[arg-type, return-value]
        if returns == "image":
            self._check_filtered(result)
        elif returns == "images":
            for image in result:
                self._check_filtered(image)
            # A list whenever ``samples`` is given, 1 included: what a type checker infers from the call (the
            # overloads key on None vs int, never on the value) is what the call returns.
            return result[0] if args.get("samples") is None else result  # type: ignore[no-any-return]
        return result  # type: ignore[no-any-return]

    def _check_filtered(self, result: ImageResult | VideoResult) -> None:
        if self._options.raise_on_content_filtered and result.finish_reason == CONTENT_FILTERED:
            raise ContentFilteredError(
                "the content filter changed the output (finish_reason CONTENT_FILTERED)", result=result
            )

    # ----------------------------------------------------------------------------------------- v1

    async def engines(self) -> list[Engine]:
        """The engines your key may use (v1)."""
        return await self._run("engines", {})

    async def account(self) -> Account:
        """The account that owns the key (v1)."""
        return await self._run("account", {})

    async def balance(self) -> float:
        """Credits left (v1; 1 credit = 1 US cent)."""
        return await self._run("balance", {})

    # ------------------------------------------------------------------------------------- v2beta

    async def generate_ultra(
        self,
        prompt: str,
        *,
        negative_prompt: str | None = None,
        aspect_ratio: AspectRatio | None = None,
        image: ImageInput | None = None,
        strength: float | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Generate an image with Stable Image Ultra, the highest quality (v2beta; 8 credits).

        About a megapixel in ``aspect_ratio`` (default 1:1). With ``image`` (sides 64..16384) and ``strength``
        (0: keep it, 1: ignore it), image-to-image. ``prompt`` may weight words as ``(word:0.8)``.
        """
        return await self._run("generate_ultra", locals())

    async def generate_core(
        self,
        prompt: str,
        *,
        negative_prompt: str | None = None,
        aspect_ratio: AspectRatio | None = None,
        style_preset: StylePreset | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Generate an image with Stable Image Core, fast and affordable (v2beta; 3 credits; 1.5 megapixels)."""
        return await self._run("generate_core", locals())

    async def generate_sd3(
        self,
        prompt: str,
        *,
        negative_prompt: str | None = None,
        model: Sd3Model | None = None,
        mode: Sd3Mode | None = None,
        image: ImageInput | None = None,
        strength: float | None = None,
        aspect_ratio: AspectRatio | None = None,
        cfg_scale: float | None = None,
        seed: int | None = None,
        output_format: Sd3Format | None = None,
    ) -> ImageResult:
        """Generate an image with Stable Diffusion 3.5 or 3.0 (v2beta; 3.5 to 6.5 credits by ``model``).

        Text-to-image, or with ``image`` and ``strength`` image-to-image (``mode`` follows from ``image``).
        ``aspect_ratio`` is for text-to-image only; ``negative_prompt`` does not work with sd3-large-turbo.
        """
        return await self._run("generate_sd3", locals())

    async def upscale_fast(self, image: ImageInput, *, output_format: ImageFormat | None = None) -> ImageResult:
        """Upscale an image 4x in about a second (v2beta; 1 credit).

        The image needs sides of 32..1536 and 1,024 to 1,048,576 pixels.
        """
        return await self._run("upscale_fast", locals())

    async def upscale_conservative(
        self,
        prompt: str,
        *,
        image: ImageInput,
        negative_prompt: str | None = None,
        creativity: float | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Upscale an image to about 4 megapixels, changing it as little as possible (v2beta; 25 credits).

        The image needs 4,096 to 9,437,184 pixels, sides of at least 64 and an aspect ratio between 1:2.5 and
        2.5:1; ``creativity`` is 0.2..0.5.
        """
        return await self._run("upscale_conservative", locals())

    async def upscale_creative(
        self,
        prompt: str,
        *,
        image: ImageInput,
        negative_prompt: str | None = None,
        creativity: float | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> AsyncJob[ImageResult]:
        """Start a creative upscale of a degraded image to about 4 megapixels (v2beta; 25 credits); returns its job.

        The image needs 4,096 to 1,048,576 pixels and sides of at least 64; ``creativity`` is 0..0.35.
        """
        return await self._run("upscale_creative", locals())

    async def image_to_video_v2beta(
        self,
        image: ImageInput,
        *,
        seed: int | None = None,
        cfg_scale: float | None = None,
        motion_bucket_id: float | None = None,
    ) -> AsyncJob[VideoResult]:
        """Start a video generation from an image (v2beta; 20 credits) and return its job at once.

        The image must be a PNG or JPEG of exactly 1024x576, 576x1024 or 768x768 pixels. ``cfg_scale``
        0..10, ``motion_bucket_id`` 1..255 (more motion).
        """
        return await self._run("image_to_video_v2beta", locals())

    # ------------------------------------------------------------------------------------ v2beta edit

    async def edit_erase(
        self,
        image: ImageInput,
        *,
        mask: ImageInput | None = None,
        grow_mask: float | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Erase what the mask's white covers (or the image's transparent pixels), filling it in (v2beta; 3 credits).

        The image needs 4,096 to 9,437,184 pixels and sides of at least 64; ``grow_mask`` 0..20 (default 5).
        """
        return await self._run("edit_erase", locals())

    async def edit_inpaint(
        self,
        prompt: str,
        *,
        image: ImageInput,
        mask: ImageInput | None = None,
        negative_prompt: str | None = None,
        grow_mask: float | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Repaint what the mask's white covers (or the image's transparent pixels) as ``prompt`` says (v2beta;
        3 credits). Today's successor of ``inpaint(mode="mask")``.

        The image needs 4,096 to 9,437,184 pixels and sides of at least 64; ``grow_mask`` 0..100 (default 5).
        """
        return await self._run("edit_inpaint", locals())

    async def edit_outpaint(
        self,
        image: ImageInput,
        *,
        left: int | None = None,
        right: int | None = None,
        up: int | None = None,
        down: int | None = None,
        prompt: str | None = None,
        creativity: float | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Extend the image by the given margins in pixels (each 0..2000, at least one above 0), painting what lies
        beyond its edges (v2beta; 4 credits).

        The image needs 4,096 to 9,437,184 pixels, sides of at least 64 and an aspect ratio from 1:2.5 to 2.5:1;
        ``creativity`` 0.2..0.5.
        """
        return await self._run("edit_outpaint", locals())

    async def edit_search_and_replace(
        self,
        prompt: str,
        *,
        image: ImageInput,
        search_prompt: str,
        negative_prompt: str | None = None,
        grow_mask: float | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Replace what ``search_prompt`` names (``"glasses"``) with what ``prompt`` describes; no mask needed
        (v2beta; 4 credits). Today's successor of ``inpaint(mode="search")``.

        The image needs 4,096 to 9,437,184 pixels, sides of at least 64 and an aspect ratio from 1:2.5 to 2.5:1;
        ``grow_mask`` 0..20 (default 3).
        """
        return await self._run("edit_search_and_replace", locals())

    async def edit_search_and_recolor(
        self,
        prompt: str,
        *,
        image: ImageInput,
        select_prompt: str,
        negative_prompt: str | None = None,
        grow_mask: float | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Recolor what ``select_prompt`` names (``"jacket"``) as ``prompt`` says; no mask needed (v2beta; 5 credits).

        The image needs 4,096 to 9,437,184 pixels, sides of at least 64 and an aspect ratio from 1:2.5 to 2.5:1;
        ``grow_mask`` 0..20 (default 3). The result has the input's resolution.
        """
        return await self._run("edit_search_and_recolor", locals())

    async def edit_remove_background(
        self,
        image: ImageInput,
        *,
        output_format: RemoveBackgroundFormat | None = None,
    ) -> ImageResult:
        """Cut out the subject: the background becomes transparent (v2beta; 2 credits; PNG or WEBP).

        The image needs 4,096 to 4,194,304 pixels and sides of at least 64.
        """
        return await self._run("edit_remove_background", locals())

    async def edit_replace_background_and_relight(
        self,
        subject_image: ImageInput,
        *,
        background_prompt: str | None = None,
        background_reference: ImageInput | None = None,
        foreground_prompt: str | None = None,
        negative_prompt: str | None = None,
        preserve_original_subject: float | None = None,
        original_background_depth: float | None = None,
        keep_original_background: bool | None = None,
        light_source_direction: LightSourceDirection | None = None,
        light_reference: ImageInput | None = None,
        light_source_strength: float | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> AsyncJob[ImageResult]:
        """Start putting the subject on a new background, relit (v2beta; 8 credits); returns its job.

        Give ``background_prompt`` or ``background_reference`` (or both); ``light_source_strength`` needs
        ``light_reference`` or ``light_source_direction``. Every image needs 4,096 to 9,437,184 pixels and sides
        of at least 64 (the subject also an aspect ratio from 1:2.5 to 2.5:1); the weights are 0..1.
        """
        return await self._run("edit_replace_background_and_relight", locals())

    # --------------------------------------------------------------------------------- v2beta control

    async def control_sketch(
        self,
        prompt: str,
        *,
        image: ImageInput,
        control_strength: float | None = None,
        negative_prompt: str | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Turn a sketch into a finished image that follows its lines (v2beta; 3 credits).

        The sketch needs at most 9,437,184 pixels, sides of at least 64 and an aspect ratio from 1:2.5 to 2.5:1;
        ``control_strength`` 0..1 (default 0.7). The result has the sketch's resolution.
        """
        return await self._run("control_sketch", locals())

    async def control_structure(
        self,
        prompt: str,
        *,
        image: ImageInput,
        control_strength: float | None = None,
        negative_prompt: str | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Generate an image that keeps the structure (shapes, layout) of ``image`` (v2beta; 3 credits).

        The image needs 4,096 to 9,437,184 pixels, sides of at least 64 and an aspect ratio from 1:2.5 to 2.5:1;
        ``control_strength`` 0..1 (default 0.7). The result has the input's resolution.
        """
        return await self._run("control_structure", locals())

    async def control_style(
        self,
        prompt: str,
        *,
        image: ImageInput,
        aspect_ratio: AspectRatio | None = None,
        fidelity: float | None = None,
        negative_prompt: str | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Generate an image in the style of ``image`` (v2beta; 4 credits; about 1 megapixel).

        The image needs 4,096 to 9,437,184 pixels, sides of at least 64 and an aspect ratio from 1:2.5 to 2.5:1;
        ``fidelity`` 0..1 (default 0.5).
        """
        return await self._run("control_style", locals())

    # -------------------------------------------------------------------------------------- v2beta 3D

    async def stable_fast_3d(
        self,
        image: ImageInput,
        *,
        texture_resolution: TextureResolution | Literal[512, 1024, 2048] | None = None,
        foreground_ratio: float | None = None,
        remesh: Remesh | None = None,
        vertex_count: int | None = None,
    ) -> ModelResult:
        """Make a textured 3D model (a binary glTF file) from an image of an object (v2beta; 2 credits).

        The image needs 4,096 to 4,194,304 pixels and sides of at least 64. ``texture_resolution`` 512, 1024
        (default) or 2048; ``foreground_ratio`` 0.1..1 (default 0.85); ``vertex_count`` -1 (no limit) to 20,000.
        """
        return await self._run("stable_fast_3d", locals())

    # ------------------------------------------------------------------------------------ v1alpha

    @overload
    async def text_to_image(
        self,
        prompt: Prompt,
        *,
        negative_prompt: str | None = None,
        engine: str = DEFAULT_ENGINE,
        width: int | None = None,
        height: int | None = None,
        cfg_scale: float | None = None,
        steps: int | None = None,
        samples: None = None,
        seed: int | None = None,
        sampler: Sampler | None = None,
        clip_guidance_preset: ClipGuidancePreset | None = None,
    ) -> ImageResult: ...

    @overload
    async def text_to_image(
        self,
        prompt: Prompt,
        *,
        negative_prompt: str | None = None,
        engine: str = DEFAULT_ENGINE,
        width: int | None = None,
        height: int | None = None,
        cfg_scale: float | None = None,
        steps: int | None = None,
        samples: int,
        seed: int | None = None,
        sampler: Sampler | None = None,
        clip_guidance_preset: ClipGuidancePreset | None = None,
    ) -> list[ImageResult]: ...

    async def text_to_image(
        self,
        prompt: Prompt,
        *,
        negative_prompt: str | None = None,
        engine: str = DEFAULT_ENGINE,
        width: int | None = None,
        height: int | None = None,
        cfg_scale: float | None = None,
        steps: int | None = None,
        samples: int | None = None,
        seed: int | None = None,
        sampler: Sampler | None = None,
        clip_guidance_preset: ClipGuidancePreset | None = None,
    ) -> ImageResult | list[ImageResult]:
        """Generate an image from text (v1alpha).

        ``prompt`` is text or a list of texts and ``(text, weight)`` pairs (negative weights steer away).
        Sizes are 512..2048, multiples of 64, at most 1 megapixel; cfg_scale 0..35; steps 10..150;
        samples 1..10; seed 0..2147483647 (0 or None: random).

        Without ``samples`` the call returns one ``ImageResult``; with ``samples=n`` it returns a list of
        ``n``, also for ``samples=1``, so the type depends only on whether ``samples`` is given.
        """
        return await self._run("text_to_image", locals())

    @overload
    async def image_to_image(
        self,
        prompt: Prompt,
        *,
        image: ImageInput,
        negative_prompt: str | None = None,
        engine: str = DEFAULT_ENGINE,
        step_schedule_start: float | None = None,
        step_schedule_end: float | None = None,
        cfg_scale: float | None = None,
        steps: int | None = None,
        samples: None = None,
        seed: int | None = None,
        sampler: Sampler | None = None,
        clip_guidance_preset: ClipGuidancePreset | None = None,
    ) -> ImageResult: ...

    @overload
    async def image_to_image(
        self,
        prompt: Prompt,
        *,
        image: ImageInput,
        negative_prompt: str | None = None,
        engine: str = DEFAULT_ENGINE,
        step_schedule_start: float | None = None,
        step_schedule_end: float | None = None,
        cfg_scale: float | None = None,
        steps: int | None = None,
        samples: int,
        seed: int | None = None,
        sampler: Sampler | None = None,
        clip_guidance_preset: ClipGuidancePreset | None = None,
    ) -> list[ImageResult]: ...

    async def image_to_image(
        self,
        prompt: Prompt,
        *,
        image: ImageInput,
        negative_prompt: str | None = None,
        engine: str = DEFAULT_ENGINE,
        step_schedule_start: float | None = None,
        step_schedule_end: float | None = None,
        cfg_scale: float | None = None,
        steps: int | None = None,
        samples: int | None = None,
        seed: int | None = None,
        sampler: Sampler | None = None,
        clip_guidance_preset: ClipGuidancePreset | None = None,
    ) -> ImageResult | list[ImageResult]:
        """Generate an image from an initial image and text (v1alpha); the output has the image's size.

        ``image`` is a path, bytes, a binary file or a ``PIL.Image`` (PNG, JPEG or WEBP).
        ``step_schedule_start`` (0..1) is how far the image may change: 0 keeps it, 1 ignores it.
        Without ``samples``, one ``ImageResult``; with ``samples=n`` (1 included), a list of ``n``.
        """
        return await self._run("image_to_image", locals())

    @overload
    async def masked_image_to_image(
        self,
        prompt: Prompt,
        *,
        image: ImageInput,
        mask: ImageInput | None = None,
        mask_source: MaskSource | None = None,
        negative_prompt: str | None = None,
        engine: str = DEFAULT_MASKING_ENGINE,
        cfg_scale: float | None = None,
        steps: int | None = None,
        samples: None = None,
        seed: int | None = None,
        sampler: Sampler | None = None,
        clip_guidance_preset: ClipGuidancePreset | None = None,
    ) -> ImageResult: ...

    @overload
    async def masked_image_to_image(
        self,
        prompt: Prompt,
        *,
        image: ImageInput,
        mask: ImageInput | None = None,
        mask_source: MaskSource | None = None,
        negative_prompt: str | None = None,
        engine: str = DEFAULT_MASKING_ENGINE,
        cfg_scale: float | None = None,
        steps: int | None = None,
        samples: int,
        seed: int | None = None,
        sampler: Sampler | None = None,
        clip_guidance_preset: ClipGuidancePreset | None = None,
    ) -> list[ImageResult]: ...

    async def masked_image_to_image(
        self,
        prompt: Prompt,
        *,
        image: ImageInput,
        mask: ImageInput | None = None,
        mask_source: MaskSource | None = None,
        negative_prompt: str | None = None,
        engine: str = DEFAULT_MASKING_ENGINE,
        cfg_scale: float | None = None,
        steps: int | None = None,
        samples: int | None = None,
        seed: int | None = None,
        sampler: Sampler | None = None,
        clip_guidance_preset: ClipGuidancePreset | None = None,
    ) -> ImageResult | list[ImageResult]:
        """Repaint the masked part of an image (v1alpha image-to-image/masking).

        With a ``mask`` (same size as ``image``), white pixels are repainted (``mask_source`` default
        ``MASK_IMAGE_WHITE``; ``MASK_IMAGE_BLACK`` repaints black ones). Without one, the transparent
        pixels of ``image`` are repainted (``INIT_IMAGE_ALPHA``).
        Without ``samples``, one ``ImageResult``; with ``samples=n`` (1 included), a list of ``n``.
        """
        return await self._run("masked_image_to_image", locals())

    async def engines_v1alpha(self) -> list[Engine]:
        """The engines your key may use (v1alpha; retired by Stability in 2023: use ``engines()``)."""
        return await self._run("engines_v1alpha", {})

    async def account_v1alpha(self) -> Account:
        """The account that owns the key (v1alpha; retired by Stability in 2023: use ``account()``)."""
        return await self._run("account_v1alpha", {})

    async def balance_v1alpha(self) -> float:
        """Credits left (v1alpha; retired by Stability in 2023: use ``balance()``)."""
        return await self._run("balance_v1alpha", {})

    # ------------------------------------------------------------------------------------ v2alpha

    async def inpaint(
        self,
        prompt: str,
        *,
        image: ImageInput,
        mask: ImageInput | None = None,
        search_prompt: str | None = None,
        mode: InpaintMode | None = None,
        negative_prompt: str | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
    ) -> ImageResult:
        """Repaint part of an image (v2alpha stable-image inpaint; 3 or 4 credits).

        Search mode (give ``search_prompt``): the API finds what it names and replaces it as ``prompt``
        says. Mask mode (the default otherwise): ``mask`` (white = repaint) or, without one, the image's
        transparent pixels. ``prompt`` may weight words as ``(word:0.8)``. The image needs 4,096 to
        9,437,184 pixels and sides of at least 64.
        """
        return await self._run("inpaint", locals())

    async def upscale(
        self,
        prompt: str,
        *,
        image: ImageInput,
        negative_prompt: str | None = None,
        seed: int | None = None,
        output_format: ImageFormat | None = None,
        creativity: float | None = None,
    ) -> AsyncJob[ImageResult]:
        """Start an upscale (v2alpha, up to 4K; 25 credits) and return its job at once.

        ``await job.wait()`` gives the ``ImageResult``. The image needs 4,096 to 1,048,576 pixels and
        sides of at least 64; ``creativity`` is 0..0.35.
        """
        return await self._run("upscale", locals())

    async def image_to_video(
        self,
        image: ImageInput,
        *,
        seed: int | None = None,
        cfg_scale: float | None = None,
        motion_bucket_id: float | None = None,
    ) -> AsyncJob[VideoResult]:
        """Start a video generation from an image (v2alpha; 20 credits) and return its job at once.

        The image must be a PNG or JPEG of exactly 1024x576, 576x1024 or 768x768 pixels. ``cfg_scale``
        0..10 (how closely the video keeps to the image), ``motion_bucket_id`` 1..255 (more motion).
        """
        return await self._run("image_to_video", locals())


class AsyncJob(Generic[_R]):
    """A running upscale or image-to-video generation. Results are kept by the API for 24 hours.

    ``await job.wait()`` polls until done and returns the result; ``await job.save(path)`` streams it to
    disk instead; ``await job.poll()`` checks once. Keep ``job.id`` to resume later with
    ``client.jobs.get(job.kind, job.id)`` (with the same API key).

    A job pickles as its kind, id and ``created_at``, without its client (which holds connections and locks):
    unpickled, in another process or later, it is bound to a client with ``client.jobs.attach(job)``.
    """

    def __init__(self, client: AsyncStability, kind: JobKind, job_id: str, *, started: float | None = None) -> None:
        self._bound: AsyncStability | None = client
        self.kind: JobKind = kind
        self.id: str = job_id
        """The generation id the API gave the job."""
        self.created_at: datetime = datetime.now(UTC)
        """When this handle was made (the start call's time, for a new job)."""
        self._started = started
        self._result: _R | None = None
        self.status: JobStatus | None = None
        """The last status seen by ``poll()`` or ``wait()``."""
        # What the wait's deadline is measured on; with the driver's ``_sleep``, tests let hours pass at once.
        self._clock: Callable[[], float] = time.monotonic

    @property
    def done(self) -> bool:
        """Whether a poll has seen the job finished."""
        return self._result is not None

    @property
    def result(self) -> _R | None:
        """The result, once a poll has seen it."""
        return self._result

    def __repr__(self) -> str:
        state = "done" if self.done else (self.status.state if self.status else "started")
        return f"{type(self).__name__}(kind={self.kind!r}, id={self.id!r}, state={state!r})"

    def __getstate__(self) -> dict[str, Any]:
        # What names the job, not what waits for it: the client stays behind, and so does the start's
        # monotonic time (meaningless in another process) and any result (the API keeps it 24 hours).
        return {"kind": self.kind, "id": self.id, "created_at": self.created_at}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._bound = None
        self.kind, self.id, self.created_at = state["kind"], state["id"], state["created_at"]
        self._started = None
        self._result = None
        self.status = None
        self._clock = time.monotonic

    @property
    def _client(self) -> AsyncStability:
        if self._bound is None:
            raise ConfigurationError(
                f"this {self.kind} job ({self.id}) was unpickled without a client: bind it to one with "
                "job = client.jobs.attach(job)"
            )
        return self._bound

    def _interval(self, poll_interval: float | None) -> float:
        interval = DEFAULT_INTERVAL[self.kind] if poll_interval is None else poll_interval
        if (
            isinstance(interval, bool)
            or not isinstance(interval, int | float)
            # Also refuses NaN, which no sleep accepts, and 10**400, which no float holds: results are kept a day.
            or not 0 < interval <= 86400
        ):
            from ._core.errors import ValidationError

            raise ValidationError("poll_interval", poll_interval, "must be a positive number of seconds, at most 86400")
        return float(interval)

    def _flow(self, *, sink: jobs.ResultSink | None, timeout: float, begin: float, poll_interval: float | None, backoff: float,
              on_progress: Callable[[JobStatus], Any] | None) -> Any:  # fmt: skip
        progress_callback(on_progress)  # the closure below always is one: checked here, before a poll

        def progress(status: JobStatus) -> None:
            self.status = status
            if on_progress is not None:
                on_progress(status)

        from ._operations import jobs  # at first use: `from stability import Stability` loads no operation

        options = self._client._options
        return wait_flow(
            jobs.job_result(self.kind, self.id, sink=sink),
            job_id=self.id,
            kind=self.kind,
            policy=options.retry,
            interval=self._interval(poll_interval),
            timeout=timeout,
            begin=begin,
            poll_timeout=options.total,
            started=self._started,
            backoff=backoff,
            on_progress=progress,
            clock=self._clock,
        )

    async def poll(self) -> bool:
        """Check once (no sleeping); True when the job is done and ``result`` is set."""
        if self._result is None:
            from ._operations import jobs  # at first use: `from stability import Stability` loads no operation

            outcome = await self._client._call(jobs.job_result(self.kind, self.id))
            if isinstance(outcome, Done):
                self._result = outcome.result
        return self._result is not None

    async def wait(
        self,
        *,
        timeout: float | None = None,
        poll_interval: float | None = None,
        backoff: float = 1.0,
        on_progress: Callable[[JobStatus], Any] | None = None,
    ) -> _R:
        """Poll until the job is done and return its result.

        Args:
            timeout: the most seconds to wait, polls and their retries included: then ``JobTimeoutError``
                (the job goes on; resume it by id). None (the default) waits up to 30 minutes, long enough
                for the slowest job; ``math.inf`` waits for as long as the job takes.
            poll_interval: seconds between polls (default 10, as the API asks for upscale).
            backoff: multiply the interval by this after each poll (capped at 30 s, or the interval if longer); a
                number >= 0, where 1 or less keeps the interval steady.
            on_progress: called after every poll with a ``JobStatus`` (elapsed, polls, state).

        A 429 while polling (the key is rate-limited) is waited out: the next poll comes after its
        ``Retry-After``, or after the documented 60 s lockout when it has none.

        Raises:
            JobTimeoutError: the deadline passed; ``last_error`` (and ``__cause__``) is the last failed poll.
            ContentFilteredError: the result was filtered and the client has ``raise_on_content_filtered``.
        """
        if self._result is None:
            seconds = wait_timeout(timeout)
            flow = self._flow(
                sink=None,
                timeout=seconds,
                begin=self._clock(),
                poll_interval=poll_interval,
                backoff=backoff,
                on_progress=on_progress,
            )
            result: _R = await self._client._driver.run(flow, self._client._options)
            self._client._check_filtered(result)
            self._result = result
        return self._result

    async def save(
        self,
        path: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_progress: Callable[[JobStatus], Any] | None = None,
    ) -> Path:
        """Wait for the job and stream its result to ``path`` in chunks: memory stays flat, the file is
        complete or absent, and an existing file is kept unless ``overwrite``.

        The result is checked as ``wait()`` checks it, before it is committed: an HTML or JSON answer, or
        bytes that are not the job's media, raise ``MalformedResponseError``; a body cut short is fetched again
        (up to ``max_retries`` times, then ``APIConnectionError``). ``timeout`` bounds the whole call, the
        download included (None: 30 minutes; ``math.inf``: no deadline); every request also keeps the
        client's ``timeout``. With ``raise_on_content_filtered``, a filtered result raises
        ``ContentFilteredError`` carrying the result, and no file is written.
        """
        from ._operations import jobs  # at first use: `from stability import Stability` loads no operation

        destination = check_destination(path, overwrite=overwrite)
        if jobs.result_entry(self.kind).media == "video":
            check_suffix(path, "mp4")  # known before waiting; an upscale's format is known at its first bytes
        else:
            check_picture_suffix(path)
        seconds = wait_timeout(timeout)
        if self._result is not None:
            self._client._check_filtered(self._result)
            return self._result.save(destination, overwrite=overwrite)
        options = self._client._options
        sink = jobs.ResultSink(
            self.kind,
            destination,
            path=path,
            overwrite=overwrite,
            filtered_in_memory=options.raise_on_content_filtered,
        )
        # One flow: the polls, then the download, fetched again by the retry policy when it breaks off, all
        # within the one deadline.
        flow = self._flow(
            sink=sink,
            timeout=seconds,
            begin=self._clock(),
            poll_interval=poll_interval,
            backoff=1.0,
            on_progress=on_progress,
        )
        outcome: Path | _R = await self._client._driver.run(flow, options)
        if isinstance(outcome, Path):
            return outcome
        # A result marked as filtered was read into memory: ContentFilteredError carries it.
        self._client._check_filtered(outcome)
        self._result = outcome
        return outcome.save(destination, overwrite=overwrite)


class AsyncJobs:
    """Job handles by id, for jobs started earlier (in this process or another)."""

    def __init__(self, client: AsyncStability) -> None:
        self._client = client

    @overload
    def get(self, kind: Literal["upscale"], job_id: str) -> AsyncJob[ImageResult]: ...
    @overload
    def get(self, kind: Literal["image_to_video"], job_id: str) -> AsyncJob[VideoResult]: ...
    @overload
    def get(self, kind: Literal["upscale_creative"], job_id: str) -> AsyncJob[ImageResult]: ...
    @overload
    def get(self, kind: Literal["image_to_video_v2beta"], job_id: str) -> AsyncJob[VideoResult]: ...
    @overload
    def get(self, kind: Literal["edit_replace_background_and_relight"], job_id: str) -> AsyncJob[ImageResult]: ...
    def get(self, kind: JobKind, job_id: str) -> AsyncJob[Any]:
        """The job ``job_id`` of ``kind`` (the method that started it: "upscale_creative", "image_to_video_v2beta",
        "edit_replace_background_and_relight", "upscale", "image_to_video"); poll it with the same API key."""
        from ._operations import jobs  # at first use: `from stability import Stability` loads no operation

        jobs.check_job(kind, job_id)
        return AsyncJob(self._client, kind, job_id)

    def attach(self, job: AsyncJob[_R]) -> AsyncJob[_R]:
        """Bind ``job`` to this client, in place, and return it: for a job unpickled in another process (or
        one whose client was closed). Its kind, id and ``created_at`` are kept."""
        from ._operations import jobs  # at first use: `from stability import Stability` loads no operation

        if not isinstance(job, AsyncJob):
            from ._core.errors import ValidationError

            rule = f"must be a {AsyncJob.__name__} (one unpickled, or made by client.jobs.get(kind, id))"
            raise ValidationError("job", type(job).__name__, rule)
        jobs.check_job(job.kind, job.id)
        job._bound = self._client
        return job
