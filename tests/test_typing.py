"""Types that tell the truth, checked by the type checkers users run: mypy --strict and pyright accept every
documented image input and Literal value (tests/typing_cases/accepted.py, which then runs against the fake) and
refuse, line by line, the wrong ones (rejected.py: an ``image=123``, a ``sampler="K_EULERX"``, a text-mode file...).
``pyright --verifytypes`` stays at 100% (also the ``pyright`` nox session, which CI runs)."""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import stability
from stability.testing import FakeStability
from tests.raw_cases import png
from tests.typing_cases import accepted

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "typing_cases"
MARK = "# rejected"
INPUT_KINDS = 8  # str, Path, bytes, bytearray, memoryview, BytesIO, a file opened "rb", a PIL image
# PIL is followed (Pillow ships its types): a PIL image must match the input type for real, not as Any.
MYPY_CONFIG = f"""
[mypy]
strict = True
python_version = 3.11
follow_imports = silent
mypy_path = {ROOT}:{ROOT / "generated"}

[mypy-httpx.*,httpcore.*,anyio.*,sniffio.*,h11.*,stability_api.*,attr.*,attrs.*,dateutil.*]
follow_imports = skip
"""


def _marked(path: Path) -> set[int]:
    return {number for number, line in enumerate(path.read_text().splitlines(), 1) if line.rstrip().endswith(MARK)}


def _mypy(tmp_path: Path, path: Path) -> tuple[set[int], str]:
    import mypy.api
    import mypy.version

    config = tmp_path / "mypy.ini"
    config.write_text(MYPY_CONFIG)
    cache = Path(tempfile.gettempdir()) / f"stability-typing-mypy-{mypy.version.__version__}"
    stdout, stderr, status = mypy.api.run(["--config-file", str(config), "--cache-dir", str(cache), str(path)])
    errors = re.compile(rf"^\S*{re.escape(path.name)}:(\d+): error:", re.MULTILINE)
    lines = {int(number) for number in errors.findall(stdout)}
    assert status == (1 if lines else 0), stdout + stderr  # 2: mypy itself failed
    return lines, stdout + stderr


def _pyright(*args: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("pyright", reason="pyright comes with the tests extra: pip install -e '.[tests]'")
    # No look-up of a newer pyright on PyPI: the check runs offline (pyright and its Node.js are wheels).
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    command = [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _pyright_errors(path: Path) -> tuple[set[int], str]:
    done = _pyright("--outputjson", "--pythonversion", "3.11", str(path))
    report = json.loads(done.stdout)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    return {d["range"]["start"]["line"] + 1 for d in errors}, done.stdout


@pytest.mark.slow
def test_mypy_accepts_every_documented_input_and_refuses_each_wrong_one(tmp_path: Path) -> None:
    found, output = _mypy(tmp_path, CASES / "accepted.py")
    assert found == set(), output
    found, output = _mypy(tmp_path, CASES / "rejected.py")
    expected = _marked(CASES / "rejected.py")
    assert len(expected) >= 15
    assert found == expected, output


@pytest.mark.slow
def test_pyright_accepts_every_documented_input_and_refuses_each_wrong_one() -> None:
    found, output = _pyright_errors(CASES / "accepted.py")
    assert found == set(), output
    found, output = _pyright_errors(CASES / "rejected.py")
    assert found == _marked(CASES / "rejected.py"), output


@pytest.mark.slow
def test_pyright_verifytypes_is_complete() -> None:
    done = _pyright("--verifytypes", "stability", "--ignoreexternal", "--outputjson")
    report = json.loads(done.stdout)["typeCompleteness"]
    unknown = [s["name"] for s in report["symbols"] if not s["isTypeKnown"]]
    assert report["completenessScore"] == 1.0, unknown
    assert done.returncode == 0, done.stdout[-4000:]


def test_the_checked_inputs_run_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "in.png"
    path.write_bytes(png(256, 256))
    with FakeStability() as fake:
        with stability.Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
            results = accepted.sync_calls(client, path)
        assert len(results) == INPUT_KINDS + 5
        assert all(result.width > 0 and result.finish_reason == "SUCCESS" for result in results)

        async def main() -> None:
            async with stability.AsyncStability(api_key=fake.api_key, base_url=fake.base_url) as client:
                assert len(await accepted.async_calls(client, path)) == INPUT_KINDS + 1

        asyncio.run(main())


def test_type_checkers_see_exactly_the_public_names() -> None:
    """``stability/__init__.py`` names for type checkers what ``__getattr__`` loads: every name of ``__all__``
    (``SaveError`` was missing) and no other (star imports also gave them ``REGISTRY``, twice)."""
    tree = ast.parse((ROOT / "stability" / "__init__.py").read_text())
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    imports = [node for node in block.body if isinstance(node, ast.ImportFrom)]
    names = [alias.name for node in imports for alias in node.names]
    assert "*" not in names
    assert sorted(names) == sorted(set(stability.__all__) - {"__version__"})
    assert {name for name in accepted.__dict__ if name in stability.__all__} >= {"SaveError", "ImageInput"}
