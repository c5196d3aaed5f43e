"""The fake's v2beta edit, control and 3D operations: erase, inpaint, outpaint, search-and-replace,
search-and-recolor, remove-background, replace-background-and-relight (a job), sketch, structure, style and
Stable Fast 3D.

Each handler is a function of the `App` and the `Call`, in `HANDLERS` by the client method's name (the
registry's); `_app.py` adds them to `App._operations` once `App` exists. They validate as the official document
states, in the style of `_app.py`'s v2beta handlers: the rules each field's registry entry gives (read by
`V2Form`), the documented image bounds, the conditional rules, a 403 for a moderated text, then a real output of
the documented size (the package docstring lists the fake's choices where the document leaves room), charged at
the entry's price. Numbers left out take the API's defaults, as the entries record them (`Param.unset`).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from .._core import limits as L
from . import _glb as glb
from . import _media as media
from . import _media_edit as edit
from ._app import App, Call, Job, Output, _decode, _price, _ratio, _required, _v2_result
from ._http import Reply
from ._rules import V2Form, given

if TYPE_CHECKING:
    from PIL.Image import Image

Upload = tuple[media.Probe, bytes]

EDIT_OUTPUT_PIXELS: Final = int(L.EDIT_MEGAPIXELS * 1_048_576)
"""What erase, inpaint and search-and-replace make: "4 megapixels", in the input's shape."""
OUTPAINT_CREATIVITY: Final = 0.35
"""Outpaint's documented default creativity (the entry records only "the API's": the document gives two)."""
DIRECTIONS: Final = ("left", "right", "up", "down")
EDIT_IMAGE: Final = {"pixels": L.EDIT_PIXELS}
BOUNDED_EDIT_IMAGE: Final = {"pixels": L.EDIT_PIXELS, "ratio": L.ASPECT_RATIO_RANGE}


def _default(call: Call, name: str) -> float:
    """The API's default for a number left out, as the operation's registry entry records it."""
    unset = call.entry.params[name].unset
    assert unset is not None, f"{call.operation}: {name} records no default"
    return float(unset)


def _image_reply(
    app: App, call: Call, accept: str, size: tuple[int, int], output_format: str, seed: int, paint: Callable[[], bytes]
) -> Reply:
    """A synchronous edit's answer: the picture `paint` makes (padded, and reused in fast mode), charged."""
    output = app._cached((call.operation, size, output_format), functools.partial(app._padded, paint))
    app._charge(call, _price(call.entry))
    return _v2_result(accept, "image", media.media_type(output_format), output, seed)


def _open(app: App, call: Call) -> tuple[str, V2Form]:
    """A synchronous image operation's `accept` (what it answers in) and form."""
    return app._v2_accept(call), app._v2_form(call)


def _checked(app: App, call: Call, form: V2Form, values: Mapping[str, Any]) -> None:
    form.raise_if_invalid()
    app._v2_moderate(call, values)


def _seed(app: App, values: Mapping[str, Any], salt: str) -> int:
    return app._seed(given(values["seed"], 0), L.V2_SEED.high, salt)


# ------------------------------------------------------------------------------------------------ edit


def _masked(app: App, call: Call, fill: Callable[[Image, int, str], Image]) -> Reply:
    """erase and inpaint: what the mask's white covers (or, with no mask, the image's transparent pixels) is
    filled in; the answer has about 4 megapixels.

    With no mask, an image without an alpha channel is refused (the SDK refuses it too): it says nothing to
    change, and the document's only rule for it is to use the alpha channel.
    """
    accept, form = _open(app, call)
    values = form.read(call.operation, image=EDIT_IMAGE)
    image: Upload | None = values["image"]
    if image is not None and not form.given("mask") and not image[0].has_alpha:
        form.errors.append(
            "mask: is required when image has no alpha channel (its transparent pixels are what to change)"
        )
    _checked(app, call, form, values)
    found, data = _required(image)
    mask: Upload | None = values["mask"]
    prompt = values.get("prompt") or ""
    seed = _seed(app, values, prompt)
    size = media.scaled_size(found.width, found.height, EDIT_OUTPUT_PIXELS)
    output_format = values["output_format"] or "png"
    grow = given(values["grow_mask"], _default(call, "grow_mask"))

    def paint() -> bytes:
        init = _decode(data, "image", "bad_request")
        drawn = _decode(mask[1], "mask", "bad_request") if mask else None
        where = edit.grown(media.repaint_mask(init, drawn, "MASK_IMAGE_WHITE"), grow)
        return media.encode(edit.filled(init, fill(init, seed, prompt), where, size), output_format)

    return _image_reply(app, call, accept, size, output_format, seed, paint)


