"""The ``stability`` command's options, derived from the registry: one subcommand per operation that names a
``cli`` command (``result`` groups the job results), its flags from the entry's ``params`` in order.

A flag's help is the param's help with the API's default (the generated model's field, so the spec's), else
what the API does when it is left out (``Param.unset``), and the rule's limit (``_core.limits``, the table the
facade's checks use). The values the command passes when a flag is left out are the client method's defaults.
The commands themselves are in ``main``.
"""

from __future__ import annotations

import argparse
import functools
import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, cast

from .._core import limits as L
from .._core.polling import DEFAULT_INTERVAL, DEFAULT_WAIT_TIMEOUT
from .._core.retry import DEFAULT_MAX_RETRIES
from .._core.validation import Choice, Flag, Image, Number, PathSegment, Prompts, Text
from .._operations.registry import REGISTRY, Entry, Param
from .._version import __version__


class ExitCode(IntEnum):
    """The command's exit statuses; ``EXIT_CODES`` (the top ``--help`` and the README) is written from
    ``_MEANINGS``, and each subcommand's ``--help`` lists those that apply to it (``exit_codes``)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    VALIDATION = 3
    AUTH = 4
    NOT_FOUND = 5
    RATE_LIMITED = 6
    SERVER = 7
    NETWORK = 8
    JOB_DEADLINE = 9
    CONTENT = 10
    INCOMPLETE = 11
    INTERRUPTED = 130


_MEANINGS = {
    ExitCode.OK: "success",
    ExitCode.ERROR: "any other error",
    ExitCode.USAGE: "usage: a bad option, an output file that exists (pass --force), an unusable --base-url, "
    "or the testing extra missing for demo and fake-server",
    ExitCode.VALIDATION: "validation: a documented limit broken or an unusable input file (nothing was sent), or a 400, 413 or 422",
    ExitCode.AUTH: "authentication: no API key, or the API answered 401 or 403",
    ExitCode.NOT_FOUND: "not found: 404 (an unknown engine; a job result that expired or belongs to another key)",
    ExitCode.RATE_LIMITED: "rate limited: 429, still after the retries",
    ExitCode.SERVER: "server: 5xx (or 520), or an answer that is not what the API documents",
    ExitCode.NETWORK: "network: the connection was refused or dropped, or it timed out",
    ExitCode.JOB_DEADLINE: "job deadline: --deadline passed; the job goes on, resume it with `stability result`",
    ExitCode.CONTENT: "content: moderated (403 content_moderation) or filtered (--fail-on-filtered)",
    ExitCode.INCOMPLETE: "incomplete: a batch ended with items failed, uncertain or not started (--max-credits); "
    "rerun the same command to resume",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


def _table(meanings: Mapping[ExitCode, str]) -> str:
    return "exit codes:\n" + "\n".join(f"{int(code):>5}  {meaning}" for code, meaning in meanings.items())


EXIT_CODES = _table(_MEANINGS)
"""Every exit code: the top ``--help`` (and the README's table)."""

_WRITES = ("images", "image", "model", "job", "result")
"""What ``Entry.returns`` says of a command that writes files."""


def exit_codes(command: Command) -> str:
    """The exit codes a subcommand can end with, each said for that command (a 3D model is never filtered,
    only jobs have a deadline, only a job result or an engine can be missing)."""
    entry = command.entry
    writes, result = entry.returns in _WRITES, entry.returns == "result"
    usage = ["a bad option", "an output file that exists (pass --force)"] if writes else ["a bad option"]
    meanings = {
        ExitCode.OK: "success",
        ExitCode.ERROR: "any other error",
        ExitCode.USAGE: f"usage: {', '.join(usage)} or an unusable --base-url",
    }
    if entry.params or result:
        files = any(isinstance(param.rule, Image) for param in entry.params.values())
        broken = "a documented limit broken" + (" or an unusable input file" if files else "")
        meanings[ExitCode.VALIDATION] = f"validation: {broken} (nothing was sent), or a 400, 413 or 422"
    meanings[ExitCode.AUTH] = _MEANINGS[ExitCode.AUTH]
    engines = [flag(name) for name, param in entry.params.items() if isinstance(param.rule, PathSegment)]
    if result or entry.returns == "job":  # a job's result can expire, or the poll go to another key
        meanings[ExitCode.NOT_FOUND] = "not found: 404 (a job result that expired or belongs to another key)"
    elif engines:
        meanings[ExitCode.NOT_FOUND] = f"not found: 404 (an unknown {' or '.join(engines)})"
    for code in (ExitCode.RATE_LIMITED, ExitCode.SERVER, ExitCode.NETWORK):
        meanings[code] = _MEANINGS[code]
    if entry.returns in ("job", "result"):
        meanings[ExitCode.JOB_DEADLINE] = _MEANINGS[ExitCode.JOB_DEADLINE]
    if writes:
        filtered = "" if entry.returns == "model" else " or filtered (--fail-on-filtered)"
        meanings[ExitCode.CONTENT] = f"content: moderated (403 content_moderation){filtered}"
    meanings[ExitCode.INTERRUPTED] = _MEANINGS[ExitCode.INTERRUPTED]
    return _table(meanings)


SHELLS = ("bash", "zsh", "fish")
"""The shells ``stability completion`` writes a script for."""

_INSTALL_COMPLETION = """\
bash: add to ~/.bashrc:            source <(stability completion bash)
zsh:  after compinit in ~/.zshrc:  source <(stability completion zsh)
      (or save it as _stability in a directory of $fpath)
fish: stability completion fish > ~/.config/fish/completions/stability.fish"""

DEMO_EXIT_CODES = _table(
    {
        ExitCode.OK: "success",
        ExitCode.ERROR: "any other error",
        ExitCode.USAGE: "usage: a bad option, or the testing extra missing",
        ExitCode.INTERRUPTED: _MEANINGS[ExitCode.INTERRUPTED],
    }
)

ENVIRONMENT = """\
environment:
  STABILITY_API_KEY    your API key (https://platform.stability.ai/account/keys); never printed
  STABILITY_BASE_URL   the API's address (default https://api.stability.ai); --base-url overrides it
  STABILITY_LOG        debug: log each request and retry on stderr; info: only retries (the key is never logged)"""


PROMPT = "prompt"
"""The argument that is the command's positional PROMPT."""
OUTPUT_FORMAT = "output_format"
"""The argument that picks the format of an image written (also from the ``-o`` extension)."""
COUNT = "samples"
"""The argument that says how many images a call makes: the command always passes it (the API's default when
the flag is left out), so it gets a list and can name every output before the generation is paid for."""

_DEFAULT_FORMAT = {"image": "png", "video": "mp4", "model": "glb"}
"""The format written when nothing picks one, by what the operation makes."""

_ORDER = {"images": 0, "image": 0, "model": 0, "job": 0, "result": 1, "engines": 2, "account": 2, "balance": 2}
"""Where a command is listed, by what it returns: what makes something, the job result, the account."""


@dataclass(frozen=True, slots=True)
class Command:
    """A subcommand and the operations it runs: one, or for ``result`` every job's result operation."""

    name: str
    entries: tuple[Entry, ...]

    @property
    def entry(self) -> Entry:
        return self.entries[0]


def commands(registry: Mapping[str, Entry] = REGISTRY) -> list[Command]:
    """The subcommands the registry's entries name (``Entry.cli``), in the order ``--help`` lists them."""
    grouped: dict[str, list[Entry]] = {}
    for entry in registry.values():
        if entry.cli:
            grouped.setdefault(entry.cli, []).append(entry)
    for name, entries in grouped.items():
        if len({entry.returns for entry in entries}) > 1 or (len(entries) > 1 and entries[0].returns != "result"):
            raise ValueError(
                f"the command {name!r} is named by {', '.join(e.name for e in entries)}: only job results share one"
            )
    built = [Command(name, tuple(entries)) for name, entries in grouped.items()]
    return sorted(built, key=lambda command: _ORDER.get(command.entry.returns, 0))


def flag(name: str) -> str:
    """The option of the argument ``name`` (``--cfg-scale`` for ``cfg_scale``)."""
    return "--" + name.replace("_", "-")


def _media(entry: Entry, registry: Mapping[str, Entry] = REGISTRY) -> str:
    """What an operation's output is: ``image``, ``video`` or ``model`` (a job's, what its result operation
    answers)."""
    if entry.returns == "model":
        return "model"
    if entry.starts_job is not None:
        entry = registry[entry.starts_job]
    return entry.media or "image"


def output_formats(entry: Entry, registry: Mapping[str, Entry] = REGISTRY) -> tuple[tuple[str, ...], str]:
    """The formats an operation can write (its ``output_format`` choices, else one) and the one it writes when
    neither ``--output-format`` nor the ``-o`` extension picks one."""
    default = _DEFAULT_FORMAT[_media(entry, registry)]
    param = entry.params.get(OUTPUT_FORMAT)
    if param is not None and isinstance(param.rule, Choice):
        return param.rule.values, default
    return (default,), default


def _call_defaults(entry: Entry) -> dict[str, Any]:
    """What the command passes for a flag left out: the client method's default (``--engine``), and for
    ``COUNT`` the API's; nothing for an argument the API or the facade fills when it is None."""
    from .._sync_client import Stability

    method = getattr(Stability, entry.name, None)
    parameters = inspect.signature(method).parameters if method is not None else {}
    defaults = {
        name: parameters[name].default
        for name in entry.params
        if name in parameters and parameters[name].default not in (inspect.Parameter.empty, None)
    }
    if COUNT in entry.params and COUNT not in defaults:
        count = _api_default(entry, COUNT)
        if count is not None:
            defaults[COUNT] = count
    return defaults


def _api_default(entry: Entry, name: str) -> Any:
    """The argument's default in the generated request model (so, in the spec), or None when the API picks."""
    return None if entry.model is None else _model_defaults(entry.model).get(entry.field(name))


@functools.cache
def _model_defaults(model: str) -> Mapping[str, Any]:
    """Each field's default in a generated model, those of the models it nests included (v1alpha's options)."""
    import attrs

    from stability_api.types import Unset

    from .._operations.common import _model_plan

    cls, plan = _model_plan(model)
    fields = attrs.fields_dict(cls)
    defaults: dict[str, Any] = {}
    for name, nested in plan:
        if nested is not None:
            defaults.update(_model_defaults(nested))
        elif fields[name].default is not attrs.NOTHING and not isinstance(fields[name].default, Unset):
            defaults[name] = fields[name].default
    return defaults


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _param_help(param: Param, default: Any = None) -> str:
    """A flag's help: the param's help, then in one parenthesis the default (or what the API does when it is
    left out), the help's own parenthesis, and the rule's limit unless the help says it already."""
    text, own = param.help, ""
    head, paren, tail = text.partition(" (")
    if paren and tail.endswith(")") and "(" not in tail and ")" not in tail[:-1]:
        text, own = head, tail[:-1]
    parts = []
    if default is not None:
        parts.append(f"default {_number(default)}")
    elif param.unset:
        parts.append(f"default: {param.unset}")
    if own:
        parts.append(own)
    limit = param.rule.describe()
    if limit and limit not in param.help:
        parts.append(limit)
    return f"{text} ({'; '.join(parts)})" if parts else text


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=34, width=min(120, _terminal_width()))

    def _split_lines(self, text: str, width: int) -> list[str]:
        # argparse's own wraps at hyphens too, cutting a flag a help names ("this or --background-|reference").
        import textwrap

        return textwrap.wrap(self._whitespace_matcher.sub(" ", text).strip(), width, break_on_hyphens=False)


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def _common(
    prog_options: argparse.ArgumentParser,
    organization: str | None = None,
    *,
    job: bool = False,
    json_output: str = "print one JSON object on stdout instead of text",
) -> None:
    group = prog_options.add_argument_group("connection and output")
    group.add_argument("--json", action="store_true", help=json_output)
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="the API's address (default $STABILITY_BASE_URL, else https://api.stability.ai)",
    )
    if organization is not None:
        group.add_argument("--organization", metavar="ORG", help=organization)
    group.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help=(
            "seconds each request (the start, each poll, the download) may take, retries included; --deadline "
            "bounds the wait"
            if job
            else "seconds the whole call may take, retries and waits included"
        )
        + " (default: 430, the sum of connect 10, read 180, write 180 and pool 60)",
    )
    group.add_argument(
        "--max-retries",
        type=int,
        default=DEFAULT_MAX_RETRIES,
        metavar="N",
        help="resend a failed request up to N times; charged generations only when provably not processed "
        f"(default {DEFAULT_MAX_RETRIES})",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        help="log each request (method, path, status, time, request id; never the key) and each retry on stderr, "
        "and show tracebacks",
    )


