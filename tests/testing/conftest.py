from __future__ import annotations

from collections.abc import Iterator

import pytest

from stability.testing import FakeStability


@pytest.fixture
def fake() -> Iterator[FakeStability]:
    """A fake, not started: tests use its in-process transport or start it themselves."""
    fake = FakeStability()
    yield fake
    fake.stop()
