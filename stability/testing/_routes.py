"""The paths the fake serves, each mapped to its operation (named as the generated module is)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ._errors import ApiError, Version, error_answer
from ._http import Answer

BodyKind = Literal["json", "multipart", "none"]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: str
    version: Version
    body: BodyKind


def _route(method: str, path: str, operation: str, body: BodyKind = "none") -> Route:
    pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]*)", path) + "$")
    version: Version = "v1alpha" if path.startswith("/v1alpha/") else "v2alpha"
    return Route(method, pattern, operation, version, body)


ROUTES: tuple[Route, ...] = (
    _route("POST", "/v1alpha/generation/{engine_id}/text-to-image", "text_to_image", "json"),
    _route("POST", "/v1alpha/generation/{engine_id}/image-to-image", "image_to_image", "multipart"),
    _route("POST", "/v1alpha/generation/{engine_id}/image-to-image/masking", "masking", "multipart"),
    _route("GET", "/v1alpha/engines/list", "list_engines"),
    _route("GET", "/v1alpha/user/account", "get_account"),
    _route("GET", "/v1alpha/user/balance", "get_balance"),
    _route("POST", "/v2alpha/generation/image-to-video", "image_to_video", "multipart"),
    _route("GET", "/v2alpha/generation/image-to-video/result/{id}", "get_image_to_video_result"),
    _route("POST", "/v2alpha/generation/stable-image/inpaint", "inpaint", "multipart"),
    _route("POST", "/v2alpha/generation/stable-image/upscale", "upscale", "multipart"),
    _route("GET", "/v2alpha/generation/stable-image/upscale/result/{id}", "get_upscale_result"),
)

OPERATIONS: tuple[str, ...] = tuple(route.operation for route in ROUTES)


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | Answer:
    """The route and path parameters for a request, or the 404/405 answer when nothing matches."""
    allowed = []
    for route in ROUTES:
        found = route.pattern.match(path)
        if found is None:
            continue
        if route.method == method.upper():
            return route, found.groupdict()
        allowed.append(route.method)
    version: Version = "v1alpha" if path.startswith("/v1alpha/") else "v2alpha"
    if allowed:
        answer = error_answer(version, ApiError(405, "method_not_allowed", f"{method} is not allowed on {path}"))
        answer.headers.append(("Allow", ", ".join(allowed)))
        return answer
    return error_answer(version, ApiError(404, "not_found", f"no such path: {path}"))
