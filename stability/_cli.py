"""The ``stability`` command: every operation from the terminal, a demo on the embedded fake, and the fake itself.

Each subcommand turns its options into one call of the sync facade, writes the outputs atomically and prints
one summary (or, with ``--json``, one JSON object on stdout). Every failure is one line on stderr and an exit
code from ``ExitCode``; a traceback only with ``--debug``. Range and format checks are the facade's (so the
command and the library refuse the same things); ``--help`` takes its defaults from the generated models and
its limits from ``_limits``, so both say what the spec says.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import _limits as L
from ._errors import (
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
    StabilityError,
    ValidationError,
)
from ._version import __version__

if TYPE_CHECKING:
    from ._results import ImageResult, VideoResult
    from ._sync_client import Job, Stability


class ExitCode(IntEnum):
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
    INTERRUPTED = 130


EXIT_CODES = """\
exit codes:
    0  success
    1  any other error
    2  usage: a bad option, an output file that exists (pass --force), an unusable --base-url
    3  validation: a documented limit broken or an unusable input file (nothing was sent), or a 400
    4  authentication: no API key, or the API answered 401 or 403
    5  not found: 404 (an unknown engine; a job result that expired or belongs to another key)
    6  rate limited: 429, still after the retries
    7  server: 5xx (or 520), or an answer that is not what the API documents
    8  network: the connection was refused or dropped, or it timed out
    9  job deadline: --deadline passed; the job goes on, resume it with `stability result`
   10  content: moderated (403 content_moderation) or filtered (--fail-on-filtered)
  130  interrupted (Ctrl-C)"""

ENVIRONMENT = """\
environment:
  STABILITY_API_KEY    your API key (https://platform.stability.ai/account/keys); never printed
  STABILITY_BASE_URL   the API's address (default https://api.stability.ai); --base-url overrides it
  STABILITY_LOG        debug or info: log requests and retries on stderr (the key is never logged)"""

NO_KEY = (
    "no API key: set the STABILITY_API_KEY environment variable (export STABILITY_API_KEY=sk-...); "
    "keys are at https://platform.stability.ai/account/keys"
)

_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp", ".mp4": "mp4"}
_EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "webp": ".webp", "mp4": ".mp4"}


class CommandError(Exception):
    """A problem the command itself finds (an output that exists, a clash of options), with its exit code."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.code = code


def exit_code(exc: BaseException) -> ExitCode:
    """The exit code for an exception (see ``EXIT_CODES``); subclasses are tested before their parents."""
    table: tuple[tuple[type[BaseException], ExitCode], ...] = (
        (KeyboardInterrupt, ExitCode.INTERRUPTED),
        (ContentModerationError, ExitCode.CONTENT),
        (ContentFilteredError, ExitCode.CONTENT),
        (AuthenticationError, ExitCode.AUTH),
        (PermissionDeniedError, ExitCode.AUTH),
        (NotFoundError, ExitCode.NOT_FOUND),
        (RateLimitError, ExitCode.RATE_LIMITED),
        (BadRequestError, ExitCode.VALIDATION),
        (APIError, ExitCode.SERVER),
        (APIConnectionError, ExitCode.NETWORK),
        (ValidationError, ExitCode.VALIDATION),
        (JobTimeoutError, ExitCode.JOB_DEADLINE),
        (FileExistsError, ExitCode.USAGE),
        (ConfigurationError, ExitCode.USAGE),
    )
    if isinstance(exc, CommandError):
        return exc.code
    return next((code for kind, code in table if isinstance(exc, kind)), ExitCode.ERROR)


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


def planned_paths(output: str, fmt: str, count: int) -> list[Path]:
    """The files ``-o`` names: itself (with the format's extension added if it has none), or numbered copies."""
    path = Path(output)
    if not path.suffix:
        path = path.with_name(path.name + _EXTENSIONS[fmt])
    if count == 1:
        return [path]
    return [path.with_name(f"{path.stem}-{i}{path.suffix}") for i in range(1, count + 1)]


def default_path(stem: str, fmt: str, *, force: bool) -> Path:
    """``<stem>.<ext>`` in the current directory; without ``--force`` a free ``<stem>-2.<ext>``... instead."""
    path = Path(stem + _EXTENSIONS[fmt])
    number = 2
    while not force and os.path.lexists(path):
        path = Path(f"{stem}-{number}{_EXTENSIONS[fmt]}")
        number += 1
    return path


def check_outputs(paths: Sequence[Path], *, force: bool) -> None:
    """Refuse, before anything is paid for, outputs that exist (without ``--force``) or cannot be written."""
    from ._files import check_destination

    for path in paths:
        try:
            check_destination(path, overwrite=force)
        except FileExistsError:
            raise CommandError(f"{path} already exists; pass --force to replace it") from None
        except ValidationError as exc:
            raise CommandError(f"-o {path}: {exc.rule}") from None


# ----------------------------------------------------------------------------------------- printing


@dataclass(slots=True)
class Console:
    """Where the command writes: results on stdout, progress and errors on stderr."""

    json: bool
    out: TextIO
    err: TextIO

    def result(self, human: str, data: dict[str, Any]) -> None:
        if self.json:
            self.out.write(json.dumps(data, sort_keys=True) + "\n")
        else:
            self.out.write(human + "\n")
        self.out.flush()

    def note(self, text: str) -> None:
        """A plain line for people (never in --json mode, where stdout must stay one JSON object)."""
        if not self.json:
            self.err.write(text + "\n")
            self.err.flush()


def describe_output(path: Path, media: ImageResult | VideoResult) -> dict[str, Any]:
    info: dict[str, Any] = {
        "path": str(path),
        "format": media.format,
        "bytes": len(media.data),
        "seed": media.seed,
        "finish_reason": media.finish_reason,
        "request_id": media.request_id,
    }
    width = getattr(media, "width", None)
    if width:
        info["width"], info["height"] = width, media.height  # type: ignore[union-attr]
    return info


def _human_output(info: dict[str, Any]) -> str:
    size = f" {info['width']}x{info['height']}" if "width" in info else ""
    return (
        f"wrote {info['path']}  ({info['format']}{size}, {_size(info['bytes'])})  seed {info['seed']}  "
        f"finish {info['finish_reason']}"
    )


def _size(count: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


# ------------------------------------------------------------------------------------------- parser


def _api_default(model: str, name: str) -> Any:
    """A field's default in the generated model (so, in the spec), or None when the API picks."""
    import importlib

    import attrs

    from stability_api.types import Unset

    module, _, cls = model.rpartition(".")
    field = attrs.fields_dict(getattr(importlib.import_module(f"stability_api.models.{module}"), cls))[name]
    default = field.default
    return None if default is attrs.NOTHING or isinstance(default, Unset) else default


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _doc(text: str, *, default: Any = None, limits: str | None = None, api: str | None = None) -> str:
    parts = []
    if default is not None:
        parts.append(f"default {_number(default)}")
    elif api:
        parts.append(f"default: {api}")
    if limits:
        parts.append(limits)
    return f"{text} ({'; '.join(parts)})" if parts else text


def _one_of(values: Sequence[str]) -> str:
    return "one of " + ", ".join(values)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=34, width=min(120, _terminal_width()))


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def _common(prog_options: argparse.ArgumentParser) -> None:
    group = prog_options.add_argument_group("connection and output")
    group.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of text")
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="the API's address (default $STABILITY_BASE_URL, else https://api.stability.ai)",
    )
    group.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="seconds to wait for each answer (default: connect 10, read 180)",
    )
    group.add_argument(
        "--max-retries",
        type=int,
        default=2,
        metavar="N",
        help="resend a failed request up to N times; charged generations only when provably not processed (default 2)",
    )
    group.add_argument("--debug", action="store_true", help="log requests on stderr and show tracebacks")