def _output(
    group: argparse._ArgumentGroup, what: str, *, model: bool = False, samples: bool = False, job: bool = False
) -> None:
    """-o, --force, and (for what the content filter may change: not a 3D model) --fail-on-filtered. Only a
    command that can make several outputs at once (a ``samples`` argument) says how they are named."""
    named = "the operation" if model else "the operation and the job id" if job else "the operation and the seed"
    several = "; several samples become PATH-1, PATH-2, ..." if samples else ""
    group.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=f"write {what} here (default: a new file named after {named}, in the current directory){several}",
    )
    group.add_argument("--force", action="store_true", help="replace an existing output file (default: refuse)")
    if model:
        return
    group.add_argument(
        "--fail-on-filtered",
        action="store_true",
        help="exit with code 10 when the content filter changed an output (it is still written; default: exit 0)",
    )


def _poll_interval(kinds: Iterable[str]) -> float:
    """The seconds between polls of these jobs: the longest any of them asks for."""
    intervals = cast(Mapping[str, float], DEFAULT_INTERVAL)
    return max(intervals.get(kind, max(intervals.values())) for kind in kinds)


def _waiting(parser: argparse.ArgumentParser, interval: float, *, no_wait: bool = True) -> None:
    group = parser.add_argument_group("job")
    if no_wait:
        group.add_argument(
            "--no-wait",
            action="store_true",
            help="print the job id and exit at once; download later with `stability result`",
        )
    group.add_argument(
        "--deadline",
        type=float,
        metavar="S",
        help=f"stop waiting after S seconds with exit code 9; the job goes on (default {DEFAULT_WAIT_TIMEOUT:g}; "
        "inf waits until done)",
    )
    group.add_argument(
        "--poll-interval",
        type=float,
        default=interval,
        metavar="S",
        help=f"seconds between result checks (default {interval:g}, the most often the API asks to be polled)",
    )


