"""Client configuration: the API key, base URL, timeouts and safety checks, resolved once per client."""

from __future__ import annotations

import ipaddress
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from .errors import ConfigurationError
from .retry import RetryPolicy

DEFAULT_BASE_URL = "https://api.stability.ai"
# Generations can take a minute or more on a busy day; connecting should not.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=180.0, write=180.0, pool=60.0)
# A whole call (retries and their waits included) by default: the sum of the parts, one full attempt.
DEFAULT_TOTAL = 10.0 + 180.0 + 180.0 + 60.0
KEY_VARIABLES = ("STABILITY_API_KEY", "STABILITY_KEY")
# No request needs longer than a day per phase; past that a timeout is a typo (or 1e30, which overflows the
# socket layer at the first call), and the user learns it now rather than after a call that never ends.
MAX_TIMEOUT = 86400.0

logger = logging.getLogger("stability")


class _NotGiven:
    """Marks an argument that was not passed, where None has a meaning of its own."""

    _instance: _NotGiven | None = None

    def __new__(cls) -> _NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


class Pacer(Protocol):
    """Holds every request of a client to a rate (``client.batch``): the drivers book each send with it."""

    def reserve(self, now: float) -> tuple[float, bool]:
        """Ask for the next request's slot: (seconds to wait, booked). Booked: send after the wait, then call
        ``answered``; not booked: ask again after the wait."""
        ...

    def answered(self, now: float) -> None:
        """A booked request has ended (answered, refused or failed)."""
        ...

    def refused(self, now: float, wait: float) -> None:
        """A 429 came anyway (another program on the same key): hold every request for ``wait`` seconds."""
        ...


