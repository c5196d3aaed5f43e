"""stability: a Python SDK for the Stability AI REST API (v1alpha and v2alpha).

The public surface is what ``__all__`` lists; everything else lives in private modules:

- ``_errors``: the exception tree rooted at :class:`StabilityError`.
- ``_config``, ``_files``, ``_limits``, ``_validation``: options, inputs and the local checks made before
  any request is sent (no credits are spent on a request the API would refuse).
- ``_operations``, ``_results``, ``_retry``, ``_polling``: the sans-I/O core that builds requests from the
  generated ``stability_api`` package, parses responses and decides retries and poll schedules.
- ``_async_client`` (written by hand) and ``_sync_client`` (generated from it by ``scripts/unasync.py``):
  thin drivers that only send and sleep.
- ``stability.testing``: a local fake of the API for tests, in-process or on 127.0.0.1.

Importing this package is cheap: the generated endpoint and model modules load on first use.
"""

from ._version import __version__

__all__ = ["__version__"]
