"""The batch engines: ``Stability.batch`` (a thread pool) and ``AsyncStability.batch`` (tasks), over one plan.

Theory of operation. ``_Run`` holds everything both engines share and does no network I/O: the manifest (every
state change is committed by it, from the thread that drives the run, except ``sending``, which the send commits
itself just before its request), the plan of a rerun, the credit
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

import _thread
import asyncio
import heapq
import itertools
import math
import os
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING, Any, Literal, overload

from .._core.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    ContentModerationError,
    JobNotFoundError,
    MalformedResponseError,
    PermissionDeniedError,
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
        self.refused_key: str | None = None
        """The error of a 401 or 403: every later request would get the same, so nothing more is started."""
        self.on_disk: dict[str, list[Path]] = {}
        self.stopping = False
        """The run is ending (the caller broke off, or an error): work not yet begun is not begun."""

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

    def room(self, sends: int, polls: int, *, send: bool) -> bool:
        """Whether another send (or poll) may start: up to ``concurrency`` of each."""
        return (sends if send else polls) < self.concurrency

    def take(self) -> BatchItem | BatchOutcome | None:
        """The next item to send, an outcome decided without sending, or None.

        ``sending`` is committed by the send itself (``sending``), in the thread or task that makes the request,
        so that nothing (a KeyboardInterrupt in the coordinator, a cancellation) can come between the commit and
        the request: a row says ``sending`` only for a request that went out, or was about to.
        """
        if not self.sends:
            return None
        item = self.sends.popleft()
        if self.refused_key is not None:
            return BatchOutcome(item, "unstarted", error=self.refused_key)
        if self.over_budget or (self.max_credits is not None and self.spent + item.credits > self.max_credits):
            self.over_budget = True  # stop starting: what follows would also pass, or jump the queue's order
            return BatchOutcome(item, "unstarted")
        existing = self._existing(item.key)
        if existing and not self.force:
            error = f"FileExistsError: {existing[0]} already exists; pass force=True to replace it"
            self._manifest().failed(item.key, error)
            return BatchOutcome(item, "failed", error=error)
        self.spent += item.credits
        self.began[item.key] = time.monotonic()
        return item

    def sending(self, item: BatchItem) -> bool:
        """Called by the send just before its request (from a worker thread in the sync engine): commits
        ``sending``; False when the run is ending and the request must not go out."""
        if self.stopping:
            return False
        self._manifest().sending(item)
        return True

    def sent(self, item: BatchItem, answer: Any) -> BatchOutcome | None:
        """A send's answer: a job (``started`` committed, its first poll scheduled) or the saved outputs."""
        if answer is _NOT_SENT:
            self.spent -= item.credits
            return None
        if isinstance(answer, tuple):
            outputs, seed = answer
            self._manifest().done(item.key, outputs, seed)
            return self._outcome(item, "done", outputs=outputs, seed=seed, charged=True)
        self._manifest().started(item.key, answer.id)
        self._schedule(_Poll(item, answer, self.began[item.key], charged=True), due=self._interval(item))
        return None

    def send_failed(self, item: BatchItem, exc: BaseException) -> BatchOutcome:
        error = _described(exc)
        self._refused(exc, error)
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
        if self.refused_key is not None:
            return None
        if self.polls and self.polls[0][0] <= now:
            return heapq.heappop(self.polls)[2]
        return None

    def next_due(self) -> float | None:
        return self.polls[0][0] if self.polls and self.refused_key is None else None

    def abandoned(self) -> list[BatchOutcome]:
        """After a refused key: the started jobs not collected (their rows stay ``started``: the next run, with
        a key that works, resumes them by id)."""
        if self.refused_key is None:
            return []
        polls, self.polls = self.polls, []
        error = f"{self.refused_key} (the job was started; a rerun collects it)"
        return [self._outcome(p.item, "failed", error=error, charged=p.charged, began=p.began) for *_, p in polls]

    def polled(self, poll: _Poll, answer: tuple[list[Path], int | None] | None) -> BatchOutcome | None:
        if answer is None:
            self._schedule(poll, due=self._interval(poll.item))
            return None
        outputs, seed = answer
        self._manifest().done(poll.item.key, outputs, seed)
        return self._outcome(poll.item, "done", outputs=outputs, seed=seed, charged=poll.charged, began=poll.began)

    def poll_failed(self, poll: _Poll, exc: BaseException) -> BatchOutcome:
        error = _described(exc)
        self._refused(exc, error)
        if _job_lost(exc):
            self._manifest().failed(poll.item.key, error)
        else:  # the job may still finish: it stays ``started``, and the next run resumes it by id
            self._manifest().noted(poll.item.key, error)
        return self._outcome(poll.item, "failed", error=error, charged=poll.charged, began=poll.began)

    def _refused(self, exc: BaseException, error: str) -> None:
        if _key_refused(exc) and self.refused_key is None:
            self.refused_key = f"not started: an earlier request was refused ({error})"

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


def _key_refused(exc: BaseException) -> bool:
    """A 401 or 403 about the key (not a moderated prompt): every later request of the run would get it too."""
    return isinstance(exc, AuthenticationError | PermissionDeniedError) and not isinstance(exc, ContentModerationError)


