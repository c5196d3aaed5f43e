"""Error answers in each API version's shape.

v1alpha answers goa's `{name, id, message, temporary, timeout, fault}` as `application/vnd.goa.error`;
v1 answers `{id, name, message}` as `application/json` (its id a UUID, as in its examples);
v2alpha and v2beta answer `{id, name, errors: [...]}` as `application/json` (no `message`).

A 429 is the service's documented example, word for word: name `rate_limit_exceeded`, the same value as its v2
`id`, and the sentence that states the limit and the lockout. The documents give it no `Retry-After` header.
"""

from __future__ import annotations

import json
import secrets
import string
import uuid
from collections.abc import Sequence
from typing import Literal

from ._http import Reply

Version = Literal["v1alpha", "v1", "v2alpha", "v2beta"]
VERSIONS: tuple[Version, ...] = ("v1alpha", "v1", "v2alpha", "v2beta")

GOA_CONTENT_TYPE = "application/vnd.goa.error"
JSON_CONTENT_TYPE = "application/json"

STATUS_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    429: "rate_limit_exceeded",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}

RATE_LIMIT_NAME = "rate_limit_exceeded"
# The documented 429 example uses its name as its `id` too: the only documented id that is not 32 hex digits,
# kept so that a client which assumes the id's shape meets the answer it will get.
DOCUMENTED_IDS = {RATE_LIMIT_NAME: RATE_LIMIT_NAME}

# Names only some versions use: v1 calls its 500 `server_error` (the others `internal_error`); v2beta documents
# 413 `payload_too_large` and names `invalid_language` first among its 422s.
VERSION_STATUS_NAMES: dict[Version, dict[int, str]] = {
    "v1": {500: "server_error"},
    "v2beta": {413: "payload_too_large", 422: "invalid_language"},
}
SERVER_ERROR_MESSAGE = "An unexpected server error has occurred, please try again later."
V1_SERVER_ERROR_MESSAGE = "An unexpected server error occurred, please try again."
PAYLOAD_TOO_LARGE_MESSAGE = "payloads cannot be larger than 10MiB in size"
INVALID_LANGUAGE_MESSAGE = "English is the only supported language for this service."
NOT_FOUND_MESSAGE = "id: the generation either does not exist or has expired."
MODERATION_MESSAGE = (
    "Your request was flagged by our content moderation system, as a result your request was denied and you "
    "were not charged."
)


class ErrorReply(Exception):
    """Raised by the operations to refuse a request; the app replies with it in the version's error shape.

    Not the client's `APIError`: this is the fake's side of an error, an answer still to be sent.
    """

    def __init__(
        self, status: int, name: str, messages: str | Sequence[str], *, headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.status = status
        self.name = name
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.headers = list(headers)
        super().__init__(f"{status} {name}: {'; '.join(self.messages)}")


def rate_limit_message(requests: int, window: float, lockout: float) -> str:
    """The documented 429 sentence; with the documented limit (150 in 10 s, 60 s lockout), its exact text."""
    return (
        f"You have exceeded the rate limit of {requests} requests within a {window:g} second period, and have "
        f"been timed out for {lockout:g} seconds."
    )


def _goa_id() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(8))


def error_body(version: Version, status: int, name: str, messages: Sequence[str]) -> tuple[bytes, str]:
    """The body and content type of an error in `version`'s shape."""
    if version == "v1alpha":
        body: dict[str, object] = {
            "name": name,
            "id": _goa_id(),
            "message": "; ".join(messages),
            "temporary": status == 429 or status >= 500,
            "timeout": status == 504,
            "fault": status >= 500,
        }
        return json.dumps(body).encode(), GOA_CONTENT_TYPE
    if version == "v1":
        body = {"id": DOCUMENTED_IDS.get(name) or str(uuid.uuid4()), "name": name, "message": "; ".join(messages)}
        return json.dumps(body).encode(), JSON_CONTENT_TYPE
    error_id = DOCUMENTED_IDS.get(name) or secrets.token_hex(16)
    body = {"id": error_id, "name": name, "errors": list(messages) or [name]}
    return json.dumps(body).encode(), JSON_CONTENT_TYPE


def error_reply(version: Version, error: ErrorReply) -> Reply:
    body, content_type = error_body(version, error.status, error.name, error.messages)
    return Reply(error.status, [("Content-Type", content_type), *error.headers], body)


def default_status_name(status: int, version: Version = "v2alpha") -> str:
    special = VERSION_STATUS_NAMES.get(version, {})
    if status in special:
        return special[status]
    return STATUS_NAMES.get(status, "internal_error" if status >= 500 else "error")
