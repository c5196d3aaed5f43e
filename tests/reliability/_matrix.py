"""The fault matrix as data: a table of facade operations, a table of faults, and the documented policy as an
oracle that says, for any (operation, fault, pattern), what the caller must see and what the fake must record.

``OPERATIONS`` has a row per client method and a poll, a wait and a save per job, all read from the registry:
an operation added there adds its rows to ``test_fault_matrix.py`` (a method that needs arguments gets them from
``ARGUMENTS``). A fault added to ``FAULTS`` adds its column.

The oracle is the README's retry policy written as a small simulation (not the facade's code):

- one attempt of a call meets the fault's *effect*: ``connect`` (never reached the API), ``sent`` (it may have
  been processed), ``status`` (an error answer), ``ok`` (a usable answer) or ``pending`` (202 on a job result);
- reads (GET) are retried after ``connect``, ``sent`` and statuses 429/500/502/503/504; a charged POST only
  after ``connect`` and 429; at most ``max_retries`` times;
- a job wait polls on: a poll that fails with a server or connection error is not fatal, five in a row end the
  wait; a 404 on a result is ``JobNotFoundError``; a deadline is ``JobTimeoutError``;
- a 429 is waited out (its Retry-After, else the documented 60 s lockout), within a poll's retries and between
  polls, and never counts toward the five; a wait that could only poll again after its deadline ends at the
  deadline with ``JobTimeoutError`` (so a lockout ends a wait whose deadline is nearer than 60 s);
- a save streams the result: a download that breaks off is fetched again, at most ``max_retries`` times.
"""

from __future__ import annotations

import email.utils
import inspect
import itertools
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import stability
from stability._core.polling import MAX_FAILED_POLLS
from stability._core.retry import RETRYABLE_STATUSES
from stability._operations.entry import DemoInput
from stability._operations.registry import REGISTRY, Entry
from stability.testing import Fault
from tests.raw_cases import png

MAX_RETRIES = 2
SLOW_TIMEOUT = 0.02  # the client timeout in the slow-answer rows; the fake answers after 1 s
DEADLINE = 0.3  # the wait(timeout=) of the rows that can only end at their deadline (see short_deadline)
WAIT_DEADLINE = 10.0  # the wait(timeout=) of the other rows
LOCKOUT = 60.0  # what a 429 without Retry-After is waited out for
HINTED = 2.0  # about what the rows with a Retry-After ask for (2 s, or an HTTP date 3 s ahead)
PERSISTENT = 10_000  # "every request from now on"

Kind = Literal["charged", "read", "wait", "save"]
Transport = Literal["in-process", "socket", "closed"]
Pattern = Literal["once", "persistent"]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------------------------ faults


@dataclass(frozen=True)
class Effect:
    """What one faulted attempt looks like from the client."""

    kind: Literal["connect", "sent", "status", "ok", "pending"]
    status: int = 0
    processed: bool = False
    """The fake processed the request (and so charged it, for a generation)."""
    timeout: bool = False
    recorded: bool = True
    """The fake logged the request (a connection dropped before the request was read is not logged)."""
    body_broken: bool = False
    """The status and headers arrived, the body broke off: a streamed save sees it only while downloading."""


OK = Effect("ok", processed=True)
PENDING = Effect("pending")


@dataclass(frozen=True)
class FaultCase:
    name: str
    make: Callable[[], Fault] | None
    effect: Effect
    transport: Transport
    hint: bool = False
    """The answer carries a Retry-After the client must follow."""
    results_only: bool = False

    def __str__(self) -> str:
        return self.name


def _http_date(seconds_ahead: float) -> str:
    return email.utils.formatdate(time.time() + seconds_ahead, usegmt=True)


