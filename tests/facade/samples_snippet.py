"""User code that mypy --strict checks (test_samples.py) and that then runs against the fake: the types a checker
infers for ``samples`` must be what the calls return, for every value (1 included)."""

from __future__ import annotations

from typing import assert_type

from stability import AsyncStability, ImageResult, Stability


def _is_list(value: list[ImageResult], count: int) -> bool:
    return type(value) is list and len(value) == count and all(type(image) is ImageResult for image in value)


def sync_calls(client: Stability, image: bytes, n: int) -> None:
    one = client.text_to_image("a lighthouse")
    assert_type(one, ImageResult)
    assert type(one) is ImageResult and one.width > 0
    given_one = client.text_to_image("a lighthouse", samples=1)
    assert_type(given_one, list[ImageResult])
    assert _is_list(given_one, 1)
    several = client.text_to_image("a lighthouse", samples=n)
    assert_type(several, list[ImageResult])
    assert _is_list(several, n)
    for first in several:  # code a checker accepts: every element is an ImageResult
        assert first.width > 0

    painted = client.image_to_image("as a watercolour", image=image)
    assert_type(painted, ImageResult)
    assert type(painted) is ImageResult
    painted_n = client.image_to_image("as a watercolour", image=image, samples=n)
    assert_type(painted_n, list[ImageResult])
    assert _is_list(painted_n, n)

    door = client.masked_image_to_image("a red door", image=image, mask=image)
    assert_type(door, ImageResult)
    assert type(door) is ImageResult
    doors = client.masked_image_to_image("a red door", image=image, mask=image, samples=n)
    assert_type(doors, list[ImageResult])
    assert _is_list(doors, n)


async def async_calls(client: AsyncStability, image: bytes, n: int) -> None:
    one = await client.text_to_image("a lighthouse")
    assert_type(one, ImageResult)
    assert type(one) is ImageResult
    given_one = await client.text_to_image("a lighthouse", samples=1)
    assert_type(given_one, list[ImageResult])
    assert _is_list(given_one, 1)
    several = await client.text_to_image("a lighthouse", samples=n)
    assert_type(several, list[ImageResult])
    assert _is_list(several, n)

    painted = await client.image_to_image("as a watercolour", image=image)
    assert_type(painted, ImageResult)
    assert type(painted) is ImageResult
    painted_n = await client.image_to_image("as a watercolour", image=image, samples=n)
    assert_type(painted_n, list[ImageResult])
    assert _is_list(painted_n, n)

    door = await client.masked_image_to_image("a red door", image=image, mask=image)
    assert_type(door, ImageResult)
    assert type(door) is ImageResult
    doors = await client.masked_image_to_image("a red door", image=image, mask=image, samples=n)
    assert_type(doors, list[ImageResult])
    assert _is_list(doors, n)
