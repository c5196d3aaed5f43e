"""``stability batch FILE``: every line of a JSON Lines or CSV file through ``Stability.batch``, at the account's
rate limit, resumable from its manifest.

The file is read and checked whole before anything is sent (``read_batch``): a bad file is one line per problem,
by line number, and the validation exit code, with nothing sent. ``--dry-run`` stops there with the count and
the estimated credits. A run prints, as each item finishes, one JSON line on stdout when stdout is not a
terminal (or with ``--json``) and, when stderr is a terminal, redraws a progress bar there; then a summary, and
writes the demo's contact sheet for the outputs next to them. The exit code says whether every item is done
(``INCOMPLETE`` when some failed, are uncertain or were not started); Ctrl-C stops starting new items and says
how to resume: the same command, which skips what is done and collects the jobs already started.

What an item may be and how it runs is the library's (``stability._batch``); this module only speaks for it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from .._core.errors import StabilityError, ValidationError
from .console import CommandError, Console, check_writable, command_name, format_size, terminal_safe
from .parser import ExitCode, _common, _table

if TYPE_CHECKING:
    from .._batch import BatchInputError, BatchItem, BatchOutcome, RateLimit
    from .._sync_client import Stability
    from .messages import Names
    from .sheet import Card, Kind, Output

BATCH_SUMMARY = (
    "Run every line of a JSON Lines or CSV file (thousands of generations) at the account's rate limit; "
    "resumable: rerun the same command after a failure or Ctrl-C."
)

SHEET = "stability-batch.html"
"""The contact sheet's name in the output folder (not ``index.html``: the folder may be the user's own)."""

DEFAULT_RATE = "150/10"
"""``--rate``'s default: the documented account limit (``RateLimit()``), as typed."""

BATCH_EXIT_CODES = _table(
    {
        ExitCode.OK: "success: every item done, now or by an earlier run",
        ExitCode.ERROR: "any other error",
        ExitCode.USAGE: "usage: a bad option, an unusable --base-url, an output folder that cannot be written, "
        "or a manifest that another run is using (or that is not a batch's)",
        ExitCode.VALIDATION: "validation: a bad line in FILE (each is listed by line number; nothing was sent), "
        "an unreadable FILE, or a --rate, --concurrency or --max-credits out of its range",
        ExitCode.AUTH: "authentication: no API key",
        ExitCode.INCOMPLETE: "incomplete: some items failed (an API error, said on their line) or are uncertain "
        "(a charged request that may have been processed: --retry-uncertain resends it), or --max-credits left "
        "some unstarted; rerun the same command to resume",
        ExitCode.INTERRUPTED: "interrupted (Ctrl-C: the first stops starting items, a second stops at once); "
        "rerun the same command to resume",
    }
)
"""What ``stability batch`` can end with: an error of one item (a 429, a 5xx, a refused key) is that item's
outcome, said on its line, and the run goes on; the exit code then says the batch is incomplete."""

_STATES = ("done", "skipped", "failed", "uncertain", "unstarted")


