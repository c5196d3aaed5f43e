"""Fixtures for the core's unit tests: a fixed jitter, so every retry delay is exact."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator

import pytest

from stability._core import retry as _retry


@pytest.fixture
def jitter() -> Iterator[Callable[[float], None]]:
    """Full backoffs (jitter 1.0) for the test; call the fixture with another value to change it."""
    state = {"value": 1.0}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_retry, "random", types.SimpleNamespace(random=lambda: state["value"]))
        yield lambda value: state.update(value=value)
