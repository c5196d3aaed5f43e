"""The ``stability`` command: every operation from the terminal, a demo on the embedded fake, and the fake itself.

Each subcommand turns its options into one call of the sync facade, writes the outputs atomically and prints
one summary (or, with ``--json``, one JSON object on stdout). Every failure is one line on stderr and an exit
code from ``ExitCode``; a traceback only with ``--debug``. The library's errors are said in the command's words
(its options, its way out: ``messages``). Range and format checks are the facade's (so the
command and the library refuse the same things). The subcommands come from the registry (``parser.commands``):
one runner per kind of result (``Entry.returns``) collects the entry's arguments from the options of the same
names and calls the facade method of the entry's name, so nothing here names an operation or an argument.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from .._core.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ContentFilteredError,
    ContentModerationError,
    JobTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    StabilityError,
    UnprocessableEntityError,
    ValidationError,
)
from .._core.validation import Image
from .._operations.registry import REGISTRY, Entry
from .._results import ModelResult
from .console import EXTENSIONS, CommandError, Console, check_writable, command_name, format_size, terminal_safe
from .messages import Names, configuration_message, validation_message
from .parser import COUNT, OUTPUT_FORMAT, Command, ExitCode, build_parser, commands, output_formats

if TYPE_CHECKING:
    from .._results import Account, Engine, ImageResult, VideoResult
    from .._sync_client import Job, Stability

NO_KEY = (
    "no API key: set the STABILITY_API_KEY environment variable (export STABILITY_API_KEY=sk-...); "
    "keys are at https://platform.stability.ai/account/keys"
)

_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp", ".mp4": "mp4", ".glb": "glb"}


# Subclasses before their parents: the first match wins.
_EXIT_CODE_OF: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
    (ContentModerationError, ExitCode.CONTENT),
    (ContentFilteredError, ExitCode.CONTENT),
    (AuthenticationError, ExitCode.AUTH),
    (PermissionDeniedError, ExitCode.AUTH),
    (NotFoundError, ExitCode.NOT_FOUND),
    (RateLimitError, ExitCode.RATE_LIMITED),
    (BadRequestError, ExitCode.VALIDATION),
    (RequestTooLargeError, ExitCode.VALIDATION),
    (UnprocessableEntityError, ExitCode.VALIDATION),
    (APIError, ExitCode.SERVER),
    (APIConnectionError, ExitCode.NETWORK),
    (ValidationError, ExitCode.VALIDATION),
    (JobTimeoutError, ExitCode.JOB_DEADLINE),
    (FileExistsError, ExitCode.USAGE),
    (ConfigurationError, ExitCode.USAGE),
)


def exit_code(exc: BaseException) -> ExitCode:
    """The exit code for an exception (see ``EXIT_CODES``)."""
    if isinstance(exc, CommandError):
        return exc.code
    return next((code for kind, code in _EXIT_CODE_OF if isinstance(exc, kind)), ExitCode.ERROR)


# ------------------------------------------------------------------------------------------- outputs


def output_format(output: str | None, requested: str | None, allowed: Sequence[str], default: str) -> str:
    """The format to ask for and write: ``--output-format``, else the ``-o`` extension, else ``default``."""
    from_suffix = None
    if output is not None and Path(output).suffix:
        from_suffix = _SUFFIXES.get(Path(output).suffix.lower())
        if from_suffix is None:
            known = ", ".join(e for e, f in _SUFFIXES.items() if f in allowed)
            raise CommandError(f"-o {output}: unknown extension; this command writes {known}")
    if requested is not None and from_suffix is not None and requested != from_suffix:
        raise CommandError(f"-o {output} is a {from_suffix} name but --output-format is {requested}")
    chosen = requested or from_suffix or default
    if from_suffix is not None and from_suffix not in allowed:
        raise CommandError(f"-o {output}: this command writes {' or '.join(allowed)}, not {from_suffix}")
    return chosen


def planned_outputs(args: argparse.Namespace, fmt: str, count: int = 1) -> list[Path] | None:
    """The files ``-o`` names (itself, with the format's extension added if it has none, or numbered copies),
    checked before anything is paid for; None without ``-o``, when the names come from the result (the seed or
    the job id) and only their directory, the current one, can be checked first."""
    if not args.output:
        if not getattr(args, "no_wait", False):
            check_writable(None)
        return None
    if args.output.endswith(("/", os.sep)) or Path(args.output).is_dir():
        # Path() drops a trailing separator, and a name without an extension gets one: "dir/" would be "dir.png".
        example = Path(args.output) / ("output" + EXTENSIONS[fmt])
        raise CommandError(f"-o {args.output} names a directory: give a file name, such as {example}")
    path = Path(args.output)
    if not path.suffix:
        path = path.with_name(path.name + EXTENSIONS[fmt])
    paths = [path] if count == 1 else [path.with_name(f"{path.stem}-{i}{path.suffix}") for i in range(1, count + 1)]
    _check_outputs(paths, force=args.force)
    return paths


def default_path(stem: str, fmt: str, *, force: bool) -> Path:
    """``<stem>.<ext>`` in the current directory; without ``--force`` a free ``<stem>-2.<ext>``... instead."""
    path = Path(stem + EXTENSIONS[fmt])
    number = 2
    while not force and os.path.lexists(path):
        path = Path(f"{stem}-{number}{EXTENSIONS[fmt]}")
        number += 1
    return path


def _check_outputs(paths: Sequence[Path], *, force: bool) -> None:
    """Refuse outputs that exist (without ``--force``) or cannot be written."""
    from .._files.outputs import check_destination

    for path in paths:
        try:
            check_destination(path, overwrite=force)
        except FileExistsError:
            raise CommandError(f"{path} already exists; pass --force to replace it") from None
        except ValidationError as exc:
            raise CommandError(f"-o {path}: {exc.rule}") from None
        except OSError as exc:
            raise CommandError(f"-o {path}: {exc.strerror or exc}") from None
    for directory in dict.fromkeys(path.parent for path in paths):
        check_writable(directory)


# ----------------------------------------------------------------------------------------- printing


def describe_output(path: Path, media: ImageResult | VideoResult | ModelResult) -> dict[str, Any]:
    info: dict[str, Any] = {"path": str(path), "format": media.format, "bytes": len(media.data)}
    if not isinstance(media, ModelResult):  # a 3D model comes with no seed or finish reason
        info["seed"], info["finish_reason"] = media.seed, media.finish_reason
    info["request_id"] = media.request_id
    width = getattr(media, "width", None)
    if width:
        info["width"], info["height"] = width, media.height  # type: ignore[union-attr]
    return info


def _human_output(info: dict[str, Any]) -> str:
    size = f" {info['width']}x{info['height']}" if "width" in info else ""
    line = f"wrote {info['path']}  ({info['format']}{size}, {format_size(info['bytes'])})"
    return line + (f"  seed {info['seed']}  finish {info['finish_reason']}" if "seed" in info else "")


# ---------------------------------------------------------------------------------------- commands


def _client(args: argparse.Namespace) -> Stability:
    from .._core.config import KEY_VARIABLES
    from .._sync_client import Stability

    if not any(os.environ.get(name) for name in KEY_VARIABLES):
        raise CommandError(NO_KEY, ExitCode.AUTH)
    options: dict[str, Any] = {"max_retries": args.max_retries}
    if args.base_url:
        options["base_url"] = args.base_url
    if args.timeout is not None:
        options["timeout"] = args.timeout
    if getattr(args, "organization", None):
        options["organization"] = args.organization
    return Stability(**options)


def _arguments(entry: Entry, args: argparse.Namespace) -> dict[str, Any]:
    """The facade method's keyword arguments, from the options of the same names (a file's PATH as a ``Path``)."""
    arguments = {}
    for name, param in entry.params.items():
        value = getattr(args, name)
        if isinstance(param.rule, Image):
            value = Path(value) if value or (value is not None and param.rule.required) else None
        arguments[name] = value
    return arguments


def _planned(entry: Entry, args: argparse.Namespace, arguments: dict[str, Any]) -> list[Path] | None:
    """Pick the output format (asked of the API, when the operation takes one) and check the ``-o`` files,
    before anything is paid for."""
    allowed, default = output_formats(entry)
    fmt = output_format(args.output, arguments.get(OUTPUT_FORMAT), allowed, default)
    if OUTPUT_FORMAT in entry.params:
        arguments[OUTPUT_FORMAT] = fmt
    return planned_outputs(args, fmt, arguments.get(COUNT) or 1)


def _prepared(entry: Entry, args: argparse.Namespace) -> tuple[list[Path] | None, Callable[[Stability], Any]]:
    """The outputs a generation will write (checked before it is paid for), and the call that makes them."""
    arguments = _arguments(entry, args)
    planned = _planned(entry, args, arguments)
    return planned, lambda client: getattr(client, entry.name)(**arguments)


def _images(console: Console, args: argparse.Namespace, command: Command) -> int:
    """A generation that answers images (``images``: one per sample; ``image``: one), written after the call."""
    planned, call = _prepared(command.entry, args)
    with _client(args) as client:
        produced = call(client)
    images: list[ImageResult | ModelResult] = produced if isinstance(produced, list) else [produced]
    written = []
    for index, image in enumerate(images):
        if planned:
            path = planned[index]
        else:
            suffix = f"-{index + 1}" if len(images) > 1 else ""
            seed = "" if isinstance(image, ModelResult) else f"-{image.seed}"
            path = default_path(f"{command.name}{seed}{suffix}", image.format, force=args.force)
        written.append((image.save(path, overwrite=args.force), image))
    return _report_outputs(console, args, command.name, written)


def _job(console: Console, args: argparse.Namespace, command: Command) -> int:
    """A generation that starts a job: wait for it (or, with --no-wait, print its id) and write its result."""
    _check_waiting(args)
    planned, call = _prepared(command.entry, args)
    with _client(args) as client:
        job = call(client)
        return _finish_job(console, args, job, planned, started=True)


def _result(console: Console, args: argparse.Namespace, command: Command) -> int:
    """Resume a job by its kind (the command that started it) and its id."""
    from .._operations.jobs import check_job

    kinds = {REGISTRY[kind].cli: kind for entry in command.entries for kind in entry.finishes}
    kind: Any = kinds.get(args.kind) or args.kind.replace("-", "_")
    if kind not in kinds.values():  # said with the command names (check_job would list the method names)
        raise ValidationError("kind", args.kind, "must be one of " + ", ".join(str(name) for name in kinds))
    check_job(kind, args.job_id)
    _check_waiting(args)
    allowed, default = output_formats(REGISTRY[kind])
    planned = planned_outputs(args, output_format(args.output, None, allowed, default))
    with _client(args) as client:
        job: Job[Any] = client.jobs.get(kind, args.job_id)
        return _finish_job(console, args, job, planned, started=False)


def _report_outputs(
    console: Console,
    args: argparse.Namespace,
    operation: str,
    written: Sequence[tuple[Path, ImageResult | VideoResult | ModelResult]],
    job: Job[Any] | None = None,
) -> int:
    """Print what was written (paths as given, relative stays relative) and pick the exit code."""
    outputs = [describe_output(_shown(path), media) for path, media in written]
    data: dict[str, Any] = {"operation": operation, "outputs": outputs}
    if job is not None:
        data["job"] = {"kind": job.kind, "id": job.id}
    console.result("\n".join(_human_output(o) for o in outputs), data)
    filtered = [str(_shown(path)) for path, media in written if getattr(media, "filtered", False)]
    if filtered and getattr(args, "fail_on_filtered", False):
        console.err.write(f"stability: error: the content filter changed {', '.join(filtered)}\n")
        return ExitCode.CONTENT
    return ExitCode.OK


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _check_waiting(args: argparse.Namespace) -> None:
    """``--deadline`` and ``--poll-interval``, checked as the wait checks them, before a job is paid for;
    ``--deadline`` in its own name (the wait calls it ``timeout``, which is another option here)."""
    from .._core.polling import wait_timeout
    from .._sync_client import Job

    try:
        wait_timeout(args.deadline)
    except ValidationError:
        raise ValidationError("deadline", args.deadline, "must be a number of seconds >= 0, or inf") from None
    # The job's own check (it reads nothing of the job when an interval is given, as the command always gives).
    Job._interval(cast("Job[Any]", None), args.poll_interval)


def _resume_hint(job: Job[Any]) -> str:
    return f"stability result {command_name(job.kind)} {job.id}"


def _finish_job(
    console: Console, args: argparse.Namespace, job: Job[Any], planned: list[Path] | None, *, started: bool
) -> int:
    """Wait for a job with live progress (on a terminal), then write its result; or, with --no-wait, its id."""
    operation = command_name(job.kind)
    console.job = {"kind": job.kind, "id": job.id}  # an error from here on names the job (--json: as fields)
    if getattr(args, "no_wait", False):
        console.result(
            f"{operation} job started: {job.id}\ndownload it with: {_resume_hint(job)} -o FILE",
            {"operation": operation, "job": {"kind": job.kind, "id": job.id}},
        )
        return ExitCode.OK
    try:
        if started:
            console.note(f"{operation} job {job.id} started; if interrupted, resume with: {_resume_hint(job)}")
        with console.job_progress(job) as progress:
            media = job.wait(timeout=args.deadline, poll_interval=args.poll_interval, on_progress=progress.update)
    except JobTimeoutError as exc:
        raise CommandError(
            f"{operation} job {job.id} was not done after {exc.waited:.1f}s; it goes on. Resume with: "
            f"{_resume_hint(job)}",
            ExitCode.JOB_DEADLINE,
        ) from None
    except KeyboardInterrupt:
        raise CommandError(
            f"interrupted; the {operation} job goes on. Resume with: {_resume_hint(job)}", ExitCode.INTERRUPTED
        ) from None
    stem = f"{operation}-{job.id[:12]}"
    path = planned[0] if planned else default_path(stem, media.format, force=args.force)
    if planned and not Path(args.output).suffix and path.suffix != EXTENSIONS[media.format]:
        # -o without an extension: the one of the format the job made (``result`` could only guess it).
        path = path.with_suffix(EXTENSIONS[media.format])
        _check_outputs([path], force=args.force)
    _check_suffix(path, media.format, job)
    try:
        saved = media.save(path, overwrite=args.force)
    except (OSError, StabilityError) as exc:
        raise CommandError(
            f"could not write {path}: {exc}. The result is kept for 24 hours: {_resume_hint(job)} -o FILE",
            ExitCode.USAGE if isinstance(exc, FileExistsError) else ExitCode.ERROR,
        ) from exc
    return _report_outputs(console, args, operation, [(saved, media)], job)


def _check_suffix(path: Path, fmt: str, job: Job[Any]) -> None:
    """A job's format is known only once it is done (``result`` cannot know what the start asked for): an
    ``-o`` extension of another format is refused with the command's way out, not the library's (convert)."""
    named = _SUFFIXES.get(path.suffix.lower())
    if named is not None and named != fmt:
        right = path.with_suffix(EXTENSIONS[fmt])
        raise CommandError(
            f"-o {path}: the {command_name(job.kind)} job's result is {fmt.upper()}, not {named.upper()}: write it "
            f"with -o {right}. The result is kept for 24 hours: {_resume_hint(job)} -o {right}"
        )


def _call(args: argparse.Namespace, command: Command) -> Any:
    """Call the command's operation with its options: account data, nothing to plan or write."""
    with _client(args) as client:
        return getattr(client, command.entry.name)(**_arguments(command.entry, args))