def _edit_erase(app: App, call: Call) -> Reply:
    return _masked(app, call, lambda init, seed, prompt: edit.smudged(init))


def _edit_inpaint(app: App, call: Call) -> Reply:
    return _masked(app, call, lambda init, seed, prompt: media.render(*init.size, seed=seed, salt=prompt))


def _edit_outpaint(app: App, call: Call) -> Reply:
    """The image, unchanged, with the margins asked for painted around it: exactly that much larger."""
    accept, form = _open(app, call)
    values = form.read(call.operation, image=BOUNDED_EDIT_IMAGE)
    refused = any(form.given(side) and values[side] is None for side in DIRECTIONS)
    if not refused and not any(values[side] for side in DIRECTIONS):
        form.errors.append("left: at least one of left, right, up and down must be greater than 0")
    _checked(app, call, form, values)
    found, data = _required(values["image"])
    left, right, up, down = (int(given(values[side], 0)) for side in DIRECTIONS)
    size = (found.width + left + right, found.height + up + down)
    prompt, output_format = values["prompt"] or "", values["output_format"] or "png"
    seed = _seed(app, values, prompt)
    creativity = given(values["creativity"], OUTPAINT_CREATIVITY)

    def paint() -> bytes:
        init = _decode(data, "image", "bad_request")
        generated = media.render(*size, seed=seed, salt=prompt)
        return media.encode(edit.outpainted(init, generated, (left, right, up, down), creativity), output_format)

    return _image_reply(app, call, accept, size, output_format, seed, paint)


def _searched(app: App, call: Call, found_by: str) -> tuple[str, dict[str, Any], Upload, int, float]:
    """search-and-replace and search-and-recolor: the request read and checked; what the fake "finds" is the
    middle of the picture (`_media.center_mask`), grown by grow_mask."""
    accept, form = _open(app, call)
    values = form.read(call.operation, image=BOUNDED_EDIT_IMAGE)
    _checked(app, call, form, values)
    image = _required(values["image"])
    seed = _seed(app, values, f"{values['prompt']}|{values[found_by]}")
    return accept, values, image, seed, given(values["grow_mask"], _default(call, "grow_mask"))


def _edit_search_and_replace(app: App, call: Call) -> Reply:
    accept, values, (found, data), seed, grow = _searched(app, call, "search_prompt")
    size = media.scaled_size(found.width, found.height, EDIT_OUTPUT_PIXELS)
    output_format, salt = values["output_format"] or "png", f"{values['prompt']}|{values['search_prompt']}"

    def paint() -> bytes:
        init = _decode(data, "image", "bad_request")
        generated = media.render(*init.size, seed=seed, salt=salt)
        return media.encode(
            edit.filled(init, generated, edit.grown(media.center_mask(init.size), grow), size), output_format
        )

    return _image_reply(app, call, accept, size, output_format, seed, paint)


def _edit_search_and_recolor(app: App, call: Call) -> Reply:
    accept, values, (found, data), seed, grow = _searched(app, call, "select_prompt")
    size, output_format = (found.width, found.height), values["output_format"] or "png"
    color = edit.prompt_color(values["prompt"])

    def paint() -> bytes:
        init = _decode(data, "image", "bad_request")
        return media.encode(edit.recolored(init, edit.grown(media.center_mask(init.size), grow), color), output_format)

    return _image_reply(app, call, accept, size, output_format, seed, paint)


