"""A local fake of the Stability AI REST API, for tests, examples and benchmarks.

    from stability.testing import FakeStability, Fault

    with FakeStability() as fake:            # a real HTTP/1.1 keep-alive server on 127.0.0.1
        ...                                  # point a client at fake.base_url with fake.api_key
    fake.transport()                         # or answer in process, with no sockets (sync and async httpx)
    fake.inject("text_to_image", Fault.drop_after_request())
    fake.requests, fake.count("upscale"), fake.charges(), fake.balance(), fake.clock.advance(60)

It validates requests as the service does (every number and enum from `stability._core.limits`), answers real
PNG/JPEG/WEBP images and MP4 videos that depend only on the seed and inputs, runs asynchronous jobs on a
controllable clock, debits balances, rate-limits, records every request and injects faults. Every answer it
gives on its own conforms to openapi/stability.yaml. Where the service's documents leave room, it chooses:

- v2alpha `accept: */*` means the default (`image/*`, or `video/*` for the video result), as an absent header
  does. The v2alpha enums list only that default and `application/json`, but `*/*` is what requests, httpx and
  curl send when told nothing, Stability's own inpaint Python sample sends no `accept` and saves the answer's
  bytes as a .webp, and v2beta's `results/{id}` declares `*/*` its default: refusing it would fail code that the
  service's documents show working. Any other value outside the enum (`image/png`, a list, `text/plain`) is a
  400. v1alpha's `Accept` stays a strict, required enum, as its spec requires and all its samples send.
- A 429 is the documented example word for word (`rate_limit_exceeded`, "You have exceeded the rate limit of
  150 requests within a 10 second period, and have been timed out for 60 seconds.") and, as documented, carries
  no `Retry-After` unless you ask for one (`rate_limit_retry_after=True`, or `Fault.rate_limited("5")`).
- Balances may go negative (no 402 is documented); v1alpha `Organization` headers are accepted as they come.
- v1alpha init and mask images must have sides that are multiples of 64 and at most 1,048,576 pixels.

Operations go by the client's method names (`OPERATIONS`: `text_to_image`, `masked_image_to_image`, `engines`,
`account`, `balance`, `upscale_result`, ...) in `inject`, `count`, `charges` and `RecordedRequest.operation`;
the fake's routes are read from the SDK's registry of operations. The former names (`masking`, `list_engines`,
`get_account`, `get_balance`, `get_upscale_result`, `get_image_to_video_result`) are still taken, with a
DeprecationWarning.

Also: the pytest fixture `stability_fake` (a started fake; no rate limit; jobs finish at once), and the command
line `python -m stability.testing --port 8080 [--host H] [--job-duration S] [--json]`, also reachable as
`run_fake_server(argv)`.

Importing this package needs only the SDK; running a fake needs the `testing` extra (Pillow, python-multipart):
without it `FakeStability()` raises ImportError saying `pip install "stability-client[testing]"`.
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