def _job_lost(exc: BaseException) -> bool:
    """A poll error after which the job cannot be collected any more (resuming it would fail the same way)."""
    if isinstance(exc, JobNotFoundError):
        return True
    if isinstance(exc, RateLimitError | ServerError | MalformedResponseError | APIConnectionError):
        return False
    if _key_refused(exc):
        return False  # the key, not the job: the rerun, with a key that works, collects it
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


_NOT_SENT: Any = object()
"""A send's answer when the run ended before its request went out (its row untouched)."""


async def _send_async(client: AsyncStability, run: _Run, item: BatchItem) -> Any:
    from .._async_client import AsyncJob

    if not run.sending(item):  # no await before the request: a cancellation lands before the commit or after
        return _NOT_SENT
    answer = await getattr(client, item.operation)(**item.args)
    if isinstance(answer, AsyncJob):
        return answer
    return await asyncio.to_thread(save_outputs, answer, run.out_dir, item.key, force=run.force)


async def _poll_async(poll: _Poll, out_dir: Path, force: bool) -> tuple[list[Path], int | None] | None:
    if not await poll.job.poll():
        return None
    return await asyncio.to_thread(save_outputs, poll.job.result, out_dir, poll.item.key, force=force)


def _send_sync(client: Stability, run: _Run, item: BatchItem) -> Any:
    from .._sync_client import Job

    if not run.sending(item):
        return _NOT_SENT
    answer = getattr(client, item.operation)(**item.args)
    if isinstance(answer, Job):
        return answer
    return save_outputs(answer, run.out_dir, item.key, force=run.force)


def _poll_sync(poll: _Poll, out_dir: Path, force: bool) -> tuple[list[Path], int | None] | None:
    if not poll.job.poll():
        return None
    return save_outputs(poll.job.result, out_dir, poll.item.key, force=force)


# ------------------------------------------------------------------------------------------- engines

_Work = BatchItem | _Poll  # what a task does: a send (its item) or a poll


class _Workers:
    """The sync engine's threads, one per task in flight (made as needed, at most ``2 * concurrency``).

    Finished tasks come back on a ``SimpleQueue`` the coordinator reads (with a timeout, so Ctrl-C is seen).
    The coordinator takes no lock a worker also takes: ``concurrent.futures.wait`` does (each future's), and a
    KeyboardInterrupt inside it can leave one held, the worker blocked on it when it finishes, and the pool's
    shutdown waiting for that worker forever. A ``SimpleQueue``'s ``put`` and ``get`` are single C calls, and so
    is ``_thread.start_new_thread`` (``Thread.start`` waits on an ``Event`` in Python code, where an interrupt
    can leave its condition's lock released twice). The threads never hold the process's exit up: a run
    interrupted in its coordinator leaves what is in flight to the next run.
    """

    def __init__(self) -> None:
        self._tasks: SimpleQueue[tuple[int, Callable[..., Any], tuple[Any, ...]] | None] = SimpleQueue()
        self._done: SimpleQueue[tuple[int, Any, BaseException | None]] = SimpleQueue()
        self._threads = 0
        self._tokens = itertools.count()
        self.running: dict[int, _Work] = {}

    def start(self, work: _Work, task: Callable[..., Any], *args: Any) -> None:
        if len(self.running) >= self._threads:
            _thread.start_new_thread(self._work, ())
            self._threads += 1
        token = next(self._tokens)
        self._tasks.put((token, task, args))  # before ``running``: a task queued is one whose end is awaited
        self.running[token] = work

    def finished(self, timeout: float | None) -> tuple[_Work, Any, BaseException | None] | None:
        """The next task to finish (its work, its result, its error), or None after ``timeout`` seconds."""
        try:
            token, result, exc = self._done.get(timeout=timeout)
        except Empty:
            return None
        work = self.running.pop(token, None)
        if work is None:  # queued by a ``start`` that an interrupt cut short: its result is not awaited
            return None
        return work, result, exc

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            token, function, args = task
            try:
                result, exc = function(*args), None
            except BaseException as error:  # handed to the coordinator, which says what became of the item
                result, exc = None, error
            self._done.put((token, result, exc))
            del task, result, exc  # a finished task's job, result and error are not kept alive by an idle thread

    def stop(self) -> None:
        """Each thread ends after its current task (tasks still queued are ended by ``_Run.stopping``)."""
        for _ in range(self._threads):
            self._tasks.put(None)


_WAKE = 0.5
"""The longest the sync coordinator blocks at once: a Ctrl-C is seen at least this often."""


