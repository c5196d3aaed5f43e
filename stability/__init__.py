"""stability: a Python SDK for the Stability AI REST API (v2beta and v1 as served today; v1alpha and v2alpha).

    from stability import Stability

    with Stability() as client:                      # the key comes from STABILITY_API_KEY
        client.generate_core("a lighthouse at dawn").save("lighthouse.png")

The public surface is what ``__all__`` lists; everything else lives in private modules:

- ``_core``: the sans-I/O core (the flow of a call, retries, polling, the error tree rooted at
  :class:`StabilityError`, the documented limits and the checks made before anything is sent, options).
- ``_operations``: the registry of operations and one module per API family, building requests with the
  generated ``stability_api`` package and parsing its answers.
- ``_async_client`` (written by hand) and ``_sync_client`` (generated from it by ``scripts/unasync.py``),
  over the drivers in ``_drivers`` that only send and sleep; ``_files``: image inputs and atomic outputs.
- ``_batch``: ``client.batch``: many requests from a JSON Lines or CSV file, paced under the rate limit, resumable
  from a SQLite manifest.
- ``_cli``: the ``stability`` command; ``stability.testing``: a local fake of the API, in-process or on
  127.0.0.1.

Importing this package is cheap: names load on first use, and generated modules when a call needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # what each public name is, for type checkers; at run time __getattr__ imports it
    # Named one by one, exactly __all__ (tests/test_typing.py): star imports gave checkers the modules' other names
    # (REGISTRY, twice) and missed SaveError.
    from ._async_client import AsyncJob, AsyncStability
    from ._batch import BatchInputError, BatchItem, BatchOutcome, RateLimit, read_batch
    from ._core.errors import (
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
    from ._core.polling import JobStatus
    from ._results import Account, Engine, ImageResult, ModelResult, Organization, VideoResult
    from ._sync_client import Job, Stability
    from ._types import ImageInput

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "Account",
    "AsyncJob",
    "AsyncStability",
    "AuthenticationError",
    "BadRequestError",
    "BatchInputError",
    "BatchItem",
    "BatchOutcome",
    "ConfigurationError",
    "ContentFilteredError",
    "ContentModerationError",
    "Engine",
    "GenerationFailedError",
    "ImageInput",
    "ImageResult",
    "InvalidFileError",
    "Job",
    "JobNotFoundError",
    "JobStatus",
    "JobTimeoutError",
    "MalformedResponseError",
    "ModelResult",
    "NotFoundError",
    "Organization",
    "PermissionDeniedError",
    "RateLimit",
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
    "read_batch",
]

# The modules that hold the public names, cheapest first: a name is imported from the first one that has it,
# on first use (``import stability`` loads none of them).
_HOMES = ("._types", "._core.errors", "._results", "._core.polling", "._batch", "._sync_client", "._async_client")


def __getattr__(name: str) -> Any:
    if name in __all__:
        for home in _HOMES:
            module = importlib.import_module(home, __name__)
            if name in vars(module) or name in getattr(module, "__all__", ()):  # a lazy package: its __getattr__
                value = getattr(module, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module 'stability' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
