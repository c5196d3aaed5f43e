"""Media helpers: format sniffing by bytes, the MP4 box tree, streamed bodies."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from stability.testing import _media as media
from tests.testing._helpers import box_tree, boxes, image_bytes, mp4_size


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
@pytest.mark.parametrize("size", [(64, 64), (1024, 576), (333, 77)])
def test_probe_reads_format_and_size_from_the_header(fmt: str, size: tuple[int, int]) -> None:
    found = media.probe(image_bytes(*size, fmt))
    assert found is not None and (found.format, found.width, found.height) == (fmt, *size)
    assert not found.has_alpha


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_probe_sees_alpha(fmt: str) -> None:
    found = media.probe(image_bytes(100, 80, fmt, alpha=True))
    assert found is not None and found.has_alpha and (found.width, found.height) == (100, 80)


def test_probe_sees_png_transparency_chunks_and_progressive_jpeg() -> None:
    palette = Image.new("P", (40, 30))
    out = io.BytesIO()
    palette.save(out, "PNG", transparency=0)
    assert media.probe(out.getvalue()) == media.Probe("png", 40, 30, True)
    out = io.BytesIO()
    Image.new("RGB", (90, 60)).save(out, "JPEG", progressive=True)
    assert media.probe(out.getvalue()) == media.Probe("jpeg", 90, 60, False)


def test_lossy_webp_with_alpha_uses_the_extended_header() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (70, 50), (1, 2, 3, 100)).save(out, "WEBP", quality=50)
    assert media.probe(out.getvalue()) == media.Probe("webp", 70, 50, True)


@pytest.mark.parametrize(
    "data", [b"", b"hello, I am text named image.png", b"GIF89a\x01\x00", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBPVP8 "]
)
def test_probe_refuses_what_is_not_png_jpeg_or_webp(data: bytes) -> None:
    assert media.probe(data) is None


def test_render_is_deterministic_and_seeded() -> None:
    def png(seed: int, salt: str) -> bytes:
        return media.encode(media.render(96, 64, seed=seed, salt=salt), "png")

    assert png(1, "a") == png(1, "a") and png(1, "a") != png(2, "a") and png(1, "a") != png(1, "b")


def test_mp4_has_the_required_box_tree() -> None:
    data = media.mp4(576, 1024, seed=1, salt="x")
    assert isinstance(data, bytes)
    assert [kind for kind, _, _ in boxes(data)] == [b"ftyp", b"moov", b"mdat"]
    tree = box_tree(data)
    assert tree["ftyp"][:4] == b"isom"
    assert set(tree["moov"]) == {"mvhd", "trak"} and set(tree["moov"]["trak"]) == {"tkhd", "mdia"}
    timescale, duration = struct.unpack(">II", tree["moov"]["mvhd"][12:20])
    assert len(tree["moov"]["mvhd"]) == 100 and timescale == 1000 and duration > 0
    assert tree["moov"]["trak"]["mdia"]["hdlr"][8:12] == b"vide"
    assert mp4_size(data) == (576, 1024) and len(tree["mdat"]) > 0
    assert media.mp4(576, 1024, seed=1, salt="x") == data != media.mp4(576, 1024, seed=2, salt="x")


def test_padded_mp4_streams_in_bounded_chunks_to_the_exact_size() -> None:
    size = 5 * media.CHUNK_SIZE + 12345
    body = media.mp4(768, 768, seed=3, salt="y", size=size)
    assert isinstance(body, media.StreamBody) and body.length == size
    chunks = list(body.chunks())
    assert sum(map(len, chunks)) == size and max(map(len, chunks)) <= media.CHUNK_SIZE
    data = b"".join(chunks)
    assert [kind for kind, _, _ in boxes(data)] == [b"ftyp", b"moov", b"mdat"] and mp4_size(data) == (768, 768)


def test_streamed_json_base64_matches_the_whole_encoding() -> None:
    import base64

    body = media.mp4(768, 768, seed=3, salt="y", size=3 * media.CHUNK_SIZE + 2)
    assert isinstance(body, media.StreamBody)
    streamed = media.json_with_base64(b"[", body, b"]")
    assert isinstance(streamed, media.StreamBody)
    whole = b"[" + base64.b64encode(body.read_all()) + b"]"
    assert streamed.length == len(whole) and streamed.read_all() == whole
    assert media.json_with_base64(b"<", b"abcd", b">") == b"<YWJjZA==>"


def test_upscale_size_is_4x_or_2x_within_4_megapixels() -> None:
    assert media.upscale_size(256, 256) == (1024, 1024)
    assert media.upscale_size(1024, 1024) == (2048, 2048)
    assert media.upscale_size(600, 400) == (2400, 1600)
    assert media.upscale_size(600, 600) == (1200, 1200)
