"""``error_from_response`` and the body readers under it (``_parse_error_body``, ``_summarise_text``): every
status class, every body shape (v2alpha, goa, v1, HTML, text, empty, broken), every bound."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stability
from stability._core.errors import (
    _MAX_MESSAGE_CHARS,
    _MAX_MESSAGES,
    _SUMMARY_SCAN,
    _parse_error_body,
    _summarise_text,
    error_from_response,
)
from tests.core._script import fast, wrong


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


V2 = body(id="e1", name="invalid_prompts", errors=["prompt is empty", "seed is too large"])


# ------------------------------------------------------------------------------------------- the class


CLASSES = [
    (400, stability.BadRequestError),
    (401, stability.AuthenticationError),
    (403, stability.PermissionDeniedError),
    (404, stability.NotFoundError),
    (413, stability.RequestTooLargeError),
    (422, stability.UnprocessableEntityError),
    (429, stability.RateLimitError),
    (402, stability.APIError),  # another 4xx: the base class
    (405, stability.APIError),
    (418, stability.APIError),
    (499, stability.APIError),
    (500, stability.ServerError),
    (503, stability.ServerError),
    (520, stability.ServerError),
    (599, stability.ServerError),
    (600, stability.ServerError),
    (999, stability.ServerError),
    (100, stability.ServerError),  # outside 4xx and 5xx: the service failed
    (204, stability.ServerError),
    (301, stability.ServerError),
    (399, stability.ServerError),
]


def test_the_class_follows_the_status() -> None:
    assert wrong(lambda status: type(error_from_response(status, {}, V2)), CLASSES) == []


def test_a_403_content_moderation_is_its_own_class() -> None:
    moderated = error_from_response(403, {}, body(name="content_moderation", errors=["flagged"]))
    assert type(moderated) is stability.ContentModerationError
    assert type(error_from_response(403, {}, body(name="forbidden"))) is stability.PermissionDeniedError
    # The name only counts on a 403.
    assert type(error_from_response(400, {}, body(name="content_moderation"))) is stability.BadRequestError


def test_a_404_is_a_job_not_found_error_only_for_a_job_result() -> None:
    assert type(error_from_response(404, {}, V2, job_result=True)) is stability.JobNotFoundError
    assert type(error_from_response(404, {}, V2)) is stability.NotFoundError
    # job_result changes nothing for another status.
    assert type(error_from_response(400, {}, V2, job_result=True)) is stability.BadRequestError
    assert type(error_from_response(503, {}, V2, job_result=True)) is stability.ServerError


def test_a_job_not_found_error_says_why() -> None:
    error = error_from_response(404, {}, body(name="generation_not_found", errors=["no such id"]), job_result=True)
    assert str(error).startswith("404 generation_not_found: no such id. Results are kept for 24 hours")


# ------------------------------------------------------------------------------------------- the body


def test_a_v2alpha_body() -> None:
    error = error_from_response(400, {"X-Request-Id": "req-1", "Content-Type": "application/json"}, V2, attempts=2)
    assert (error.name, error.error_id, error.messages) == (
        "invalid_prompts",
        "e1",
        ["prompt is empty", "seed is too large"],
    )
    assert error.request_id == "req-1" and error.attempts == 2 and error.body == V2
    assert error.headers == {"x-request-id": "req-1", "content-type": "application/json"}
    assert str(error) == (
        "400 invalid_prompts: prompt is empty; seed is too large (error id e1, request id req-1) after 2 attempts"
    )


@pytest.mark.parametrize(
    "data",
    [
        {"name": "invalid_height", "id": "g1", "message": "height must be a multiple of 64"},  # goa (v1alpha)
        {"id": "g1", "name": "invalid_height", "message": "height must be a multiple of 64", "temporary": False},  # v1
    ],
)
def test_a_goa_or_v1_body(data: dict[str, object]) -> None:
    error = error_from_response(400, {}, json.dumps(data).encode())
    assert (error.name, error.error_id, error.messages) == ("invalid_height", "g1", ["height must be a multiple of 64"])
    assert str(error) == "400 invalid_height: height must be a multiple of 64 (error id g1)"


def test_errors_win_over_message() -> None:
    error = error_from_response(400, {}, body(name="n", errors=["from errors"], message="from message"))
    assert error.messages == ["from errors"]


ODD_FIELDS = [
    ({"name": "n"}, ("n", None, [])),  # a name and nothing else: no summary of the JSON
    ({"name": "", "message": "m"}, (None, None, ["m"])),
    ({"name": 5, "id": 7, "message": "m"}, (None, None, ["m"])),
    ({"name": None, "id": "i", "errors": []}, (None, "i", [])),
    ({"errors": "not a list", "message": "m"}, (None, None, ["m"])),
    ({"errors": "not a list", "message": 3}, (None, None, [])),
    ({"errors": [1, None, {"a": "b"}, "s"]}, (None, None, ["1", "None", "{'a': 'b'}", "s"])),
    ({}, (None, None, [])),
]


def test_fields_of_the_wrong_type_are_ignored() -> None:
    assert wrong(lambda data: _parse_error_body(json.dumps(data).encode()), ODD_FIELDS) == []


def test_a_body_that_is_not_a_json_object_has_no_fields() -> None:
    bodies = [
        b"",
        b"not json",
        b"[1, 2]",
        b'"a string"',
        b"42",
        b"null",
        b"\xff\xfe\xfa",
        b'{"name": "x"',
        b"[" * 100_000,
    ]
    assert wrong(_parse_error_body, [(raw, (None, None, [])) for raw in bodies]) == []


def test_only_the_first_messages_are_kept_each_of_readable_length() -> None:
    many = body(name="n", errors=[f"m{i}" for i in range(_MAX_MESSAGES + 5)])
    assert error_from_response(400, {}, many).messages == [f"m{i}" for i in range(_MAX_MESSAGES)]
    long = body(name="n", errors=["x" * (_MAX_MESSAGE_CHARS + 1), "y" * _MAX_MESSAGE_CHARS])
    assert error_from_response(400, {}, long).messages == [
        "x" * (_MAX_MESSAGE_CHARS - 3) + "...",
        "y" * _MAX_MESSAGE_CHARS,
    ]
    goa = body(name="n", message="z" * (_MAX_MESSAGE_CHARS + 1))
    assert error_from_response(400, {}, goa).messages == ["z" * (_MAX_MESSAGE_CHARS - 3) + "..."]


DEFAULT_NAMES = [
    (400, {"bad_request"}),
    (401, {"unauthorized"}),
    (403, {"permission_denied"}),
    (404, {"not_found"}),
    (413, {"payload_too_large"}),
    (422, {"unprocessable_entity"}),
    (429, {"rate_limit_exceeded"}),
    (418, {"http_error"}),
    (302, {"http_error"}),
    (500, {"server_error"}),
    (524, {"server_error"}),
]


def test_without_a_name_the_status_names_the_error() -> None:
    def names(status: int) -> set[str]:  # with no body and with a body that has a message but no name
        return {error_from_response(status, {}, b"").name, error_from_response(status, {}, body(message="m")).name}

    assert wrong(names, DEFAULT_NAMES) == []


def test_a_body_that_is_not_json_becomes_the_message() -> None:
    error = error_from_response(502, {}, b"  upstream\n  connect error  ")
    assert error.name == "server_error" and error.messages == ["upstream connect error"]
    assert str(error) == "502 server_error: upstream connect error"


@pytest.mark.parametrize("raw", [b"", b"   \n\t"])
def test_an_empty_body_has_no_message(raw: bytes) -> None:
    error = error_from_response(503, {}, raw)
    assert error.messages == [] and str(error) == "503 server_error"


def test_a_json_object_without_name_or_messages_is_its_own_message() -> None:
    assert error_from_response(503, {}, b'{"errors": []}').messages == ['{"errors": []}']
    assert error_from_response(503, {}, b"{}").messages == ["{}"]
    # With a name, it is not: the name says what happened.
    assert error_from_response(503, {}, b'{"name": "down", "errors": []}').messages == []


def test_a_json_body_that_is_not_an_object_is_summarised() -> None:
    assert error_from_response(500, {}, b'["a", "b"]').messages == ['["a", "b"]']


def test_headers_are_kept_with_lowercase_names() -> None:
    error = error_from_response(429, {"Retry-After": "5", "X-REQUEST-ID": "r"}, b"")
    assert error.headers == {"retry-after": "5", "x-request-id": "r"}
    assert error.request_id == "r"
    assert isinstance(error, stability.RateLimitError) and error.retry_after == 5.0
    assert error_from_response(429, {}, b"").retry_after is None  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------- text and HTML pages


SUMMARIES = [
    (b"<html><head><title> 502 Bad\nGateway </title></head><body><h1>nginx</h1></body></html>", "502 Bad Gateway"),
    (b"<HTML><TITLE>Error</TITLE></HTML>", "Error"),
    (b'<title lang="en">Quoted</title>', "Quoted"),
    (b"<html><body><h1>Service</h1> <p>Unavailable</p></body></html>", "Service Unavailable"),
    (b"<title>never closed <b>bold</b>", "never closed bold"),  # no </title>: the tags are dropped
    (b"a > b <title", "a > b <title"),  # "<title" with no ">" after it: not a tag, kept
    (b"<<<<a>", "<<<"),
    (b"1 < 2", "1 < 2"),  # no ">": not HTML
    (b"2 > 1", "2 > 1"),
    (b"plain  text\r\nover lines", "plain text over lines"),
    (b"caf\xc3\xa9 \xff", "caf\u00e9 \ufffd"),
    (b"", ""),
]


def test_summarise_text() -> None:
    assert wrong(_summarise_text, SUMMARIES) == []


def test_a_summary_is_at_most_its_limit() -> None:
    assert _summarise_text(b"x" * 201) == "x" * 200 + "..."
    assert _summarise_text(b"x" * 200) == "x" * 200
    assert _summarise_text(b"abcdef", limit=3) == "abc..."


def test_only_the_start_of_a_page_is_read() -> None:
    page = b" " * _SUMMARY_SCAN + b"<title>late</title>"
    assert _summarise_text(page) == ""
    assert _summarise_text(b"<title>" + b"y" * _SUMMARY_SCAN + b"</title>") == "y" * 200 + "..."


# ------------------------------------------------------------------------------------------- any answer


@fast(25)
@given(
    st.integers(100, 999),
    st.dictionaries(st.sampled_from(["X-Request-Id", "retry-after", "Content-Type"]), st.text(max_size=20)),
    st.binary(max_size=300)
    | st.text(max_size=100).map(str.encode)
    | st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(["name", "id", "errors", "message"]), inner, max_size=4)
        ),
        max_leaves=8,
    ).map(lambda data: json.dumps(data).encode()),
    st.booleans(),
    st.integers(1, 5),
)
def test_any_answer_is_a_typed_readable_error(
    status: int, headers: dict[str, str], raw: bytes, job_result: bool, attempts: int
) -> None:
    error = error_from_response(status, headers, raw, attempts=attempts, job_result=job_result)
    assert isinstance(error, stability.APIError)
    assert error.status_code == status and error.body == raw and error.attempts == attempts
    assert isinstance(error.name, str) and error.name
    assert error.error_id is None or isinstance(error.error_id, str)
    assert len(error.messages) <= _MAX_MESSAGES and all(len(m) <= _MAX_MESSAGE_CHARS for m in error.messages)
    assert all(isinstance(m, str) for m in error.messages)
    assert str(error).startswith(f"{status} {error.name}")
    if status >= 500 or not 400 <= status < 500:
        assert isinstance(error, stability.ServerError)
    else:
        assert not isinstance(error, stability.ServerError)
