"""The batch engines: ``Stability.batch`` (a thread pool) and ``AsyncStability.batch`` (tasks), over one plan.

Theory of operation. ``_Run`` holds everything both engines share and does no network I/O: the manifest (every
state change is committed by it, from the one thread that drives the run), the plan of a rerun, the credit
gate, and the poll schedule. An engine only runs two kinds of work concurrently, up to ``concurrency`` of each:
*sends* (a synchronous operation, whose answer is the result, or a job start, whose answer is a job id) and
*polls* of started jobs, all due polls at once, each job at its own interval; a poll that finds the job done
downloads its result. Every request of either kind goes through the run's ``Limiter`` (``Options.pacer``), so
the run as a whole stays under the account's limit, and a 429 holds all of it.

Exactly-once. A charged request that is in flight when the process dies may or may not have been processed,
and the API offers no idempotency key to find out; such an item is reported ``uncertain`` by the next run and
not sent again unless ``retry_uncertain=True``. The window is the request itself: ``sending`` is committed just
before it, and its answer (a job id, or the outputs written atomically and then ``done``) just after.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import os
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from .._core.errors import (
    APIConnectionError,
    APIError,
    JobNotFoundError,
    MalformedResponseError,
    RateLimitError,
    ServerError,
    StabilityError,
    ValidationError,
)
from .._core.polling import DEFAULT_INTERVAL
from .._results import _SUFFIXES
from ._input import BatchInputError, BatchItem, check_items, read_batch
from ._manifest import Manifest, adoptable, content_hash, outputs_on_disk, plan, stale_temporaries
from ._pacing import Limiter, RateLimit

if TYPE_CHECKING:
    from .._async_client import AsyncStability
    from .._sync_client import Stability

State = Literal["done", "failed", "skipped", "uncertain", "unstarted"]
MANIFEST_NAME = "stability-batch.sqlite"
_OUTPUT_SUFFIXES = frozenset(suffix.lstrip(".") for suffix in _SUFFIXES.values())


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What became of one item in this run (``client.batch`` yields one per item, as each finishes)."""

    item: BatchItem
    state: State
    """``done``; ``failed`` (``error`` says why; a rerun sends it again, unless it may have been charged: then
    it is ``uncertain`` there); ``skipped``: done by an earlier run, its files still there; ``uncertain``: a
    charged request (of an earlier run, or of this one that broke off) may have been processed, and is not sent
    again without ``retry_uncertain``; ``unstarted``: ``max_credits`` was reached before it started."""
    outputs: tuple[Path, ...] = ()
    """The files written (or found, when skipped): ``key.ext``, or ``key-1.ext``, ``key-2.ext``... for several."""
    seed: int | None = None
    """The seed the API used (None when it sends none, or the outputs were found on disk)."""
    error: str | None = None
    """The typed error, as ``ClassName: message``."""
    credits: float = 0.0
    """This item's credits (the documented price) spent in THIS run: 0.0 unless its charged request was sent here."""
    seconds: float = 0.0
    """From its first request in this run to its outcome."""


# --------------------------------------------------------------------------------------------- the plan


@dataclass(slots=True)
class _Poll:
    item: BatchItem
    job: Any  # AsyncJob or Job
    began: float
    charged: bool


