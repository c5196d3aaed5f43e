"""The paths the fake serves: one route per registry entry, named as the client's method is.

Each route's method, path and body kind are the entry's (read from the generated module), its API version the
path's first segment; nothing here is typed per operation. The routes are made when the fake first routes a
request, so that importing `stability.testing` (and its pytest plugin) loads no generated module.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from .._operations.registry import REGISTRY
from ._errors import VERSIONS, ErrorReply, Version, error_reply
from ._http import Reply

BodyKind = Literal["json", "multipart", "none"]

OPERATIONS: tuple[str, ...] = tuple(REGISTRY)
"""Every operation the fake serves, by the client method's name (the registry's)."""


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: str
    version: Version
    body: BodyKind


def version_of(path: str) -> Version:
    """The API version whose error shape a path answers in: its first segment's (v1alpha's goa errors, v1's
    `{id, name, message}`, v2alpha's and v2beta's `{id, name, errors}`); v2alpha's for a path of no version."""
    first = path.lstrip("/").split("/", 1)[0]
    for version in VERSIONS:
        if version == first:
            return version
    return "v2alpha"


@functools.cache
def routes() -> tuple[Route, ...]:
    made = []
    for name, entry in REGISTRY.items():
        pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]*)", entry.path) + "$")
        made.append(Route(entry.method, pattern, name, version_of(entry.path), entry.body))
    return tuple(made)


def __getattr__(name: str) -> tuple[Route, ...]:
    if name == "ROUTES":  # made on first use, as `routes()`
        return routes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | Reply:
    """The route and path parameters for a request, or the 404/405 reply when nothing matches."""
    allowed = []
    for route in routes():
        found = route.pattern.match(path)
        if found is None:
            continue
        if route.method == method.upper():
            return route, found.groupdict()
        allowed.append(route.method)
    version = version_of(path)
    if allowed:
        reply = error_reply(version, ErrorReply(405, "method_not_allowed", f"{method} is not allowed on {path}"))
        reply.headers.append(("Allow", ", ".join(allowed)))
        return reply
    return error_reply(version, ErrorReply(404, "not_found", f"no such path: {path}"))
