"""Padded results: `image_bytes` gives PNGs of a chosen size that decode to the same picture; sizes change live.

The benchmarks need a ~256 KiB text-to-image answer (rendered pictures compress to a few KiB) and downloads of
several sizes from one running fake.
"""

from __future__ import annotations

import io

import httpx
from PIL import Image

from stability.testing import FakeStability
from stability.testing._cli import build_parser
from stability.testing._media import pad_png
from tests.testing._helpers import decode


def _small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 32), (10, 200, 30)).save(out, "PNG")
    return out.getvalue()


def test_pad_png_is_exact_and_decodes_to_the_same_pixels() -> None:
    data = _small_png()
    padded = pad_png(data, 100_000)
    assert len(padded) == 100_000
    assert padded.endswith(data[-12:])  # IEND stays last
    assert Image.open(io.BytesIO(padded)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_pad_png_leaves_larger_and_foreign_bodies_alone() -> None:
    data = _small_png()
    assert pad_png(data, None) is data
    assert pad_png(data, len(data)) is data
    assert pad_png(b"\xff\xd8\xff" + bytes(100), 10_000) == b"\xff\xd8\xff" + bytes(100)


def test_text_to_image_answers_padded_png() -> None:
    size = 256 * 1024
    with FakeStability(image_bytes=size, fast=True) as fake:
        response = httpx.post(
            f"{fake.base_url}/v1alpha/generation/stable-diffusion-512-v2-1/text-to-image",
            json={"text_prompts": [{"text": "a lighthouse"}], "width": 512, "height": 512},
            headers={"Authorization": fake.api_key, "Accept": "image/png"},
        )
    assert response.status_code == 200
    assert len(response.content) == size
    assert decode(response.content).size == (512, 512)


def test_sizes_are_settable_on_a_running_fake() -> None:
    fake = FakeStability()
    assert (fake.video_bytes, fake.image_bytes) == (None, None)
    fake.video_bytes = 1 << 20
    fake.image_bytes = 4096
    assert (fake.video_bytes, fake.image_bytes) == (1 << 20, 4096)


def test_command_line_option() -> None:
    assert build_parser().parse_args(["--image-bytes", "262144"]).image_bytes == 262144