class _Run:
    """The state of one run, shared by both engines; called from one thread (the one iterating)."""

    def __init__(
        self,
        items: Sequence[BatchItem],
        *,
        out_dir: Path,
        manifest: Path,
        concurrency: int,
        max_credits: float | None,
        retry_uncertain: bool,
        force: bool,
        poll_interval: float | None,
        pacer: Limiter | None,
    ) -> None:
        self.items = items
        self.pacer = pacer
        self.out_dir = out_dir
        self.manifest_path = manifest
        self.concurrency = concurrency
        self.max_credits = max_credits
        self.retry_uncertain = retry_uncertain
        self.force = force
        self.poll_interval = poll_interval
        self.spent = 0.0
        self.manifest: Manifest | None = None
        self.sends: deque[BatchItem] = deque()
        self.began: dict[str, float] = {}
        self.polls: list[tuple[float, int, _Poll]] = []
        self._order = itertools.count()
        self.over_budget = False
        self.on_disk: dict[str, list[Path]] = {}
        self.warm = False
        """Whether a request has completed: until then one send at a time (see ``limit``)."""

    # -- opening

    def open(self, resume: Callable[[str, str], Any]) -> list[BatchOutcome]:
        """Open the manifest and plan every item; the outcomes known at once (skipped, adopted, uncertain).

        ``resume(kind, job_id)`` makes the job handle of a started item (``client.jobs.get``).
        """
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchInputError(os.fspath(self.out_dir), [(0, f"cannot be created: {exc.strerror or exc}")]) from None
        self.manifest = manifest = Manifest(self.manifest_path)
        for temp in stale_temporaries(self.out_dir, (item.key for item in self.items)):
            try:  # half-written outputs of a killed run: never a result (the whole file was not committed)
                temp.unlink()
            except OSError:
                pass
        self.on_disk = outputs_on_disk(self.out_dir, _OUTPUT_SUFFIXES)
        rows = manifest.rows()
        hashed = [(item, content_hash(item)) for item in self.items]
        outcomes = []
        for item, digest in hashed:
            row = rows.get(item.key)
            found = adoptable(self._existing(item.key), row) if row is not None and row.hash == digest else []
            action = plan(digest, row, found=found, retry_uncertain=self.retry_uncertain)
            if action == "skip":
                assert row is not None
                outcomes.append(BatchOutcome(item, "skipped", tuple(map(Path, row.outputs)), row.seed))
            elif action == "adopt":
                manifest.done(item.key, found, None)
                outcomes.append(BatchOutcome(item, "done", tuple(found)))
            elif action == "uncertain":
                assert row is not None
                why = "its request was sent by an earlier run that ended before the answer was recorded"
                outcomes.append(BatchOutcome(item, "uncertain", error=row.error or why))
            elif action == "resume":
                assert row is not None and row.job_id is not None
                try:
                    job = resume(item.operation, row.job_id)
                except StabilityError as exc:
                    manifest.failed(item.key, _described(exc))
                    outcomes.append(BatchOutcome(item, "failed", error=_described(exc)))
                    continue
                self._schedule(_Poll(item, job, time.monotonic(), charged=False), due=0.0)
            else:
                self.sends.append(item)
        manifest.register(hashed, rows)
        return outcomes

    def close(self) -> None:
        if self.manifest is not None:
            self.manifest.close()

    def _existing(self, key: str) -> list[Path]:
        """Output files of ``key`` that were there when the run began (what the run writes itself, it writes
        without replacing anything, so a file that appears meanwhile is refused by the write)."""
        return self.on_disk.get(key, [])

    # -- sends

    def _warmed(self) -> None:
        if not self.warm:
            self.warm = True
            if self.pacer is not None:
                self.pacer.settled(time.monotonic())

    def room(self, sends: int, polls: int, *, send: bool) -> bool:
        """Whether another send (or poll) may start: up to ``concurrency`` of each.

        Except at first: the first request of a process pays for imports, the connection pool and the first
        connection, so it reaches the API late, and a request sent one window after it (on time) could land in
        the same window of the API's count. So the run starts with that one request alone.
        """
        if not self.warm:
            return sends + polls == 0
        return (sends if send else polls) < self.concurrency

    def take(self) -> BatchItem | BatchOutcome | None:
        """The next item to send (``sending`` committed), an outcome decided without sending, or None."""
        if not self.sends:
            return None
        item = self.sends.popleft()
        if self.over_budget or (self.max_credits is not None and self.spent + item.credits > self.max_credits):
            self.over_budget = True  # stop starting: what follows would also pass, or jump the queue's order
            return BatchOutcome(item, "unstarted")
        existing = self._existing(item.key)
        if existing and not self.force:
            error = f"FileExistsError: {existing[0]} already exists; pass force=True to replace it"
            self._manifest().failed(item.key, error)
            return BatchOutcome(item, "failed", error=error)
        self._manifest().sending(item)
        self.spent += item.credits
        self.began[item.key] = time.monotonic()
        return item

    def sent(self, item: BatchItem, answer: Any) -> BatchOutcome | None:
        """A send's answer: a job (``started`` committed, its first poll scheduled) or the saved outputs."""
        self._warmed()
        if isinstance(answer, tuple):
            outputs, seed = answer
            self._manifest().done(item.key, outputs, seed)
            return self._outcome(item, "done", outputs=outputs, seed=seed, charged=True)
        self._manifest().started(item.key, answer.id)
        self._schedule(_Poll(item, answer, self.began[item.key], charged=True), due=self._interval(item))
        return None

    def send_failed(self, item: BatchItem, exc: BaseException) -> BatchOutcome:
        self._warmed()
        error = _described(exc)
        if _maybe_charged(exc):
            self._manifest().noted(item.key, error)  # stays ``sending``: the next run says uncertain
            return self._outcome(item, "uncertain", error=error, charged=True)
        self._manifest().failed(item.key, error)
        return self._outcome(item, "failed", error=error, charged=_charged(exc))

    # -- polls

    def _interval(self, item: BatchItem) -> float:
        if self.poll_interval is not None:
            return self.poll_interval
        return DEFAULT_INTERVAL.get(item.operation, 10.0)  # type: ignore[call-overload, no-any-return]

    def _schedule(self, poll: _Poll, *, due: float) -> None:
        heapq.heappush(self.polls, (time.monotonic() + due, next(self._order), poll))

    def due(self, now: float) -> _Poll | None:
        if self.polls and self.polls[0][0] <= now:
            return heapq.heappop(self.polls)[2]
        return None

    def next_due(self) -> float | None:
        return self.polls[0][0] if self.polls else None

    def polled(self, poll: _Poll, answer: tuple[list[Path], int | None] | None) -> BatchOutcome | None:
        self._warmed()
        if answer is None:
            self._schedule(poll, due=self._interval(poll.item))
            return None
        outputs, seed = answer
        self._manifest().done(poll.item.key, outputs, seed)
        return self._outcome(poll.item, "done", outputs=outputs, seed=seed, charged=poll.charged, began=poll.began)

    def poll_failed(self, poll: _Poll, exc: BaseException) -> BatchOutcome:
        self._warmed()
        error = _described(exc)
        if _job_lost(exc):
            self._manifest().failed(poll.item.key, error)
        else:  # the job may still finish: it stays ``started``, and the next run resumes it by id
            self._manifest().noted(poll.item.key, error)
        return self._outcome(poll.item, "failed", error=error, charged=poll.charged, began=poll.began)

    # -- outcomes

    def _outcome(
        self,
        item: BatchItem,
        state: State,
        *,
        outputs: Iterable[Path] = (),
        seed: int | None = None,
        error: str | None = None,
        charged: bool,
        began: float | None = None,
    ) -> BatchOutcome:
        start = began if began is not None else self.began.get(item.key, time.monotonic())
        credits = item.credits if charged else 0.0
        return BatchOutcome(item, state, tuple(outputs), seed, error, credits, time.monotonic() - start)

    def _manifest(self) -> Manifest:
        assert self.manifest is not None, "open() first"
        return self.manifest


