"""Benchmarks 1 and 2: client CPU and wall time per call through raw httpx, the generated call and the facade.

All talk to a fake of their own and make the same request: raw httpx (``httpx.Client.post``) is the baseline a
user would pick, the target is the facade within 5% of it. A fourth, ``httpx-transport``, builds the same request
by hand and hands it to the transport ``Client.send`` would pick, as the facade does on its own pool: the floor
under any client built on httpx (a reference figure, no target). Each case runs with large answers or inputs
and with small ones (the fake's own few-KiB PNGs, a 64 KiB upload), where a fixed cost per call shows most.
Each variant runs in a worker process of its own (``_overhead_worker.py``; it explains why), and the workers
take turns in blocks of calls (httpx, generated, facade, httpx-transport, then generated, facade, ...), so load
from other processes on a shared machine hits all of them alike. Every ratio is taken within one round. CPU is
``time.process_time()`` of the worker only; the fake's CPU is in its own process, and an idle worker waits on
its pipe without spending any.

Text-to-image with large answers runs twice: with every worker's heap settled (the target; see
``_overhead_worker.py``) and with the allocator as the interpreter leaves it, where a worker lands in glibc's
faulting mode or not by the luck of its heap's layout; those rounds are reported with how many of each
variant's workers faulted. The other cases run settled.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import MIB, Child, FakeServer, Result, Target, ratios, write_png
from benchmarks._overhead_worker import HEAPS, VARIANTS

LIMIT = 1.05
MEASURES = ("cpu", "wall", "faults")  # per call, as each worker reports them
FAULTING = 10.0
"""Page faults per call above which a worker counts as faulting (the faulting mode takes 60 to 150 per 256 KiB
call, the other under 1)."""


@dataclass(frozen=True)
class OverheadConfig:
    calls: int = 500
    rounds: int = 7
    warmup: int = 20
    block: int = 50  # calls per variant before switching to the next
    image_size: int = MIB  # the large input (inpaint, upscale), bytes
    small_image_size: int = 64 * 1024  # the small input, bytes
    answer_size: int = 256 * 1024  # the large answer: the fake pads its PNGs to this size
    heaps: tuple[str, ...] = HEAPS
    """Heap states for text-to-image with large answers (the case with two modes); the others run settled."""


@contextmanager
def _workers(benchmark: str, fake: FakeServer, extra: list[str], heap: str) -> Iterator[dict[str, Child]]:
    with ExitStack() as stack:
        args = [fake.base_url, fake.api_key, *extra, "--heap", heap]
        yield {
            name: stack.enter_context(Child("benchmarks._overhead_worker", [benchmark, name, *args]))
            for name in VARIANTS
        }


def _interleaved(
    benchmark: str, answer_bytes: int | None, extra: list[str], config: OverheadConfig, heap: str
) -> tuple[dict[str, dict[str, list[float]]], int]:
    """Per round, each variant's ``calls`` calls, run in blocks of ``block`` taking turns between the variants.

    A burst of load from another process lasts longer than one block, so it falls on all variants alike; the
    order rotates from block to block, so no variant always follows the same one. Every round starts fresh
    worker processes and a fresh fake: a process keeps its memory layout for life, and one layout can cost a
    variant (or, through the fake, one request shape) several per cent for as long as it lives, so a bad draw
    spoils one round, not the whole run.
    Returns the figures and the response size.
    """
    figures: dict[str, dict[str, list[float]]] = {name: {m: [] for m in MEASURES} for name in VARIANTS}
    block = max(1, min(config.block, config.calls))
    size = 0
    for round_ in range(config.rounds):
        with FakeServer(image_bytes=answer_bytes) as own, _workers(benchmark, own, extra, heap) as workers:
            size = workers["httpx"].hello["bytes"]
            for worker in workers.values():
                worker.command("run", calls=config.warmup)
            spent = {name: dict.fromkeys(MEASURES, 0.0) for name in VARIANTS}
            done = 0
            turn = round_
            while done < config.calls:
                calls = min(block, config.calls - done)
                for name in VARIANTS[turn % len(VARIANTS) :] + VARIANTS[: turn % len(VARIANTS)]:
                    answer = workers[name].command("run", calls=calls)
                    for measure in MEASURES:
                        spent[name][measure] += answer[measure] * calls
                done += calls
                turn += 1
        for name, totals in spent.items():
            for measure, total in totals.items():
                figures[name][measure].append(total / config.calls)
    return figures, size


def _measure(
    result: Result, benchmark: str, answer: int | None, extra: list[str], config: OverheadConfig, heaps: tuple[str, ...]
) -> int:
    """Run the rounds for each heap state and report them; returns the response size."""
    size = 0
    for heap in heaps:
        figures, size = _interleaved(benchmark, answer, extra, config, heap)
        if heap == "settled":
            _report(result, figures)
        else:
            _report_default(result, figures, heap)
    return size


def _report_default(result: Result, figures: dict[str, dict[str, list[float]]], heap: str) -> None:
    """The rounds on an unsettled heap: the CPU ratios, and how many workers ran in the faulting mode."""
    for name in ("generated", "facade"):
        result.figure(f"{heap} heap: {name} / httpx CPU", "x", ratios(figures[name]["cpu"], figures["httpx"]["cpu"]))
    for name in VARIANTS:
        result.figure(f"{heap} heap: {name}: page faults per call", "count", figures[name]["faults"])
    faulting = ", ".join(
        f"{name} {sum(f > FAULTING for f in figures[name]['faults'])}/{len(figures[name]['faults'])}"
        for name in VARIANTS
    )
    result.notes.append(f"{heap} heap: workers in the faulting mode (> {FAULTING:g} faults per call): {faulting}")


def _report(result: Result, figures: dict[str, dict[str, list[float]]]) -> None:
    for name in VARIANTS:
        result.figure(f"{name}: CPU per call", "us", [v * 1e6 for v in figures[name]["cpu"]])
    for name in VARIANTS:
        result.figure(f"{name}: wall per call", "us", [v * 1e6 for v in figures[name]["wall"]])
    for name in VARIANTS:  # minor faults: memory the kernel had to map in for this process
        result.figure(f"{name}: page faults per call", "count", figures[name]["faults"])
    for name in ("generated", "facade"):
        cpu = result.figure(f"{name} / httpx CPU", "x", ratios(figures[name]["cpu"], figures["httpx"]["cpu"]))
        result.figure(f"{name} / httpx wall", "x", ratios(figures[name]["wall"], figures["httpx"]["wall"]))
        if name == "facade":
            result.targets.append(Target("facade / httpx CPU per call", cpu.median, LIMIT))
    # Against the floor of any client on httpx: the same request handed to httpx's transport directly.
    result.figure(
        "facade / httpx-transport CPU", "x", ratios(figures["facade"]["cpu"], figures["httpx-transport"]["cpu"])
    )


def text_to_image(config: OverheadConfig) -> list[Result]:
    """Benchmark 1: JSON body in, PNG bytes out; 1a with large answers (the fake pads its PNGs to
    ``answer_size``, as a real 512x512 generation is a few hundred KiB), 1b with the fake's own small ones."""
    results = []
    for name, label, answer, heaps in (
        ("text_to_image", "1a", config.answer_size, config.heaps),
        ("text_to_image_small", "1b", None, ("settled",)),
    ):
        result = Result(name, f"{label}. per-call overhead, text-to-image (JSON in, PNG out), {config.calls} calls")
        size = _measure(result, "text_to_image", answer, [], config, heaps)
        result.notes.append(
            f"response body {size / 1024:.0f} KiB (PNG); each variant in its own process, new ones every round"
        )
        results.append(result)
    return results


