"""Benchmarks 1 and 2: client CPU and wall time per call through raw httpx, the generated call and the facade.

All talk to the same fake and make the same request: the raw httpx variant is the physical limit (no
validation, no models, bytes in and out). A fourth, ``httpx-freed``, is raw httpx that also undoes httpx's
response <-> stream cycle as the facade does, so ``facade / httpx-freed`` is the facade's own code alone (a
reference figure, no target). Each variant runs in a worker process of its own (``_overhead_worker.py``; it
explains why), and the workers take turns in blocks of calls (httpx, generated, facade, httpx-freed, then
generated, facade, ...), so load from other processes on a shared machine hits all of them alike. Every
ratio is taken within one round. CPU is ``time.process_time()`` of the worker only; the fake's CPU is in its
own process, and an idle worker waits on its pipe without spending any.

The rounds run twice: with every worker's heap settled (the targets; see ``_overhead_worker.py``) and with the
allocator as the interpreter leaves it, where a worker lands in glibc's faulting mode or not by the luck of its
heap's layout; those rounds are reported with how many of each variant's workers faulted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import MIB, Child, FakeServer, Result, Target, ratios, write_png
from benchmarks._overhead_worker import HEAPS, VARIANTS

LIMIT = 1.10
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
    image_size: int = MIB  # the inpaint input, bytes
    heaps: tuple[str, ...] = HEAPS


@contextmanager
def _workers(benchmark: str, fake: FakeServer, extra: list[str], heap: str) -> Iterator[dict[str, Child]]:
    with ExitStack() as stack:
        args = [fake.base_url, fake.api_key, *extra, "--heap", heap]
        yield {
            name: stack.enter_context(Child("benchmarks._overhead_worker", [benchmark, name, *args]))
            for name in VARIANTS
        }


def _interleaved(
    benchmark: str, fake: FakeServer, extra: list[str], config: OverheadConfig, heap: str
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
        with fake.another() as own, _workers(benchmark, own, extra, heap) as workers:
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


def _measure(result: Result, benchmark: str, fake: FakeServer, extra: list[str], config: OverheadConfig) -> int:
    """Run the rounds for each heap state and report them; returns the response size."""
    size = 0
    for heap in config.heaps:
        figures, size = _interleaved(benchmark, fake, extra, config, heap)
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
    # The facade's own code, with the memory behaviour it adds to httpx given to httpx as well.
    result.figure("facade / httpx-freed CPU", "x", ratios(figures["facade"]["cpu"], figures["httpx-freed"]["cpu"]))


def text_to_image(fake: FakeServer, config: OverheadConfig) -> Result:
    """Benchmark 1: JSON body in, PNG bytes (about 256 KiB, see ``run.py``) out."""
    result = Result("text_to_image", f"1. per-call overhead, text-to-image (JSON in, PNG out), {config.calls} calls")
    size = _measure(result, "text_to_image", fake, [], config)
    result.notes.append(
        f"response body {size / 1024:.0f} KiB (PNG); each variant in its own process, new ones every round"
    )
    return result


def inpaint(fake: FakeServer, config: OverheadConfig, workdir: Path) -> Result:
    """Benchmark 2: a multipart upload of an image file given as a path, PNG bytes out."""
    mib = config.image_size / MIB
    result = Result("inpaint", f"2. per-call overhead, inpaint ({mib:g} MiB image from a path), {config.calls} calls")
    # RGBA, so mask mode needs no mask: the transparent pixels are repainted.
    path = write_png(workdir / "inpaint-input.png", 512, 512, alpha=True, size=config.image_size)
    size = _measure(result, "inpaint", fake, ["--image", str(path)], config)
    result.notes.append(
        f"upload {path.stat().st_size / MIB:.2f} MiB, response body {size / 1024:.0f} KiB (PNG); "
        "each variant in its own process, new ones every round"
    )
    return result
