"""Batches: many requests from a JSON Lines or CSV file, paced under the rate limit, resumable (``client.batch``).

``_input`` reads and checks the file, ``_manifest`` keeps each item's state in SQLite, ``_pacing`` is the rate
limiter every request of a run asks, ``_run`` the engines of both clients.

Its names are imported when first used: the clients' ``batch`` signature needs ``RateLimit`` (``_pacing``, small),
and ``from stability import Stability`` should not pay for sqlite3, csv and the engines of a batch it may never run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._input import BatchInputError, BatchItem, estimate, read_batch
    from ._pacing import RateLimit
    from ._run import BatchOutcome

__all__ = ["BatchInputError", "BatchItem", "BatchOutcome", "RateLimit", "estimate", "read_batch"]
_HOMES = {
    "BatchInputError": "._input",
    "BatchItem": "._input",
    "estimate": "._input",
    "read_batch": "._input",
    "RateLimit": "._pacing",
    "BatchOutcome": "._run",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value
