# pytest is there whenever pytest loads this plugin, but not in the environment that type-checks the package
# (nox's typecheck installs only the `testing` extra), so mypy may find neither pytest nor its typed decorator.
# mypy: disable-error-code="import-not-found,untyped-decorator"
"""The `stability_fake` pytest fixture, registered through the `pytest11` entry point.

Importing this module is cheap and needs neither Pillow nor python-multipart; they are needed (from the
`testing` extra) only when a test uses the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._fake import FakeStability


@pytest.fixture
def stability_fake() -> Iterator[FakeStability]:
    """A started fake Stability server (rate limit off, jobs finish at once), stopped after the test."""
    from ._fake import FakeStability

    with FakeStability(rate_limit=None, job_duration=0.0) as fake:
        yield fake
