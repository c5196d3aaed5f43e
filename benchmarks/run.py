"""Run the benchmark suite: ``python benchmarks/run.py`` or ``nox -s bench`` (arguments pass through).

It starts the fake in a separate process (pre-computed outputs, no rate limit), runs each benchmark, prints
a table and writes every figure, with the machine it ran on, to a JSON file (``--output``). ``--quick``
shrinks every size and count so the whole suite runs in seconds (the smoke test uses it); the figures are
then meaningless.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import KIB, MIB, ROOT, FakeServer, Result, format_table, machine
from benchmarks.batch import batch_at_the_limit
from benchmarks.concurrency import ConcurrencyConfig, jobs, threads
from benchmarks.imports import ImportConfig, import_time
from benchmarks.memory import MemoryConfig, download, upload
from benchmarks.overhead import OverheadConfig, inpaint, text_to_image

# The text-to-image answer in benchmark 1: the fake pads its PNGs to this size (rendered pictures compress to
# a few KiB at any allowed size; a real 512x512 generation is a few hundred KiB).
RESPONSE_BYTES = 256 * KIB
BENCHMARKS = ("text_to_image", "inpaint", "import_time", "download_memory", "upload_memory", "concurrency", "batch")
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "latest.json"


@dataclass(frozen=True)
class Config:
    overhead: OverheadConfig = field(default_factory=OverheadConfig)
    imports: ImportConfig = field(default_factory=ImportConfig)
    memory: MemoryConfig = field(default_factory=MemoryConfig)
    concurrency: ConcurrencyConfig = field(default_factory=ConcurrencyConfig)


QUICK = Config(
    overhead=OverheadConfig(calls=5, rounds=2, warmup=1, block=2, image_size=64 * KIB, small_image_size=16 * KIB),
    imports=ImportConfig(runs=2),
    memory=MemoryConfig(download_sizes=(MIB, 2 * MIB), upload_size=2 * MIB, rounds=1),
    concurrency=ConcurrencyConfig(
        jobs=5, job_duration=0.2, poll_interval=0.05, rounds=1, threads=2, calls_per_thread=3
    ),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python benchmarks/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and counts (a smoke test, not figures)")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only this benchmark (repeatable)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"JSON file (default {DEFAULT_OUTPUT})")
    parser.add_argument(
        "--rounds", type=int, help="rounds for every benchmark (default 7 overhead, 5 concurrency, 3 memory)"
    )
    parser.add_argument("--calls", type=int, help="calls per round in benchmarks 1 and 2 (default 500)")
    return parser


def _config(args: argparse.Namespace) -> Config:
    config = QUICK if args.quick else Config()
    if args.rounds is not None or args.calls is not None:
        overhead = config.overhead
        config = Config(
            overhead=OverheadConfig(
                calls=args.calls or overhead.calls,
                rounds=args.rounds or overhead.rounds,
                warmup=overhead.warmup,
                block=overhead.block,
                image_size=overhead.image_size,
                small_image_size=overhead.small_image_size,
            ),
            imports=config.imports,
            memory=MemoryConfig(config.memory.download_sizes, config.memory.upload_size, args.rounds or config.memory.rounds),
            concurrency=ConcurrencyConfig(**{**config.concurrency.__dict__, "rounds": args.rounds or config.concurrency.rounds}),
        )  # fmt: skip
    return config


def run(config: Config, only: Sequence[str], echo: Callable[[str], None] = print) -> list[Result]:
    """Run the chosen benchmarks against one fake process and return their results (printed as they end)."""
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="stability-bench-") as tmp, FakeServer(image_bytes=RESPONSE_BYTES) as fake:
        workdir = Path(tmp)
        steps: dict[str, Callable[[], list[Result]]] = {
            "text_to_image": lambda: text_to_image(config.overhead),
            "inpaint": lambda: inpaint(config.overhead, workdir),
            "import_time": lambda: [import_time(config.imports)],
            "download_memory": lambda: [download(fake, config.memory, workdir)],
            "upload_memory": lambda: [upload(fake, config.memory, workdir)],
            "concurrency": lambda: [*jobs(fake, config.concurrency, workdir), threads(fake, config.concurrency)],
            "batch": lambda: batch_at_the_limit(workdir, quick=config is QUICK),
        }
        for name in BENCHMARKS:
            if name in only:
                fake.reset()
                started = time.perf_counter()
                made = steps[name]()
                made[-1].notes.append(
                    f"took {time.perf_counter() - started:.1f} s" + (f" ({len(made)} parts)" if len(made) > 1 else "")
                )
                for result in made:
                    echo(format_table([result]))
                results += made
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = _config(args)
    only = args.only or list(BENCHMARKS)
    about = machine()
    print(f"machine: {about['cpu_count']} CPUs, Python {about['python']}, {about['platform']}", flush=True)
    results = run(config, only, echo=lambda text: print(text, flush=True))
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "quick": args.quick,
        "machine": about,
        "config": {name: vars(part) for name, part in vars(config).items()},
        "results": {result.name: result.as_dict() for result in results},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=list) + "\n")
    missed = [f"{r.name}: {t.name}" for r in results for t in r.targets if not t.ok]
    print(f"wrote {args.output}; {len(missed)} target(s) missed" + "".join(f"\n  {m}" for m in missed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