def _engines(console: Console, args: argparse.Namespace, command: Command) -> int:
    engines: list[Engine] = _call(args, command)
    rows = [(e.id, e.type, e.name) for e in engines]
    width = max((len(r[0]) for r in rows), default=0)
    human = "\n".join(f"{i:<{width}}  {t:<8}  {n}" for i, t, n in rows) or "(no engines)"
    data = [{"id": e.id, "name": e.name, "description": e.description, "type": e.type} for e in engines]
    console.result(human, {"engines": data})
    return ExitCode.OK


def _balance(console: Console, args: argparse.Namespace, command: Command) -> int:
    credits: float = _call(args, command)
    console.result(f"{credits:g} credits", {"credits": credits})
    return ExitCode.OK


def _account(console: Console, args: argparse.Namespace, command: Command) -> int:
    account: Account = _call(args, command)
    lines = [f"id     {account.id}", f"email  {account.email}"]
    lines += [
        f"organization  {o.name} ({o.id}), {o.role}{', default' if o.is_default else ''}" for o in account.organizations
    ]
    organizations = [
        {"id": o.id, "name": o.name, "role": o.role, "is_default": o.is_default} for o in account.organizations
    ]
    console.result(
        "\n".join(lines),
        {"id": account.id, "email": account.email, "profile_picture": account.profile_picture,
         "organizations": organizations},
    )  # fmt: skip
    return ExitCode.OK


