"""A scripted driver for the pure core: run a flow (``call_flow``, ``wait_flow``) against a list of outcomes on a
fake clock, with no sockets and no real sleeping, and record every step it takes.

The driver does what ``_transport``'s drivers do, and nothing more: a ``Sleep`` moves the clock by its seconds,
a ``Send`` gets the next scripted outcome (after ``send_cost`` seconds, or a timeout ``Failure`` at the send's
deadline when the answer would come later, as the real drivers cut a request at its deadline).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from stability._core.flow import Answer, Failure, Flow, Operation, Outcome, Request, Send, Sleep

START = 1000.0


class FakeClock:
    """Seconds that pass only when the driver says so. Counts its readings."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


@dataclass(frozen=True)
class Sent:
    """A request the flow sent: when, the ``Send`` itself, and the outcome it was given."""

    at: float
    send: Send
    outcome: Answer | Failure


@dataclass(frozen=True)
class Slept:
    at: float
    seconds: float


Step = Sent | Slept


class ScriptExhausted(AssertionError):
    """The flow sent more requests than the script has outcomes for."""


@dataclass
class Script:
    """Outcomes for a flow's requests, in order (or a function of the clock), and the record of a run."""

    outcomes: Iterable[Answer | Failure] | Callable[[float], Answer | Failure]
    clock: FakeClock = field(default_factory=FakeClock)
    send_cost: float = 0.0
    max_steps: int = 10_000
    steps: list[Step] = field(default_factory=list)

    @property
    def sends(self) -> list[Sent]:
        return [step for step in self.steps if isinstance(step, Sent)]

    @property
    def sleeps(self) -> list[float]:
        return [step.seconds for step in self.steps if isinstance(step, Slept)]

    @property
    def trace(self) -> list[tuple[str, Any]]:
        """The steps in short: ``("send", status or failure kind)`` and ``("sleep", seconds)``."""
        return [
            ("sleep", step.seconds)
            if isinstance(step, Slept)
            else ("send", step.outcome.status if isinstance(step.outcome, Answer) else step.outcome.kind)
            for step in self.steps
        ]

    def run(self, flow: Flow[Any]) -> Any:
        """Drive ``flow`` to its end: its return value, or the exception it raises."""
        queue: Iterator[Answer | Failure] | None = None if callable(self.outcomes) else iter(self.outcomes)
        outcome: Outcome = None
        for _ in range(self.max_steps):
            try:
                step = flow.send(outcome)
            except StopIteration as stop:
                return stop.value
            if isinstance(step, Sleep):
                assert step.seconds >= 0, step
                self.steps.append(Slept(self.clock.now, step.seconds))
                self.clock.now += step.seconds
                outcome = None
                continue
            assert isinstance(step, Send), step
            at = self.clock.now
            if queue is None:
                assert callable(self.outcomes)
                outcome = self.outcomes(at)
            else:
                try:
                    outcome = next(queue)
                except StopIteration:
                    flow.close()
                    raise ScriptExhausted(f"request {len(self.sends) + 1} has no scripted outcome") from None
            if step.deadline is not None and at + self.send_cost > step.deadline:
                self.clock.now = max(at, step.deadline)
                outcome = Failure("sent", "timed out: the deadline passed", timeout=True)
            else:
                self.clock.now += self.send_cost
            self.steps.append(Sent(at, step, outcome))
        flow.close()
        raise AssertionError(f"the flow was still running after {self.max_steps} steps")


def operation(
    *,
    charged: bool = False,
    parse: Callable[[Answer], Any] | None = None,
    name: str = "op",
    **options: Any,
) -> Operation[Any]:
    """An operation whose ``build`` makes a fresh request per attempt (numbered) and whose ``parse`` returns
    the body, unless given another."""
    built = iter(range(1, 1_000_000))
    return Operation(
        name,
        charged=charged,
        build=lambda: Request({"attempt": next(built)}),
        parse=parse or (lambda answer: answer.content),
        **options,
    )


def answer(status: int, body: bytes = b"", **headers: str) -> Answer:
    """An answer; header names are given in Python spelling (``retry_after`` is ``retry-after``)."""
    return Answer(status, {key.replace("_", "-"): value for key, value in headers.items()}, body)


OK = answer(200, b"the result")
SENT = Failure("sent", "connection failed: RemoteProtocolError: peer closed connection")
CONNECT = Failure("connect", "connection failed: ConnectError: refused")
SENT_TIMEOUT = Failure("sent", "timed out: ReadTimeout", timeout=True)
CONNECT_TIMEOUT = Failure("connect", "timed out: ConnectTimeout", timeout=True)


def error_answer(status: int, name: str = "some_error", *, retry_after: str | None = None) -> Answer:
    headers = {"content-type": "application/json"}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    return Answer(status, headers, b'{"id": "e1", "name": "%s", "errors": ["it failed"]}' % name.encode())


def fast(max_examples: int = 60) -> Any:
    """Hypothesis settings for this package: few examples, so the whole package runs in well under 2 seconds."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=max_examples, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
    )


def wrong(function: Callable[..., Any], cases: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The cases of a table ``(*arguments, expected)`` that ``function(*arguments)`` gets wrong, each with what it
    returned instead: one test item for a whole table (the core's tables are long and pytest items are not free)."""
    found = []
    for *arguments, expected in cases:
        got = function(*arguments)
        if got != expected or type(got) is not type(expected):
            found.append((*arguments, expected, got))
    return found
