"""Generate stability/_sync_client.py from stability/_async_client.py.

    python scripts/unasync.py           # rewrite the sync client
    python scripts/unasync.py --check   # exit 1 with a diff when it is stale (nox -s lint runs this)

The async client is the one written by hand; the sync twin is the same code with the async words replaced,
so the two cannot drift. The result is formatted with the project's ruff settings.
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "stability" / "_async_client.py"
TARGET = ROOT / "stability" / "_sync_client.py"

HEADER = '''"""``Stability``: the synchronous client. GENERATED from ``_async_client.py`` by ``scripts/unasync.py``.

Do not edit: change ``_async_client.py`` and run ``python scripts/unasync.py``.
'''

# Order matters: longer, more specific patterns first.
REPLACEMENTS = [
    (r"\bAsyncStability\b", "Stability"),
    (r"\bAsyncDriver\b", "SyncDriver"),
    (r"\b_async_driver\b", "_drivers"),
    (r"\bAsyncJobs\b", "Jobs"),
    (r"\bAsyncJob\b", "Job"),
    (r"\bhttpx\.AsyncClient\b", "httpx.Client"),
    (r"\bhttpx\.AsyncBaseTransport\b", "httpx.BaseTransport"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAwaitable\[([^\]]*)\]", r"\1"),
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\baclose\b", "close"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\baiter_body\b", "iter_body"),
    (r"\batomic_write_async\b", "atomic_write"),
    (r"\basyncio_detailed\b", "sync_detailed"),
    (r"\basyncio\.sleep\b", "time.sleep"),
    (r"\basynchronously\b", "synchronously"),
    (r"\basynchronous\b", "synchronous"),
]


def render() -> str:
    text = SOURCE.read_text()
    docstring_end = text.index('"""', 3) + 3
    body = text[docstring_end:]
    for pattern, replacement in REPLACEMENTS:
        body = re.sub(pattern, replacement, body)
    source = HEADER + '"""' + body
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(TARGET), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    fixed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--fix-only", "--quiet", "--stdin-filename", str(TARGET), "-"],
        input=formatted,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout
    return fixed or formatted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    fresh = render()
    if args.check:
        current = TARGET.read_text() if TARGET.exists() else ""
        if current != fresh:
            sys.stdout.writelines(
                difflib.unified_diff(current.splitlines(True), fresh.splitlines(True), str(TARGET), "unasync")
            )
            print("\nstability/_sync_client.py is stale: run `python scripts/unasync.py`.")
            return 1
        print("stability/_sync_client.py matches stability/_async_client.py")
        return 0
    TARGET.write_text(fresh)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
