"""The checks behind every media result and JSON answer, on their own: a whole PNG, JPEG, WEBP or MP4 passes
(in one piece or in chunks), every cut of it fails, a page is refused at its first bytes, and JSON nested
100,000 deep loses only its deep part."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest

from stability._core.bounded_json import KEPT_DEPTH, loads
from stability._core.media import MediaCheck, check_media
from tests.raw_cases import png

JOB_ID = "c" * 64


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 16), (1, 2, 3)).save(out, "JPEG")
    return out.getvalue()


def _webp() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (20, 10)).save(out, "WEBP", lossless=True)
    return out.getvalue()


def _mp4() -> bytes:
    from stability.testing import _media

    body = _media.mp4(64, 64, seed=1, salt="s")
    assert isinstance(body, bytes)
    return body


MEDIA: dict[str, tuple[Any, bytes]] = {
    "png": ("image", png(16, 8)),
    "jpeg": ("image", _jpeg()),
    "webp": ("image", _webp()),
    "mp4": ("video", _mp4()),
}


@pytest.mark.parametrize("fmt", MEDIA)
def test_whole_media_pass_and_every_cut_fails(fmt: str) -> None:
    kind, data = MEDIA[fmt]
    check_media(data, kind, None)
    for cut in range(len(data)):
        with pytest.raises(ValueError):
            check_media(data[:cut], kind, None)


@pytest.mark.parametrize("fmt", MEDIA)
def test_media_checked_chunk_by_chunk(fmt: str) -> None:
    kind, data = MEDIA[fmt]
    for size in (1, 2, 3, 5, 7, 13, 64, 1000):
        check = MediaCheck(kind, "application/octet-stream")
        for start in range(0, len(data), size):
            check.feed(data[start : start + size])
        check.finish()
        assert check.format == fmt


@pytest.mark.parametrize(
    ("kind", "body", "content_type"),
    [
        ("image", b"<!DOCTYPE html><html>502</html>", "text/html"),
        ("image", b'{"id": "x", "name": "bad_request"}', "application/json"),
        ("video", b'{"id": "x", "status": "in-progress"}', "application/json"),
        ("video", png(8, 8), "image/png"),
        ("image", _mp4(), "video/mp4"),
    ],
)
def test_a_page_is_refused_at_its_first_bytes(kind: Any, body: bytes, content_type: str) -> None:
    check = MediaCheck(kind, content_type)
    with pytest.raises(ValueError, match="is not"):
        check.feed(body[:12])


def test_a_whole_image_is_judged_by_its_bytes_not_its_label() -> None:
    check_media(png(8, 8), "image", "text/plain")


def test_corrupt_containers_are_refused() -> None:
    whole = png(16, 16)
    no_ihdr = whole[:8] + whole[8 + 25 :]
    bad_length = whole[:33] + b"\xff\xff\xff\xff" + whole[37:]
    mp4 = _mp4()
    box_too_small = mp4[:32] + b"\x00\x00\x00\x04" + mp4[36:]
    no_mdat = mp4[: mp4.rfind(b"mdat") - 4]  # cut exactly between two boxes: the sizes still add up
    for kind, body in (("image", no_ihdr), ("image", bad_length), ("video", box_too_small), ("video", no_mdat)):
        with pytest.raises(ValueError):
            check_media(body, kind, None)  # type: ignore[arg-type]


def test_checking_a_large_png_is_cheap() -> None:
    from stability.testing._media import pad_png

    body = pad_png(png(64, 64), 4 << 20)
    start = time.perf_counter()
    for _ in range(100):
        check_media(body, "image", "image/png")
    assert (time.perf_counter() - start) / 100 < 0.002  # a few header reads, no copy of the 4 MiB


def test_deep_json_drops_only_the_deep_part() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    value = loads(('{"id": "' + JOB_ID + '", "x": ' + deep + ', "n": 1e400}').encode())
    assert value["id"] == JOB_ID and value["n"] == float("inf")
    depth, inner = 0, value["x"]
    while isinstance(inner, list):
        depth, inner = depth + 1, inner[0]
    assert inner is None and depth == KEPT_DEPTH - 1
    for broken in ("[" * 100_000, "[" * 50_000 + "]" * 50_001, '{"a": ' + "[" * 5000 + '"x]]"' + "]" * 4999 + "}"):
        with pytest.raises(ValueError):
            loads(broken)


def _chunked_accepts(data: bytes, kind: Any) -> bool:
    check = MediaCheck(kind, None)
    try:
        for start in range(0, len(data), 7):
            check.feed(data[start : start + 7])
        check.finish()
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("fmt", MEDIA)
def test_the_whole_body_path_agrees_with_the_chunked_check(fmt: str) -> None:
    from stability._core.media import _is_whole

    kind, data = MEDIA[fmt]
    variants = [data[:cut] for cut in range(len(data))] + [data + b"\x00" * 3]
    for index in range(min(len(data), 160)):  # every header byte, changed
        for value in (0x00, 0x01, 0xFF, ord("A")):
            variants.append(data[:index] + bytes([value]) + data[index + 1 :])
    for body in variants:
        accepted = _chunked_accepts(body, kind)
        assert _is_whole(body, kind) == accepted, body[:40]
        assert (accepted is True) == _accepts(body, kind)


def _accepts(data: bytes, kind: Any) -> bool:
    try:
        check_media(data, kind, None)
    except ValueError:
        return False
    return True


def _progressive_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((64, 48), 60).convert("RGB").save(out, "JPEG", progressive=True, quality=90)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("jpeg_padding", _jpeg() + b"\x00" * 16),  # padding after EOI
        ("jpeg_trailer", _progressive_jpeg() + b"SEFH\x00\x00\x00\x01trailer"),  # a phone encoder's trailer
        ("webp_padding", _webp() + b"\x00\x00"),  # bytes after the RIFF chunk, which decoders ignore
    ],
)
def test_bytes_after_the_end_of_a_whole_image_are_no_cut(name: str, body: bytes) -> None:
    # A paid result that decodes must not be refused as "cut short" because its encoder wrote past the end.
    check_media(body, "image", None)
    assert _chunked_accepts(body, "image")
    whole = body[: len(body) - (16 if name == "jpeg_padding" else 19 if name == "jpeg_trailer" else 2)]
    for cut in range(0, len(whole), max(1, len(whole) // 200)):  # the image itself cut is still refused
        with pytest.raises(ValueError):
            check_media(whole[:cut], "image", None)
