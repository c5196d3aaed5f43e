"""Every check a contributor or CI runs: `nox` runs the default sessions, `nox -s NAME` one of them."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "spec", "check_generated", "tests"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"
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
