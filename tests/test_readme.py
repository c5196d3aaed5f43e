"""Every Python block in README.md runs, against the fake server, so the README cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from stability.testing import FakeStability
from tests.raw_cases import png

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
# The files a block saves: the first argument of every save() call, when it is a literal.
SAVED = re.compile(r"""\.save\(\s*["']([^"']+)["']""")


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 5
    assert "lighthouse.png" in SAVED.findall(BLOCKS[0]) and "clip.mp4" in SAVED.findall(README.read_text())


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index: int, tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(png(512, 512))
    (tmp_path / "mask.png").write_bytes(png(512, 512))
    (tmp_path / "frame-768.png").write_bytes(png(768, 768))
    block = BLOCKS[index]
    # Every example runs as a second run would: over the outputs of a first one, which must not make it fail
    # (after its generations were paid for) with FileExistsError.
    outputs = sorted(set(SAVED.findall(block)))
    for name in outputs:
        (tmp_path / name).write_bytes(b"an earlier run's output")
    if "def test_" in block:  # a block that shows tests is run by pytest, as its reader would run it
        (tmp_path / "test_readme_block.py").write_text(block)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_readme_block.py"]
    else:
        command = [sys.executable, "-c", block]
    with FakeStability() as fake:
        env = {"STABILITY_API_KEY": fake.api_key, "STABILITY_BASE_URL": fake.base_url, "PATH": "/usr/bin:/bin"}
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in outputs:
        assert (tmp_path / name).read_bytes() != b"an earlier run's output", f"{name} was not written"
    if "def test_" in block:
        assert f"{block.count('def test_')} passed" in done.stdout, done.stdout
    assert fake.api_key not in done.stdout + done.stderr


def _console_block(heading: str, index: int) -> str:
    section = README.read_text().split(heading, 1)[1]
    return str(re.findall(r"```console\n(.*?)```", section, re.DOTALL)[index]).strip()


def test_readme_starts_with_the_commands_a_new_user_types() -> None:
    heading = "## Try it, then test it (a fresh machine with only Python and pip)"
    assert README.read_text().index(heading) < README.read_text().index("## Install")
    assert _console_block(heading, 0) == 'python -m pip install ".[testing]" && python -m stability demo'
    assert _console_block(heading, 1) == "python -m pip install nox && nox"
    ci = (README.parent / ".ci" / "run").read_text()
    assert "\npython -m pip install nox && nox\n" in ci  # CI runs the README's test command verbatim


def test_readme_demo_command_runs_with_no_key(tmp_path: Path) -> None:
    demo = _console_block("## Try it", 0).split(" && ", 1)[1].split()
    assert demo[0] == "python"
    env = {"PATH": "/usr/bin:/bin"}  # no key, no base URL: the demo needs neither
    done = subprocess.run(
        [sys.executable, *demo[1:], "--job-duration", "0.2"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    outputs = sorted(p.name for p in (tmp_path / "stability-demo").iterdir())
    assert outputs == [
        ".stability-demo",  # the mark that lets the next run replace these (and nothing of the user's)
        "control-sketch.png", "control-structure.png", "control-style.png", "edit-erase.png", "edit-inpaint.png",
        "edit-outpaint.png", "edit-remove-background.png", "edit-replace-background-and-relight.png",
        "edit-search-and-recolor.png", "edit-search-and-replace.png", "generate-core.png", "generate-sd3.png",
        "generate-ultra.png", "image-to-image.png", "image-to-video-v2beta.mp4", "image-to-video.mp4", "index.html",
        "inpaint.jpg", "input-mask.png", "input.png", "masking.png", "stable-fast-3d.glb", "text-to-image.png",
        "upscale-conservative.png", "upscale-creative.png", "upscale-fast.webp", "upscale.webp",
    ]  # fmt: skip


STATUS = {"v2beta": "live", "v1": "live", "v1alpha": "retired", "v2alpha": "old users only"}


def test_readme_says_which_endpoint_each_method_calls() -> None:
    """The API versions table lists every client method with the request it sends (and a job's poll), as the
    registry has them, and says which are live."""
    from stability import Stability
    from stability._operations.registry import REGISTRY

    section = README.read_text().split("### API versions: which call uses which endpoint", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `(\w+)\(\)` \| `(GET|POST) (\S+)` \| (.*) \|$", section, re.MULTILINE)
    table = {name: (method, path, status) for name, method, path, status in rows}
    methods = [name for name in REGISTRY if hasattr(Stability, name)]
    assert sorted(table) == sorted(methods) and len(rows) == len(methods)
    kinds = [status.split(";")[0] for *_, status in rows]
    assert kinds == sorted(kinds, key=["live", "retired", "old users only"].index)  # what works today first
    for name, (method, path, status) in table.items():
        entry = REGISTRY[name]
        assert (method, path) == (entry.method, entry.path), name
        assert status.startswith(STATUS[path.split("/")[1]]), name
        poll = f"polls `GET {REGISTRY[entry.starts_job].path}`" if entry.starts_job else None
        assert (poll in status) if poll else "polls" not in status, name
