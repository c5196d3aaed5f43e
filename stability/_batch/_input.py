"""Reading a batch file: JSON Lines or CSV, every line checked before anything is sent.

A batch is paid for item by item, and a mistake found at item 900 after 899 were charged is the worst time to
find it; so ``read_batch`` checks every line first, with the same checks a call makes (each argument's rule,
image files that exist and decode, the operation's own rules through ``prepare``, which builds the request
without sending it), and reports every bad line together, by line number. Only then is anything sent.

Image arguments are paths; a relative one is read from the batch file's directory, so a folder holding the
file and its images can be moved (or run from anywhere) as a whole.
"""

from __future__ import annotations

import csv
import functools
import inspect
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from .._core import validation as check
from .._core.errors import StabilityError, ValidationError
from .._operations.entry import Entry
from .._operations.registry import REGISTRY, prepare

MAX_KEY_CHARS: Final = 100
"""An item's key names its output files: with ``-N`` and an extension it stays far below file-name limits."""

SHOWN_PROBLEMS: Final = 20
"""How many problems the error's message lists (``problems`` keeps them all)."""


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One request of a batch: which operation, with which arguments, and what it names its outputs."""

    key: str
    """Names the outputs (``key.png``) and the item's row in the manifest: the ``id`` field or column, else
    ``line-N``."""
    line: int
    """1-based line in the file (CSV: the header is line 1)."""
    operation: str
    """The operation's name in the registry: the client method's (``generate_core``, ``upscale_creative``)."""
    args: Mapping[str, Any]
    """The method's keyword arguments; image arguments as paths."""
    credits: float
    """The documented price of this call, in credits (0.0 where the API documents none)."""


class BatchInputError(ValidationError):
    """A batch file (or list of items) that cannot be run as it is. Nothing was sent.

    ``problems`` lists every bad line as ``(line, message)`` (line 0: the file as a whole).
    """

    def __init__(self, source: str, problems: Iterable[tuple[int, str]]) -> None:
        self.problems: tuple[tuple[int, str], ...] = tuple(problems)
        """Every problem found, in line order: ``(line, message)``."""
        shown = [f"  line {line}: {message}" if line else f"  {message}" for line, message in self.problems]
        if len(shown) > SHOWN_PROBLEMS:
            shown[SHOWN_PROBLEMS:] = [f"  ... and {len(shown) - SHOWN_PROBLEMS} more"]
        count = len(self.problems)
        rule = f"{count} problem{'s' if count != 1 else ''}; nothing was sent:\n" + "\n".join(shown)
        super().__init__(source, None, rule)
        Exception.__init__(self, f"{source}: {rule}")


