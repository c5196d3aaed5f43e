"""Every operation of the API, one ``Entry`` each (``entry.py``), keyed by the facade method's name.

The entries live in their API family's module (``v1``, ``v2beta``, ``v2beta_edit``, ``v2beta_control``: the API
Stability serves today;
``v1alpha``, ``v2alpha``: the versions the project started with); this table joins them. The clients,
the CLI, the fake server, the demo and the test matrices read it; tests/test_registry.py checks it against the
spec, the generated modules, the fake's routes, the CLI's commands and the clients' methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from .._core import validation as check
from .._core.flow import Operation
from . import v1, v1alpha, v2alpha, v2beta, v2beta_control, v2beta_edit
from .common import check_params, operation
from .entry import Entry, Param, Price, endpoint

__all__ = ["FORMER_NAMES", "REGISTRY", "Entry", "Param", "Price", "endpoint", "prepare"]

REGISTRY: Final[Mapping[str, Entry]] = MappingProxyType(
    {
        entry.name: entry
        for family in (v2beta, v2beta_edit, v2beta_control, v1, v1alpha, v2alpha)
        for entry in family.ENTRIES
    }
)

FORMER_NAMES: Final[Mapping[str, Entry]] = MappingProxyType(
    {entry.former_name: entry for entry in REGISTRY.values() if entry.former_name}
)
"""The fake server's former names (``masking``, ``get_balance``, ...), still accepted there (deprecated)."""


def prepare(name: str, args: dict[str, Any], *, organization: str | None = None) -> Operation[Any]:
    """The ``Operation`` of a facade call: every argument checked against its rule, then the entry's own checks
    (sizes, combinations) and the request built by name from the generated model. Nothing is sent here."""
    entry = REGISTRY[name]
    args = {key: check.plain(value) for key, value in args.items()}
    check_params(entry, args)
    if organization:
        args = {**args, "organization": organization}
    if entry.prepare is not None:
        return entry.prepare(entry, args)
    return operation(entry, args)
