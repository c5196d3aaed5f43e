"""Pictures for the v2beta edit and control operations: each one visibly made from its input and a seeded render.

Like `_media`, every function depends only on its arguments, and Pillow is imported when one runs. The work is
done with Pillow's C filters (box blurs, lookup tables, composites), whose cost does not grow with the grow_mask
or the margins asked for: the fake's answers stay quick at the documented sizes.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

SUBJECT_BOX = (0.15, 0.1, 0.85, 0.95)
"""Where the fake finds "the subject" of a picture (remove-background, relight), as fractions of its sides: an
upright ellipse in the middle, a portrait's or an object's usual place."""


def grown(mask: Image, pixels: float) -> Image:
    """`grow_mask`: the mask's white spread outward by about `pixels` and its new edge blurred by half as much."""
    from PIL import ImageFilter

    radius = round(pixels)
    if radius <= 0:
        return mask
    # A box blur reaches `radius` pixels in every direction: anything it touched is within reach of the mask.
    spread = mask.filter(ImageFilter.BoxBlur(radius)).point(lambda value: 255 if value else 0)
    return spread.filter(ImageFilter.BoxBlur(max(1, radius // 2)))


def subject_mask(size: tuple[int, int]) -> Image:
    """The L-mode mask of the subject (255) on its background (0): the ellipse of `SUBJECT_BOX`."""
    from PIL import Image, ImageDraw

    width, height = size
    mask = Image.new("L", size, 0)
    left, top, right, bottom = SUBJECT_BOX
    ImageDraw.Draw(mask).ellipse((width * left, height * top, width * right, height * bottom), fill=255)
    return mask


def prompt_color(prompt: str) -> tuple[int, int, int]:
    """A colour that stands for a prompt (search-and-recolor's): the same prompt, the same colour."""
    digest = hashlib.sha256(prompt.encode()).digest()
    return digest[0], digest[1], digest[2]


def filled(init: Image, generated: Image, mask: Image, size: tuple[int, int]) -> Image:
    """erase, inpaint, search-and-replace: the input with `generated` where `mask` is white (both at the input's
    size), then resized to `size` (one resize: the output's cost is its encoding).

    Erase passes a blurred copy of the input as `generated`: the hole is filled from its surroundings.
    """
    from PIL import Image

    return Image.composite(generated, init.convert("RGB"), mask).resize(size, Image.Resampling.BILINEAR)


def smudged(image: Image) -> Image:
    """The picture smeared to its broad colours (what erase fills a hole with)."""
    from PIL import Image

    width, height = image.size
    small = image.convert("RGB").resize((max(1, width // 32), max(1, height // 32)), Image.Resampling.BOX)
    return small.resize((width, height), Image.Resampling.BILINEAR)


def outpainted(init: Image, generated: Image, margins: tuple[int, int, int, int], creativity: float) -> Image:
    """The input, unchanged, on a canvas grown by `margins` (left, right, up, down): the margins are the input
    stretched to the canvas, mixed with `generated` (a canvas-sized render) by `creativity` and more."""
    from PIL import Image

    left, right, up, down = margins
    width, height = init.size
    size = (width + left + right, height + up + down)
    stretched = init.convert("RGB").resize(size, Image.Resampling.BILINEAR)
    canvas = Image.blend(stretched, generated.resize(size), min(1.0, 0.25 + creativity))
    canvas.paste(init.convert("RGB"), (left, up))
    return canvas


def cut_out(image: Image) -> Image:
    """remove-background: the picture as RGBA, opaque inside the subject and transparent around it (and where
    the input was already transparent)."""
    from PIL import ImageChops

    rgba = image.convert("RGBA")
    alpha = ImageChops.darker(rgba.getchannel("A"), subject_mask(rgba.size))
    rgba.putalpha(alpha)
    return rgba


def recolored(init: Image, mask: Image, color: tuple[int, int, int]) -> Image:
    """search-and-recolor: the input at its own size, tinted `color` where `mask` is white (light stays light)."""
    from PIL import Image, ImageOps

    rgb = init.convert("RGB")
    tinted = ImageOps.colorize(rgb.convert("L"), black=(0, 0, 0), white=color)
    return Image.composite(tinted, rgb, mask.resize(rgb.size))


def sketched(sketch: Image, generated: Image, strength: float) -> Image:
    """control/sketch: `generated` (at the sketch's size) inked along the sketch's lines, darker with `strength`."""
    from PIL import Image, ImageFilter

    lines = sketch.convert("L").filter(ImageFilter.FIND_EDGES)
    ink = Image.new("RGB", sketch.size, (24, 24, 24))
    return Image.composite(
        ink, generated.resize(sketch.size), lines.point([round(value * strength) for value in range(256)])
    )


def structured(image: Image, generated: Image, strength: float) -> Image:
    """control/structure: `generated`'s colours shaded by the input's light and dark, more with `strength`."""
    from PIL import Image, ImageChops

    shade = image.convert("L").convert("RGB")
    shaded = ImageChops.multiply(generated.resize(image.size), shade)
    return Image.blend(generated.resize(image.size), shaded, max(0.0, min(1.0, strength)))


def styled(reference: Image, generated: Image, fidelity: float) -> Image:
    """control/style: `generated` with the reference's colours (stretched to its size) mixed in by `fidelity`."""
    from PIL import Image

    palette = reference.convert("RGB").resize(generated.size, Image.Resampling.BILINEAR)
    return Image.blend(generated, palette, max(0.0, min(1.0, fidelity)) / 2)


def light_map(size: tuple[int, int], direction: str | None, reference: Image | None) -> Image | None:
    """Where the light falls (L mode, 255 = full): a gradient from `direction` (left, right, above, below),
    the reference's own light areas, or both at once; None when there is no light to add."""
    from PIL import Image, ImageChops

    maps = []
    if direction is not None:
        # linear_gradient is black at the top, white at the bottom: turned so that white faces the light.
        turns = {
            "above": Image.Transpose.ROTATE_180,
            "left": Image.Transpose.ROTATE_270,
            "right": Image.Transpose.ROTATE_90,
        }
        gradient = Image.linear_gradient("L")
        if direction in turns:
            gradient = gradient.transpose(turns[direction])
        maps.append(gradient.resize(size, Image.Resampling.BILINEAR))
    if reference is not None:
        maps.append(reference.convert("L").resize(size, Image.Resampling.BILINEAR))
    if not maps:
        return None
    light = maps[0]
    for other in maps[1:]:
        light = ImageChops.lighter(light, other)
    return light


def relit(
    subject: Image,
    background: Image,
    light: Image | None,
    *,
    strength: float,
    preserve: float,
) -> Image:
    """replace-background-and-relight: the subject (its ellipse) on `background`, brightened where `light` falls
    by `strength`; the subject then mixed back toward its own pixels by `preserve` (1: exactly as it was)."""
    from PIL import Image, ImageEnhance

    rgb = subject.convert("RGB")
    mask = subject_mask(rgb.size)
    scene = Image.composite(rgb, background.convert("RGB").resize(rgb.size, Image.Resampling.BILINEAR), mask)
    if light is not None:
        brighter = ImageEnhance.Brightness(scene).enhance(1.0 + strength)
        scene = Image.composite(
            brighter, scene, light.point([round(value * min(1.0, strength * 2)) for value in range(256)])
        )
    kept = Image.blend(scene, rgb, max(0.0, min(1.0, preserve)))
    return Image.composite(kept, scene, mask)
