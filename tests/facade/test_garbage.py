"""A call leaves no reference cycle behind: a result's body is freed as soon as the caller drops it.

httpx ties each response to its own stream, so without care every response is cyclic garbage that keeps its
body allocated until the garbage collector runs (docs/benchmarks.md, benchmark 1).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import stability


def _alive(kind: type) -> int:
    return sum(isinstance(thing, kind) for thing in gc.get_objects())


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


CALLS: dict[str, Callable[[Any, Any], object]] = {
    "text_to_image": lambda client, path: client.text_to_image("a lighthouse", seed=7),
    "image_to_image": lambda client, path: client.image_to_image("a lighthouse", image=path),
    "balance": lambda client, path: client.balance(),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_no_response_outlives_its_call(client: Any, image_path: Any, no_collector: None, name: str) -> None:
    call = CALLS[name]
    call(client, image_path)  # warm-up: imports, the connection
    before = _alive(httpx.Response)
    for _ in range(3):
        result = call(client, image_path)
        del result
    assert _alive(httpx.Response) == before


def test_no_response_outlives_an_error(make_client: Any, no_collector: None) -> None:
    client = make_client(api_key="sk-wrong", max_retries=0)
    with pytest.raises(stability.AuthenticationError):
        client.balance()
    before = _alive(httpx.Response)
    for _ in range(3):
        with pytest.raises(stability.AuthenticationError):
            client.balance()
    assert _alive(httpx.Response) == before