def _edit_remove_background(app: App, call: Call) -> Reply:
    """The image at its own size with an alpha channel: the subject opaque, the background transparent."""
    accept, form = _open(app, call)
    values = form.read(call.operation, image={"pixels": L.REMOVE_BACKGROUND_PIXELS})
    _checked(app, call, form, values)
    found, data = _required(values["image"])
    output_format = values["output_format"] or "png"
    seed = app._seed(0, L.V2_SEED.high, hashlib.sha256(data).hexdigest())  # no seed field: a random one

    def paint() -> bytes:
        return media.encode(edit.cut_out(_decode(data, "image", "bad_request")), output_format)

    return _image_reply(app, call, accept, (found.width, found.height), output_format, seed, paint)


@dataclass(frozen=True, slots=True)
class _Relight:
    """What a relight job's result needs besides its `Job` (which holds the subject, seed and format)."""

    background: bytes | None
    light: bytes | None
    direction: str | None
    strength: float
    preserve: float
    keep_background: bool


def _edit_replace_background_and_relight(app: App, call: Call) -> Reply:
    """Start a relight job: its result, at `results/{id}`, is the subject's size.

    It answers JSON whatever `accept` says (it declares none; Stability's samples send `image/*`).
    """
    form = app._v2_form(call)
    values = form.read(
        call.operation, subject_image=BOUNDED_EDIT_IMAGE, background_reference=EDIT_IMAGE, light_reference=EDIT_IMAGE
    )
    if not form.given("background_prompt") and not form.given("background_reference"):
        form.errors.append("background_prompt: is required unless background_reference is given (send either, or both)")
    if form.given("light_source_strength") and not (
        form.given("light_reference") or form.given("light_source_direction")
    ):
        form.errors.append("light_source_strength: needs light_reference or light_source_direction")
    _checked(app, call, form, values)
    found, data = _required(values["subject_image"])
    background: Upload | None = values["background_reference"]
    light: Upload | None = values["light_reference"]
    inputs = _Relight(
        background=background[1] if background else None,
        light=light[1] if light else None,
        direction=values["light_source_direction"],
        strength=given(values["light_source_strength"], _default(call, "light_source_strength")),
        preserve=given(values["preserve_original_subject"], _default(call, "preserve_original_subject")),
        keep_background=values["keep_original_background"] == "true",
    )
    salt = f"{values['background_prompt'] or ''}|{values['foreground_prompt'] or ''}"
    output = functools.partial(_relit, app, inputs)
    job = app._start_job(call, given(values["seed"], 0), found.width, found.height, salt, output)
    job.output_format, job.image = values["output_format"] or "png", data
    return app._started(call, job)


def _relit(app: App, inputs: _Relight, job: Job) -> Output:
    """A relight job's result (made when first fetched, then kept)."""
    if job.result is None:
        size = (job.width, job.height)

        def paint() -> bytes:
            subject = _decode(job.image, "subject_image", "bad_request")
            if inputs.keep_background:
                background = subject
            else:
                background = media.render(*size, seed=job.seed, salt=job.salt)
                if inputs.background is not None:
                    reference = _decode(inputs.background, "background_reference", "bad_request")
                    background = edit.styled(reference, background, 1.0)
            reference = _decode(inputs.light, "light_reference", "bad_request") if inputs.light else None
            light = edit.light_map(size, inputs.direction, reference)
            picture = edit.relit(subject, background, light, strength=inputs.strength, preserve=inputs.preserve)
            return media.encode(picture, job.output_format)

        job.result = app._cached(("relight", size, job.output_format), functools.partial(app._padded, paint))
    return media.media_type(job.output_format), job.result


# ------------------------------------------------------------------------------------------------ control


