"""Every exception the facade raises. Nothing from httpx, json or codecs escapes a facade call.

    StabilityError
    ├── ConfigurationError          no API key, or a key that would go over plain http to another host
    ├── ValidationError             a documented limit broken; raised before any request is sent
    │   └── InvalidFileError        an input file that is missing, unreadable, empty or not PNG/JPEG/WEBP
    ├── APIConnectionError          no answer: connection refused or dropped, DNS, TLS
    │   └── APITimeoutError         the connect or read timeout passed
    ├── APIError                    the API answered with an error (status, name, id, messages, request id)
    │   ├── BadRequestError         400
    │   ├── AuthenticationError     401
    │   ├── PermissionDeniedError   403
    │   │   └── ContentModerationError   403 content_moderation (not charged)
    │   ├── NotFoundError           404
    │   │   └── JobNotFoundError    404 on a job result: expired (24 h) or polled with another key
    │   ├── RequestTooLargeError    413: the request is larger than the API takes (10 MiB)
    │   ├── UnprocessableEntityError 422: well-formed, but refused
    │   ├── RateLimitError          429, with retry_after
    │   ├── ServerError             5xx and statuses outside the standard list (520, 524)
    │   └── MalformedResponseError  a success whose body is not what the API documents (cut short, not the
    │                               media asked for, an image of another size than asked), or an image
    │                               ``to_pil()`` cannot decode
    ├── ContentFilteredError        finish_reason CONTENT_FILTERED, when asked to raise on it
    ├── GenerationFailedError       finish_reason ERROR (v1alpha): the API says the generation failed
    ├── JobTimeoutError             wait(timeout=) passed; the job goes on and can be resumed by id
    └── SaveError                   a result could not be written (disk full, read-only); also an OSError

Errors built from an answer carry ``attempts``: how many times the request was sent. Every error can be
pickled (a ``ProcessPoolExecutor`` worker's error reaches the parent with its attributes); an attribute that
cannot be pickled, such as an open file given as a parameter, arrives as its ``repr``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from .limits import KEPT_ERROR_BODY

if TYPE_CHECKING:
    from .polling import JobKind

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ContentFilteredError",
    "ContentModerationError",
    "GenerationFailedError",
    "InvalidFileError",
    "JobNotFoundError",
    "JobTimeoutError",
    "MalformedResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
    "SaveError",
    "ServerError",
    "StabilityError",
    "UnprocessableEntityError",
    "ValidationError",
]


class StabilityError(Exception):
    """The root of every error this package raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own reduce calls cls(*args), which fails for every constructor with keyword-only or
        # extra arguments: rebuild without calling __init__, from the message and the attributes.
        return (_restore, (type(self), self.args, _picklable(self.__dict__)))


class ConfigurationError(StabilityError):
    """The client cannot be used as configured (for example, no API key was found)."""


class ValidationError(StabilityError, ValueError):
    """A parameter breaks a limit the API documents. No request was sent and nothing was charged."""

    def __init__(self, field: str, value: Any, rule: str) -> None:
        self.field = field
        """The parameter's name, as the facade method spells it."""
        self.value = value
        """The value given (shortened in the message when long)."""
        self.rule = rule
        """The rule it breaks, in words."""
        super().__init__(f"{field}={_short(value)}: {rule}")


class InvalidFileError(ValidationError):
    """An input file that cannot be sent: missing, unreadable, empty, truncated, or not PNG/JPEG/WEBP."""


class APIConnectionError(StabilityError):
    """The API could not be reached or the connection broke before a full answer arrived."""

    def __init__(self, message: str, *, attempts: int = 1) -> None:
        self.attempts = attempts
        """How many times the request was sent."""
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The connect or read timeout passed before the API answered."""


class APIError(StabilityError):
    """The API answered with an error status. Subclasses name the status; this class catches them all."""

    def __init__(
        self,
        status_code: int,
        *,
        name: str,
        error_id: str | None,
        messages: list[str],
        request_id: str | None,
        headers: Mapping[str, str],
        body: bytes,
        attempts: int = 1,
    ) -> None:
        self.status_code = status_code
        """The HTTP status."""
        self.name = name
        """The API's error name, such as ``invalid_height_or_width`` or ``generation_not_found``."""
        self.error_id = error_id
        """The API's id for this error, to quote to Stability's support."""
        self.messages = messages
        """What the API said went wrong, one message per problem."""
        self.request_id = request_id
        """The ``x-request-id`` of the answer, when the API sent one."""
        self.headers: dict[str, str] = dict(headers)
        """The answer's headers."""
        self.body = body
        """The raw answer body."""
        self.attempts = attempts
        """How many times the request was sent."""
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.status_code} {self.name}"
        if self.messages:
            text += ": " + "; ".join(self.messages)
        ids = [
            f"error id {self.error_id}" if self.error_id else "",
            f"request id {self.request_id}" if self.request_id else "",
        ]
        if any(ids):
            text += " (" + ", ".join(i for i in ids if i) + ")"
        if self.attempts > 1:
            text += f" after {self.attempts} attempts"
        return text