def read_batch(path: str | os.PathLike[str], *, operation: str | None = None) -> list[BatchItem]:
    """Read and check a batch file: every line, before anything is sent.

    ``.jsonl`` (or ``.ndjson``): one JSON object per line, ``{"operation": "generate_core", "id": "cat",
    "prompt": "a cat"}`` (``id`` optional; the operation by its method's name or its command's, ``generate-core``;
    blank lines skipped). ``.csv``: a header row naming the arguments
    (and optionally ``id``), one item per row, all with ``operation``; empty cells are left out, numbers and
    true/false read as each argument's rule takes them.

    Raises:
        BatchInputError: a line (or the file) cannot be run; ``problems`` lists every one, by line number.
    """
    source = os.fspath(path)
    operation = None if operation is None else operation_named(operation)
    suffix = Path(source).suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv"):
        raise BatchInputError(source, [(0, f"expected a .jsonl or .csv file, got {suffix or 'no extension'}")])
    if suffix == ".csv" and operation is None:
        raise BatchInputError(source, [(0, "a CSV file needs operation= (one operation for every row)")])
    if suffix != ".csv" and operation is not None:
        raise BatchInputError(source, [(0, "operation= is for CSV files; a JSON line names its own")])
    try:
        with open(source, encoding="utf-8-sig", newline="") as file:
            rows = list(_csv_rows(file, operation) if operation is not None else _jsonl_rows(file))
    except UnicodeDecodeError as exc:
        raise BatchInputError(source, [(0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except csv.Error as exc:
        raise BatchInputError(source, [(0, f"not a readable CSV file: {exc}")]) from None
    except OSError as exc:
        raise BatchInputError(source, [(0, f"cannot be read: {exc.strerror or exc}")]) from None
    return _checked(source, rows, base=Path(source).parent)


def estimate(items: Iterable[BatchItem]) -> float:
    """The documented price of all ``items``, in credits (1 credit = 1 US cent)."""
    return math.fsum(item.credits for item in items)


def check_items(items: Iterable[BatchItem], source: str = "items") -> list[BatchItem]:
    """Items given directly (not read from a file): their keys must be usable and unique, their operations
    ones a batch can run. Their arguments are checked by the call itself."""
    try:
        iterator = iter(items)
    except TypeError:
        rule = "must be a batch file's path (.jsonl or .csv) or an iterable of BatchItem"
        raise ValidationError(source, type(items).__name__, rule) from None
    listed = list(iterator)
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for item in listed:
        if not isinstance(item, BatchItem):
            raise BatchInputError(source, [(0, f"expected BatchItem objects, got {type(item).__name__}")])
        problem = _operation_problem(item.operation) or _key_problem(item.key, seen, item.line)
        if problem:
            problems.append((item.line, problem))
    if problems:
        raise BatchInputError(source, problems)
    return listed


# ------------------------------------------------------------------------------------------- reading

# A row as read: its line, the operation named, the key given (or None) and the raw arguments; or a problem.
_Row = tuple[int, str | None, Any, dict[str, Any]] | tuple[int, str]


def _jsonl_rows(lines: Iterable[str]) -> Iterator[_Row]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, f"not valid JSON ({exc.msg}, column {exc.colno})"
            continue
        except RecursionError:
            yield number, "not valid JSON (nested too deeply)"
            continue
        if not isinstance(value, dict):
            yield number, f"expected a JSON object, got {type(value).__name__}"
            continue
        name = value.pop("operation", None)
        if not isinstance(name, str):
            yield number, 'needs "operation": the operation\'s name, such as "generate_core"'
            continue
        key = value.pop("id", None)
        yield number, operation_named(name), key, value


def _csv_rows(lines: Iterable[str], operation: str) -> Iterator[_Row]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    names = [name.strip() for name in header]
    entry = REGISTRY.get(operation)
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            yield number, f"has {len(row)} cells, the header {len(names)}"
            continue
        cells = {name: cell for name, cell in zip(names, row, strict=True) if cell.strip()}
        key = cells.pop("id", None)
        try:
            args = {name: _converted(entry, name, cell) for name, cell in cells.items()}
        except ValueError as exc:
            yield number, str(exc)
            continue
        yield number, operation, key, args


def _converted(entry: Entry | None, name: str, cell: str) -> Any:
    """A CSV cell as the argument's rule takes it: a number, true/false, or the text (paths stay text here)."""
    param = entry.params.get(name) if entry is not None else None
    rule = param.rule if param is not None else None
    text = cell.strip()
    if isinstance(rule, check.Number) or (isinstance(rule, check.Choice) and rule.numeric):
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            if isinstance(rule, check.Choice):
                return text  # the choice's own check says what it may be
            raise ValueError(f"{name}={text!r}: must be a number ({rule.describe()})") from None
    if isinstance(rule, check.Flag):
        lowered = text.lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
        raise ValueError(f"{name}={text!r}: must be true or false")
    return cell


# ------------------------------------------------------------------------------------------- checking


def _checked(source: str, rows: Iterable[_Row], *, base: Path) -> list[BatchItem]:
    items: list[BatchItem] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for row in rows:
        if len(row) == 2:
            problems.append(row)
            continue
        number, name, key, args = row
        assert name is not None
        try:
            items.append(_item(number, name, key, args, base=base, seen=seen))
        except _LineProblem as problem:
            problems.append((number, str(problem)))
    if problems:
        raise BatchInputError(source, problems)
    return items


class _LineProblem(Exception):
    """What is wrong with one line (collected, then raised together as ``BatchInputError``)."""


def _item(number: int, name: str, key: Any, raw: dict[str, Any], *, base: Path, seen: dict[str, int]) -> BatchItem:
    problem = _operation_problem(name)
    if problem:
        raise _LineProblem(problem)
    entry = REGISTRY[name]
    if key is None:
        key = f"line-{number}"
    elif isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    problem = _key_problem(key, seen, number)
    if problem:
        raise _LineProblem(problem)
    assert isinstance(key, str)  # _key_problem refuses anything else
    unknown = [arg for arg in raw if arg not in entry.params]
    if unknown:
        known = ", ".join(entry.params)
        raise _LineProblem(f"{name} takes no {', '.join(map(repr, unknown))} (it takes: {known})")
    args = {arg: _argument(entry, arg, value, base) for arg, value in raw.items() if value is not None}
    try:
        built = prepare(name, {**_defaults(name), **args})
    except StabilityError as exc:
        raise _LineProblem(str(exc)) from None
    except (TypeError, ValueError, KeyError) as exc:  # a value of a type no rule expects (a list for a number)
        raise _LineProblem(f"{type(exc).__name__}: {exc}") from None
    return BatchItem(key, number, name, MappingProxyType(args), _credits(entry, args, built))


def operation_named(name: str) -> str:
    """An operation by its method's name or its command's (``generate-core``, ``masking``): the method's, which
    ``BatchItem.operation`` holds (a name that is neither is returned as it is, for the check to report)."""
    return name if name in REGISTRY else _by_command().get(name, name)


@functools.cache
def _by_command() -> Mapping[str, str]:
    return MappingProxyType({entry.cli: name for name, entry in REGISTRY.items() if entry.cli})


def _operation_problem(name: str) -> str | None:
    entry = REGISTRY.get(name)
    if entry is None or not entry.charged:
        runnable = ", ".join(batchable())
        return f"unknown operation {name!r}; a batch runs one of: {runnable}"
    return None


def batchable() -> tuple[str, ...]:
    """The operations a batch can run: those that make something (and are charged for it)."""
    return tuple(name for name, entry in REGISTRY.items() if entry.charged)


def _key_problem(key: Any, seen: dict[str, int], number: int) -> str | None:
    """Why ``key`` cannot name output files (None: it can). Keys must also differ when case is ignored, for
    the file systems that ignore it (macOS, Windows)."""
    if not isinstance(key, str):
        return f"id must be text, got {type(key).__name__}"
    if (
        not key
        or len(key) > MAX_KEY_CHARS
        or key.startswith(".")
        or not key.isprintable()
        or any(c in key for c in '/\\:*?"<>|')
    ):
        return (
            f"id {key!r} cannot name a file: 1 to {MAX_KEY_CHARS} printable characters, not starting with a "
            'dot, none of / \\ : * ? " < > |'
        )
    folded = key.casefold()
    if folded in seen:
        return f"id {key!r} is also line {seen[folded]}'s: every item needs its own"
    seen[folded] = number
    return None


def _argument(entry: Entry, name: str, value: Any, base: Path) -> Any:
    """A value as the method takes it: an image argument as a path (relative to the batch file's directory),
    v1alpha's ``[text, weight]`` pairs as tuples."""
    rule = entry.params[name].rule
    if isinstance(rule, check.Image) and isinstance(value, str):
        return base / value
    if isinstance(rule, check.Prompts) and isinstance(value, list):
        return [tuple(item) if isinstance(item, list) else item for item in value]
    return value


@functools.cache
def _defaults(name: str) -> Mapping[str, Any]:
    """The defaults the client method's signature gives (v1alpha's ``engine``), which ``prepare`` expects."""
    from .._async_client import AsyncStability

    signature = inspect.signature(getattr(AsyncStability, name))
    return MappingProxyType(
        {
            p.name: p.default
            for p in signature.parameters.values()
            if p.default is not inspect.Parameter.empty and p.default is not None
        }
    )


def _credits(entry: Entry, args: Mapping[str, Any], built: Any) -> float:
    """The documented price of one call.

    A price per value of one argument (inpaint's ``mode``, SD3's ``model``) is read from the value the call
    sends: the one given, else the one the SDK picks (``prepare`` puts it in the request: inpaint's mode
    follows from ``search_prompt``), else the documented default (``Param.unset``: SD3's ``sd3.5-large``).
    Where none of these can be read, the highest price: an estimate that bounds ``max_credits`` must not be low.
    """
    price = entry.price
    if price is None:
        return 0.0
    if not isinstance(price, Mapping):
        return float(price)
    sent: Mapping[str, Any] = {}
    build = getattr(built, "build", None)
    if isinstance(build, functools.partial) and len(build.args) >= 2 and isinstance(build.args[1], Mapping):
        sent = build.args[1]  # common.operation's request fields, the values the SDK chose included
    for name, param in entry.params.items():
        if isinstance(param.rule, check.Choice) and set(price) <= set(param.rule.values):
            for value in (args.get(name), sent.get(entry.field(name)), param.unset):
                if isinstance(value, str) and value in price:
                    return float(price[value])
    return float(max(price.values()))
