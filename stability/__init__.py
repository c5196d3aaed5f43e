"""stability: a Python SDK for the Stability AI REST API (v1alpha and v2alpha).

    from stability import Stability

    with Stability() as client:                      # the key comes from STABILITY_API_KEY
        client.text_to_image("a lighthouse at dawn").save("lighthouse.png")

The public surface is what ``__all__`` lists; everything else lives in private modules:

- ``_errors``: the exception tree rooted at :class:`StabilityError`.
- ``_config``, ``_files``, ``_limits``, ``_validation``: options, inputs and the local checks made before
  any request is sent (no credits are spent on a request the API would refuse).
- ``_operations``, ``_flow``, ``_results``, ``_retry``: the sans-I/O core that builds requests from the
  generated ``stability_api`` package, parses answers and decides retries.
- ``_async_client`` (written by hand) and ``_sync_client`` (generated from it by ``scripts/unasync.py``),
  over the drivers in ``_transport`` that only send and sleep.
- ``stability.testing``: a local fake of the API for tests, in-process or on 127.0.0.1.

Importing this package is cheap: names load on first use, and generated modules when a call needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._async_client import AsyncJob, AsyncStability
    from ._errors import (
        APIConnectionError,
        APIError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ContentFilteredError,
        ContentModerationError,
        GenerationFailedError,
        InvalidFileError,
        JobNotFoundError,
        JobTimeoutError,
        MalformedResponseError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        RequestTooLargeError,
        SaveError,
        ServerError,
        StabilityError,
        UnprocessableEntityError,
        ValidationError,
    )
    from ._polling import JobStatus
    from ._results import Account, Engine, ImageResult, Organization, VideoResult
    from ._sync_client import Job, Stability

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "Account",
    "AsyncJob",
    "AsyncStability",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ContentFilteredError",
    "ContentModerationError",
    "Engine",
    "GenerationFailedError",
    "ImageResult",
    "InvalidFileError",
    "Job",
    "JobNotFoundError",
    "JobStatus",
    "JobTimeoutError",
    "MalformedResponseError",
    "NotFoundError",
    "Organization",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
    "SaveError",
    "ServerError",
    "Stability",
    "StabilityError",
    "UnprocessableEntityError",
    "ValidationError",
    "VideoResult",
    "__version__",
]

# Where each public name lives; it is imported on first use.
_LAZY = {
    "APIConnectionError": "._errors",
    "APIError": "._errors",
    "APITimeoutError": "._errors",
    "Account": "._results",
    "AsyncJob": "._async_client",
    "AsyncStability": "._async_client",
    "AuthenticationError": "._errors",
    "BadRequestError": "._errors",
    "ConfigurationError": "._errors",
    "ContentFilteredError": "._errors",
    "ContentModerationError": "._errors",
    "Engine": "._results",
    "GenerationFailedError": "._errors",
    "ImageResult": "._results",
    "InvalidFileError": "._errors",
    "Job": "._sync_client",
    "JobNotFoundError": "._errors",
    "JobStatus": "._polling",
    "JobTimeoutError": "._errors",
    "MalformedResponseError": "._errors",
    "NotFoundError": "._errors",
    "Organization": "._results",
    "PermissionDeniedError": "._errors",
    "RateLimitError": "._errors",
    "RequestTooLargeError": "._errors",
    "SaveError": "._errors",
    "ServerError": "._errors",
    "Stability": "._sync_client",
    "StabilityError": "._errors",
    "UnprocessableEntityError": "._errors",
    "ValidationError": "._errors",
    "VideoResult": "._results",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'stability' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
