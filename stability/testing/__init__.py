"""A local fake of the Stability AI REST API, for tests, examples and benchmarks.

    from stability.testing import FakeStability, Fault

    with FakeStability() as fake:            # a real HTTP/1.1 keep-alive server on 127.0.0.1
        ...                                  # point a client at fake.base_url with fake.api_key
    fake.transport()                         # or answer in process, with no sockets (sync and async httpx)
    fake.inject("text_to_image", Fault.drop_after_request())
    fake.requests, fake.count("upscale"), fake.charges(), fake.balance(), fake.clock.advance(60)

It validates requests as the service does (every number and enum from `stability._limits`), answers real
PNG/JPEG/WEBP images and MP4 videos that depend only on the seed and inputs, runs asynchronous jobs on a
controllable clock, debits balances, rate-limits, records every request and injects faults. Every answer it
gives on its own conforms to openapi/stability.yaml. Where the service's documents leave room, it chooses:

- v2alpha `accept: */*` (what HTTP clients send when told nothing) counts as absent, so it means the default
  (`image/*` or `video/*`); v1alpha's `Accept` stays a strict enum, as its spec requires.
- Balances may go negative (no 402 is documented); v1alpha `Organization` headers are accepted as they come.
- v1alpha init and mask images must have sides that are multiples of 64 and at most 1,048,576 pixels.

Also: the pytest fixture `stability_fake` (a started fake; no rate limit; jobs finish at once), and the command
line `python -m stability.testing --port 8080 [--host H] [--job-duration S] [--json]`, also reachable as
`run_fake_server(argv)`.
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