def _organization(entry: Entry) -> str | None:
    """The ``--organization`` help, for an operation whose request takes the ``Organization`` header."""
    if "organization" not in inspect.signature(entry.api._get_kwargs).parameters:
        return None
    if entry.charged:
        return "bill this organization (default: the key's default organization)"
    return "as this organization (default: the key's default)"


def _add_param(
    sub: argparse.ArgumentParser,
    generation: argparse._ArgumentGroup,
    name: str,
    param: Param,
    *,
    default: Any,
    shown: Any,
) -> None:
    """One argument: PROMPT, a file (``--image PATH``), or a generation option typed by its rule."""
    rule = param.rule
    help = _param_help(param, shown)
    if name == PROMPT:
        required = isinstance(rule, Prompts) or (isinstance(rule, Text) and rule.required)
        sub.add_argument(name, metavar=param.metavar, help=help, nargs=None if required else "?")
        return
    options: dict[str, Any] = {"metavar": param.metavar, "help": help}
    if isinstance(rule, Image):
        options["required"] = rule.required
    elif isinstance(rule, Text) and rule.required:
        options["required"] = True  # argparse refuses it missing (exit 2), as it does a missing --image
    elif isinstance(rule, Number):
        options["type"] = int if rule.integer else float
    elif isinstance(rule, Flag):
        options = {"help": help, "action": argparse.BooleanOptionalAction}
    if default is not None:
        options["default"] = default
    # Input files head the options (where --image always was): most commands cannot run without one.
    (sub if isinstance(rule, Image) else generation).add_argument(flag(name), **options)


