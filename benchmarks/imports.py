"""Benchmark 3: import time in fresh processes, ``import stability`` against ``import httpx``.

Each statement runs as ``python -c STATEMENT`` in a new interpreter, interleaved statement by statement, so
the figure is what a user waits for, interpreter start-up included (``python -c pass`` is shown for scale).
``from stability import Stability`` (what a program using the client does) and the generated package alone
are reported beside the target.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass

from benchmarks._common import ROOT, Result, Target, ratios

LIMIT = 1.25
STATEMENTS = {
    "python -c pass": "pass",
    "import httpx": "import httpx",
    "import stability": "import stability",
    "from stability import Stability": "from stability import Stability",
    "import stability_api (generated, reference)": "import stability_api",
}


@dataclass(frozen=True)
class ImportConfig:
    runs: int = 20


def _once(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], cwd=ROOT, check=True)
    return time.perf_counter() - start


def import_time(config: ImportConfig) -> Result:
    result = Result("import_time", f"3. import time, fresh processes, {config.runs} runs each")
    for statement in STATEMENTS.values():
        _once(statement)  # warm the file system cache and the .pyc files
    times: dict[str, list[float]] = {label: [] for label in STATEMENTS}
    for _ in range(config.runs):
        for label, statement in STATEMENTS.items():
            times[label].append(_once(statement))
    for label, values in times.items():
        result.figure(label, "ms", [v * 1000 for v in values])
    target = result.figure(
        "import stability / import httpx", "x", ratios(times["import stability"], times["import httpx"])
    )
    result.figure(
        "from stability import Stability / import httpx",
        "x",
        ratios(times["from stability import Stability"], times["import httpx"]),
    )
    result.targets.append(Target("import stability / import httpx", target.median, LIMIT))
    for statement in ("import stability", "from stability import Stability"):
        loaded = generated_modules_after(statement)
        result.targets.append(Target(f"generated modules after {statement}", len(loaded), 0))
        if loaded:
            result.notes.append(f"{statement} loads {', '.join(loaded)}")
    return result


def generated_modules_after(statement: str) -> list[str]:
    """The ``stability_api.models`` and ``stability_api.api`` modules loaded by ``statement``, in a fresh process."""
    probe = (
        f"{statement}\nimport sys\n"
        "print('\\n'.join(m for m in sorted(sys.modules) if m.startswith(('stability_api.models', 'stability_api.api'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout.split()