def _output(parser: argparse.ArgumentParser, what: str) -> None:
    group = parser.add_argument_group("files")
    group.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=f"write {what} here (default: a new file named after the operation and the seed, in the current "
        "directory); several samples become PATH-1, PATH-2, ...",
    )
    group.add_argument("--force", action="store_true", help="replace an existing output file (default: refuse)")
    group.add_argument(
        "--fail-on-filtered",
        action="store_true",
        help="exit with code 10 when the content filter changed an output (it is still written; default: exit 0)",
    )


def _waiting(parser: argparse.ArgumentParser, *, no_wait: bool = True) -> None:
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
        help="stop waiting after S seconds with exit code 9; the job goes on (default: wait until done)",
    )
    group.add_argument(
        "--poll-interval",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds between result checks (default 10, the most often the API asks to be polled)",
    )


def _v1(parser: argparse.ArgumentParser, model: str, *, engine: str) -> None:
    parser.add_argument("prompt", metavar="PROMPT", help=f"what to draw (at most {L.V1_PROMPT_MAX_CHARS} characters)")
    group = parser.add_argument_group("generation")
    group.add_argument("--negative-prompt", metavar="TEXT", help="what to steer away from")
    group.add_argument("--engine", default=engine, metavar="ID", help=f"the engine (default {engine}; see `engines`)")
    group.add_argument(
        "--cfg-scale",
        type=float,
        metavar="X",
        help=_doc("how strictly the image follows the prompt", default=_api_default(model, "cfg_scale"),
                  limits=L.V1_CFG_SCALE.describe()),
    )  # fmt: skip
    group.add_argument(
        "--steps",
        type=int,
        metavar="N",
        help=_doc("diffusion steps", default=_api_default(model, "steps"), limits=L.V1_STEPS.describe()),
    )
    group.add_argument(
        "--samples",
        type=int,
        default=1,
        metavar="N",
        help=_doc("images to make", default=_api_default(model, "samples"), limits=L.V1_SAMPLES.describe()),
    )
    group.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help=_doc("noise seed; 0 is random", default=_api_default(model, "seed"), limits=L.V1_SEED.describe()),
    )
    group.add_argument(
        "--sampler",
        metavar="NAME",
        help=_doc("diffusion sampler", api="the API picks", limits=_one_of(L.V1_SAMPLERS)),
    )
    group.add_argument(
        "--clip-guidance-preset",
        metavar="NAME",
        help=_doc("CLIP guidance", api="NONE", limits=_one_of(L.V1_CLIP_GUIDANCE_PRESETS)),
    )
    group.add_argument(
        "--organization", metavar="ORG", help="bill this organization (default: the key's default organization)"
    )


