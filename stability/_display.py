"""How results show in a notebook: the MIME bundles behind ``_repr_mimebundle_``.

Jupyter (IPython's display formatter) asks an object for a bundle of representations and the front end picks
the richest one it can render; ``text/plain`` is always there, and never holds the bytes.

- Images go inline under their own media type. WEBP also gets an ``<img>`` with a data URI (``text/html``):
  JupyterLab renders ``image/webp``, but the classic notebook and some other front ends have no renderer for it,
  while every browser decodes WEBP.
- An MP4 video is an HTML5 ``<video controls>`` whose source is the file as a base64 data URI, so it plays
  offline and stays in the saved notebook. Base64 adds a third, and a notebook holds every output it shows, so
  a video over ``VIDEO_EMBED_LIMIT`` bytes is not embedded: a note says how to save it and how to embed it anyway.
- A 3D model (GLB) is a short HTML summary (size, meshes, vertices, textures, how to open it). A
  ``<model-viewer>`` element would need its script from a CDN: a network fetch on display, which JupyterLab
  does not even run for an untrusted notebook, so it is left to the user.
"""

from __future__ import annotations

import base64
import html
import json
import struct
from collections.abc import Callable, Container, Mapping

VIDEO_EMBED_LIMIT = 10 * 1024 * 1024
"""The largest video (in bytes) shown inline; about 13.3 MB once base64-encoded into the notebook."""

Bundle = dict[str, object]


def select(
    representations: Mapping[str, Callable[[], object]],
    include: Container[str] | None,
    exclude: Container[str] | None,
) -> Bundle:
    """The representations asked for, each made only when it is (a data URI costs a copy of the file)."""
    return {
        mime: make()
        for mime, make in representations.items()
        if (include is None or mime in include) and (exclude is None or mime not in exclude)
    }


def _data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def image(data: bytes, fmt: str, text: str) -> Mapping[str, Callable[[], object]]:
    """An image under its media type; a WEBP also as ``<img>`` HTML."""
    media_type = f"image/{fmt}"
    shown: dict[str, Callable[[], object]] = {"text/plain": lambda: text}
    if fmt in ("png", "jpeg", "webp"):
        shown[media_type] = lambda: data
    if fmt == "webp":
        shown["text/html"] = lambda: f'<img src="{_data_uri(media_type, data)}" alt="{html.escape(text)}">'
    return shown


def video(data: bytes, text: str) -> Mapping[str, Callable[[], object]]:
    """An MP4 as a ``<video controls>`` element (base64 inside), or a note past `VIDEO_EMBED_LIMIT`."""
    if len(data) > VIDEO_EMBED_LIMIT:
        note = (
            f"<p>An MP4 video of {len(data) / 2**20:.1f} MiB, over the {VIDEO_EMBED_LIMIT // 2**20} MiB a notebook "
            "shows inline. Save it with <code>result.save(&quot;clip.mp4&quot;)</code> and open the file, or embed "
            "it anyway: <code>IPython.display.Video(result.data, embed=True, mimetype=&quot;video/mp4&quot;)</code>."
            "</p>"
        )
        return {"text/plain": lambda: text, "text/html": lambda: note}

    def element() -> str:
        return (
            f'<video controls loop playsinline style="max-width: 100%" src="{_data_uri("video/mp4", data)}">'
            "Your browser cannot play this MP4 video: save it and open the file.</video>"
        )

    return {"text/plain": lambda: text, "text/html": element}


def model(data: bytes, text: str) -> Mapping[str, Callable[[], object]]:
    """A GLB as a short HTML summary of what it holds."""

    def summary() -> str:
        parts = [f"{len(data) / 2**20:.1f} MiB" if len(data) >= 2**20 else f"{len(data):,} bytes"]
        parts += _glb_contents(data)
        return (
            f"<p><b>3D model</b> (binary glTF): {html.escape(', '.join(parts))}. Save it with "
            "<code>result.save(&quot;model.glb&quot;)</code> and open it in a glTF viewer, Blender, or a web page "
            "with <code>&lt;model-viewer&gt;</code>.</p>"
        )

    return {"text/plain": lambda: text, "text/html": summary}


def _glb_contents(data: bytes) -> list[str]:
    """Counts from the GLB's JSON chunk ("1 mesh", "4,096 vertices", ...); nothing when it cannot be read."""
    try:
        length, kind = struct.unpack_from("<I4s", data, 12)
        if kind != b"JSON":
            return []
        document = json.loads(data[20 : 20 + length])
        accessors = document.get("accessors", [])
        vertices = sum(
            accessors[primitive["attributes"]["POSITION"]]["count"]
            for mesh in document.get("meshes", [])
            for primitive in mesh.get("primitives", [])
            if "POSITION" in primitive.get("attributes", {})
        )
    except (struct.error, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return []
    counts = [
        (len(document.get("meshes", [])), "mesh", "meshes"),
        (vertices, "vertex", "vertices"),
        (len(document.get("textures", [])), "texture", "textures"),
    ]
    return [f"{count:,} {one if count == 1 else many}" for count, one, many in counts]