FAULTS: tuple[FaultCase, ...] = (
    FaultCase("connection_refused", None, Effect("connect", recorded=False), "closed"),
    # In process the drop is a connect error: provably never sent, so even a generation is sent again.
    FaultCase("drop_before_request", Fault.drop_before_request, Effect("connect", recorded=False), "in-process"),
    # Over a socket the server hangs up after the request went out, unread: to the client that is "Server
    # disconnected without sending a response", which cannot prove the request was not processed.
    FaultCase("drop_before_request_socket", Fault.drop_before_request, Effect("sent", recorded=False), "socket"),
    FaultCase("drop_after_request", Fault.drop_after_request, Effect("sent", processed=True), "socket"),
    *(
        FaultCase(f"status_{code}", lambda code=code: Fault.status(code), Effect("status", code), "in-process")
        for code in (500, 502, 503, 504, 520)
    ),
    FaultCase("429_no_retry_after", Fault.rate_limited, Effect("status", 429), "in-process"),
    FaultCase("429_retry_after_2s", lambda: Fault.rate_limited("2"), Effect("status", 429), "in-process", hint=True),
    FaultCase(
        "429_retry_after_http_date",
        lambda: Fault.rate_limited(_http_date(3)),
        Effect("status", 429),
        "in-process",
        hint=True,
    ),
    FaultCase(
        "slower_than_timeout", lambda: Fault.delay(1.0), Effect("sent", processed=True, timeout=True), "in-process"
    ),
    FaultCase("truncated_body", Fault.truncated_body, Effect("sent", processed=True, body_broken=True), "socket"),
    FaultCase("wrong_content_type", Fault.wrong_content_type, OK, "in-process"),
    FaultCase("html_error_page", Fault.html_error, Effect("status", 502), "in-process"),
    FaultCase("malformed_json_error", Fault.malformed_json, Effect("status", 500), "in-process"),
    FaultCase("empty_json_error", Fault.empty_body, Effect("status", 500), "in-process"),
    FaultCase("never_finishes", Fault.never_finish, PENDING, "in-process", results_only=True),
    FaultCase("not_found_mid_poll", Fault.not_found, Effect("status", 404), "in-process"),
)


# ------------------------------------------------------------------------------------------------ operations


@dataclass
class Context:
    """What an operation needs to run: a started job's id, a destination, the bytes already there."""

    tmp_path: Path
    job_id: str = ""
    destination: Path | None = None
    existing: bytes | None = None
    deadline: float = WAIT_DEADLINE


@dataclass(frozen=True)
class Operation:
    name: str
    fake_op: str
    """The fake's operation the fault is injected into (and whose requests are counted): the registry's name."""
    kind: Kind
    run: Callable[[Any, Context], Any]
    check: Callable[[Any, Context], bool]
    job: str | None = None
    """For result operations: the operation whose job is started (without faults) before the fault is injected."""
    start_op: str | None = None
    overwrite: bool = False
    """For saves: the destination already holds a file, and overwrite=True was asked for."""
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name

    @property
    def charged(self) -> bool:
        return self.kind == "charged"

    @property
    def result_op(self) -> bool:
        return self.job is not None


def _image(value: Any, ctx: Context) -> bool:
    return isinstance(value, stability.ImageResult) and value.data.startswith(PNG_MAGIC[:4]) and value.width > 0


def _job(value: Any, ctx: Context) -> bool:
    return isinstance(value.id, str) and len(value.id) == 64


def _waited(value: Any, ctx: Context) -> bool:
    if isinstance(value, stability.VideoResult):
        return value.data[4:8] == b"ftyp"
    return _image(value, ctx)


def _saved(value: Any, ctx: Context) -> bool:
    assert ctx.destination is not None
    data = ctx.destination.read_bytes()
    return Path(value) == ctx.destination and (data.startswith(PNG_MAGIC) or data[4:8] == b"ftyp")


def _wait_timeout(ctx: Context) -> float:
    return ctx.deadline


# Valid arguments of the client methods that need some (by the registry's name): small PNG inputs and outputs,
# so that over a thousand cells stay quick. A method without a row here is called with its entry's ``example``
# (the demo's arguments), its images made here; an image it answers must then be a PNG, as ``_image`` checks.
ARGUMENTS: dict[str, Callable[[], dict[str, Any]]] = {
    "text_to_image": lambda: {"prompt": "a lighthouse", "seed": 3},
    "image_to_image": lambda: {"prompt": "as a watercolour", "image": png(512, 512), "step_schedule_start": 0.5},
    "masked_image_to_image": lambda: {"prompt": "a red door", "image": png(512, 512), "mask": png(512, 512)},
    "inpaint": lambda: {"prompt": "a cat", "image": png(96, 96), "search_prompt": "dog"},
    "upscale": lambda: {"prompt": "sharper", "image": png(96, 96)},
    "image_to_video": lambda: {"image": png(768, 768)},
    "upscale_fast": lambda: {"image": png(768, 768)},  # its example asks for WEBP; the checks read a PNG
}

