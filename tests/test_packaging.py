"""Both import packages are installed, typed, and importing the facade stays cheap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