@dataclass(frozen=True, slots=True)
class Options:
    """Everything a request needs from the client. Immutable: ``with_options`` makes a new one."""

    api_key: str | None = field(repr=False)
    base_url: str
    organization: str | None
    timeout: httpx.Timeout
    retry: RetryPolicy
    allow_insecure_http: bool = False
    raise_on_content_filtered: bool = False
    total: float = DEFAULT_TOTAL
    """Seconds a whole facade call may take, retries and their waits included (see ``call_deadline``)."""
    pacer: Pacer | None = None
    """Paces every request (starts, polls, downloads) under a rate limit; None sends at once."""

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None,
        base_url: str | None,
        organization: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        allow_insecure_http: bool,
        raise_on_content_filtered: bool,
    ) -> Options:
        api_key = _api_key(api_key)
        if api_key is None:
            api_key = next((os.environ[v] for v in KEY_VARIABLES if os.environ.get(v)), None)
        if base_url is None:
            base_url = os.environ.get("STABILITY_BASE_URL") or DEFAULT_BASE_URL
        options = cls(
            api_key=api_key.strip() if api_key else None,
            base_url=_base_url(base_url),
            organization=_organization(organization),
            timeout=_timeout(timeout),
            total=_total(timeout),
            retry=RetryPolicy(max_retries=_max_retries(max_retries)),
            allow_insecure_http=_flag("allow_insecure_http", allow_insecure_http),
            raise_on_content_filtered=_flag("raise_on_content_filtered", raise_on_content_filtered),
        )
        options.check_base_url()
        options.check_headers()
        return options

    def replace(self, **changes: Any) -> Options:
        if "timeout" in changes:
            timeout = changes["timeout"]
            # Checked first: the sum of unchecked parts can overflow, or add a str to a number.
            changes["timeout"] = _timeout(timeout)
            changes["total"] = _total(timeout)
        if "max_retries" in changes:
            changes["retry"] = replace(self.retry, max_retries=_max_retries(changes.pop("max_retries")))
        if "base_url" in changes:
            changes["base_url"] = _base_url(changes["base_url"])
        if "api_key" in changes:
            changes["api_key"] = _api_key(changes["api_key"])
        if "organization" in changes:
            changes["organization"] = _organization(changes["organization"])
        for name in ("allow_insecure_http", "raise_on_content_filtered"):
            if name in changes:
                changes[name] = _flag(name, changes[name])
        updated = replace(self, **changes)
        updated.check_base_url()
        updated.check_headers()
        return updated

    def call_deadline(self, clock: Callable[[], float] = time.monotonic) -> float:
        """The ``clock()`` time by which a call starting now must end, retries and their waits included.

        A number ``timeout=T`` bounds the whole call to T seconds. An ``httpx.Timeout`` bounds each phase of a
        request (connect, write, read, pool), and the whole call to the sum of its parts: the longest single
        attempt those parts allow, so the deadline never cuts an attempt that stays within every part.
        """
        return clock() + self.total

    def require_key(self) -> str:
        if not self.api_key:
            raise ConfigurationError(
                "No Stability API key: pass api_key=... or set the STABILITY_API_KEY environment variable "
                "(the legacy STABILITY_KEY is read too)."
            )
        return self.api_key

    def check_headers(self) -> None:
        """The key and organization travel in headers: printable ASCII only (never echo the key itself)."""
        if self.api_key is not None and not _header_safe(self.api_key):
            raise ConfigurationError(
                "The API key holds a character an HTTP header cannot carry (non-ASCII, a space or a control "
                "character): check how it was copied."
            )
        if self.organization is not None and not _header_safe(self.organization, spaces=True):
            raise ConfigurationError(
                f"organization must be printable ASCII (an id such as 'org-123456'), got {_shown(self.organization)}"
            )

    def check_base_url(self) -> None:
        url = self.base_url
        if "@" in url:
            # Not echoed, whatever the URL's shape ("https:/user:KEY@host" has no netloc to look in): what sits
            # before an @ may be the key, and a URL is shown in reprs and logs. No API path holds an @.
            raise ConfigurationError(
                "base_url must not hold an @ (credentials, user:key@host, are not sent that way): pass the key as "
                "api_key"
            )
        # httpx would take such a URL and every call would then fail to connect, after all its retries: a
        # pasted newline or space, or a zero-width character, is a configuration mistake to name now.
        if not url.isprintable() or url != url.strip():
            raise ConfigurationError(
                f"base_url must not hold spaces around it, control characters or other unprintable characters "
                f"(check how it was copied), got {_shown(url)}"
            )
        try:
            parts = urlsplit(url)
            hostname, _ = parts.hostname, parts.port  # .port raises for a port that is not 0-65535
            httpx.URL(url)  # what every request will parse: an invalid IPv6 host or IDNA name fails here
        except (ValueError, httpx.InvalidURL) as exc:
            raise ConfigurationError(
                f"base_url must be a valid http(s) URL, got {_shown(url)}: {_ascii(str(exc))}"
            ) from None
        if parts.scheme not in ("http", "https") or not hostname or " " in hostname:
            raise ConfigurationError(f"base_url must be an http(s) URL with a host, got {_shown(url)}")
        if parts.scheme == "http" and not self.allow_insecure_http and not is_loopback(hostname):
            raise ConfigurationError(
                f"Refusing to send the API key over plain http to {_ascii(hostname)}: use https, or pass "
                "allow_insecure_http=True if this host is trusted."
            )


def _header_safe(value: str, *, spaces: bool = False) -> bool:
    return value.isascii() and value.isprintable() and (spaces or " " not in value)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        parts = {"connect": value.connect, "read": value.read, "write": value.write, "pool": value.pool}
        if None in parts.values():
            raise ConfigurationError("every part of timeout must be set: a request without a timeout can hang forever")
        for name, part in parts.items():
            if not _seconds(part):
                raise ConfigurationError(
                    f"the {name} part of timeout must be a number of seconds > 0 and at most {MAX_TIMEOUT:g} "
                    f"(a day), got {_shown(part)}"
                )
        return value
    if not _seconds(value):
        raise ConfigurationError(
            f"timeout must be a number of seconds > 0 and at most {MAX_TIMEOUT:g} (a day), or an httpx.Timeout, "
            f"got {_shown(value)}"
        )
    return httpx.Timeout(float(value), connect=min(float(value), DEFAULT_TIMEOUT.connect or 10.0))