def _run_sync(client: Stability, run: _Run) -> Iterator[BatchOutcome]:
    workers = _Workers()
    interrupted = False
    try:
        yield from run.open(lambda kind, job_id: client.jobs.get(kind, job_id))  # type: ignore[call-overload]
        sends = polls = 0
        while True:
            while run.room(sends, polls, send=True) and (taken := run.take()) is not None:
                if isinstance(taken, BatchOutcome):
                    yield taken
                else:
                    workers.start(taken, _send_sync, client, run, taken)
                    sends += 1
            while run.room(sends, polls, send=False) and (poll := run.due(time.monotonic())) is not None:
                workers.start(poll, _poll_sync, poll, run.out_dir, run.force)
                polls += 1
            yield from run.abandoned()
            timeout = _timeout(run, busy=not run.room(sends, polls, send=False))
            if not workers.running:
                if timeout is None:
                    return
                time.sleep(min(timeout, _WAKE))
                continue
            finished = workers.finished(_WAKE if timeout is None else min(timeout, _WAKE))
            if finished is None:
                sends, polls = _counts(workers)
                continue
            work, result, exc = finished
            sends, polls = _counts(workers)
            outcome = _finished(run, work, result, exc)
            if outcome is not None:
                yield outcome
    except KeyboardInterrupt:
        interrupted = True  # stop at once: what is in flight is left to the next run (uncertain, or adopted)
        raise
    finally:
        run.stopping = True
        workers.stop()
        try:
            # Broken off (``close()``) or failed: what is in flight finishes, and its answer is committed, so
            # the next run skips it (or resumes its job) instead of calling it uncertain.
            while workers.running and not interrupted:
                finished = workers.finished(_WAKE)
                if finished is not None:
                    work, result, exc = finished
                    _finished(run, work, result, exc)
        finally:
            run.close()


def _counts(workers: _Workers) -> tuple[int, int]:
    sends = sum(1 for work in workers.running.values() if isinstance(work, BatchItem))
    return sends, len(workers.running) - sends


def _finished(run: _Run, work: BatchItem | _Poll, result: Any, exc: BaseException | None) -> BatchOutcome | None:
    if isinstance(work, BatchItem):
        return run.send_failed(work, exc) if exc is not None else run.sent(work, result)
    return run.poll_failed(work, exc) if exc is not None else run.polled(work, result)


def _timeout(run: _Run, *, busy: bool) -> float | None:
    """How long to wait for work to finish before a poll falls due (None: no poll is scheduled)."""
    due = run.next_due()
    if due is None or busy:
        return None
    return max(0.0, due - time.monotonic())


async def _run_async(client: AsyncStability, run: _Run) -> AsyncIterator[BatchOutcome]:
    running: dict[asyncio.Task[Any], _Work] = {}
    sends = polls = 0
    try:
        for opening in run.open(lambda kind, job_id: client.jobs.get(kind, job_id)):  # type: ignore[call-overload]
            yield opening
        while True:
            while run.room(sends, polls, send=True) and (taken := run.take()) is not None:
                if isinstance(taken, BatchOutcome):
                    yield taken
                else:
                    running[asyncio.ensure_future(_send_async(client, run, taken))] = taken
                    sends += 1
            while run.room(sends, polls, send=False) and (poll := run.due(time.monotonic())) is not None:
                running[asyncio.ensure_future(_poll_async(poll, run.out_dir, run.force))] = poll
                polls += 1
            for abandoned in run.abandoned():
                yield abandoned
            timeout = _timeout(run, busy=not run.room(sends, polls, send=False))
            if not running:
                if timeout is None:
                    return
                await asyncio.sleep(timeout)
                continue
            finished, _ = await asyncio.wait(running, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                work = running.pop(task)
                if isinstance(work, BatchItem):
                    sends -= 1
                else:
                    polls -= 1
                exc = asyncio.CancelledError() if task.cancelled() else task.exception()
                outcome = _finished(run, work, None if exc is not None else task.result(), exc)
                if outcome is not None:
                    yield outcome
    finally:
        # Stopped early (the caller broke off, or was cancelled): what is in flight is abandoned, and its rows
        # say so (``sending``: uncertain next time; ``started``: resumed by id; a send not begun: untouched).
        run.stopping = True
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
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
    directory = _path_option("out_dir", out_dir)
    if pacer is None and rate_limit is not None:
        pacer = Limiter(rate_limit)
    run = _Run(
        listed,
        out_dir=directory,
        manifest=_path_option("manifest", manifest) if manifest is not None else directory / MANIFEST_NAME,
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


def _path_option(field: str, value: Any) -> Path:
    """A directory or file option as a ``Path``: refused now if no system call could take it."""
    try:
        path = Path(os.fspath(value))
    except TypeError:  # None, a number, bytes (os.fspath keeps them; Path refuses them)
        raise ValidationError(field, type(value).__name__, "must be a path (a str or os.PathLike)") from None
    if "\x00" in str(path):
        raise ValidationError(field, str(path), "must not contain a NUL character")
    return path


def _check_options(concurrency: int, rate_limit: RateLimit | None, max_credits: float | None) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValidationError("concurrency", concurrency, "must be a whole number >= 1")
    if rate_limit is not None and not isinstance(rate_limit, RateLimit):
        raise ValidationError("rate_limit", rate_limit, "must be a RateLimit(requests, per) or None")
    if max_credits is not None and (
        isinstance(max_credits, bool) or not isinstance(max_credits, int | float) or not 0 <= max_credits < math.inf
    ):
        raise ValidationError("max_credits", max_credits, "must be a number of credits >= 0")