def inpaint(config: OverheadConfig, workdir: Path) -> list[Result]:
    """Benchmark 2: a multipart upload of an image file given as a path, PNG bytes out (2a large, 2b small);
    and an upscale job's start, a multipart upload with a small JSON answer (2c large, 2d small input)."""
    results = []
    cases = (
        ("inpaint", "inpaint", "2a", config.image_size, config.answer_size),
        ("inpaint_small", "inpaint", "2b", config.small_image_size, None),
        ("upscale_start", "upscale", "2c", config.image_size, None),
        ("upscale_start_small", "upscale", "2d", config.small_image_size, None),
    )
    for name, benchmark, label, upload, answer in cases:
        shown = f"{upload / MIB:g} MiB" if upload >= MIB else f"{upload / 1024:g} KiB"
        what = "inpaint" if benchmark == "inpaint" else "upscale start"
        result = Result(name, f"{label}. per-call overhead, {what} ({shown} image from a path), {config.calls} calls")
        # RGBA, so inpaint's mask mode needs no mask: the transparent pixels are repainted.
        path = write_png(workdir / f"{name}-input.png", 512, 512, alpha=True, size=upload)
        size = _measure(result, benchmark, answer, ["--image", str(path)], config, ("settled",))
        answered = f"response body {size / 1024:.0f} KiB (PNG)" if size else "a JSON answer (the job's id)"
        result.notes.append(
            f"upload {path.stat().st_size / MIB:.2f} MiB, {answered}; each variant in its own process, new ones every round"
        )
        results.append(result)
    return results