def build_parser() -> argparse.ArgumentParser:
    from . import _operations as ops

    parser = argparse.ArgumentParser(
        prog="stability",
        description="Generate images and videos with the Stability AI REST API (v1alpha and v2alpha).\n\n"
        "Run `stability demo` to try every operation on a local fake server, with no key and no network.",
        epilog=f"{EXIT_CODES}\n\n{ENVIRONMENT}\n\n`stability COMMAND --help` lists each command's options.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"stability {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str, run: Callable[..., int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name, help=summary, description=summary, epilog=EXIT_CODES, formatter_class=_Formatter
        )
        sub.set_defaults(run=run)
        return sub

    v1_sizes = (
        f"{L.V1_SIDE.describe()}, a multiple of {L.V1_SIDE_MULTIPLE}; width x height at most {L.V1_MAX_PIXELS:,} pixels"
    )
    sub = command("text-to-image", "Generate an image from text (v1alpha; writes PNG).", _text_to_image)
    _v1(sub, "text_to_image_request.TextToImageRequest", engine=ops.DEFAULT_ENGINE)
    sub.add_argument(
        "--width", type=int, metavar="PX", help=_doc("output width", api="the engine's, 512", limits=v1_sizes)
    )
    sub.add_argument(
        "--height", type=int, metavar="PX", help=_doc("output height", api="the engine's, 512", limits=v1_sizes)
    )
    _output(sub, "the PNG")
    _common(sub)

    sub = command("image-to-image", "Generate an image from an image and text (v1alpha; writes PNG).", _image_to_image)
    _v1(sub, "image_to_image_options.ImageToImageOptions", engine=ops.DEFAULT_ENGINE)
    _image(sub, "the initial image", L.V1_INPUT_FORMATS, f"sides {L.V1_SIDE.describe()}, multiples of 64")
    sub.add_argument(
        "--step-schedule-start",
        type=float,
        metavar="X",
        help=_doc("how much the image may change: 0 keeps it, 1 ignores it", api="the API picks",
                  limits=L.V1_STEP_SCHEDULE.describe()),
    )  # fmt: skip
    sub.add_argument(
        "--step-schedule-end",
        type=float,
        metavar="X",
        help=_doc("where the schedule ends", api="the API picks", limits=L.V1_STEP_SCHEDULE.describe()),
    )
    _output(sub, "the PNG")
    _common(sub)

    sub = command(
        "masking", "Repaint the masked part of an image (v1alpha image-to-image/masking; writes PNG).", _masking
    )
    _v1(sub, "masking_options.MaskingOptions", engine=ops.DEFAULT_MASKING_ENGINE)
    _image(sub, "the image to repaint", L.V1_INPUT_FORMATS, "sides multiples of 64")
    sub.add_argument("--mask", metavar="PATH", help="the mask, the image's size (white pixels are repainted)")
    sub.add_argument(
        "--mask-source",
        metavar="NAME",
        help=_doc(
            "which pixels to repaint",
            api="MASK_IMAGE_WHITE with --mask, else INIT_IMAGE_ALPHA",
            limits=_one_of(L.V1_MASK_SOURCES),
        ),
    )
    _output(sub, "the PNG")
    _common(sub)

    sub = command("inpaint", "Repaint part of an image: by a search prompt or a mask (v2alpha).", _inpaint)
    sub.add_argument("prompt", metavar="PROMPT", help=f"what to paint (at most {L.V2_PROMPT_MAX_CHARS:,} characters)")
    _image(sub, "the image", L.V2_IMAGE_INPUT_FORMATS, f"{L.INPAINT_PIXELS.describe()} pixels, sides >= 64")
    group = sub.add_argument_group("generation")
    group.add_argument("--mask", metavar="PATH", help="mask mode: white pixels are repainted")
    group.add_argument("--search-prompt", metavar="TEXT", help="search mode: what to find and replace")
    group.add_argument(
        "--mode",
        metavar="MODE",
        help=_doc(
            "how to find the area", api="search with --search-prompt, else mask", limits=_one_of(L.INPAINT_MODES)
        ),
    )
    group.add_argument("--negative-prompt", metavar="TEXT", help="what to steer away from")
    _v2_seed_and_format(group)
    _output(sub, "the image")
    _common(sub)

    sub = command("upscale", "Upscale an image up to 4K (v2alpha job: waits, then writes the image).", _upscale)
    sub.add_argument(
        "prompt", metavar="PROMPT", help=f"what the image shows (at most {L.V2_PROMPT_MAX_CHARS:,} characters)"
    )
    _image(sub, "the image", L.V2_IMAGE_INPUT_FORMATS, f"{L.UPSCALE_PIXELS.describe()} pixels, sides >= 64")
    group = sub.add_argument_group("generation")
    group.add_argument("--negative-prompt", metavar="TEXT", help="what to steer away from")
    group.add_argument(
        "--creativity",
        type=float,
        metavar="X",
        help=_doc("how much detail to invent", default=_api_default("upscale_request.UpscaleRequest", "creativity"),
                  limits=L.UPSCALE_CREATIVITY.describe()),
    )  # fmt: skip
    _v2_seed_and_format(group)
    _output(sub, "the image")
    _waiting(sub)
    _common(sub)

    sub = command(
        "image-to-video", "Make a short video from an image (v2alpha job: waits, writes MP4).", _image_to_video
    )
    sizes = " or ".join(f"{w}x{h}" for w, h in L.VIDEO_SIZES)
    _image(sub, "the first frame", L.VIDEO_INPUT_FORMATS, f"exactly {sizes}")
    group = sub.add_argument_group("generation")
    model = "image_to_video_request.ImageToVideoRequest"
    group.add_argument(
        "--cfg-scale",
        type=float,
        metavar="X",
        help=_doc("how closely the video keeps to the image", default=_api_default(model, "cfg_scale"),
                  limits=L.VIDEO_CFG_SCALE.describe()),
    )  # fmt: skip
    group.add_argument(
        "--motion-bucket-id",
        type=float,
        metavar="N",
        help=_doc("more motion when higher", default=_api_default(model, "motion_bucket_id"),
                  limits=L.VIDEO_MOTION_BUCKET_ID.describe()),
    )  # fmt: skip
    group.add_argument(
        "--seed", type=int, metavar="N", help=_doc("noise seed; 0 is random", default=0, limits=L.V2_SEED.describe())
    )
    _output(sub, "the MP4")
    _waiting(sub)
    _common(sub)

    sub = command("result", "Resume a job by id: wait for it and download its result.", _result)
    sub.add_argument("kind", metavar="KIND", help="upscale or image-to-video")
    sub.add_argument("job_id", metavar="ID", help=f"the {L.GENERATION_ID_LENGTH}-character id the job start printed")
    _output(sub, "the result")
    _waiting(sub, no_wait=False)
    _common(sub)

    sub = command("engines", "List the engines your key may use (v1alpha).", _engines)
    sub.add_argument("--organization", metavar="ORG", help="as this organization (default: the key's default)")
    _common(sub)
    sub = command("balance", "Show your credits (1 credit = 1 US cent).", _balance)
    sub.add_argument("--organization", metavar="ORG", help="of this organization (default: the key's default)")
    _common(sub)
    sub = command("account", "Show the account that owns the key.", _account)
    _common(sub)

    commands.add_parser(
        "fake-server",
        help="Run the local fake Stability API for your tests (see `stability fake-server --help`).",
        add_help=False,
    )
    sub = command(
        "demo",
        "Run every operation on a local fake server (no key, no network) and write the outputs to a folder.",
        _demo,
    )
    sub.add_argument(
        "--output-dir",
        metavar="DIR",
        default="stability-demo",
        help="where the outputs go; the demo replaces its own files there (default ./stability-demo)",
    )
    sub.add_argument(
        "--job-duration", type=float, default=2.0, metavar="S", help="seconds each fake job runs (default 2)"
    )
    sub.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of the table")
    sub.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def _image(parser: argparse.ArgumentParser, what: str, formats: Sequence[str], rule: str) -> None:
    parser.add_argument(
        "--image", required=True, metavar="PATH", help=f"{what}: {', '.join(f.upper() for f in formats)}; {rule}"
    )


def _v2_seed_and_format(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--seed", type=int, metavar="N", help=_doc("noise seed; 0 is random", default=0, limits=L.V2_SEED.describe())
    )
    group.add_argument(
        "--output-format",
        metavar="FORMAT",
        help=_doc("the image format", api="from the -o extension, else png", limits=_one_of(L.V2_OUTPUT_FORMATS)),
    )


# ---------------------------------------------------------------------------------------- commands


def _client(args: argparse.Namespace) -> Stability:
    from ._config import KEY_VARIABLES
    from ._sync_client import Stability

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


def _images(console: Console, args: argparse.Namespace, operation: str, call: Callable[[Stability], Any]) -> int:
    """A v1alpha generation: PNG outputs, checked before the call and written after it."""
    fmt = output_format(args.output, None, ("png",), "png")
    planned = planned_paths(args.output, fmt, args.samples) if args.output else None
    if planned:
        check_outputs(planned, force=args.force)
    with _client(args) as client:
        produced = call(client)
    images: list[ImageResult] = produced if isinstance(produced, list) else [produced]
    written = []
    for index, image in enumerate(images):
        if planned:
            path = planned[index]
        else:
            suffix = f"-{index + 1}" if len(images) > 1 else ""
            path = default_path(f"{operation}-{image.seed}{suffix}", image.format, force=args.force)
        written.append((image.save(path, overwrite=args.force), image))
    return _report_outputs(console, args, operation, written)


def _report_outputs(
    console: Console,
    args: argparse.Namespace,
    operation: str,
    written: Sequence[tuple[Path, ImageResult | VideoResult]],
    job: Job[Any] | None = None,
) -> int:
    """Print what was written (paths as given, relative stays relative) and pick the exit code."""
    outputs = [describe_output(_shown(path), media) for path, media in written]
    data: dict[str, Any] = {"operation": operation, "outputs": outputs}
    if job is not None:
        data["job"] = {"kind": job.kind, "id": job.id}
    console.result("\n".join(_human_output(o) for o in outputs), data)
    filtered = [str(_shown(path)) for path, media in written if media.filtered]
    if filtered and args.fail_on_filtered:
        console.err.write(f"stability: error: the content filter changed {', '.join(filtered)}\n")
        return ExitCode.CONTENT
    return ExitCode.OK


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _v1_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "negative_prompt": args.negative_prompt,
        "engine": args.engine,
        "cfg_scale": args.cfg_scale,
        "steps": args.steps,
        "samples": args.samples,
        "seed": args.seed,
        "sampler": args.sampler,
        "clip_guidance_preset": args.clip_guidance_preset,
    }


def _text_to_image(console: Console, args: argparse.Namespace) -> int:
    return _images(
        console,
        args,
        "text-to-image",
        lambda c: c.text_to_image(args.prompt, width=args.width, height=args.height, **_v1_options(args)),
    )


def _image_to_image(console: Console, args: argparse.Namespace) -> int:
    return _images(
        console,
        args,
        "image-to-image",
        lambda c: c.image_to_image(
            args.prompt,
            image=Path(args.image),
            step_schedule_start=args.step_schedule_start,
            step_schedule_end=args.step_schedule_end,
            **_v1_options(args),
        ),
    )


def _masking(console: Console, args: argparse.Namespace) -> int:
    mask = Path(args.mask) if args.mask else None
    return _images(
        console,
        args,
        "masking",
        lambda c: c.masked_image_to_image(
            args.prompt, image=Path(args.image), mask=mask, mask_source=args.mask_source, **_v1_options(args)
        ),
    )


def _inpaint(console: Console, args: argparse.Namespace) -> int:
    fmt = output_format(args.output, args.output_format, L.V2_OUTPUT_FORMATS, "png")
    planned = planned_paths(args.output, fmt, 1) if args.output else None
    if planned:
        check_outputs(planned, force=args.force)
    with _client(args) as client:
        image = client.inpaint(
            args.prompt,
            image=Path(args.image),
            mask=Path(args.mask) if args.mask else None,
            search_prompt=args.search_prompt,
            mode=args.mode,
            negative_prompt=args.negative_prompt,
            seed=args.seed,
            output_format=fmt,  # type: ignore[arg-type]
        )
    path = planned[0] if planned else default_path(f"inpaint-{image.seed}", image.format, force=args.force)
    return _report_outputs(console, args, "inpaint", [(image.save(path, overwrite=args.force), image)])


def _upscale(console: Console, args: argparse.Namespace) -> int:
    fmt = output_format(args.output, args.output_format, L.V2_OUTPUT_FORMATS, "png")
    planned = planned_paths(args.output, fmt, 1) if args.output else None
    if planned:
        check_outputs(planned, force=args.force)
    with _client(args) as client:
        job = client.upscale(
            args.prompt,
            image=Path(args.image),
            negative_prompt=args.negative_prompt,
            seed=args.seed,
            output_format=fmt,  # type: ignore[arg-type]
            creativity=args.creativity,
        )
        return _finish_job(console, args, job, planned, started=True)


def _image_to_video(console: Console, args: argparse.Namespace) -> int:
    output_format(args.output, None, ("mp4",), "mp4")
    planned = planned_paths(args.output, "mp4", 1) if args.output else None
    if planned:
        check_outputs(planned, force=args.force)
    with _client(args) as client:
        job = client.image_to_video(
            Path(args.image), seed=args.seed, cfg_scale=args.cfg_scale, motion_bucket_id=args.motion_bucket_id
        )
        return _finish_job(console, args, job, planned, started=True)


def _result(console: Console, args: argparse.Namespace) -> int:
    kind = args.kind.replace("-", "_")
    from ._operations import check_job

    check_job(kind, args.job_id)
    planned = None
    if args.output:
        allowed = ("mp4",) if kind == "image_to_video" else L.V2_OUTPUT_FORMATS
        fmt = output_format(args.output, None, allowed, allowed[0] if kind == "image_to_video" else "png")
        planned = planned_paths(args.output, fmt, 1)
        check_outputs(planned, force=args.force)
    with _client(args) as client:
        job: Job[Any] = client.jobs.get(kind, args.job_id)
        return _finish_job(console, args, job, planned, started=False)


def _resume_hint(job: Job[Any]) -> str:
    return f"stability result {job.kind.replace('_', '-')} {job.id}"


def _finish_job(
    console: Console, args: argparse.Namespace, job: Job[Any], planned: list[Path] | None, *, started: bool
) -> int:
    """Wait for a job with live progress (on a terminal), then write its result; or, with --no-wait, its id."""
    from ._progress import JobProgress

    operation = job.kind.replace("_", "-")
    if getattr(args, "no_wait", False):
        console.result(
            f"{operation} job started: {job.id}\ndownload it with: {_resume_hint(job)} -o FILE",
            {"operation": operation, "job": {"kind": job.kind, "id": job.id}},
        )
        return ExitCode.OK
    if started:
        console.note(f"{operation} job {job.id} started; if interrupted, resume with: {_resume_hint(job)}")
    try:
        with JobProgress(console.err, job.kind, job.id, live=None if not console.json else False) as progress:
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
    try:
        saved = media.save(path, overwrite=args.force)
    except (OSError, StabilityError) as exc:
        raise CommandError(
            f"could not write {path}: {exc}. The result is kept for 24 hours: {_resume_hint(job)} -o FILE",
            ExitCode.USAGE if isinstance(exc, FileExistsError) else ExitCode.ERROR,
        ) from exc
    return _report_outputs(console, args, operation, [(saved, media)], job)


def _engines(console: Console, args: argparse.Namespace) -> int:
    with _client(args) as client:
        engines = client.engines()
    rows = [(e.id, e.type, e.name) for e in engines]
    width = max((len(r[0]) for r in rows), default=0)
    human = "\n".join(f"{i:<{width}}  {t:<8}  {n}" for i, t, n in rows) or "(no engines)"
    data = [{"id": e.id, "name": e.name, "description": e.description, "type": e.type} for e in engines]
    console.result(human, {"engines": data})
    return ExitCode.OK


def _balance(console: Console, args: argparse.Namespace) -> int:
    with _client(args) as client:
        credits = client.balance()
    console.result(f"{credits:g} credits", {"credits": credits})
    return ExitCode.OK


def _account(console: Console, args: argparse.Namespace) -> int:
    with _client(args) as client:
        account = client.account()
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


def _demo(console: Console, args: argparse.Namespace) -> int:
    from ._demo import run_demo

    return run_demo(console, Path(args.output_dir), job_duration=args.job_duration)


# -------------------------------------------------------------------------------------------- main


def _fake_server(argv: Sequence[str]) -> int:
    try:
        from .testing import run_fake_server
    except ImportError as exc:
        _fail(f"the fake server needs the testing extra: pip install 'stability-client[testing]' ({exc})")
    return run_fake_server(argv, prog="stability fake-server")


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"stability: error: {message}\n")
    raise SystemExit(ExitCode.USAGE)


