"""The fake's MP4 plays: a real decoder (PyAV, FFmpeg's) reads H.264 frames that show the input, moving.

Issue 17: PyAV found one stream with codec None and decoded 0 frames from the old structurally-valid MP4.
"""

from __future__ import annotations

import io
import re

import av
import pytest
from PIL import Image, ImageChops, ImageStat

import stability
from stability._core.media import check_media
from stability.testing import FakeStability, _h264, _media
from tests.testing._helpers import box_tree

SIZES = [(1024, 576), (576, 1024), (768, 768)]  # the three image-to-video accepts


def frames(data: _media.Body) -> tuple[av.video.stream.VideoStream, list[Image.Image]]:
    """The single video stream of an MP4 (checked to be the only stream) and every frame it decodes to."""
    assert isinstance(data, bytes)
    with av.open(io.BytesIO(data), mode="r") as container:
        assert len(container.streams) == 1 and len(container.streams.video) == 1
        stream = container.streams.video[0]
        return stream, [frame.to_image() for frame in container.decode(stream)]  # type: ignore[no-untyped-call]


def detailed(width: int, height: int) -> Image.Image:
    """A picture with detail everywhere, so that any move shows."""
    size = (width, height)
    fractal = Image.effect_mandelbrot(size, (-2.2, -1.3, 0.8, 1.3), 60)
    return Image.merge(
        "RGB", (fractal, *(g.resize(size) for g in (Image.linear_gradient("L"), Image.radial_gradient("L"))))
    )


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, 0-255."""
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def shifted_difference(frame: Image.Image, source: Image.Image, dx: int, dy: int) -> float:
    """How far `frame` is from `source` moved by (-dx, -dy), over the part of the frame the move keeps."""
    width, height = source.size
    kept = (max(0, dx), max(0, dy), width + min(0, dx), height + min(0, dy))
    moved = frame.crop((kept[0] - dx, kept[1] - dy, kept[2] - dx, kept[3] - dy))
    return difference(moved, source.crop(kept))


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_mp4_is_h264_that_decodes_to_the_input_moving(width: int, height: int) -> None:
    source = detailed(width, height)
    data = _media.mp4(width, height, seed=7, salt="clip", image=source)
    assert isinstance(data, bytes)
    stream, decoded = frames(data)
    assert stream.codec_context.name == "h264" and stream.codec_context.profile == "Constrained Baseline"
    assert stream.frames == len(decoded) == _media.FRAMES
    assert {frame.size for frame in decoded} == {(width, height)} and (stream.width, stream.height) == (width, height)
    assert stream.duration is not None and stream.time_base is not None
    assert float(stream.duration * stream.time_base) == _media.FRAMES / _media.FPS
    # Lossless but for RGB -> YCbCr and 4:2:0 chroma: about 1 level in 255 on average.
    assert difference(decoded[0], source) < 3
    # Motion: each later frame is the input moved by the pan (exactly, whole pixels), and the last one is far
    # from the first.
    offsets = _media.pan(width, height, seed=7, salt="clip")
    for frame, (dx, dy) in zip(decoded[1:], offsets, strict=True):
        assert shifted_difference(frame, source, dx, dy) < 3
    assert max(map(abs, offsets[-1])) >= 0.04 * min(width, height)
    assert difference(decoded[-1], decoded[0]) > 2 * difference(decoded[0], source)
    assert len({frame.tobytes() for frame in decoded}) == _media.FRAMES


def test_the_mp4_passes_the_sdks_check_and_keeps_its_box_tree() -> None:
    data = _media.mp4(768, 768, seed=1, salt="x")
    assert isinstance(data, bytes)
    check_media(data, "video", "video/mp4")
    stbl = box_tree(data)["moov"]["trak"]["mdia"]
    assert stbl["hdlr"][8:12] == b"vide" and b"avc1" in stbl["minf"] and b"avcC" in stbl["minf"]
    assert len(data) < 1_000_000  # one raw frame (768 * 768 * 1.5 bytes) and 24 frames of motion vectors


def test_a_size_that_is_no_multiple_of_16_is_cropped_exactly() -> None:
    source = _media.render(100, 50, seed=2, salt="odd")
    stream, decoded = frames(_media.mp4(100, 50, seed=2, salt="odd", image=source))
    assert (stream.width, stream.height) == (100, 50) and {frame.size for frame in decoded} == {(100, 50)}
    # A small picture's sharp colour edges make a larger share of it, and 4:2:0 chroma blurs them (Pillow's own
    # YCbCr round trip with the same subsampling is 4.1 off here): what matters is that the edges line up.
    assert difference(decoded[0], source) < 5
    assert difference(decoded[0].crop((90, 40, 100, 50)), source.crop((90, 40, 100, 50))) < 5


def test_a_padded_mp4_still_plays_and_streams_to_the_exact_size() -> None:
    size = 3 * _media.CHUNK_SIZE + 5
    body = _media.mp4(576, 1024, seed=3, salt="y", size=size)
    assert isinstance(body, _media.StreamBody) and body.length == size
    chunks = list(body.chunks())
    assert max(map(len, chunks)) <= _media.CHUNK_SIZE
    data = b"".join(chunks)
    assert len(data) == size
    check_media(data, "video", "video/mp4")
    _, decoded = frames(data)
    assert len(decoded) == _media.FRAMES
    # Converted as it streams: the same frames as the unpadded file.
    unpadded = _media.mp4(576, 1024, seed=3, salt="y")
    assert decoded[0].tobytes() == frames(unpadded)[1][0].tobytes()


def test_slices_hold_no_start_code_and_their_size_is_known_before_the_pixels() -> None:
    stream = _h264.Stream(1024, 576, _media.FPS)
    # Bright, dark and black pictures: sample values at both ends of the range (black maps to 16, never 0).
    for colour in ((0, 0, 0), (255, 255, 255), (0, 255, 0)):
        slice_ = stream.idr(Image.new("RGB", (1024, 576), colour))
        assert len(slice_) == stream.idr_size()
        assert not re.search(b"\x00\x00[\x00-\x03]", slice_)
    for nal in (stream.sps(), stream.pps(), stream.moved(3, -40, 500)):
        assert not re.search(b"\x00\x00[\x00-\x02]", nal)


def test_emulation_prevention_and_exp_golomb() -> None:
    assert _h264.escape(b"\x00\x00\x00\x00\x01\x05\x00\x00\x04") == b"\x00\x00\x03\x00\x00\x03\x01\x05\x00\x00\x04"
    assert _h264.escape(b"\x00\x00\x03") == b"\x00\x00\x03\x03"
    bits = _h264._Bits().ue(0).ue(1).ue(2).ue(3).se(1).se(-1).se(2)
    codes = "1" + "010" + "011" + "00100" + "010" + "011" + "00100"
    assert bits.trailing() == int(codes + "1", 2).to_bytes(3, "big")  # 23 bits and the stop bit


@pytest.mark.parametrize("operation", ["image_to_video", "image_to_video_v2beta"])
def test_the_fakes_video_shows_the_uploaded_image(operation: str) -> None:
    picture = _media.render(1024, 576, seed=5, salt="upload")
    with FakeStability(job_duration=0) as fake, stability.Stability(fake.api_key, base_url=fake.base_url) as client:
        result = getattr(client, operation)(_media.encode(picture, "png")).wait(poll_interval=0.01)
    assert isinstance(result, stability.VideoResult)
    _, decoded = frames(result.data)
    assert len(decoded) == _media.FRAMES and decoded[0].size == (1024, 576)
    assert difference(decoded[0], picture) < 3 < difference(decoded[-1], picture)
