"""Regenerate generated/stability_api from openapi/stability.yaml.

    python scripts/generate.py           # rewrite generated/stability_api
    python scripts/generate.py --check   # exit 1 and print the drift if generated/ is stale

The generator and the ruff it runs as a post-hook are pinned: their templates and formatting decide every
byte of the output, so any other version is refused rather than silently producing a diff. Output goes to a
fresh temporary directory first (the generator's --overwrite keeps stale files), then replaces the package.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

GENERATOR_VERSION = "0.29.1"
RUFF_VERSION = "0.17.5"

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "stability.yaml"
CONFIG = ROOT / "scripts" / "openapi-config.yaml"
TEMPLATES = ROOT / "scripts" / "templates"
PACKAGE = ROOT / "generated" / "stability_api"


def _tool_env() -> dict[str, str]:
    # The post-hooks call `ruff` from PATH: make it the one installed beside this interpreter.
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _check_versions(env: dict[str, str]) -> None:
    try:
        from openapi_python_client import __version__ as generator_version
    except ImportError:
        sys.exit(f"openapi-python-client=={GENERATOR_VERSION} is not installed (try: nox -s generate)")
    ruff = subprocess.run(["ruff", "--version"], capture_output=True, text=True, env=env, check=False)
    found = {"openapi-python-client": generator_version, "ruff": ruff.stdout.split()[-1] if ruff.stdout else "?"}
    wanted = {"openapi-python-client": GENERATOR_VERSION, "ruff": RUFF_VERSION}
    wrong = [f"{name} {found[name]} (want {wanted[name]})" for name in wanted if found[name] != wanted[name]]
    if wrong:
        sys.exit("wrong tool versions: " + ", ".join(wrong))


def _generate(into: Path, env: dict[str, str]) -> Path:
    out = into / "stability_api"
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(SPEC),
        "--config", str(CONFIG),
        "--custom-template-path", str(TEMPLATES),
        "--meta", "none",
        "--output-path", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=into, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or "Warning" in done.stdout or "Error" in done.stdout:
        sys.exit(f"generation failed or warned:\n{done.stdout}\n{done.stderr}")
    (out / "py.typed").write_text("")
    for junk in out.rglob("__pycache__"):
        shutil.rmtree(junk)
    return out


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _drift(fresh: Path, current: Path) -> list[str]:
    new, old = _tree(fresh), _tree(current) if current.exists() else {}
    lines: list[str] = []
    for name in sorted(new.keys() | old.keys()):
        if new.get(name) == old.get(name):
            continue
        before = old.get(name, b"").decode(errors="replace").splitlines(keepends=True)
        after = new.get(name, b"").decode(errors="replace").splitlines(keepends=True)
        lines += difflib.unified_diff(before, after, f"generated/stability_api/{name}", f"regenerated/{name}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail with a diff instead of writing")
    args = parser.parse_args()
    env = _tool_env()
    _check_versions(env)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = _generate(Path(tmp), env)
        drift = _drift(fresh, PACKAGE)
        if args.check:
            if drift:
                sys.stdout.writelines(drift)
                print("\ngenerated/ does not match openapi/: run `nox -s generate` and commit the result.")
                return 1
            print("generated/ matches openapi/")
            return 0
        if PACKAGE.exists():
            shutil.rmtree(PACKAGE)
        PACKAGE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(fresh, PACKAGE)
    print(f"regenerated {PACKAGE.relative_to(ROOT)} ({len(drift)} diff lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
