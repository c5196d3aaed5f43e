"""Benchmark 3: import time in fresh processes, against httpx.

Each statement runs as ``python -c STATEMENT`` in a new interpreter, interleaved statement by statement, so
the figure is what a user waits for, interpreter start-up included (``python -c pass`` is shown for scale).
The package is imported as a user has it: installed (a copy in a temporary directory with its bytecode compiled, as
``pip install`` leaves it), not from this checkout, whose sources would be compiled again on every run where
``PYTHONDONTWRITEBYTECODE`` is set. Two targets: ``import stability`` against ``import httpx``, and what a
program runs, ``from stability import Stability; Stability()``, against ``import httpx; httpx.Client()``.

``Stability()`` defers work that ``httpx.Client()`` does at once (importing httpcore, and for https the SSL
context) to its first request, so one more pair, without a target, carries the bill to the first answer: the
balance from the fake (in a process of its own, plain http on 127.0.0.1) by the facade and by one httpx GET.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import ROOT, FakeServer, Result, Target, ratios

LIMIT = 1.25
CLIENT_LIMIT = 1.0
STATEMENTS = {
    "python -c pass": "pass",
    "import httpx": "import httpx",
    "import stability": "import stability",
    "import httpx; httpx.Client()": "import httpx; httpx.Client()",
    "from stability import Stability; Stability()": "from stability import Stability; Stability()",
    "import stability_api (generated, reference)": "import stability_api",
}
FIRST_ANSWER = {
    "httpx: first answer": "import httpx; httpx.Client().get('{base_url}/v1/user/balance', headers={auth!r})",
    "stability: first answer": (
        "from stability import Stability; Stability(api_key={key!r}, base_url={base_url!r}).balance()"
    ),
}


@dataclass(frozen=True)
class ImportConfig:
    runs: int = 20


def _install(target: Path) -> None:
    """The packages as pip leaves them: their files in one directory and their bytecode compiled (a copy and
    ``compileall``, which is what an install does, without a build backend or a network)."""
    import compileall
    import shutil

    for package in (ROOT / "stability", ROOT / "generated" / "stability_api"):
        shutil.copytree(package, target / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    if not compileall.compile_dir(target, quiet=1):
        raise RuntimeError(f"compileall failed in {target}")


def _once(statement: str, site: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], cwd=site, env=env, check=True)
    return time.perf_counter() - start


def import_time(config: ImportConfig) -> Result:
    result = Result("import_time", f"3. import time, fresh processes, installed package, {config.runs} runs each")
    with tempfile.TemporaryDirectory(prefix="stability-installed-") as tmp:
        site = Path(tmp)
        _install(site)
        with FakeServer() as fake:
            first = {
                label: template.format(
                    base_url=fake.base_url, key=fake.api_key, auth={"Authorization": f"Bearer {fake.api_key}"}
                )
                for label, template in FIRST_ANSWER.items()
            }
            times = _times(config, site, {**STATEMENTS, **first})
        for label, values in times.items():
            result.figure(label, "ms", [v * 1000 for v in values])
        target = result.figure(
            "import stability / import httpx", "x", ratios(times["import stability"], times["import httpx"])
        )
        client = result.figure(
            "Stability() / httpx.Client(), imports included",
            "x",
            ratios(times["from stability import Stability; Stability()"], times["import httpx; httpx.Client()"]),
        )
        result.figure(
            "stability / httpx, to the first answer",
            "x",
            ratios(times["stability: first answer"], times["httpx: first answer"]),
        )
        result.targets.append(Target("import stability / import httpx", target.median, LIMIT))
        result.targets.append(Target("Stability() / httpx.Client(), imports included", client.median, CLIENT_LIMIT))
        modules = {s: generated_modules_after(s, site) for s in ("import stability", "from stability import Stability")}
    for statement, loaded in modules.items():
        result.targets.append(Target(f"generated modules after {statement}", len(loaded), 0))
        if loaded:
            result.notes.append(f"{statement} loads {', '.join(loaded)}")
    return result


def _times(config: ImportConfig, site: Path, statements: dict[str, str]) -> dict[str, list[float]]:
    for statement in statements.values():
        _once(statement, site)  # warm the file system cache
    times: dict[str, list[float]] = {label: [] for label in statements}
    for _ in range(config.runs):
        for label, statement in statements.items():
            times[label].append(_once(statement, site))
    return times


def generated_modules_after(statement: str, site: Path = ROOT) -> list[str]:
    """The ``stability_api.models`` and ``stability_api.api`` modules loaded by ``statement``, in a fresh process."""
    probe = (
        f"{statement}\nimport sys\n"
        "print('\\n'.join(m for m in sorted(sys.modules) if m.startswith(('stability_api.models', 'stability_api.api'))))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=site, env=env, check=True, capture_output=True, text=True)
    return done.stdout.split()