def _batch(console: Console, args: argparse.Namespace) -> int:
    from .batch import run_batch

    return run_batch(console, args, lambda: _client(args))


def _demo(console: Console, args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(console, Path(args.output_dir), job_duration=args.job_duration)


# -------------------------------------------------------------------------------------------- main

Runner = Callable[[Console, argparse.Namespace, Command], int]

_RUNNERS: dict[str, Runner] = {
    "images": _images,
    "image": _images,
    "model": _images,
    "job": _job,
    "result": _result,
    "engines": _engines,
    "account": _account,
    "balance": _balance,
}
"""The runner of each kind of result (``Entry.returns``)."""


def _runner(command: Command) -> Callable[[Console, argparse.Namespace], int]:
    run = _RUNNERS[command.entry.returns]
    return lambda console, args: run(console, args, command)


def _completion(console: Console, args: argparse.Namespace) -> int:
    from .completion import SCRIPTS

    console.out.write(SCRIPTS[args.shell](build_parser()))
    return ExitCode.OK


COMMANDS: dict[str, Callable[[Console, argparse.Namespace], int]] = {
    **{command.name: _runner(command) for command in commands()},
    "batch": _batch,
    "demo": _demo,
    "completion": _completion,
}
"""Each subcommand's runner (``fake-server`` is handed its arguments before they are parsed)."""


def _fake_server(argv: Sequence[str]) -> int:
    try:
        from ..testing import run_fake_server
    except ImportError as exc:
        _fail(f'the fake server needs the testing extra: pip install "stability-client[testing]" ({exc})')
    return run_fake_server(argv, prog="stability fake-server")


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"stability: error: {message}\n")
    raise SystemExit(ExitCode.USAGE)