# What a successful call gives back, by what the operation returns.
CHECKS: dict[str, Callable[[Any, Context], bool]] = {
    "images": _image,  # one image: no ``samples`` asked for
    "image": _image,
    "model": lambda v, x: v.data[:4] == b"glTF",
    "job": _job,
    "engines": lambda v, x: len(v) > 0,
    "account": lambda v, x: bool(v.id),
    "balance": lambda v, x: v > 0,
}


def arguments(name: str) -> dict[str, Any]:
    """Valid arguments for the client method ``name``: its row in ``ARGUMENTS``, else its entry's example."""
    if name in ARGUMENTS:
        return ARGUMENTS[name]()
    example = REGISTRY[name].example
    if example is None:
        parameters = inspect.signature(getattr(stability.Stability, name)).parameters.values()
        required = [p.name for p in parameters if p.default is inspect.Parameter.empty and p.name != "self"]
        assert not required, f"{name} has no example: give it a row in tests/reliability/_matrix.py's ARGUMENTS"
        return {}
    return demo_arguments(example)


def demo_arguments(example: Mapping[str, Any]) -> dict[str, Any]:
    """An entry's example with its images made: the demo's first image is 768x768, a size every operation takes."""
    inputs = {DemoInput.IMAGE: png(768, 768), DemoInput.MASK: png(768, 768)}
    return {key: inputs[value] if isinstance(value, DemoInput) else value for key, value in example.items()}


def call(client: Any, name: str) -> Any:
    """The client method ``name`` called with valid arguments."""
    return getattr(client, name)(**arguments(name))


def _call_row(entry: Entry) -> Operation:
    """The row of a client method: its name, whether it is charged and what it returns come from the registry."""
    kind: Kind = "charged" if entry.charged else "read"
    return Operation(entry.name, entry.name, kind, lambda c, x: call(c, entry.name), CHECKS[entry.returns])


def _job_rows(job: str, result: Entry) -> list[Operation]:
    """The rows of a job's result: a poll, a wait and a save (over a file already there for image results)."""
    overwrite = result.media == "image"  # so that both kinds of save are covered: over a file, and to a new one

    def poll(c: Any, x: Context) -> Any:
        return c.jobs.get(job, x.job_id).poll()

    def wait(c: Any, x: Context) -> Any:
        return c.jobs.get(job, x.job_id).wait(poll_interval=0.01, timeout=_wait_timeout(x))

    def save(c: Any, x: Context) -> Any:
        keep = {"overwrite": True} if overwrite else {}
        return c.jobs.get(job, x.job_id).save(x.destination, **keep, poll_interval=0.01, timeout=_wait_timeout(x))

    rows: list[tuple[str, Kind, Callable[[Any, Context], Any], Callable[[Any, Context], bool]]] = [
        ("poll", "read", poll, lambda v, x: isinstance(v, bool)),
        ("wait", "wait", wait, _waited),
        ("save", "save", save, _saved),
    ]
    return [
        Operation(
            f"{job}_job.{action}",
            result.name,
            kind,
            run,
            check,
            job=job,
            start_op=job,
            overwrite=kind == "save" and overwrite,
        )
        for action, kind, run, check in rows
    ]


OPERATIONS: tuple[Operation, ...] = (
    *(_call_row(entry) for entry in REGISTRY.values() if not entry.finishes),
    *(
        row
        for entry in REGISTRY.values()
        if entry.starts_job
        for row in _job_rows(entry.name, REGISTRY[entry.starts_job])
    ),
)


def short_deadline(operation: Operation, fault: FaultCase, pattern: Pattern) -> bool:
    """Rows whose wait can only end at its deadline (a job that never finishes, a key locked out for good): they
    get a short deadline that passes in real time, not a 10 s one."""
    if pattern != "persistent" or operation.kind not in ("wait", "save"):
        return False
    return fault.name == "never_finishes" or (fault.effect.kind == "status" and fault.effect.status == 429)


def applicable(operation: Operation, fault: FaultCase, pattern: Pattern) -> bool:
    if fault.results_only and not operation.result_op:
        return False  # a 202 exists only on result endpoints
    return not (fault.transport == "closed" and pattern == "once")  # a closed port stays closed