def _controlled(app: App, call: Call, draw: Callable[[Image, Image, float], Image], strength: str) -> Reply:
    """sketch and structure: the input's resolution, drawn by `draw(input, render, strength)`."""
    accept, form = _open(app, call)
    values = form.read(call.operation, image=BOUNDED_EDIT_IMAGE)
    _checked(app, call, form, values)
    found, data = _required(values["image"])
    size, output_format, prompt = (found.width, found.height), values["output_format"] or "png", values["prompt"]
    seed = _seed(app, values, prompt)
    amount = given(values[strength], _default(call, strength))

    def paint() -> bytes:
        generated = media.render(*size, seed=seed, salt=prompt)
        return media.encode(draw(_decode(data, "image", "bad_request"), generated, amount), output_format)

    return _image_reply(app, call, accept, size, output_format, seed, paint)


def _control_sketch(app: App, call: Call) -> Reply:
    return _controlled(app, call, edit.sketched, "control_strength")


def _control_structure(app: App, call: Call) -> Reply:
    return _controlled(app, call, edit.structured, "control_strength")


def _control_style(app: App, call: Call) -> Reply:
    """1 megapixel at `aspect_ratio`, the generate operations' sizes (the package docstring's table)."""
    accept, form = _open(app, call)
    values = form.read(call.operation, image=BOUNDED_EDIT_IMAGE)
    _checked(app, call, form, values)
    _, data = _required(values["image"])
    aspect_ratio = values["aspect_ratio"] or call.entry.params["aspect_ratio"].unset or "1:1"
    size = media.generation_size(L.MEGAPIXELS["style"], _ratio(aspect_ratio))
    output_format, prompt = values["output_format"] or "png", values["prompt"]
    seed = _seed(app, values, prompt)
    fidelity = given(values["fidelity"], _default(call, "fidelity"))

    def paint() -> bytes:
        generated = media.render(*size, seed=seed, salt=prompt)
        return media.encode(edit.styled(_decode(data, "image", "bad_request"), generated, fidelity), output_format)

    return _image_reply(app, call, accept, size, output_format, seed, paint)


# ------------------------------------------------------------------------------------------------ 3D


def _stable_fast_3d(app: App, call: Call) -> Reply:
    """A GLB (`_glb.model`) textured with the image at texture_resolution; `model/gltf-binary` and no other
    header, whatever `accept` says (it declares none)."""
    form = app._v2_form(call)
    values = form.read(call.operation, image={"pixels": L.FAST_3D_PIXELS})
    _checked(app, call, form, values)
    found, data = _required(values["image"])
    resolution = int(values["texture_resolution"] or _default(call, "texture_resolution"))
    foreground_ratio = given(values["foreground_ratio"], _default(call, "foreground_ratio"))
    remesh = values["remesh"] or call.entry.params["remesh"].unset or "none"
    vertex_count = int(given(values["vertex_count"], _default(call, "vertex_count")))
    cells = glb.cells_for(vertex_count)
    extras = {
        "texture_resolution": resolution,
        "foreground_ratio": foreground_ratio,
        "remesh": remesh,
        "vertex_count": vertex_count,
    }

    def build() -> bytes:
        texture = media.resized(_decode(data, "image", "bad_request"), (resolution, resolution))
        return glb.model(
            media.encode(texture, "png"),
            found.width / found.height,
            cells=cells,
            foreground_ratio=foreground_ratio,
            remesh=remesh,
            extras=extras,
        )

    output = app._cached((call.operation, found.width, found.height, resolution, cells, remesh), build)
    app._charge(call, _price(call.entry))
    return Reply(200, [("Content-Type", glb.MEDIA_TYPE)], output)


HANDLERS: Final[Mapping[str, Callable[[App, Call], Reply]]] = {
    "edit_erase": _edit_erase,
    "edit_inpaint": _edit_inpaint,
    "edit_outpaint": _edit_outpaint,
    "edit_search_and_replace": _edit_search_and_replace,
    "edit_search_and_recolor": _edit_search_and_recolor,
    "edit_remove_background": _edit_remove_background,
    "edit_replace_background_and_relight": _edit_replace_background_and_relight,
    "control_sketch": _control_sketch,
    "control_structure": _control_structure,
    "control_style": _control_style,
    "stable_fast_3d": _stable_fast_3d,
}
"""The handlers by the client method's name (the registry's)."""