def _seconds(value: object) -> bool:
    # Comparing (not float()) keeps a huge int from overflowing, and NaN fails every comparison.
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= MAX_TIMEOUT


def _total(value: float | httpx.Timeout | None) -> float:
    """The whole-call budget for a ``timeout`` argument (already checked by ``_timeout``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    parts = value if isinstance(value, httpx.Timeout) else DEFAULT_TIMEOUT
    return sum(part or 0.0 for part in (parts.connect, parts.write, parts.read, parts.pool))


def _max_retries(value: int) -> int:
    # No upper bound: the count is only ever compared, and the backoff caps its own exponent (retry.py).
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0, got {_shown(value)}")
    return value


def _flag(name: str, value: object) -> bool:
    # A truthy string such as "false" must not turn a safety check off (allow_insecure_http).
    if not isinstance(value, bool):
        raise ConfigurationError(f"{name} must be True or False, got {_shown(value)}")
    return value


def _api_key(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        # The type only: whatever was passed may be the key itself (bytes, say).
        raise ConfigurationError(f"api_key must be a str or None, got a value of type {_ascii(type(value).__name__)}")
    return value


def _organization(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(
            f"organization must be a str (an id such as 'org-123456') or None, got {_shown(value)}"
        )
    return value


def _base_url(value: object) -> str:
    """``base_url`` as a string without a trailing slash (checked by ``check_base_url``)."""
    # URL objects (httpx.URL, pydantic's, yarl's) have always been taken as their str(); bytes and numbers are
    # no URL, and their str() would only make a confusing message.
    if value is None or isinstance(value, bytes | bytearray | memoryview | int | float | complex):
        raise ConfigurationError(
            f"base_url must be a str such as {DEFAULT_BASE_URL!r}, got {_shown(value)} "
            f"(of type {_ascii(type(value).__name__)})"
        )
    if not isinstance(value, str):
        try:
            value = str(value)
        except Exception:  # a broken __str__ is the user's bad input, not ours to let escape
            raise ConfigurationError(
                f"base_url must be a str such as {DEFAULT_BASE_URL!r}, got an object of type "
                f"{_ascii(type(value).__name__)}"
            ) from None
    return value.rstrip("/")


def _ascii(text: str) -> str:
    """``text`` with non-ASCII escaped, so that printing the error never fails (a lone surrogate, an ASCII
    terminal); printable ASCII is left as it is."""
    return text.encode("ascii", "backslashreplace").decode("ascii")


def _shown(value: object, limit: int = 200) -> str:
    """``value`` for an error message: ASCII only, and short whatever the value."""
    if isinstance(value, int) and value.bit_length() > 256:  # repr refuses past 4300 digits
        return f"<an integer of {value.bit_length()} bits>"
    try:
        text = ascii(value)
    except Exception:  # a broken __repr__
        return f"<a {_ascii(type(value).__name__)}>"
    return text if len(text) <= limit else f"{text[: limit - 5]}...{text[-2:]}"


def check_http_arguments(
    http_client: object, transport: object, client: type[httpx.Client | httpx.AsyncClient], base: type
) -> None:
    """``http_client`` and ``transport`` of the kind the client drives (``httpx.AsyncClient`` for
    ``AsyncStability``), refused now rather than failing at the first call with an AttributeError. A transport
    is taken as httpx takes it: anything with the handling method (``handle_async_request`` for async)."""
    if http_client is not None and not isinstance(http_client, client):
        raise ConfigurationError(
            f"http_client must be an httpx.{client.__name__} (or None), got {_ascii(type(http_client).__name__)}"
        )
    method = "handle_async_request" if client is httpx.AsyncClient else "handle_request"
    if transport is not None and not callable(getattr(transport, method, None)):
        raise ConfigurationError(
            f"transport must be an httpx.{base.__name__} (or have its {method} method), or None, got "
            f"{_ascii(type(transport).__name__)}"
        )


def configure_logging_from_env() -> None:
    """``STABILITY_LOG=debug`` (or info) turns on the ``stability`` logger on stderr."""
    level = os.environ.get("STABILITY_LOG", "").upper()
    if level in ("DEBUG", "INFO") and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(level)
