"""The ``stability`` command's options: one subparser per command, with every default and limit in its help.

Defaults come from the generated models (so from the spec) and limits from ``_limits``, the table the
facade's checks use; the commands themselves are in ``_cli``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from .._core import limits as L
from .._core.polling import DEFAULT_INTERVAL, DEFAULT_WAIT_TIMEOUT
from .._core.retry import DEFAULT_MAX_RETRIES
from .._version import __version__


class ExitCode(IntEnum):
    """The command's exit statuses; ``EXIT_CODES`` (every ``--help``) is written from ``_MEANINGS``."""

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
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}

EXIT_CODES = "exit codes:\n" + "\n".join(f"{int(code):>5}  {meaning}" for code, meaning in _MEANINGS.items())

ENVIRONMENT = """\
environment:
  STABILITY_API_KEY    your API key (https://platform.stability.ai/account/keys); never printed
  STABILITY_BASE_URL   the API's address (default https://api.stability.ai); --base-url overrides it
  STABILITY_LOG        debug: log each request and retry on stderr; info: only retries (the key is never logged)"""


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
        help="seconds the whole call may take, retries and waits included (default: 430, the sum of connect 10, "
        "read 180, write 180 and pool 60)",
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
        help=f"stop waiting after S seconds with exit code 9; the job goes on (default {DEFAULT_WAIT_TIMEOUT:g}; "
        "inf waits until done)",
    )
    group.add_argument(
        "--poll-interval",
        type=float,
        default=DEFAULT_INTERVAL["upscale"],
        metavar="S",
        help=f"seconds between result checks (default {DEFAULT_INTERVAL['upscale']:g}, the most often the API asks "
        "to be polled)",
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
    from .._operations import v1alpha as ops

    parser = argparse.ArgumentParser(
        prog="stability",
        description="Generate images and videos with the Stability AI REST API (v1alpha and v2alpha).\n\n"
        "Run `stability demo` to try every operation on a local fake server, with no key and no network.",
        epilog=f"{EXIT_CODES}\n\n{ENVIRONMENT}\n\n`stability COMMAND --help` lists each command's options.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"stability {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name, help=summary, description=summary, epilog=EXIT_CODES, formatter_class=_Formatter
        )
        return sub

    v1_sizes = (
        f"{L.V1_SIDE.describe()}, a multiple of {L.V1_SIDE_MULTIPLE}; width x height at most {L.V1_MAX_PIXELS:,} pixels"
    )
    sub = command("text-to-image", "Generate an image from text (v1alpha; writes PNG).")
    _v1(sub, "text_to_image_request.TextToImageRequest", engine=ops.DEFAULT_ENGINE)
    sub.add_argument(
        "--width", type=int, metavar="PX", help=_doc("output width", api="the engine's, 512", limits=v1_sizes)
    )
    sub.add_argument(
        "--height", type=int, metavar="PX", help=_doc("output height", api="the engine's, 512", limits=v1_sizes)
    )
    _output(sub, "the PNG")
    _common(sub)

    sub = command("image-to-image", "Generate an image from an image and text (v1alpha; writes PNG).")
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

    sub = command("masking", "Repaint the masked part of an image (v1alpha image-to-image/masking; writes PNG).")
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

    sub = command("inpaint", "Repaint part of an image: by a search prompt or a mask (v2alpha).")
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

    sub = command("upscale", "Upscale an image up to 4K (v2alpha job: waits, then writes the image).")
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

    sub = command("image-to-video", "Make a short video from an image (v2alpha job: waits, writes MP4).")
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
    _v2_seed(group)
    _output(sub, "the MP4")
    _waiting(sub)
    _common(sub)

    sub = command("result", "Resume a job by id: wait for it and download its result.")
    sub.add_argument("kind", metavar="KIND", help="upscale or image-to-video")
    sub.add_argument("job_id", metavar="ID", help=f"the {L.GENERATION_ID_LENGTH}-character id the job start printed")
    _output(sub, "the result")
    _waiting(sub, no_wait=False)
    _common(sub)

    sub = command("engines", "List the engines your key may use (v1alpha).")
    sub.add_argument("--organization", metavar="ORG", help="as this organization (default: the key's default)")
    _common(sub)
    sub = command("balance", "Show your credits (1 credit = 1 US cent).")
    sub.add_argument("--organization", metavar="ORG", help="of this organization (default: the key's default)")
    _common(sub)
    sub = command("account", "Show the account that owns the key.")
    _common(sub)

    commands.add_parser(
        "fake-server",
        help="Run the local fake Stability API for your tests (see `stability fake-server --help`).",
        add_help=False,
    )
    sub = command(
        "demo", "Run every operation on a local fake server (no key, no network) and write the outputs to a folder."
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
    sub.add_argument(
        "--debug", action="store_true", help="log each request to the fake server on stderr and show tracebacks"
    )
    return parser


def _image(parser: argparse.ArgumentParser, what: str, formats: Sequence[str], rule: str) -> None:
    parser.add_argument(
        "--image", required=True, metavar="PATH", help=f"{what}: {', '.join(f.upper() for f in formats)}; {rule}"
    )


def _v2_seed(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--seed", type=int, metavar="N", help=_doc("noise seed; 0 is random", default=0, limits=L.V2_SEED.describe())
    )


def _v2_seed_and_format(group: argparse._ArgumentGroup) -> None:
    _v2_seed(group)
    group.add_argument(
        "--output-format",
        metavar="FORMAT",
        help=_doc("the image format", api="from the -o extension, else png", limits=_one_of(L.V2_OUTPUT_FORMATS)),
    )
