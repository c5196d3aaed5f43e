"""A client library for accessing Stability AI REST API (v1alpha and v2alpha)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