def _error_data(exc: BaseException, code: ExitCode, message: str) -> dict[str, Any]:
    data: dict[str, Any] = {"type": type(exc).__name__, "exit_code": int(code), "message": message}
    if isinstance(exc, APIError):
        data.update(status_code=exc.status_code, name=exc.name, error_id=exc.error_id, request_id=exc.request_id)
    if isinstance(exc, ValidationError):
        data.update(field=exc.field, rule=exc.rule)
    return data


_POSITIONALS = {"prompt": "PROMPT", "kind": "KIND", "job_id": "ID"}


def _message(exc: BaseException, args: argparse.Namespace) -> str:
    if isinstance(exc, ValidationError) and exc.field in vars(args):
        # Name the option the user typed, not the Python parameter behind it.
        name = _POSITIONALS.get(exc.field) or "--" + exc.field.replace("_", "-")
        value = exc.value if isinstance(exc.value, str | int | float) else str(exc).split(":", 1)[0]
        return f"{name} {value}: {exc.rule}"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return str(exc) or type(exc).__name__


def _redact(text: str) -> str:
    """Belt and braces: no error path prints the key, but a server could echo it back in a message."""
    from ._config import KEY_VARIABLES

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
    args = build_parser().parse_args(arguments)
    console = Console(json=bool(getattr(args, "json", False)), out=sys.stdout, err=sys.stderr)
    debug = bool(getattr(args, "debug", False))
    if debug:
        logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s")
        logging.getLogger("stability").setLevel(logging.DEBUG)
    try:
        return int(args.run(console, args))
    except (Exception, KeyboardInterrupt) as exc:
        # The promise is one line and an exit code, not a traceback, whatever goes wrong (--debug shows it).
        return _report(console, exc, args)


def _report(console: Console, exc: BaseException, args: argparse.Namespace) -> int:
    code = exit_code(exc)
    message = " ".join(_redact(_message(exc, args)).split())
    if getattr(args, "debug", False):
        console.err.write(_redact("".join(traceback.format_exception(exc))))
    if not isinstance(exc, StabilityError | CommandError | FileExistsError | KeyboardInterrupt):
        message = f"unexpected {type(exc).__name__}: {message} (run with --debug for the traceback)"
    console.err.write(f"stability: error: {message}\n")
    console.err.flush()
    if console.json:
        console.out.write(json.dumps({"error": _error_data(exc, code, message)}, sort_keys=True) + "\n")
        console.out.flush()
    return int(code)
