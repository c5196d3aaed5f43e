"""Both import packages are installed, typed, and importing the facade stays cheap."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

import stability
import stability_api


def test_both_packages_import_and_are_typed() -> None:
    assert stability.__version__
    for package in (stability, stability_api):
        assert (Path(package.__file__).parent / "py.typed").exists()


def test_import_stability_loads_no_generated_endpoint_or_model() -> None:
    code = (
        "import sys, stability\n"
        "loaded = [m for m in sys.modules if m.startswith(('stability_api.api', 'stability_api.models'))]\n"
        "print(','.join(loaded))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_command_line_entry_point_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "stability", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and stability.__version__ in done.stdout


# noxfile.py imports nox, which the test environment need not have: a stand-in records what it declares.
_NOX_STAND_IN = """
import json, runpy, sys, types

nox = types.ModuleType("nox")
nox.options = types.SimpleNamespace()
nox.Session = object
declared = {}

def session(python=None, **options):
    def register(function):
        declared[function.__name__] = python
        return function
    return register

nox.session = session
sys.modules["nox"] = nox
"""
NOXFILE = Path(__file__).resolve().parents[1] / "noxfile.py"


def _noxfile_on(path: str) -> dict[str, object]:
    """What noxfile.py declares when run with only `path` to search for Pythons."""
    code = _NOX_STAND_IN + (
        f"namespace = runpy.run_path({str(NOXFILE)!r})\n"
        "print(json.dumps({'sessions': declared, 'options': vars(nox.options), 'PYTHON': namespace['PYTHON']}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env={"PATH": path}, capture_output=True, text=True, check=True)
    loaded: dict[str, object] = json.loads(done.stdout)
    return loaded


def _interpreters(folder: Path, names: dict[str, str | None]) -> str:
    """`folder` holding one program per name: one that reports the version given (an interpreter of that
    version, as far as a version check can tell), or for None a pyenv shim of a Python not selected (it fails)."""
    folder.mkdir()
    for name, version in names.items():
        body = f"echo {version}" if version else f"echo 'pyenv: {name}: command not found' >&2; exit 127"
        program = folder / name
        program.write_text(f"#!/bin/sh\n{body}\n")
        program.chmod(0o755)
    return str(folder)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ({"python3.11": None, "python3.12": "3.12"}, "3.12"),
        ({"python3.13": "3.13"}, "3.13"),
        ({"python3.11": "3.13", "python3.13": "3.13"}, "3.13"),  # a name that lies is not believed
        ({"python3.11": "3.11", "python3.12": "3.12", "python3.13": "3.13"}, "3.11"),
        ({}, "the Python running nox"),
    ],
    ids=["only-3.12-and-a-broken-shim", "only-3.13", "misnamed", "all-three", "none-on-path"],
)
def test_nox_runs_every_session_on_a_supported_python_that_is_present(
    tmp_path: Path, names: dict[str, str | None], expected: str
) -> None:
    declared = _noxfile_on(_interpreters(tmp_path / "bin", names))
    if expected == "the Python running nox":  # this test's Python, unless it is newer than SUPPORTED
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        expected = sys.executable if running in ("3.11", "3.12", "3.13") else "3.11"
    assert declared["PYTHON"] == expected
    sessions = declared["sessions"]
    assert isinstance(sessions, dict) and len(sessions) >= 5 and set(sessions.values()) == {expected}
    # Nothing found is a failure, never a run that skipped every session and exited 0.
    options = declared["options"]
    assert isinstance(options, dict) and options.get("error_on_missing_interpreters") is True


def test_nox_python_choice_falls_back_to_a_version_nox_may_still_find(monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in = types.ModuleType("nox")
    stand_in.options = types.SimpleNamespace()  # type: ignore[attr-defined]
    stand_in.session = lambda **options: lambda function: function  # type: ignore[attr-defined]
    stand_in.Session = object  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nox", stand_in)
    noxfile = runpy.run_path(str(NOXFILE))
    pick = noxfile["pick_python"]
    versions = {"/bin/python3.12": "3.12", "/bin/python3.13": "3.13"}

    def which(name: str) -> str | None:
        return f"/bin/{name}" if f"/bin/{name}" in versions else None

    with open(NOXFILE.with_name("pyproject.toml"), "rb") as file:
        classifiers = tomllib.load(file)["project"]["classifiers"]
    prefix = "Programming Language :: Python :: "
    listed = tuple(c.removeprefix(prefix) for c in classifiers if c.startswith(prefix) and c.count(".") == 1)
    assert noxfile["SUPPORTED"] == listed == ("3.11", "3.12", "3.13")
    assert pick(which=which, version_of=versions.get, running=("3.10", "/usr/bin/python3.10")) == "3.12"
    nothing: dict[str, str] = {}
    # Neither on PATH nor running nox: the oldest supported version, for nox's own search (uv, pyenv, the
    # Windows registry) to find, and to fail on when it cannot.
    assert pick(which=nothing.get, version_of=versions.get, running=("3.10", "/usr/bin/python3.10")) == "3.11"
    assert (
        pick(which=nothing.get, version_of=versions.get, running=("3.13", "/opt/py/bin/python")) == "/opt/py/bin/python"
    )
