"""``stability demo``: every operation through the facade, against the embedded fake server on 127.0.0.1.

It needs no key and no network: the fake (``stability.testing``) answers real PNG, JPEG, WEBP and MP4 files.
The demo owns its output folder: it writes fixed file names there (the command's name, the format's
extension; its inputs as ``input.png`` and ``input-mask.png``; the contact sheet, ``index.html``, that shows them
all with the call that made each) and replaces them on the next run.

What it runs comes from the registry: every operation with an ``example`` (the arguments to call it with) and
a facade method, a job waited for and its result saved. An image argument is a ``DemoInput``: the first image
the demo makes, or a mask of its size, so the account comes first, then what makes an image from nothing,
then what needs one.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._operations.entry import DemoInput, Entry
from .._results import ImageResult, ModelResult
from .console import EXTENSIONS, CommandError, Console, check_writable, format_size
from .parser import ExitCode
from .sheet import INPUT_FILES, SHEET, Card, Output, python_call, write_sheet

if TYPE_CHECKING:
    from .._results import VideoResult
    from .._sync_client import Stability

POLL_INTERVAL = 0.5

_SUMMARIES: dict[str, Callable[[Any], str]] = {
    "engines": lambda engines: f"{len(engines)} engines",
    "account": lambda account: str(account.email),
    "balance": lambda credits: f"{credits:g} credits",
}
"""The table's one line for what writes no file, by what the operation returns."""


@dataclass(slots=True)
class Row:
    operation: str
    output: str
    size: str
    seed: str
    finish: str
    seconds: float

    def data(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "output": self.output,
            "size": self.size,
            "seed": self.seed,
            "finish_reason": self.finish,
            "seconds": round(self.seconds, 3),
        }


def demo_entries(registry: Mapping[str, Entry] | None = None) -> list[Entry]:
    """The operations the demo runs, in order: those with an example and a facade method, job results aside;
    what reads the account first, then what makes an image from nothing, then what needs one."""
    from .._operations.registry import REGISTRY
    from .._sync_client import Stability

    chosen = [
        entry
        for entry in (REGISTRY if registry is None else registry).values()
        if entry.example is not None and not entry.finishes and hasattr(Stability, entry.name)
    ]
    return sorted(chosen, key=lambda entry: (entry.returns not in _SUMMARIES, _needs_image(entry)))


def _needs_image(entry: Entry) -> bool:
    return any(isinstance(value, DemoInput) for value in (entry.example or {}).values())


MARK = ".stability-demo"
"""The file that says a folder is the demo's, so its next run may replace the outputs there."""


def _claim(folder: Path) -> None:
    """Make ``folder`` the demo's, or refuse it: the demo replaces its files by name (``index.html``,
    ``input.png``, ``generate-core.png``...), and a folder it did not make may hold the user's own."""
    try:
        if (folder / MARK).exists():
            return
        names = [path.name for path in folder.iterdir()]
        if names and not _filled_by_demo(names):
            raise CommandError(
                f"{folder} holds files the demo did not make, which it could replace: give --output-dir a new "
                "or empty folder"
            )
        (folder / MARK).write_text("Made by `stability demo`; its next run replaces the files it wrote here.\n")
    except OSError as exc:
        raise CommandError(f"cannot use the output folder {folder}: {exc.strerror or exc}") from None


def _an_output(name: str) -> bool:
    """Whether a file of this name is one of the demo's outputs (``generate-core.png``...)."""
    stem, _, extension = name.rpartition(".")
    return f".{extension}" in EXTENSIONS.values() and stem in {entry.cli for entry in demo_entries()}


def _filled_by_demo(names: list[str]) -> bool:
    """Whether a folder without the mark is an earlier version's demo folder: only the demo's names in it, an
    output among them (a lone ``index.html`` may well be the user's)."""
    return all(name in (SHEET, *INPUT_FILES.values()) or _an_output(name) for name in names) and any(
        _an_output(name) for name in names
    )


def run_demo(console: Console, folder: Path, *, job_duration: float = 2.0) -> int:
    """Start the fake, run every operation, write the outputs to ``folder``, print a table; returns 0."""
    try:
        from ..testing import FakeStability
        from ..testing._extra import require_testing_extra

        # Before anything is printed or made: without the extra the fake could only answer 500s.
        require_testing_extra("the demo")
    except ImportError as exc:
        raise CommandError(str(exc), ExitCode.USAGE) from None
    from .._sync_client import Stability

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file of that name, a read-only parent: say so in one line
        raise CommandError(f"cannot create the output folder {folder}: {exc.strerror or exc}") from None
    check_writable(folder)
    _claim(folder)
    rows: list[Row] = []
    console.note(f"Starting the fake Stability API on 127.0.0.1 (outputs go to {folder}/)")
    started = time.monotonic()
    with FakeStability(job_duration=job_duration) as fake:
        console.note(f"Fake server at {fake.base_url}")
        credits_before = fake.balance()
        with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
            cards = _run_all(client, folder, rows, console)
        spent = credits_before - fake.balance()
    total = time.monotonic() - started
    headline = f"{len(rows)} operations in {total:.1f}s, {spent:g} fake credits spent."
    sheet = write_sheet(folder, cards, headline=headline)
    if console.json:
        console.result(
            "",
            {
                "output_dir": str(folder),
                "sheet": str(sheet),
                "results": [r.data() for r in rows],
                "credits_spent": spent,
                "seconds": round(total, 3),
            },
        )
    else:
        console.result(
            _table(rows)
            + f"\n\n{len(rows)} operations in {total:.1f}s, {spent:g} fake credits spent; outputs in {folder}/"
            + f"\nSee them all, with the call that made each, in {sheet}"
            + "\nThe fake server has stopped. Point the same calls at the real API with STABILITY_API_KEY set.",
            {},
        )
    return ExitCode.OK