def _error_data(
    exc: BaseException, code: ExitCode, message: str, option: str | None, job: dict[str, str] | None
) -> dict[str, Any]:
    data: dict[str, Any] = {"type": type(exc).__name__, "exit_code": int(code), "message": message}
    if isinstance(exc, APIError):
        data.update(status_code=exc.status_code, name=exc.name, error_id=exc.error_id, request_id=exc.request_id)
    if isinstance(exc, ValidationError):
        data.update(field=exc.field, rule=exc.rule)
        if option is not None:
            data["option"] = option
    if job is not None:
        data["job"] = job
    return data


def _message(exc: BaseException, names: Names) -> str:
    # Name the option the user typed, not the Python parameter behind it, and give the command's advice.
    if isinstance(exc, ValidationError):
        return validation_message(exc, names)
    if isinstance(exc, ConfigurationError):
        return configuration_message(exc, names)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return str(exc) or type(exc).__name__


def one_line(text: str) -> str:
    """A message as an error line prints it: the key redacted, on one line, a server's control characters escaped."""
    return terminal_safe(" ".join(_redact(text).split()))


def _redact(text: str) -> str:
    """Belt and braces: no error path prints the key, but a server could echo it back in a message."""
    from .._core.config import KEY_VARIABLES

    for name in KEY_VARIABLES:
        key = os.environ.get(name, "").strip()
        if len(key) >= 8:
            text = text.replace(key, "[redacted API key]")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see ``EXIT_CODES``)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["fake-server"]:
        return _fake_server(arguments[1:])
    parser = build_parser()
    args = parser.parse_args(arguments)
    run = COMMANDS[args.command]
    console = Console(json=bool(getattr(args, "json", False)), out=sys.stdout, err=sys.stderr)
    if getattr(args, "debug", False):
        _log_requests()
    try:
        return int(run(console, args))
    except (Exception, KeyboardInterrupt) as exc:
        # The promise is one line and an exit code, not a traceback, whatever goes wrong (--debug shows it).
        return _report(console, exc, args, parser)


