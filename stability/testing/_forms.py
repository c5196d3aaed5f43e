"""Request bodies: multipart forms parsed as they stream in (python-multipart), and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_BODY_BYTES = 128 << 20


class BodyError(Exception):
    """The body cannot be read as the operation's content type; the message names the problem."""


@dataclass(slots=True)
class Part:
    """One multipart part: a file when it has a filename, else a field."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


@dataclass(slots=True)
class _PartBuilder:
    headers: dict[str, str] = field(default_factory=dict)
    field_name: bytearray = field(default_factory=bytearray)
    field_value: bytearray = field(default_factory=bytearray)
    chunks: list[bytes] = field(default_factory=list)


def media_type_of(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def read_multipart(content_type: str, body: Iterable[bytes]) -> dict[str, Part]:
    """Parse a multipart/form-data body chunk by chunk; the first part of each name wins."""
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header

    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BodyError("content-type: must be multipart/form-data with a boundary")
    parts: dict[str, Part] = {}
    current = _PartBuilder()
    ended = False

    def on_header_field(data: bytes, start: int, end: int) -> None:
        current.field_name += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        current.field_value += data[start:end]

    def on_header_end() -> None:
        current.headers[current.field_name.decode("latin-1").lower()] = current.field_value.decode("utf-8", "replace")
        current.field_name.clear()
        current.field_value.clear()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        current.chunks.append(data[start:end])

    def on_part_end() -> None:
        nonlocal current
        _, disposition = parse_options_header(current.headers.get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = disposition.get(b"filename")
        filename = raw_filename.decode("utf-8", "replace") if raw_filename is not None else None
        if name and name not in parts:
            parts[name] = Part(name, filename, current.headers.get("content-type"), b"".join(current.chunks))
        current = _PartBuilder()

    def on_end() -> None:
        nonlocal ended
        ended = True

    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_end": on_end,
        },
    )
    size = 0
    try:
        for chunk in body:
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise BodyError(f"body: larger than {MAX_BODY_BYTES} bytes")
            parser.write(chunk)
        parser.finalize()
    except (MultipartParseError, ValueError) as exc:
        raise BodyError(f"body: not a valid multipart/form-data body ({exc})") from exc
    if not ended:
        raise BodyError("body: the multipart/form-data body ends before its closing boundary")
    return parts


def read_bytes(body: Iterable[bytes]) -> bytes:
    """The whole body, refusing more than MAX_BODY_BYTES."""
    chunks: list[bytes] = []
    size = 0
    for chunk in body:
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyError(f"body: larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def read_json(body: Iterable[bytes]) -> Any:
    """The body parsed as JSON."""
    data = read_bytes(body)
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BodyError(f"body: not valid JSON ({exc})") from exc


def drain(body: Iterable[bytes]) -> None:
    """Read and discard what is left of a body."""
    for _ in body:
        pass
