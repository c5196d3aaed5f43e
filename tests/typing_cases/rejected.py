"""User code that mypy --strict and pyright must refuse, line by line: tests/test_typing.py expects an error on
each line marked ``# rejected`` and on no other. Nothing here runs."""

from __future__ import annotations

from pathlib import Path

from stability import AsyncStability, Stability


def sync_calls(client: Stability, path: Path) -> None:
    client.upscale_fast(123)  # rejected
    client.upscale_conservative("x", image=[path])  # rejected
    client.edit_erase(path, mask=1.5)  # rejected
    with open(path) as text:
        client.upscale_fast(text)  # rejected
    client.edit_replace_background_and_relight(path, background_reference=object())  # rejected
    client.edit_replace_background_and_relight(b"", light_reference={"path": path})  # rejected
    client.edit_replace_background_and_relight(None)  # rejected
    client.text_to_image("x", sampler="K_EULERX")  # rejected
    client.text_to_image("x", clip_guidance_preset="FAST")  # rejected
    client.masked_image_to_image("x", image=path, mask_source="WHITE")  # rejected
    client.inpaint("x", image=path, mode="erase")  # rejected
    client.upscale("x", image=path, output_format="gif")  # rejected
    client.generate_core("x", aspect_ratio="4:3")  # rejected
    client.generate_sd3("x", output_format="webp")  # rejected
    client.edit_remove_background(path, output_format="jpeg")  # rejected
    client.upscale_fast(path)


async def async_calls(client: AsyncStability, path: Path) -> None:
    await client.upscale("x", image=123)  # rejected
    await client.image_to_image("x", image=path, sampler="euler")  # rejected
    await client.upscale_fast(path)