def _operation(sub: argparse.ArgumentParser, command: Command, registry: Mapping[str, Entry]) -> None:
    """The flags of a command that runs one operation."""
    entry = command.entry
    defaults = _call_defaults(entry)
    generation = sub.add_argument_group("generation")
    for name, param in entry.params.items():
        default = defaults.get(name)
        shown = _api_default(entry, name)
        _add_param(sub, generation, name, param, default=default, shown=default if shown is None else shown)
    if entry.returns in ("images", "image", "model", "job"):
        allowed, _ = output_formats(entry, registry)
        _output(
            sub.add_argument_group("files"),
            f"the {allowed[0].upper()}" if len(allowed) == 1 else f"the {_media(entry, registry)}",
            model=entry.returns == "model",
            samples=COUNT in entry.params,
            job=entry.returns == "job",
        )
    if entry.returns == "job":
        _waiting(sub, _poll_interval([entry.name]))
    _common(sub, _organization(entry), job=entry.returns == "job")


def _result(sub: argparse.ArgumentParser, command: Command, registry: Mapping[str, Entry]) -> None:
    """The flags of ``result``: resume a job of any kind by its id."""
    kinds = list(dict.fromkeys(kind for entry in command.entries for kind in entry.finishes))
    sub.add_argument("kind", metavar="KIND", help=" or ".join(registry[kind].cli or kind for kind in kinds))
    sub.add_argument("job_id", metavar="ID", help=f"the {L.GENERATION_ID_LENGTH}-character id the job start printed")
    _output(sub.add_argument_group("files"), "the result", job=True)
    _waiting(sub, _poll_interval(kinds), no_wait=False)
    _common(sub, job=True)


