"""The transport-neutral request and answer the fake's core speaks; both transports translate to and from these."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ._media import Body

Action = Literal["answer", "drop_before_request", "drop_after_request", "truncated_body"]


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive headers; repeated names are joined with `, `."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            key = name.lower()
            if key in self._items:
                value = f"{self._items[key][1]}, {value}"
            self._items[key] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"

    def without(self, *names: str) -> Headers:
        """A copy without the headers ``names`` (any case)."""
        drop = {name.lower() for name in names}
        return Headers(pair for key, pair in self._items.items() if key not in drop)


@dataclass(slots=True)
class Incoming:
    """A request as the core sees it: the body is an iterable of chunks, read at most once."""

    method: str
    path: str
    headers: Headers
    body: Iterable[bytes] = ()


@dataclass(slots=True)
class Reply:
    """What the core decided: an HTTP answer, and how the transport delivers (or fails to deliver) it.

    A reply is what the fake sends; the client's `Answer` (`stability._core.flow`) is what a client receives.
    """

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Body = b""
    action: Action = "answer"
    delay: float = 0.0

    @property
    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return ""