def _log_requests() -> None:
    """``--debug``: the ``stability`` logger at DEBUG on stderr, one line per request (method, path, status, time,
    request id; never the key) and one per retry.

    The handler goes on the ``stability`` logger itself, not the root: the client then sees a configured logger
    and does not add a second one for ``STABILITY_LOG``, which would print every line twice.
    """
    logger = logging.getLogger("stability")
    logger.setLevel(logging.DEBUG)
    if any(handler.get_name() == _DEBUG_HANDLER for handler in logger.handlers):
        return  # main() run again in the same process
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_DEBUG_HANDLER)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)


_DEBUG_HANDLER = "stability --debug"


def _report(console: Console, exc: BaseException, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    code = exit_code(exc)
    names = Names.of(parser, args)
    message = one_line(_message(exc, names))
    if getattr(args, "debug", False):
        lines = _redact("".join(traceback.format_exception(exc))).splitlines()
        console.err.write("".join(terminal_safe(line) + "\n" for line in lines))
    if not isinstance(exc, StabilityError | CommandError | FileExistsError | KeyboardInterrupt):
        message = f"unexpected {type(exc).__name__}: {message} (run with --debug for the traceback)"
    console.err.write(f"stability: error: {message}\n")
    console.err.flush()
    if console.json:
        option = names.option(exc.field) if isinstance(exc, ValidationError) else None
        error = _error_data(exc, code, message, option, console.job)
        console.out.write(json.dumps({"error": error}, sort_keys=True) + "\n")
        console.out.flush()
    return int(code)