def add_batch_options(sub: argparse.ArgumentParser) -> None:
    """``stability batch``'s arguments, each ``dest`` the keyword of ``Stability.batch`` it becomes (so an error
    about ``max_credits`` is said as ``--max-credits``)."""
    sub.add_argument(
        "items",
        metavar="FILE",
        help='a .jsonl file, one JSON object per line ({"operation": "generate_core", "prompt": "...", ...}; '
        'an "id" names the outputs), or a .csv file with a column per argument and --operation; image '
        "arguments are paths",
    )
    run = sub.add_argument_group("batch")
    run.add_argument(
        "--operation",
        metavar="NAME",
        help="the operation of every row of a CSV file, by its method or command name (generate_core or "
        "generate-core; default: a JSON Lines file names it on each line)",
    )
    run.add_argument(
        "--out",
        dest="out_dir",
        metavar="DIR",
        default=".",
        help="where the outputs (named after the id, else line-N), the manifest and the contact sheet go "
        "(default: the current directory)",
    )
    run.add_argument(
        "--manifest",
        metavar="PATH",
        help="the SQLite file that records each item's state, which a rerun resumes from "
        "(default: DIR/stability-batch.sqlite)",
    )
    run.add_argument(
        "--concurrency",
        type=int,
        default=8,
        metavar="N",
        help="requests sent at once, and as many job polls besides (default 8; between 1 and no upper bound: "
        "--rate paces every request whatever the number)",
    )
    run.add_argument(
        "--rate",
        dest="rate_limit",
        metavar="N/SECONDS",
        default=DEFAULT_RATE,
        help="send at most N requests (starts, polls and downloads alike) in any SECONDS seconds "
        f"(default {DEFAULT_RATE}, the account's documented limit: one more locks the key out for 60 s)",
    )
    run.add_argument(
        "--max-credits",
        type=float,
        metavar="N",
        help="start no item whose documented price would take this run's credits past N (default: no limit; "
        "between 0 and no upper bound)",
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="check every line and print the item count and the estimated credits; send nothing",
    )
    run.add_argument(
        "--retry-uncertain",
        action="store_true",
        help="resend the items an earlier run may have been charged for (sent, no answer): they may be paid "
        "twice (default: leave them uncertain)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="replace output files that exist (default: an item whose file exists fails, the file untouched; "
        "items done by an earlier run are skipped either way)",
    )
    _common(
        sub,
        "bill this organization (default: the key's default organization)",
        json_output="print a JSON object per item as it ends, then one with the summary, on stdout instead of text",
    )


# --------------------------------------------------------------------------------------------- running


def run_batch(console: Console, args: argparse.Namespace, connect: Callable[[], Stability]) -> int:
    """Check the file, then (unless ``--dry-run``) run it with the client ``connect`` makes; the exit code."""
    from .._batch import BatchInputError, read_batch

    rate = parse_rate(args.rate_limit)
    source = Path(args.items)
    try:
        items = read_batch(source, operation=_operation(args.operation))
    except BatchInputError as exc:
        return _bad_file(console, args, source, exc)
    except OSError as exc:
        raise CommandError(f"cannot read {source}: {exc.strerror or exc}", ExitCode.VALIDATION) from None
    if args.dry_run:
        return _dry_run(console, source, items)
    out_dir = Path(args.out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from None
    check_writable(out_dir)
    run = _Run(console, args, source, items)
    with connect() as client:
        run.balance_before = _balance(client)
        run.go(client, rate)
        if run.sent:
            run.wait_out_window(rate)
            run.balance_after = _balance(client)
    return run.finish()


def parse_rate(text: str) -> RateLimit | None:
    """``--rate N/SECONDS`` as the library's ``RateLimit``."""
    from .._batch import RateLimit

    requests, slash, seconds = text.partition("/")
    try:
        count, per = int(requests), float(seconds)
    except ValueError:
        count, per = 0, 0.0
    if not slash or count < 1 or not 0 < per < float("inf"):
        raise ValidationError(
            "rate_limit",
            text,
            f"must be N/SECONDS, a number of requests and a number of seconds, such as {DEFAULT_RATE}",
        )
    return RateLimit(requests=count, per=per)


def _operation(name: str | None) -> str | None:
    """``--operation`` by the method's name or the command's (``generate-core``): the method's, as the file's
    lines name it."""
    from .._batch._input import operation_named

    return None if name is None else operation_named(name)


def _bad_file(console: Console, args: argparse.Namespace, source: Path, exc: BatchInputError) -> int:
    """Each problem as ``FILE:LINE: message`` (the form editors jump to), then the one error line. The problems
    name the file's own fields (``aspect_ratio``, ``id``) as the file spells them; only the library's keywords
    (``operation=``) become the command's options."""
    from .messages import Names
    from .parser import build_parser

    options = {dest: option for dest, option in Names.of(build_parser(), args).typed.items() if option[:2] == "--"}
    problems = [(line, _options_said(text, options)) for line, text in exc.problems]
    lines = sorted({line for line, _ in problems if line})
    for line, text in problems:
        text = terminal_safe(text)
        console.err.write(f"{source}:{line}: {text}\n" if line else f"{source}: {text}\n")
    if lines:
        shown = ", ".join(map(str, lines[:10])) + (", ..." if len(lines) > 10 else "")
        message = f"{source}: {_count(len(lines), 'bad line')} ({shown}); nothing was sent"
    else:  # the file refused whole (not found, no header, the wrong kind)
        message = f"{source}: {'; '.join(text for _, text in problems) or exc}; nothing was sent"
    console.err.write(f"stability: error: {terminal_safe(message)}\n")
    console.err.flush()
    if console.json:
        listed = [{"line": line, "message": text} for line, text in problems]
        error = {"type": type(exc).__name__, "exit_code": int(ExitCode.VALIDATION), "message": message}
        console.out.write(json.dumps({"error": {**error, "problems": listed}}, sort_keys=True) + "\n")
        console.out.flush()
    return int(ExitCode.VALIDATION)


def _options_said(text: str, options: Mapping[str, str]) -> str:
    """``operation=`` (a keyword of ``read_batch`` and ``Stability.batch``) as ``--operation``."""
    for dest, option in options.items():
        text = re.sub(rf"\b{re.escape(dest)}=(?![\w'\"])", option, text)
    return text


def _dry_run(console: Console, source: Path, items: Sequence[BatchItem]) -> int:
    """The count, each operation's count and credits, and the total: what a run would cost, sending nothing."""
    from .._batch import estimate
    from .._operations.registry import REGISTRY

    per_operation: dict[str, list[float]] = {}
    for item in items:
        per_operation.setdefault(item.operation, []).append(item.credits)
    total = estimate(items)
    width = max((len(name) for name in per_operation), default=0)
    lines = [f"{source}: {_count(len(items), 'item')}, all valid; nothing was sent (--dry-run)"]
    unpriced = []
    for name, prices in per_operation.items():
        entry = REGISTRY[name]
        if entry.charged and entry.price is None:
            unpriced.append(name)
        lines.append(f"  {name:<{width}}  {_count(len(prices), 'item'):>11}  {sum(prices):>8g} credits")
    lines.append(f"estimated: {total:g} credits")
    if unpriced:
        lines.append(f"(no documented price for {', '.join(unpriced)}: counted as 0; they are charged)")
    data = {
        "dry_run": True,
        "file": str(source),
        "items": len(items),
        "operations": {name: {"items": len(p), "credits": sum(p)} for name, p in per_operation.items()},
        "credits_estimated": total,
        "unpriced": unpriced,
    }
    console.result("\n".join(lines), data)
    return int(ExitCode.OK)


def _balance(client: Stability) -> float | None:
    """The account's balance, or None: the batch goes on whatever this read does (a key for v2beta only, an
    organization without v1, the network)."""
    try:
        return client.balance()
    except StabilityError:
        return None


@dataclass
class _Run:
    """One run: the tally of outcomes, what it printed, and the summary."""

    console: Console
    args: argparse.Namespace
    source: Path
    items: Sequence[BatchItem]
    states: Counter[str] = field(default_factory=Counter)
    spent: float = 0.0
    outcomes: list[BatchOutcome] = field(default_factory=list)
    balance_before: float | None = None
    balance_after: float | None = None
    interrupted: bool = False
    sent: int = 0
    last_sent: float = 0.0
    recent: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    _names: Names | None = None

    def go(self, client: Stability, rate: RateLimit | None) -> None:
        from .progress import BatchProgress, _is_terminal

        console = self.console
        lines = console.json or not _is_terminal(console.out)
        outcomes = client.batch(
            self.items,
            out_dir=self.args.out_dir,
            manifest=self.args.manifest,
            concurrency=self.args.concurrency,
            rate_limit=rate,
            max_credits=self.args.max_credits,
            retry_uncertain=self.args.retry_uncertain,
            force=self.args.force,
        )
        # JSON lines on the same terminal as the bar would tear it: they are then the progress.
        live = _is_terminal(console.err) and not (lines and _is_terminal(console.out))
        with BatchProgress(console.err, len(self.items), live=live) as bar, _first_ctrl_c_stops() as stop:
            try:
                for outcome in outcomes:
                    self._count(outcome)
                    bar.update(outcome.state, outcome.credits)
                    if lines:
                        console.out.write(json.dumps(self._line(outcome), sort_keys=True) + "\n")
                        console.out.flush()
                    if outcome.state in ("failed", "uncertain") and not console.json:
                        bar.note(self._said(outcome))
                    if stop.is_set() and sum(self.states.values()) < len(self.items):
                        self.interrupted = True
                        break
            except KeyboardInterrupt:
                self.interrupted = True  # a second Ctrl-C: the library stops where it is
            except BaseException:
                self._summarize()  # what was done before the error, then the error itself (main reports it)
                raise
            finally:
                # At a yield, closing lets the run finish the requests in flight (their outputs are then
                # written, and found by the next run) and close its manifest; nothing new is started.
                close = getattr(outcomes, "close", None)
                if close is not None:
                    close()

    def _count(self, outcome: BatchOutcome) -> None:
        self.outcomes.append(outcome)
        self.states[outcome.state] += 1
        self.spent += outcome.credits
        if outcome.state in ("done", "failed", "uncertain") and outcome.seconds > 0:
            now = time.monotonic()
            self.sent += 1
            self.last_sent = now
            self.recent.append(now)

    def _line(self, outcome: BatchOutcome) -> dict[str, Any]:
        item = outcome.item
        return {
            "key": item.key,
            "line": item.line,
            "operation": item.operation,
            "state": outcome.state,
            "outputs": [str(_shown(path)) for path in outcome.outputs],
            "seed": outcome.seed,
            "error": None if outcome.error is None else self._words(outcome.error),
            "credits": outcome.credits,
            "seconds": round(outcome.seconds, 3),
        }

    def _said(self, outcome: BatchOutcome) -> str:
        item = outcome.item
        where = f"{self.source}:{item.line} ({item.key}, {command_name(item.operation)})"
        if outcome.state == "uncertain":
            return (
                f"{where}: uncertain: it may have been processed and charged; not sent again without --retry-uncertain"
            )
        return f"{where}: failed: {self._words(outcome.error or 'unknown error')}"

    def _words(self, text: str) -> str:
        """A library message in the command's words (``force=True`` is ``--force``), the key never in it."""
        from .main import one_line
        from .messages import Names, in_cli_words
        from .parser import build_parser

        if self._names is None:
            self._names = Names.of(build_parser(), self.args)
        return one_line(in_cli_words(text, self._names))

    def wait_out_window(self, rate: RateLimit | None) -> None:
        """Before the balance is read again: let the rate window of the run's last requests pass when they may
        have filled it, or that one read would lock the whole account out (a pacer of the client's own does not
        see this read). A few requests per item (start, poll, download) is the bound assumed."""
        if rate is None:
            return
        window = [t for t in self.recent if t > self.last_sent - rate.per]
        if 3 * len(window) + 1 < rate.requests:
            return
        time.sleep(max(0.0, self.last_sent + rate.per - time.monotonic()))

    # ------------------------------------------------------------------------------------------ summary

    def finish(self) -> int:
        self._summarize()
        sheet = self._sheet()
        if sheet is not None:
            self.console.note(f"contact sheet: {sheet}")
        problem = self._problem()
        if problem is not None:
            code, message = problem
            message = terminal_safe(message)
            self.console.err.write(f"stability: error: {message}\n" if code != ExitCode.INTERRUPTED else f"{message}\n")
            self.console.err.flush()
            return int(code)
        return int(ExitCode.OK)

    def _summary(self) -> dict[str, Any]:
        from .._batch import estimate

        data: dict[str, Any] = {"items": len(self.items), **{state: self.states[state] for state in _STATES}}
        data["unfinished"] = len(self.items) - sum(self.states.values())
        data["credits_estimated"] = estimate(self.items)
        data["credits_spent"] = self.spent
        data["balance_before"], data["balance_after"] = self.balance_before, self.balance_after
        data["manifest"] = str(self.args.manifest or Path(self.args.out_dir) / "stability-batch.sqlite")
        data["out_dir"] = str(self.args.out_dir)
        data["seconds"] = round(time.monotonic() - self.started, 3)
        data["interrupted"] = self.interrupted
        return data

    def _summarize(self) -> None:
        data = self._summary()
        counts = ", ".join(f"{data[state]} {state}" for state in _STATES if data[state] or state == "done")
        if data["unfinished"]:
            counts += f", {data['unfinished']} unfinished"
        human = [f"{self.source}: {_count(len(self.items), 'item')}: {counts} in {data['seconds']:.1f}s"]
        money = f"credits: {data['credits_estimated']:g} estimated for the file, {self.spent:g} spent in this run"
        if self.balance_before is not None and self.balance_after is not None:
            money += f"; balance {self.balance_before:g} -> {self.balance_after:g}"
        elif self.balance_before is not None:
            money += f"; balance {self.balance_before:g} before"
        human += [money, f"outputs in {data['out_dir']}; manifest {data['manifest']}"]
        if self.console.json or not _terminal(self.console.out):
            self.console.out.write(json.dumps({"summary": data}, sort_keys=True) + "\n")
            self.console.out.flush()
            self.console.note("\n".join(human))
        else:
            self.console.out.write("\n".join(human) + "\n")
            self.console.out.flush()

    def _problem(self) -> tuple[ExitCode, str] | None:
        """The exit code and the last line, when not every item is done."""
        again = self.resume_command()
        if self.interrupted:
            return ExitCode.INTERRUPTED, f"interrupted: no more items were started. Resume with: {again}"
        failed, uncertain, unstarted = (self.states[state] for state in ("failed", "uncertain", "unstarted"))
        if not (failed or uncertain or unstarted):
            return None
        parts = []
        if failed:
            parts.append(f"{_count(failed, 'item')} failed (rerun to retry {'it' if failed == 1 else 'them'}: {again})")
        if uncertain:
            parts.append(
                f"{_count(uncertain, 'item')} uncertain (it may have been charged already; to send it again "
                f"anyway: {again} --retry-uncertain)"
            )
        if unstarted:
            refused = next((o.error for o in self.outcomes if o.state == "unstarted" and o.error), None)
            why = (
                "the API refused the key, see the first failure"
                if refused is not None or self.args.max_credits is None
                else f"--max-credits {self.args.max_credits:g} reached"
            )
            parts.append(f"{_count(unstarted, 'item')} not started: {why}")
        return ExitCode.INCOMPLETE, "; ".join(parts)

    def resume_command(self) -> str:
        """The command that resumes this run: the same file, operation and places."""
        words = ["stability", "batch", str(self.source)]
        if self.args.operation:
            words += ["--operation", self.args.operation]
        if self.args.out_dir != ".":
            words += ["--out", self.args.out_dir]
        if self.args.manifest:
            words += ["--manifest", self.args.manifest]
        return shlex.join(words)

    # -------------------------------------------------------------------------------------- contact sheet

    def _sheet(self) -> Path | None:
        """The demo's contact sheet for every output of the batch (this run's and the earlier runs'), or None
        when there is none."""
        from .sheet import render

        out_dir = Path(self.args.out_dir)
        cards = [_card(outcome, out_dir) for outcome in self.outcomes if outcome.outputs]
        if not cards:
            return None
        done = self.states["done"] + self.states["skipped"]
        headline = f"{_count(len(cards), 'item')} of {self.source.name}, {done} done of {len(self.items)}."
        intro = (
            f"Each card is one line of {self.source.name} and the call that made it. Rerunning "
            f"`{self.resume_command()}` skips what is done and redraws this page."
        )
        page = render(cards, headline=headline, title="stability batch", intro=intro)
        path = out_dir / SHEET
        _write_atomically(path, page)
        return path


_KINDS: dict[str, Kind] = {".mp4": "video", ".glb": "model"}
"""What the sheet shows a file as, by its extension (else an image)."""


def _card(outcome: BatchOutcome, out_dir: Path) -> Card:
    from .sheet import Card

    item = outcome.item
    outputs = tuple(_output(path, outcome.seed, out_dir) for path in outcome.outputs)
    summary = f"line {item.line}: {command_name(item.operation)}"
    return Card(item.key, summary, python_call(item.operation, item.args), outputs=outputs)


def _output(path: Path, seed: int | None, out_dir: Path) -> Output:
    from .sheet import Output

    kind: Kind = _KINDS.get(path.suffix.lower(), "image")
    try:
        size = format_size(path.stat().st_size)
    except OSError:
        size = "-"
    if kind == "image":
        size += _dimensions(path)
    return Output(os.path.relpath(path, out_dir), kind, size, "-" if seed is None else str(seed), "-")


def _dimensions(path: Path) -> str:
    try:
        from PIL import Image

        with Image.open(path) as image:  # reads the header only
            return f" {image.width}x{image.height}"
    except Exception:  # no Pillow, or not an image it knows: the sheet shows the size alone
        return ""


def python_call(operation: str, args: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    """``client.generate_core(prompt="a cat", seed=3)``: the Python that makes what the item made (an image
    argument as its path)."""
    pairs = args.items() if isinstance(args, Mapping) else args
    shown = []
    for name, value in pairs:
        text = repr(str(value) if isinstance(value, Path) else value)
        if text.startswith("'") and '"' not in text:
            text = f'"{text[1:-1]}"'
        shown.append(f"{name}={text}")
    return f"client.{operation}({', '.join(shown)})"


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` by a rename: a reader never sees half a page."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _terminal(stream: TextIO) -> bool:
    from .progress import _is_terminal

    return _is_terminal(stream)


@contextlib.contextmanager
def _first_ctrl_c_stops() -> Iterator[threading.Event]:
    """The first Ctrl-C sets the event (the run stops at the next outcome, between two steps of the engine); a
    second one interrupts at once (what is then in flight is the next run's: finished, adopted or uncertain)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        # Straight to the stream: the handler may run while the bar holds its own lock.
        sys.stderr.write(
            "\nstopping: no new item will be started; waiting for the next to finish (Ctrl-C again: at once)\n"
        )
        sys.stderr.flush()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def _shown(path: Path) -> Path:
    """A path as the other commands print theirs: relative to the current directory when it is inside it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
