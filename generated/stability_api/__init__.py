"""A client library for accessing Stability AI REST API (v1, v2beta, and the retired v1alpha and v2alpha)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
