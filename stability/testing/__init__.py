"""A local fake of the Stability AI REST API, for tests, examples and benchmarks.

    from stability.testing import FakeStability, Fault

    with FakeStability() as fake:            # a real HTTP/1.1 server on 127.0.0.1
        ...                                  # point a client at fake.base_url with fake.api_key
    fake.transport()                         # or answer in process, with no sockets

It validates requests as the service does (with the limits of `stability._limits`), answers real media, runs
asynchronous jobs on a controllable clock, debits balances, rate-limits, records every request and injects
faults. The pytest fixture `stability_fake` and `python -m stability.testing` run it too.
"""

from __future__ import annotations

from ._app import RecordedFile, RecordedRequest
from ._cli import run_fake_server
from ._clock import Clock
from ._fake import FakeStability
from ._faults import Fault
from ._routes import OPERATIONS

__all__ = [
    "Clock",
    "FakeStability",
    "Fault",
    "OPERATIONS",
    "RecordedFile",
    "RecordedRequest",
    "run_fake_server",
]