def cells() -> Iterator[tuple[Operation, FaultCase, Pattern]]:
    for operation, fault, pattern in itertools.product(OPERATIONS, FAULTS, ("once", "persistent")):
        if applicable(operation, fault, pattern):
            yield operation, fault, pattern


# ------------------------------------------------------------------------------------------------ the oracle


@dataclass(frozen=True)
class Expected:
    error: type[Exception] | None
    requests: int | None
    """Requests the fake records for the faulted operation (None: depends on timing)."""
    charges: int
    retried_after_hint: bool = False


class _Raised(Exception):
    def __init__(self, error: type[Exception]) -> None:
        self.error = error


TRANSIENT = (stability.ServerError, stability.RateLimitError, stability.APIConnectionError)


def _retryable(effect: Effect, charged: bool) -> bool:
    if effect.kind == "connect":
        return True
    if effect.kind == "sent":
        return not charged
    return effect.status == 429 if charged else effect.status in RETRYABLE_STATUSES


def _error(effect: Effect, result_op: bool) -> type[Exception]:
    if effect.kind == "connect" or effect.kind == "sent":
        return stability.APITimeoutError if effect.timeout else stability.APIConnectionError
    if effect.status == 404:
        return stability.JobNotFoundError if result_op else stability.NotFoundError
    if effect.status == 429:
        return stability.RateLimitError
    return stability.ServerError


class _Tally:
    def __init__(self) -> None:
        self.requests = 0
        self.charges = 0
        self.hinted_retry = False


def _call(effects: Iterator[Effect], operation: Operation, tally: _Tally, hint: bool) -> Effect:
    attempt = 0
    while True:
        attempt += 1
        effect = next(effects, OK)
        tally.requests += effect.recorded
        tally.charges += operation.charged and effect.processed
        if effect.kind in ("ok", "pending") or (operation.kind == "save" and effect.body_broken):
            return effect
        if not (_retryable(effect, operation.charged) and attempt <= MAX_RETRIES):
            raise _Raised(_error(effect, operation.result_op))
        tally.hinted_retry |= hint and effect.status == 429


def expect(operation: Operation, fault: FaultCase, pattern: Pattern) -> Expected:
    """What the documented policy promises for ``operation`` meeting ``fault`` once or every time."""
    waits = operation.kind in ("wait", "save")
    if waits and fault.effect.kind == "pending" and pattern == "persistent":
        return Expected(stability.JobTimeoutError, None, 0)
    # The fault strikes mid-poll, after one in-progress answer (a closed port answers nothing at all).
    prefix = [PENDING] if waits and fault.transport != "closed" else []
    if waits and fault.effect.kind == "status" and fault.effect.status == 429:
        deadline = DEADLINE if short_deadline(operation, fault, pattern) else WAIT_DEADLINE
        if (HINTED if fault.hint else LOCKOUT) >= deadline:
            # Neither the poll nor the wait may sleep past the deadline: the first 429 ends the wait there.
            return Expected(stability.JobTimeoutError, len(prefix) + 1, 0)
    times = 1 if pattern == "once" else PERSISTENT
    effects = itertools.chain(prefix, itertools.repeat(fault.effect, times))
    tally = _Tally()
    error: type[Exception] | None = None
    try:
        if waits:
            downloads = 0
            while True:
                if _wait(effects, operation, tally, fault.hint).kind == "ok":
                    break
                downloads += 1  # a save's download broke off: fetched again like any read
                if downloads > MAX_RETRIES:
                    raise _Raised(stability.APIConnectionError)
        else:
            _call(effects, operation, tally, fault.hint)
    except _Raised as raised:
        error = raised.error
    return Expected(error, tally.requests, tally.charges, tally.hinted_retry)


def _wait(effects: Iterator[Effect], operation: Operation, tally: _Tally, hint: bool) -> Effect:
    """Polls until done (the answer's effect), or raises the error that ends the wait."""
    failures = 0
    while True:
        try:
            outcome = _call(effects, operation, tally, hint)
        except _Raised as raised:
            if not issubclass(raised.error, TRANSIENT):
                raise
            failures += 1
            if failures >= MAX_FAILED_POLLS:
                raise
            continue
        failures = 0
        if outcome.kind != "pending":
            return outcome