class BadRequestError(APIError):
    """400: the API refused the parameters. Nothing was charged."""


class AuthenticationError(APIError):
    """401: the API key is missing or unknown."""


class PermissionDeniedError(APIError):
    """403: the key may not do this."""


class ContentModerationError(PermissionDeniedError):
    """403 content_moderation: the request was flagged and denied. Nothing was charged."""


class NotFoundError(APIError):
    """404: no such engine, generation or resource."""


class JobNotFoundError(NotFoundError):
    """404 on a job result. Results are kept for 24 hours and can only be read with the key that started them."""

    def _describe(self) -> str:
        return (
            super()._describe()
            + ". Results are kept for 24 hours after generation and can only be fetched with the API key"
            " that started the job."
        )


class RequestTooLargeError(APIError):
    """413: the request is larger than the API accepts (10 MiB). Nothing was charged."""


class UnprocessableEntityError(APIError):
    """422: the request was well-formed, but the API refused it (for example, its content)."""


class RateLimitError(APIError):
    """429: too many requests (150 per 10 s per key); the API locks the key out for a while."""

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait, from the ``Retry-After`` header, when the API sent one."""
        from .retry import parse_retry_after

        return parse_retry_after(self.headers.get("retry-after"))


class ServerError(APIError):
    """5xx, or a status outside the standard list (such as Cloudflare's 520): the service failed."""


class MalformedResponseError(APIError):
    """A success status whose body is not what the API documents (wrong content type, truncated, bad JSON)."""

    @classmethod
    def _of(
        cls,
        message: str,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        attempts: int = 1,
        name: str = "malformed_response",
        request_id: str | None = None,
    ) -> MalformedResponseError:
        """The error for an answer the SDK cannot use, described by ``message``; ``body`` is a prefix at most."""
        headers = headers or {}
        return cls(
            status_code,
            name=name,
            error_id=None,
            messages=[message],
            request_id=request_id if request_id is not None else headers.get("x-request-id"),
            headers=headers,
            body=body,
            attempts=attempts,
        )


class ContentFilteredError(StabilityError):
    """The content filter changed the output (finish_reason CONTENT_FILTERED) and the call asked to raise."""

    def __init__(self, message: str, *, result: Any) -> None:
        self.result = result
        """The filtered result, which the API still returned (and charged for)."""
        super().__init__(message)


class GenerationFailedError(StabilityError):
    """The API answered, but said the generation failed (v1alpha ``finish_reason`` ERROR).

    ``result`` holds what the call would have returned, for inspection: an image whose finish reason is ERROR
    is not a usable picture, but it was answered (and may have been charged).
    """

    def __init__(self, message: str, *, result: Any) -> None:
        self.result = result
        """What the call would have returned: one ``ImageResult``, or a list of them for ``samples`` > 1."""
        super().__init__(message)


class JobTimeoutError(StabilityError, TimeoutError):
    """``wait(timeout=)`` (or the default wait deadline) passed before a result arrived. The job goes on;
    resume it by id. When the last polls failed, ``last_error`` (also ``__cause__``) says how: the job may
    have finished long ago."""

    def __init__(
        self,
        kind: JobKind,
        job_id: str,
        waited: float,
        *,
        last_error: BaseException | None = None,
        polled: bool = True,
    ) -> None:
        self.kind: JobKind = kind
        """The method that started the job (``"upscale_creative"``, ``"edit_replace_background_and_relight"``,
        ...): what ``client.jobs.get`` takes."""
        self.job_id = job_id
        """The generation id; pass it to ``client.jobs.get(kind, job_id)`` to resume."""
        self.waited = waited
        """Seconds waited."""
        self.last_error = last_error
        """Why the last poll got no answer (a ``RateLimitError``, ``ServerError``, ``APIConnectionError``...), or
        None when the last poll said the job was still running."""
        if last_error is None and not polled:
            state = "no poll was due before the deadline (the first comes soon after the start), so it may be done"
        elif last_error is None:
            state = "it is still running"
        else:
            state = f"the last poll failed ({type(last_error).__name__}: {last_error}), so the job may have finished"
        super().__init__(
            f"{kind} job {job_id} gave no result within {waited:.1f}s; {state}. Resume it with "
            f"client.jobs.get({kind!r}, {job_id!r}).wait() (results are kept for 24 hours)."
        )


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: RequestTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_DEFAULT_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    403: "permission_denied",
    404: "not_found",
    413: "payload_too_large",
    422: "unprocessable_entity",
    429: "rate_limit_exceeded",  # the name of Stability's documented 429 body
}


