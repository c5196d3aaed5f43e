"""``json.loads`` for answers: nesting too deep for the stdlib parser drops the deep part instead of the answer.

``json.loads`` recurses once per nesting level and raises ``RecursionError`` (not ``ValueError``) on a body
nested a few thousand levels deep. A paid answer, say ``{"id": "...", "x": [[[[...]]]]}``, must not be thrown
away for an extra field no documented answer has: :func:`loads` replaces every value nested deeper than
``KEPT_DEPTH`` with ``null`` and parses the rest. Likewise an integer too long for ``int()`` (a seed of 5,000
digits) is read as ``null``. Anything else it cannot read raises ``ValueError``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

__all__ = ["KEPT_DEPTH", "loads"]

KEPT_DEPTH: Final = 64
"""Containers nested deeper than this are read as ``null`` (no documented answer nests more than 4 deep)."""

# Strings (skipped whole, so brackets inside them do not count) and runs of brackets, so that a body of
# 100,000 "[" is one step, not 100,000.
_PIECES: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]+|[\]}]+', re.DOTALL)
_MAX_PIECES: Final = 1_000_000  # a bound on the work for a body built to be slow to walk


def loads(data: bytes | bytearray | str) -> Any:
    """Parse JSON like ``json.loads``; raise ``ValueError`` (never ``RecursionError``) when it cannot."""
    try:
        return json.loads(data)
    except RecursionError:
        deep = True
    except ValueError:  # maybe only an integer too long for int() (over 4,300 digits): read again below
        deep = False
    if isinstance(data, bytes | bytearray):
        text = bytes(data).decode(json.detect_encoding(data), "surrogatepass")  # a UnicodeDecodeError is a ValueError
    else:
        text = data
    if deep:
        text = _without_deep_values(text)
    try:
        return json.loads(text, parse_int=_int_or_none)
    except RecursionError:  # pragma: no cover - the rewritten text nests at most KEPT_DEPTH + 1 deep
        raise ValueError("the JSON is nested too deeply to read") from None


def _int_or_none(text: str) -> int | None:
    # No documented field holds an integer of thousands of digits (a seed is at most 10): such a value is
    # dropped, not the answer around it.
    try:
        return int(text)
    except ValueError:
        return None


def _without_deep_values(text: str) -> str:
    """``text`` with every container that opens deeper than KEPT_DEPTH replaced by ``null``."""
    depth = 0
    start = 0
    parts: list[str] = []
    kept_from = 0
    for count, match in enumerate(_PIECES.finditer(text)):
        if count >= _MAX_PIECES:
            raise ValueError(f"the JSON is nested too deeply to read (more than {_MAX_PIECES:,} pieces)")
        piece = match.group()
        if piece[0] == '"':
            continue
        if piece[0] in "[{":
            if depth <= KEPT_DEPTH < depth + len(piece):
                start = match.start() + KEPT_DEPTH - depth
            depth += len(piece)
        else:
            if depth - len(piece) <= KEPT_DEPTH < depth:
                parts += (text[kept_from:start], "null")
                kept_from = match.start() + depth - KEPT_DEPTH
            depth -= len(piece)
            if depth < 0:
                raise ValueError("the JSON closes more brackets than it opens")
    if depth:
        raise ValueError("the JSON ends inside an array or object")
    parts.append(text[kept_from:])
    return "".join(parts)