def build_parser(registry: Mapping[str, Entry] = REGISTRY) -> argparse.ArgumentParser:
    """The ``stability`` parser: a subcommand per command the registry's entries name, then demo and fake-server."""
    parser = argparse.ArgumentParser(
        prog="stability",
        description="Generate images and videos with the Stability AI REST API (v2beta and v1; also v1alpha and v2alpha).\n\n"
        "Run `stability demo` to try every operation on a local fake server, with no key and no network.",
        epilog=f"{EXIT_CODES}\n\n{ENVIRONMENT}\n\n`stability COMMAND --help` lists each command's options.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"stability {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str, codes: str) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, help=summary, description=summary, epilog=codes, formatter_class=_Formatter)

    for each in commands(registry):
        sub = command(each.name, each.entry.summary, exit_codes(each))
        (_result if each.entry.returns == "result" else _operation)(sub, each, registry)

    from .batch import BATCH_EXIT_CODES, BATCH_SUMMARY, add_batch_options

    add_batch_options(command("batch", BATCH_SUMMARY, BATCH_EXIT_CODES))
    subparsers.add_parser(
        "fake-server",
        help="Run the local fake Stability API for your tests (see `stability fake-server --help`).",
        add_help=False,
    )
    sub = command(
        "demo",
        "Run every operation on a local fake server (no key, no network) and write the outputs to a folder.",
        DEMO_EXIT_CODES,
    )
    sub.add_argument(
        "--output-dir",
        metavar="DIR",
        default="stability-demo",
        help="where the outputs go: a new or empty folder, or one an earlier demo made (whose files it replaces); "
        "default ./stability-demo",
    )
    sub.add_argument(
        "--job-duration", type=float, default=2.0, metavar="S", help="seconds each fake job runs (default 2)"
    )
    sub.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of the table")
    sub.add_argument(
        "--debug", action="store_true", help="log each request to the fake server on stderr and show tracebacks"
    )
    sub = command(
        "completion",
        "Print the shell completion script of the command (its subcommands and their options) for bash, zsh or fish.",
        f"{_INSTALL_COMPLETION}\n\n{_table({ExitCode.OK: 'success', ExitCode.USAGE: 'usage: a shell not listed'})}",
    )
    sub.add_argument("shell", choices=SHELLS, metavar="SHELL", help=f"one of {', '.join(SHELLS)}")
    return parser