def error_from_response(
    status_code: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    attempts: int = 1,
    job_result: bool = False,
) -> APIError:
    """The typed error for an error answer, whatever its body: goa, v1, v2alpha, HTML, empty or broken JSON.

    The whole body read is searched for the API's message; only its first ``KEPT_ERROR_BODY`` bytes stay on
    the error's ``body``.
    """
    name, error_id, messages = _parse_error_body(body)
    if name is None:
        name = _DEFAULT_NAMES.get(status_code, "server_error" if status_code >= 500 else "http_error")
        if not messages and body.strip():
            messages = [_summarise_text(body)]
    cls: type[APIError]
    if status_code == 403 and name == "content_moderation":
        cls = ContentModerationError
    elif status_code == 404 and job_result:
        cls = JobNotFoundError
    elif status_code >= 500 or status_code not in _BY_STATUS and not 400 <= status_code < 500:
        cls = ServerError
    else:
        cls = _BY_STATUS.get(status_code, APIError)
    lowered = {k.lower(): v for k, v in headers.items()}
    return cls(
        status_code,
        name=name,
        error_id=error_id,
        messages=messages,
        request_id=lowered.get("x-request-id"),
        headers=lowered,
        body=body[:KEPT_ERROR_BODY],
        attempts=attempts,
    )


def _parse_error_body(body: bytes) -> tuple[str | None, str | None, list[str]]:
    from .bounded_json import loads

    try:
        data = loads(body)
    except ValueError:  # UnicodeDecodeError is a ValueError; loads turns deep nesting into one too
        return None, None, []
    if not isinstance(data, dict):
        return None, None, []
    name = data.get("name") if isinstance(data.get("name"), str) and data.get("name") else None
    error_id = data.get("id") if isinstance(data.get("id"), str) else None
    messages: list[str] = []
    if isinstance(data.get("errors"), list):  # v2alpha
        messages = [_message(m) for m in data["errors"][:_MAX_MESSAGES]]
    elif isinstance(data.get("message"), str):  # goa (v1alpha) and v1
        messages = [_message(data["message"])]
    return name, error_id, messages


# An error body is bounded when read, but a message is for people: a few, each of readable length.
_MAX_MESSAGES: Final = 20
_MAX_MESSAGE_CHARS: Final = 2000
# Only the start of an error page is looked at for its title or first words, so a crafted page costs the same
# as a short one.
_SUMMARY_SCAN: Final = 8192


def _message(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= _MAX_MESSAGE_CHARS else text[: _MAX_MESSAGE_CHARS - 3] + "..."


def _summarise_text(body: bytes, limit: int = 200) -> str:
    text = body[:_SUMMARY_SCAN].decode("utf-8", errors="replace")
    if "<" in text and ">" in text:  # an HTML page: keep its title or first words, not the markup
        import re

        lowered = text.lower()
        start = lowered.find("<title")
        opened = lowered.find(">", start) + 1 if start >= 0 else 0
        end = lowered.find("</title", opened) if opened else -1
        # A tag is "<" up to the next ">" with no "<" inside: a regex that cannot backtrack over a run of "<".
        text = text[opened:end] if end >= 0 else re.sub(r"<[^<>]*>", " ", text)
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def _short(value: Any, limit: int = 80) -> str:
    try:
        text = repr(value)
    except Exception:  # a user's object whose __repr__ fails must not replace the error being reported
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


_PLAIN: Final = (str, bytes, int, float, bool, type(None))


def _picklable(state: dict[str, Any]) -> dict[str, Any]:
    """The attributes, with any value pickle refuses (an open file given as a parameter) as its repr."""
    import pickle  # only when an error is pickled: importing the errors stays cheap

    kept = {}
    for key, value in state.items():
        if not isinstance(value, _PLAIN):
            try:
                pickle.dumps(value)
            except Exception:  # pickle raises TypeError, PicklingError, AttributeError... for what it cannot do
                value = _short(value, limit=200)
        kept[key] = value
    return kept


def _restore(cls: type[StabilityError], args: tuple[Any, ...], state: dict[str, Any]) -> StabilityError:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class SaveError(StabilityError, OSError):
    """A result could not be written to disk: the disk is full, the file system is read-only, an I/O error.

    Also an ``OSError``, with the system's ``errno`` (``errno.ENOSPC``, ``errno.EROFS``...), ``strerror`` and
    ``filename``. Nothing is left behind: no temporary file remains and the destination is as it was. The
    result is not lost: save it elsewhere (``ImageResult.save``), or save the job again (``job.save``).
    """

    def __reduce__(self) -> tuple[Any, ...]:
        # OSError's own reduce keeps errno, strerror and filename (``args`` alone would drop the filename).
        reduced = OSError.__reduce__(self)
        assert isinstance(reduced, tuple)
        return reduced
