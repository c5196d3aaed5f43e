"""``stability demo``: every operation through the facade, against the embedded fake server on 127.0.0.1.

It needs no key and no network: the fake (``stability.testing``) answers real PNG, JPEG, WEBP and MP4 files.
The demo owns its output folder: it writes fixed file names there and replaces them on the next run.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._results import ImageResult
from .main import format_size

if TYPE_CHECKING:
    from .._results import VideoResult
    from .._sync_client import Job
    from .main import Console

POLL_INTERVAL = 0.5


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


def run_demo(console: Console, folder: Path, *, job_duration: float = 2.0) -> int:
    """Start the fake, run every operation, write the outputs to ``folder``, print a table; returns 0."""
    from .main import CommandError
    from .parser import ExitCode

    try:
        from ..testing import FakeStability
        from ..testing._extra import require_testing_extra

        # Before anything is printed or made: without the extra the fake could only answer 500s.
        require_testing_extra("the demo")
    except ImportError as exc:
        raise CommandError(str(exc), ExitCode.USAGE) from None
    from .._sync_client import Stability
    from .main import _check_writable

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file of that name, a read-only parent: say so in one line
        raise CommandError(f"cannot create the output folder {folder}: {exc.strerror or exc}") from None
    _check_writable(folder)
    rows: list[Row] = []
    console.note(f"Starting the fake Stability API on 127.0.0.1 (outputs go to {folder}/)")
    started = time.monotonic()
    with FakeStability(job_duration=job_duration) as fake:
        console.note(f"Fake server at {fake.base_url}")
        with Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
            _run_all(client, folder, rows, console)
            credits_left = client.balance()
    total = time.monotonic() - started
    spent = 1000.0 - credits_left
    if console.json:
        console.result(
            "",
            {
                "output_dir": str(folder),
                "results": [r.data() for r in rows],
                "credits_spent": spent,
                "seconds": round(total, 3),
            },
        )
    else:
        console.result(
            _table(rows)
            + f"\n\n{len(rows)} operations in {total:.1f}s, {spent:g} fake credits spent; outputs in {folder}/"
            + "\nThe fake server has stopped. Point the same calls at the real API with STABILITY_API_KEY set.",
            {},
        )
    return ExitCode.OK


def _run_all(client: Any, folder: Path, rows: list[Row], console: Console) -> None:
    def step(operation: str, call: Callable[[], tuple[str, str, str, str]]) -> None:
        begun = time.monotonic()
        output, size, seed, finish = call()
        rows.append(Row(operation, output, size, seed, finish, time.monotonic() - begun))

    def saved(name: str, media: ImageResult | VideoResult) -> tuple[str, str, str, str]:
        path = media.save(folder / name, overwrite=True)
        dims = f" {media.width}x{media.height}" if isinstance(media, ImageResult) else ""
        return path.name, f"{format_size(len(media.data))}{dims}", str(media.seed), media.finish_reason

    def job(name: str, start: Callable[[], Job[Any]]) -> tuple[str, str, str, str]:
        handle = start()
        with console.job_progress(handle) as progress:
            media = handle.wait(poll_interval=POLL_INTERVAL, on_progress=progress.update)
        return saved(name, media)

    step("engines", lambda: (f"{len(client.engines())} engines", "-", "-", "-"))
    step("account", lambda: (client.account().email, "-", "-", "-"))
    step("balance", lambda: (f"{client.balance():g} credits", "-", "-", "-"))

    first: list[ImageResult] = []

    def text_to_image() -> tuple[str, str, str, str]:
        # 768x768: a size image-to-video accepts, so this output feeds every later step.
        first.append(client.text_to_image("a lighthouse at dawn, oil painting", width=768, height=768, seed=42))
        return saved("text-to-image.png", first[0])

    step("text-to-image", text_to_image)
    photo = first[0].data
    mask = _mask(first[0].width, first[0].height)
    step(
        "image-to-image",
        lambda: saved(
            "image-to-image.png",
            client.image_to_image("as a watercolour", image=photo, step_schedule_start=0.6, seed=7),
        ),
    )
    step(
        "masking",
        lambda: saved("masking.png", client.masked_image_to_image("a red door", image=photo, mask=mask, seed=8)),
    )
    step(
        "inpaint",
        lambda: saved(
            "inpaint.jpg", client.inpaint("a clear blue sky", image=photo, mask=mask, output_format="jpeg", seed=9)
        ),
    )
    step(
        "upscale",
        lambda: job(
            "upscale.webp",
            lambda: client.upscale("a sharper lighthouse", image=photo, output_format="webp", seed=10),
        ),
    )
    step("image-to-video", lambda: job("image-to-video.mp4", lambda: client.image_to_video(photo, seed=11)))


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
