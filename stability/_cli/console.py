"""What the commands and the demo share: where they print (``Console``), the error a command raises itself
(``CommandError``), and the small helpers both use to name and place their files.

It imports neither ``main`` nor ``demo``: both import it, so neither imports the other at load time.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .parser import ExitCode

if TYPE_CHECKING:
    from .._sync_client import Job
    from .progress import JobProgress

EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "webp": ".webp", "mp4": ".mp4", "glb": ".glb"}
"""The extension a file of each format gets when the command names it."""


def terminal_safe(text: str) -> str:
    """``text`` with its control and format characters escaped (``\\x1b``, ``\\u202e``): an error message carries
    the server's words, which must neither recolour the terminal nor reorder what it shows (the bidi overrides)."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


class CommandError(Exception):
    """A problem the command itself finds (an output that exists, a clash of options), with its exit code."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class Console:
    """Where the command writes: results on stdout, progress and errors on stderr."""

    json: bool
    out: TextIO
    err: TextIO
    job: dict[str, str] | None = None
    """The job the command started or resumed (its kind and id), for an error to name."""

    def result(self, human: str, data: dict[str, Any]) -> None:
        if self.json:
            self.out.write(json.dumps(data, sort_keys=True) + "\n")
        else:
            self.out.write(human + "\n")
        self.out.flush()

    def job_progress(self, job: Job[Any]) -> JobProgress:
        """A job's live progress on stderr: drawn when stderr is a terminal, whatever stdout's format (--json
        keeps stdout to one JSON object; stderr is for people), never in a pipe or a log."""
        from .progress import JobProgress

        return JobProgress(self.err, command_name(job.kind), job.id)

    def note(self, text: str) -> None:
        """A plain line for people (never in --json mode, where stdout must stay one JSON object)."""
        if not self.json:
            self.err.write(text + "\n")
            self.err.flush()


def command_name(name: str) -> str:
    """The CLI's name for the operation ``name`` (``masked_image_to_image`` is ``masking``)."""
    from .._operations.registry import REGISTRY

    entry = REGISTRY.get(name)
    return entry.cli if entry is not None and entry.cli else name.replace("_", "-")


def format_size(count: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def check_writable(directory: Path | None) -> None:
    """Create and remove a file in ``directory`` (None: the current one), where the outputs will be written.

    Only a write tells: permission bits say nothing to root, a read-only file system or a removed working
    directory fail whatever they say, and after the call the money is spent.
    """
    shown = "the current directory" if directory is None else str(directory)
    try:
        handle, name = tempfile.mkstemp(prefix=".stability-write-check-", dir=directory or os.curdir)
    except OSError as exc:
        hint = "; pass -o PATH to write elsewhere" if directory is None else ""
        raise CommandError(f"cannot write in {shown}: {exc.strerror or exc}{hint}") from None
    os.close(handle)
    os.unlink(name)