def _run_all(client: Stability, folder: Path, rows: list[Row], console: Console) -> list[Card]:
    """Run every demo operation, appending its table row; returns the contact sheet's cards."""
    inputs: dict[DemoInput, bytes] = {}
    cards: list[Card] = []
    for entry in demo_entries():
        begun = time.monotonic()
        name = entry.cli or entry.name
        arguments = {key: _input(inputs, value) for key, value in (entry.example or {}).items()}
        result = getattr(client, entry.name)(**arguments)
        if entry.returns == "job":
            with console.job_progress(result) as progress:
                result = result.wait(poll_interval=POLL_INTERVAL, on_progress=progress.update)
        if entry.returns in _SUMMARIES:
            answer = _SUMMARIES[entry.returns](result)
            cells: tuple[str, str, str, str] = (answer, "-", "-", "-")
            cards.append(Card(name, entry.summary, python_call(entry), answer=answer))
        else:
            outputs = result if isinstance(result, list) else [result]
            saved = _save(folder, name, outputs)
            cells = (saved[0].file, saved[0].size, saved[0].seed, saved[0].finish)
            cards.append(Card(name, entry.summary, python_call(entry), outputs=tuple(saved)))
            first = outputs[0]
            if DemoInput.IMAGE not in inputs and isinstance(first, ImageResult):
                inputs[DemoInput.IMAGE] = _fitted(first)
                inputs[DemoInput.MASK] = _mask(*INPUT_SIZE)
                # The calls on the sheet name these files: they are what the demo passed.
                for what, data in inputs.items():
                    (folder / INPUT_FILES[what]).write_bytes(data)
        rows.append(Row(name, *cells, time.monotonic() - begun))
    return cards


def _input(inputs: Mapping[DemoInput, bytes], value: Any) -> Any:
    if not isinstance(value, DemoInput):
        return value
    if value not in inputs:
        raise CommandError(f"the demo has made no image yet for {value.name} ({value.value})", ExitCode.ERROR)
    return inputs[value]


def _save(folder: Path, name: str, outputs: list[ImageResult | VideoResult | ModelResult]) -> list[Output]:
    """Write the outputs as ``<command>.<ext>`` (several: ``<command>-1.<ext>``, ...); what was written."""
    saved: list[Output] = []
    for index, media in enumerate(outputs, 1):
        stem = name if len(outputs) == 1 else f"{name}-{index}"
        path = media.save(folder / (stem + EXTENSIONS[media.format]), overwrite=True)
        size = format_size(len(media.data))
        if isinstance(media, ModelResult):  # no seed or finish reason comes with a 3D model
            saved.append(Output(path.name, "model", size, "-", "-"))
        elif isinstance(media, ImageResult):
            size += f" {media.width}x{media.height}"
            saved.append(Output(path.name, "image", size, str(media.seed), media.finish_reason))
        else:
            saved.append(Output(path.name, "video", size, str(media.seed), media.finish_reason))
    return saved


INPUT_SIZE = (768, 768)
"""The size the demo's input image is made to: image-to-video takes only three sizes, and 768x768 suits every
other operation too (v1alpha's multiples of 64, the upscales' pixel counts)."""


def _fitted(image: ImageResult) -> bytes:
    """The first image the demo made, as a PNG of ``INPUT_SIZE`` (what it feeds every later operation)."""
    if (image.width, image.height) == INPUT_SIZE and image.format == "png":
        return image.data
    buffer = io.BytesIO()
    image.to_pil().convert("RGB").resize(INPUT_SIZE).save(buffer, format="PNG")
    return buffer.getvalue()


def _mask(width: int, height: int) -> bytes:
    """A black PNG with a white disc in the middle: the part to repaint."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (width, height), 0)
    ImageDraw.Draw(image).ellipse((width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=255)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _table(rows: list[Row]) -> str:
    header = ("operation", "output", "size", "seed", "finish reason", "time")
    cells = [header] + [(r.operation, r.output, r.size, r.seed, r.finish, f"{r.seconds:.2f}s") for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
