"""Every result displays in a notebook, seen through IPython's own display formatter (issue 17).

Before, only PNG and JPEG images had a rich representation; a WEBP image, a video and a 3D model showed as text.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.formatters import DisplayFormatter
from PIL import Image

import stability
from stability import _display
from stability.testing import FakeStability


@pytest.fixture(scope="module")
def client() -> Iterator[stability.Stability]:
    with (
        FakeStability(job_duration=0) as fake,
        stability.Stability(fake.api_key, base_url=fake.base_url) as client,
    ):
        yield client


def shown(result: object, **options: Any) -> dict[str, Any]:
    data, _ = DisplayFormatter().format(result, **options)  # type: ignore[no-untyped-call]
    assert isinstance(data, dict)
    return data


def assert_plain_text(data: dict[str, Any], result: object) -> None:
    """The text representation is the short repr: never the bytes."""
    text = data["text/plain"]
    assert text == repr(result) and len(text) < 200
    assert not re.search(r"\bb['\"]|\\x[0-9a-f]{2}", text)  # no bytes literal, no escaped byte


def data_uri(html: str, media_type: str) -> bytes:
    found = re.search(rf'src="data:{re.escape(media_type)};base64,([A-Za-z0-9+/=]+)"', html)
    assert found, html[:300]
    return base64.b64decode(found.group(1))


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (768, 768), (40, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_images_show_inline_under_their_own_media_type(client: stability.Stability, fmt: str) -> None:
    result = client.generate_core("a lighthouse", output_format=fmt)  # type: ignore[arg-type]
    assert result.format == fmt
    data = shown(result)
    assert data[f"image/{fmt}"] == result.data
    expected = {f"image/{fmt}", "text/plain"} | ({"text/html"} if fmt == "webp" else set())
    assert set(data) == expected
    if fmt == "webp":  # for front ends with no image/webp renderer: an <img> any browser decodes
        assert data["text/html"].startswith("<img ") and data_uri(data["text/html"], "image/webp") == result.data
    assert_plain_text(data, result)


def test_a_video_shows_as_an_html5_video_element_holding_the_mp4(client: stability.Stability) -> None:
    result = client.image_to_video(picture()).wait(poll_interval=0.01)
    data = shown(result)
    assert set(data) == {"text/html", "text/plain"}
    html = data["text/html"]
    assert html.startswith("<video controls") and html.endswith("</video>")
    assert data_uri(html, "video/mp4") == result.data
    assert_plain_text(data, result)


def test_a_video_over_the_limit_shows_a_note_instead_of_embedding() -> None:
    big = stability.VideoResult(b"\0\0\0\x10ftypisom" + bytes(_display.VIDEO_EMBED_LIMIT), "video/mp4", 1, "SUCCESS")
    data = shown(big)
    assert set(data) == {"text/html", "text/plain"}
    html = data["text/html"]
    assert "<video" not in html and "base64" not in html and len(html) < 1000
    assert "10.0 MiB" in html and "save(" in html and "IPython.display.Video" in html
    assert_plain_text(data, big)


def test_a_model_shows_a_summary_of_what_it_holds(client: stability.Stability) -> None:
    result = client.stable_fast_3d(picture())
    data = shown(result)
    assert set(data) == {"text/html", "text/plain"}
    html = data["text/html"]
    assert html.startswith("<p><b>3D model</b>") and "1 mesh" in html and "vertices" in html and "1 texture" in html
    assert "save(" in html and "<script" not in html and len(html) < 1000  # nothing fetched from a CDN
    assert_plain_text(data, result)
    # A model whose JSON cannot be read still shows its size.
    broken = stability.ModelResult(b"glTF" + bytes(40))
    assert "44 bytes" in shown(broken)["text/html"]


def test_include_and_exclude_are_honoured(client: stability.Stability) -> None:
    result = client.image_to_video(picture()).wait(poll_interval=0.01)
    assert set(result._repr_mimebundle_(include={"text/plain"})) == {"text/plain"}
    assert set(result._repr_mimebundle_(exclude={"text/html"})) == {"text/plain"}
    assert set(shown(result, exclude={"text/html"})) == {"text/plain"}
