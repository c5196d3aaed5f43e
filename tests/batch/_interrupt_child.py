"""The process the interrupt test runs: sync batches whose coordinator a KeyboardInterrupt hits at random lines.

python -m tests.batch._interrupt_child OUT_DIR RUNS

A trace function on the main thread (the one a Ctrl-C interrupts) raises KeyboardInterrupt once per run, at a
random line of the engine's coordinator or of the stdlib code it waits with: where a signal handler's exception
can land. Each run must end: one that hangs (a lock left held, a worker blocked on it) hangs the process, and
the test's timeout fails it.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from stability import Stability
from stability._batch import BatchItem
from stability._batch._run import batch
from stability.testing import FakeStability, Fault

WATCHED = ("concurrent/futures/", "/threading.py", "/queue.py", "stability/_batch/_run.py")


def main(argv: list[str]) -> int:
    out, runs = Path(argv[0]), int(argv[1])
    countdown = [0]

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if not any(part in frame.f_code.co_filename for part in WATCHED):
            return None
        if event == "line" and countdown[0] > 0:
            countdown[0] -= 1
            if countdown[0] == 0:
                raise KeyboardInterrupt
        return trace

    items = [BatchItem(f"c{i}", i + 1, "generate_core", {"prompt": f"p{i}", "seed": i + 1}, 3.0) for i in range(40)]
    hits = 0
    with FakeStability(fast=True) as fake, Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        for run in range(runs):
            fake.reset_faults()
            fake.inject("generate_core", Fault.delay(0.002), times=40)
            outcomes = batch(client, items, out_dir=out / str(run), concurrency=8, rate_limit=None)
            countdown[0] = random.randint(1, 3000)
            sys.settrace(trace)
            try:
                for _ in outcomes:
                    pass
            except KeyboardInterrupt:
                hits += 1
            finally:
                sys.settrace(None)
                countdown[0] = 0
    print(f"ended {runs} runs, {hits} interrupted", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