def _described(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _maybe_charged(exc: BaseException) -> bool:
    """Whether a failed charged request may have been processed (and charged): no answer, or a 5xx (the retry
    policy's own rule), or a success whose body could not be read. Not: a refusal (4xx, nothing charged), a
    check made before sending, or a result that was answered but could not be saved (charged, and known)."""
    if isinstance(exc, MalformedResponseError | ServerError):
        return True
    if isinstance(exc, APIError | ValidationError | OSError):
        return False
    if isinstance(exc, StabilityError):
        return isinstance(exc, APIConnectionError)
    return True  # an unexpected error: the request's fate is unknown


def _charged(exc: BaseException) -> bool:
    """A definite failure after the API answered a success (the result could not be saved, or was filtered)."""
    return isinstance(exc, OSError) or (
        isinstance(exc, StabilityError) and not isinstance(exc, APIError | ValidationError)
    )


def _job_lost(exc: BaseException) -> bool:
    """A poll error after which the job cannot be collected any more (resuming it would fail the same way)."""
    if isinstance(exc, JobNotFoundError):
        return True
    if isinstance(exc, RateLimitError | ServerError | MalformedResponseError | APIConnectionError):
        return False
    return isinstance(exc, APIError)


# ------------------------------------------------------------------------------------------- outputs


def save_outputs(result: Any, out_dir: Path, key: str, *, force: bool) -> tuple[list[Path], int | None]:
    """Write a result (or a list of them: ``key-1``, ``key-2``...) atomically, named by ``key``."""
    results = result if isinstance(result, list) else [result]
    paths = []
    for index, one in enumerate(results, start=1):
        suffix = _SUFFIXES.get(one.format, f".{one.format}")
        name = f"{key}{suffix}" if len(results) == 1 and not isinstance(result, list) else f"{key}-{index}{suffix}"
        paths.append(one.save(out_dir / name, overwrite=force))
    return paths, getattr(results[0], "seed", None) if results else None


async def _send_async(client: AsyncStability, item: BatchItem, out_dir: Path, force: bool) -> Any:
    from .._async_client import AsyncJob

    answer = await getattr(client, item.operation)(**item.args)
    if isinstance(answer, AsyncJob):
        return answer
    return await asyncio.to_thread(save_outputs, answer, out_dir, item.key, force=force)


async def _poll_async(poll: _Poll, out_dir: Path, force: bool) -> tuple[list[Path], int | None] | None:
    if not await poll.job.poll():
        return None
    return await asyncio.to_thread(save_outputs, poll.job.result, out_dir, poll.item.key, force=force)


def _send_sync(client: Stability, item: BatchItem, out_dir: Path, force: bool) -> Any:
    from .._sync_client import Job

    answer = getattr(client, item.operation)(**item.args)
    if isinstance(answer, Job):
        return answer
    return save_outputs(answer, out_dir, item.key, force=force)


def _poll_sync(poll: _Poll, out_dir: Path, force: bool) -> tuple[list[Path], int | None] | None:
    if not poll.job.poll():
        return None
    return save_outputs(poll.job.result, out_dir, poll.item.key, force=force)


# ------------------------------------------------------------------------------------------- engines


def _run_sync(client: Stability, run: _Run) -> Iterator[BatchOutcome]:
    try:
        yield from run.open(lambda kind, job_id: client.jobs.get(kind, job_id))  # type: ignore[call-overload]
        with ThreadPoolExecutor(max_workers=2 * run.concurrency, thread_name_prefix="stability-batch") as pool:
            sends: dict[Future[Any], BatchItem] = {}
            polls: dict[Future[Any], _Poll] = {}
            while True:
                while run.room(len(sends), len(polls), send=True) and (taken := run.take()) is not None:
                    if isinstance(taken, BatchOutcome):
                        yield taken
                    else:
                        sends[pool.submit(_send_sync, client, taken, run.out_dir, run.force)] = taken
                while run.room(len(sends), len(polls), send=False) and (poll := run.due(time.monotonic())) is not None:
                    polls[pool.submit(_poll_sync, poll, run.out_dir, run.force)] = poll
                timeout = _timeout(run, busy=not run.room(len(sends), len(polls), send=False))
                if not sends and not polls:
                    if timeout is None:
                        return
                    time.sleep(timeout)
                    continue
                finished, _ = wait([*sends, *polls], timeout=timeout, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcome = _finished(run, future.exception(), future, sends, polls)
                    if outcome is not None:
                        yield outcome
    finally:
        run.close()


def _finished(
    run: _Run, exc: BaseException | None, future: Any, sends: dict[Any, BatchItem], polls: dict[Any, _Poll]
) -> BatchOutcome | None:
    if future in sends:
        item = sends.pop(future)
        return run.send_failed(item, exc) if exc is not None else run.sent(item, future.result())
    poll = polls.pop(future)
    return run.poll_failed(poll, exc) if exc is not None else run.polled(poll, future.result())


def _timeout(run: _Run, *, busy: bool) -> float | None:
    """How long to wait for work to finish before a poll falls due (None: no poll is scheduled)."""
    due = run.next_due()
    if due is None or busy:
        return None
    return max(0.0, due - time.monotonic())


async def _run_async(client: AsyncStability, run: _Run) -> AsyncIterator[BatchOutcome]:
    sends: dict[asyncio.Task[Any], BatchItem] = {}
    polls: dict[asyncio.Task[Any], _Poll] = {}
    try:
        for opening in run.open(lambda kind, job_id: client.jobs.get(kind, job_id)):  # type: ignore[call-overload]
            yield opening
        while True:
            while run.room(len(sends), len(polls), send=True) and (taken := run.take()) is not None:
                if isinstance(taken, BatchOutcome):
                    yield taken
                else:
                    sends[asyncio.ensure_future(_send_async(client, taken, run.out_dir, run.force))] = taken
            while run.room(len(sends), len(polls), send=False) and (poll := run.due(time.monotonic())) is not None:
                polls[asyncio.ensure_future(_poll_async(poll, run.out_dir, run.force))] = poll
            timeout = _timeout(run, busy=not run.room(len(sends), len(polls), send=False))
            if not sends and not polls:
                if timeout is None:
                    return
                await asyncio.sleep(timeout)
                continue
            finished, _ = await asyncio.wait([*sends, *polls], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                exc = None if task.cancelled() else task.exception()
                outcome = _finished(run, exc, task, sends, polls)
                if outcome is not None:
                    yield outcome
    finally:
        # Stopped early (the caller broke off, or was cancelled): what is in flight is abandoned, and its rows
        # say so (``sending``: uncertain next time; ``started``: resumed by id).
        pending = [*sends, *polls]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        run.close()


# ------------------------------------------------------------------------------------------- entry point


@overload
def batch(client: AsyncStability, items: Any, **options: Any) -> AsyncIterator[BatchOutcome]: ...
@overload
def batch(client: Stability, items: Any, **options: Any) -> Iterator[BatchOutcome]: ...
def batch(  # type: ignore[misc]  # the overloads only tell the client types apart; the options are these
    client: AsyncStability | Stability,
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
    poll_interval: float | None = None,
    pacer: Limiter | None = None,
) -> AsyncIterator[BatchOutcome] | Iterator[BatchOutcome]:
    """``client.batch``: the items are read and checked now (``BatchInputError``), the run starts when iterated.

    ``poll_interval`` (seconds between a job's polls; default the API's 10 s) and ``pacer`` (a ``Limiter`` to
    share, or to read ``refusals`` from) are for tests and benchmarks.
    """
    if isinstance(items, str | os.PathLike):
        listed = read_batch(items, operation=operation)
    else:
        if operation is not None:
            raise ValidationError("operation", operation, "is for a CSV file; items name their own operations")
        listed = check_items(items)
    _check_options(concurrency, rate_limit, max_credits)
    directory = Path(os.fspath(out_dir))
    if pacer is None and rate_limit is not None:
        pacer = Limiter(rate_limit)
    run = _Run(
        listed,
        out_dir=directory,
        manifest=Path(os.fspath(manifest)) if manifest is not None else directory / MANIFEST_NAME,
        concurrency=concurrency,
        max_credits=max_credits,
        retry_uncertain=retry_uncertain,
        force=force,
        poll_interval=poll_interval,
        pacer=pacer,
    )
    paced: Any = client._paced(pacer) if pacer is not None else client
    from .._async_client import AsyncStability

    if isinstance(client, AsyncStability):
        return _run_async(paced, run)
    return _run_sync(paced, run)


def _check_options(concurrency: int, rate_limit: RateLimit | None, max_credits: float | None) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValidationError("concurrency", concurrency, "must be a whole number >= 1")
    if rate_limit is not None and not isinstance(rate_limit, RateLimit):
        raise ValidationError("rate_limit", rate_limit, "must be a RateLimit(requests, per) or None")
    if max_credits is not None and (
        isinstance(max_credits, bool) or not isinstance(max_credits, int | float) or not 0 <= max_credits < math.inf
    ):
        raise ValidationError("max_credits", max_credits, "must be a number of credits >= 0")
