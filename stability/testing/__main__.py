"""`python -m stability.testing`: run the fake server."""

from __future__ import annotations

import sys

from ._cli import run_fake_server

if __name__ == "__main__":
    sys.exit(run_fake_server())
