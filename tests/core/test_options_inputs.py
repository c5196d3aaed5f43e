"""Bad client options are a ``ConfigurationError`` at construction, from every public way in: ``Stability(...)``,
``AsyncStability(...)`` and ``with_options(...)`` on either. Each value here was a raw exception (AttributeError,
ValueError, OverflowError) or was accepted and broke every call after (or turned a safety check off)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, cast

import httpx
import pytest

import stability

KEY = "sk-options-secret-0123456789"
HTTPS = "https://api.example"


def _sync(options: dict[str, Any]) -> None:
    stability.Stability(**{"api_key": KEY, "base_url": HTTPS, **options}).close()


def _async(options: dict[str, Any]) -> None:
    client = stability.AsyncStability(**{"api_key": KEY, "base_url": HTTPS, **options})
    asyncio.run(client.aclose())


def _sync_copy(options: dict[str, Any]) -> None:
    with stability.Stability(KEY, base_url=HTTPS) as client:
        client.with_options(**options)


def _async_copy(options: dict[str, Any]) -> None:
    client = stability.AsyncStability(KEY, base_url=HTTPS)
    try:
        client.with_options(**options)
    finally:
        asyncio.run(client.aclose())


CONSTRUCTORS: dict[str, Callable[[dict[str, Any]], None]] = {"Stability": _sync, "AsyncStability": _async}
EVERY_WAY: dict[str, Callable[[dict[str, Any]], None]] = {
    **CONSTRUCTORS,
    "Stability.with_options": _sync_copy,
    "AsyncStability.with_options": _async_copy,
}


def _refused(build: Callable[[dict[str, Any]], None], options: dict[str, Any], *names: str) -> str:
    """The message of the ConfigurationError that ``options`` raise: naming the option, never the key, and
    printable on any terminal (ASCII only)."""
    with pytest.raises(stability.ConfigurationError) as caught:
        build(options)
    message = str(caught.value)
    assert KEY not in message and KEY not in repr(caught.value.args)
    assert "secret" not in message  # nor any part of a key passed as bytes
    message.encode("ascii")  # what print() needs on an ASCII terminal: no lone surrogate, no raw non-ASCII
    assert any(name in message for name in names), message
    return message


def _ways(table: dict[str, Callable[[dict[str, Any]], None]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("build", list(table.values()), ids=list(table))


# --------------------------------------------------------------------------------------------------- flags


@_ways(CONSTRUCTORS)
@pytest.mark.parametrize("value", ["false", "no", "0", 1, 0, None, [], 1.0])
def test_allow_insecure_http_must_be_a_real_bool(build: Callable[[dict[str, Any]], None], value: Any) -> None:
    # "false" is truthy: it used to turn the plain-http check off, and the key went out in clear text.
    options = {"base_url": "http://api.example.com", "allow_insecure_http": value}
    message = _refused(build, options, "allow_insecure_http")
    assert "True or False" in message


@_ways(EVERY_WAY)
@pytest.mark.parametrize("value", ["no", "false", "", 1, 0, None])
def test_raise_on_content_filtered_must_be_a_real_bool(build: Callable[[dict[str, Any]], None], value: Any) -> None:
    message = _refused(build, {"raise_on_content_filtered": value}, "raise_on_content_filtered")
    assert "True or False" in message


# ------------------------------------------------------------------------------------- key and organization


@_ways(EVERY_WAY)
@pytest.mark.parametrize("value", [5, KEY.encode(), bytearray(KEY.encode()), [KEY], 1.5])
def test_api_key_must_be_a_str(build: Callable[[dict[str, Any]], None], value: Any) -> None:
    message = _refused(build, {"api_key": value}, "api_key")
    assert "must be a str" in message and type(value).__name__ in message


@_ways(EVERY_WAY)
@pytest.mark.parametrize("value", [5, b"org-123456", ["org-1"], pytest.param(10**5000, id="10**5000")])
def test_organization_must_be_a_str(build: Callable[[dict[str, Any]], None], value: Any) -> None:
    message = _refused(build, {"organization": value}, "organization")
    assert "must be a str" in message


# ------------------------------------------------------------------------------------------------ base_url


@_ways(EVERY_WAY)
@pytest.mark.parametrize("value", [5, 5.0, True, b"https://api.example", bytearray(b"https://api.example")])
def test_base_url_must_be_a_str(build: Callable[[dict[str, Any]], None], value: Any) -> None:
    message = _refused(build, {"base_url": value}, "base_url")
    assert "must be a str" in message


@_ways(EVERY_WAY)
@pytest.mark.parametrize(
    "value",
    [
        "http://[::1",  # urlsplit: "Invalid IPv6 URL"
        "https://[::1",
        "http://[::1]x",  # a port that is not a number
        "https://api.example:99999",  # out of range: every call failed to connect
        "https://api.example:port",
        "https://[v1.x]",
        "https://api example",  # a space inside the host
    ],
)
def test_base_url_that_cannot_be_parsed(build: Callable[[dict[str, Any]], None], value: str) -> None:
    _refused(build, {"base_url": value}, "base_url")


@_ways(EVERY_WAY)
@pytest.mark.parametrize(
    "value",
    [
        " https://api.example",
        "https://api.example ",
        "https://api.example\n",
        "\thttps://api.example",
        "https://api.example/\r\n",
        "https://api.\x00example",
        "https://api.exa\x7fmple",
        "https://api.example/v\u200b1",  # zero-width space: invisible when pasted
        "https://api.example\u00a0",  # no-break space
        "https://api.example\u3000",
    ],
)
def test_base_url_with_whitespace_or_control_characters(build: Callable[[dict[str, Any]], None], value: str) -> None:
    # Accepted before, then every call failed with APIConnectionError after its retries; refused (not stripped).
    message = _refused(build, {"base_url": value}, "base_url")
    assert "unprintable" in message


@_ways(EVERY_WAY)
@pytest.mark.parametrize("value", ["https://api.example/\ud800", "https://\udfff.example", "http://b\u00fccher\ud83d"])
def test_base_url_with_a_lone_surrogate_has_a_printable_message(
    build: Callable[[dict[str, Any]], None], value: str
) -> None:
    message = _refused(build, {"base_url": value}, "base_url")
    assert "\\ud" in message  # escaped, so str(err) prints anywhere


# ------------------------------------------------------------------------------------------------ timeouts


@_ways(EVERY_WAY)
@pytest.mark.parametrize(
    "value",
    [
        10**30,  # accepted, then the socket layer overflowed at the first call
        pytest.param(10**400, id="10**400"),  # OverflowError: int too large to convert to float
        pytest.param(10**5000, id="10**5000"),  # and too long for repr()
        86400.5,
        1e300,
    ],
)
def test_timeout_at_most_a_day(build: Callable[[dict[str, Any]], None], value: float) -> None:
    message = _refused(build, {"timeout": value}, "timeout")
    assert "86400" in message and "a day" in message


@_ways(EVERY_WAY)
@pytest.mark.parametrize(
    "value",
    [
        httpx.Timeout(float("nan")),
        httpx.Timeout(-1),
        httpx.Timeout(0),
        httpx.Timeout(5.0, read=-1.0),
        httpx.Timeout(5.0, pool=0),
        httpx.Timeout(5.0, write=float("inf")),
        httpx.Timeout(5.0, read=10**30),
        httpx.Timeout(5.0, connect=10**400),
        httpx.Timeout(5.0, read=86401),
        httpx.Timeout(connect=cast(Any, "10"), read=1.0, write=1.0, pool=1.0),
        httpx.Timeout(5.0, write=True),
    ],
)
def test_every_part_of_an_httpx_timeout_is_checked(
    build: Callable[[dict[str, Any]], None], value: httpx.Timeout
) -> None:
    # A negative or zero part timed every call out at once; NaN raised a raw ValueError at the first call.
    message = _refused(build, {"timeout": value}, "timeout")
    assert "part of timeout" in message and "86400" in message


# --------------------------------------------------------------------------------------------- max_retries


@_ways(EVERY_WAY)
@pytest.mark.parametrize(
    "value", [pytest.param(-(10**5000), id="-10**5000"), pytest.param(-(2**20000), id="-2**20000")]
)
def test_max_retries_refused_with_a_printable_message(build: Callable[[dict[str, Any]], None], value: int) -> None:
    # A negative int too long for repr() made the refusal itself raise ValueError.
    message = _refused(build, {"max_retries": value}, "max_retries")
    assert "integer >= 0" in message


@pytest.mark.parametrize(
    "url",
    [
        "https://user:SECRETKEY@api.example",
        "http://SECRETKEY@127.0.0.1:9/v1",
        "https:/user:SECRETKEY@api.example/",  # no netloc for urlsplit to find the credentials in
        "https:user:SECRETKEY@api.example",
        "http:///user:SECRETKEY@api.example",
    ],
)
def test_a_base_url_with_credentials_is_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(stability.ConfigurationError) as caught:
        stability.Stability(api_key="sk-test", base_url=url)
    assert "credentials" in str(caught.value) and "SECRETKEY" not in str(caught.value)
    with stability.Stability(api_key="sk-test", base_url="https://api.example") as client:
        with pytest.raises(stability.ConfigurationError) as caught:
            client.with_options(base_url=url)
    assert "SECRETKEY" not in str(caught.value)
