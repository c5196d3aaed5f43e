"""`FakeStability`: the public face of the fake, over an in-process transport and a loopback socket server."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Sequence
from dataclasses import replace
from types import TracebackType

from .._core import limits as L
from .._operations.registry import FORMER_NAMES, REGISTRY
from ._app import App, RecordedRequest, Settings
from ._clock import Clock
from ._extra import require_testing_extra
from ._faults import Fault
from ._routes import OPERATIONS
from ._server import SocketServer
from ._transport import FakeTransport

IN_PROCESS_BASE_URL = "http://stability.test"
DEFAULT_RATE_LIMIT = (L.RATE_LIMIT_REQUESTS, L.RATE_LIMIT_WINDOW_SECONDS, L.RATE_LIMIT_LOCKOUT_SECONDS)


def generate_api_key() -> str:
    """A fresh key in the shape of a Stability key (`sk-` and 48 characters)."""
    return "sk-fake-" + secrets.token_hex(22)


class FakeStability:
    """A local fake of the Stability AI REST API (v1, v2beta, v1alpha, v2alpha), faithful to openapi/stability.yaml.

    Use it in process with `transport()` (no sockets) or as a real HTTP/1.1 server with `with fake:` (or
    `start()`/`stop()`), then point a client at `base_url` with `api_key`. It validates every request as the
    service does, answers real PNG/JPEG/WEBP images, MP4 videos and GLB models that depend only on the seed and
    inputs, runs asynchronous jobs on a controllable `clock`, debits balances, rate-limits when asked, records every
    request, and misbehaves on demand through `inject()`.

    Args:
        api_keys: The keys it accepts (bare or as `Bearer <key>`); one generated key by default.
        job_duration: Seconds (on `clock`) a job (image-to-video, upscale, relight) answers 202 before its result.
        retention: Seconds (on `clock`) a finished job's result is kept; then its id is 404.
        rate_limit: `(requests, window_seconds, lockout_seconds)` per key, or None for no limit. Past the
            limit every request of that key is answered the documented 429 (`rate_limit_exceeded`, "You have
            exceeded the rate limit of 150 requests within a 10 second period, and have been timed out for 60
            seconds.", with this fake's numbers) until the lockout ends, and is not charged.
        rate_limit_retry_after: Add `Retry-After` (the seconds left in the lockout) to those 429s. Off by
            default because the service documents no such header: a client must wait out the lockout on its own.
        moderation_word: A prompt containing it is moderated: v1alpha answers CONTENT_FILTERED (flat grey
            image), v2alpha and v2beta operations with a prompt answer 403 `content_moderation` and charge nothing.
        initial_balance: Credits each key starts with.
        video_bytes: Pad every MP4 result to about this many bytes, streamed in chunks.
        image_bytes: Pad every PNG result to this many bytes (a private chunk every decoder skips), for
            realistic response sizes: rendered pictures compress to a few KiB.
        fast: Reuse outputs per (operation, size, format) so the fake's own CPU cost stays small.
        host: The address the socket server listens on.
        port: Its port; 0 lets the OS choose.

    Raises:
        ImportError: Pillow or python-multipart (the `testing` extra) is not installed; the message says
            `pip install "stability-client[testing]"`. Checked here, not at the first generation, which could
            only answer 500.
    """

    def __init__(
        self,
        *,
        api_keys: Sequence[str] | None = None,
        job_duration: float = 0.0,
        retention: float = L.RESULT_RETENTION_SECONDS,
        rate_limit: tuple[int, float, float] | None = None,
        rate_limit_retry_after: bool = False,
        moderation_word: str | None = "forbidden",
        initial_balance: float = 1000.0,
        video_bytes: int | None = None,
        image_bytes: int | None = None,
        fast: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        require_testing_extra("FakeStability")
        keys = tuple(api_keys) if api_keys is not None else (generate_api_key(),)
        settings = Settings(
            api_keys=keys,
            job_duration=job_duration,
            retention=retention,
            rate_limit=rate_limit,
            rate_limit_retry_after=rate_limit_retry_after,
            moderation_word=moderation_word,
            initial_balance=initial_balance,
            video_bytes=video_bytes,
            image_bytes=image_bytes,
            fast=fast,
        )
        self.clock: Clock = Clock()
        """The fake's clock; `fake.clock.advance(seconds)` moves job timing, retention and rate limits."""
        self._app = App(settings, self.clock)
        self._host, self._port = host, port
        self._server: SocketServer | None = None
        self._connections_before = 0  # accepted by servers already stopped

    # ------------------------------------------------------------------------------------------ running

    def start(self) -> FakeStability:
        """Start the socket server (idempotent); returns the fake."""
        if self._server is None:
            self._server = SocketServer(self._app, self._host, self._port)
        return self

    def stop(self) -> None:
        """Stop the socket server and close its connections (idempotent)."""
        if self._server is not None:
            server, self._server = self._server, None
            server.stop()
            self._connections_before += server.connections_opened

    def __enter__(self) -> FakeStability:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` while the server runs; a placeholder for the in-process transport otherwise."""
        if self._server is None:
            return IN_PROCESS_BASE_URL
        host = self._server.host
        return f"http://[{host}]:{self._server.port}" if ":" in host else f"http://{host}:{self._server.port}"

    @property
    def port(self) -> int | None:
        return self._server.port if self._server is not None else None

    def transport(self) -> FakeTransport:
        """An httpx transport that answers in process (no sockets), for `httpx.Client` and `httpx.AsyncClient`."""
        return FakeTransport(self._app)

    # ------------------------------------------------------------------------------------------ settings

    @property
    def api_keys(self) -> tuple[str, ...]:
        return self._app.settings.api_keys

    @property
    def api_key(self) -> str:
        """The first configured key."""
        return self._app.settings.api_keys[0]

    @property
    def job_duration(self) -> float:
        return self._app.settings.job_duration

    @job_duration.setter
    def job_duration(self, seconds: float) -> None:
        """Applies to jobs started from now on."""
        self._app.settings = replace(self._app.settings, job_duration=seconds)

    @property
    def retention(self) -> float:
        return self._app.settings.retention

    @retention.setter
    def retention(self, seconds: float) -> None:
        self._app.settings = replace(self._app.settings, retention=seconds)

    @property
    def video_bytes(self) -> int | None:
        return self._app.settings.video_bytes

    @video_bytes.setter
    def video_bytes(self, size: int | None) -> None:
        """Applies to results fetched from now on."""
        self._app.settings = replace(self._app.settings, video_bytes=size)

    @property
    def image_bytes(self) -> int | None:
        return self._app.settings.image_bytes

    @image_bytes.setter
    def image_bytes(self, size: int | None) -> None:
        """Applies to pictures painted from now on (with `fast`, sizes already painted keep their bytes)."""
        self._app.settings = replace(self._app.settings, image_bytes=size)

    @property
    def moderation_word(self) -> str | None:
        return self._app.settings.moderation_word

    @moderation_word.setter
    def moderation_word(self, word: str | None) -> None:
        self._app.settings = replace(self._app.settings, moderation_word=word)

    # ------------------------------------------------------------------------------------------ observing

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        return self._app.requests()

    def count(self, operation: str | None = None) -> int:
        """Requests received, for one operation or all (a request dropped before it was read is not counted)."""
        return self._app.count(_name(operation))

    def charges(self, operation: str | None = None) -> int:
        """Charged generations, for one operation or all."""
        return self._app.charges(_name(operation))

    def balance(self, key: str | None = None) -> float:
        """The credits left on `key` (the first key by default)."""
        return self._app.balance(key if key is not None else self.api_key)

    @property
    def connections_opened(self) -> int:
        """TCP connections the socket server accepted (since the fake was made or last reset)."""
        running = self._server.connections_opened if self._server is not None else 0
        return self._connections_before + running

    @property
    def pending_faults(self) -> int:
        """Injected faults not consumed yet."""
        return self._app.pending_faults()

    # ------------------------------------------------------------------------------------------ steering

    def inject(self, operation: str | None, fault: Fault, *, times: int = 1) -> None:
        """Queue `fault` for the next `times` requests of `operation` (None: of any operation), first in first out.

        `operation` is the client method's name (``OPERATIONS``: ``"balance"``, ``"masked_image_to_image"``,
        ``"upscale_result"``), here and in ``count`` and ``charges``. The fake's former names (``"get_balance"``,
        ``"masking"``, ...) still work, with a DeprecationWarning.
        """
        self._app.inject(_name(operation), fault, times)

    def reset_faults(self) -> None:
        """Drop every injected fault not consumed yet."""
        self._app.clear_faults()

    def reset(self) -> None:
        """Forget requests, counters, faults and jobs; restore balances. The clock and the server keep running."""
        self._app.reset()
        self._connections_before = 0
        if self._server is not None:
            self._server.reset_counters()


def _name(operation: str | None) -> str | None:
    """`operation` as the fake names it: the client method's name (the registry's). A former name of the fake's
    (``get_balance``, ``masking``, ...) is still taken, with a DeprecationWarning naming the new one."""
    if operation is None or operation in REGISTRY:
        return operation
    entry = FORMER_NAMES.get(operation)
    if entry is None:
        raise ValueError(f"unknown operation {operation!r}; expected one of {', '.join(OPERATIONS)}")
    warnings.warn(
        f"the fake's operation {operation!r} is now called {entry.name!r} (the client's method); "
        f"{operation!r} will stop working in a future release",
        DeprecationWarning,
        stacklevel=3,
    )
    return entry.name
