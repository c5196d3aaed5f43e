"""Helpers for the fake server's tests: inputs of every format, clients over both transports, MP4 boxes."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from PIL import Image

from stability._operations.registry import REGISTRY
from stability._types import DEFAULT_ENGINE, DEFAULT_MASKING_ENGINE
from stability.testing import FakeStability


def path(operation: str, **parameters: str) -> str:
    """The path of an operation (by the registry's name), its parameters filled in."""
    return REGISTRY[operation].path.format(**parameters)


V1_T2I = path("text_to_image", engine_id=DEFAULT_ENGINE)
V1_I2I = path("image_to_image", engine_id=DEFAULT_ENGINE)
V1_MASK = path("masked_image_to_image", engine_id=DEFAULT_MASKING_ENGINE)
VIDEO = path("image_to_video")
VIDEO_RESULT = path("image_to_video_result", id="")
INPAINT = path("inpaint")
UPSCALE = path("upscale")
UPSCALE_RESULT = path("upscale_result", id="")
PROMPTS = {"text_prompts": [{"text": "a lighthouse at dawn"}]}

TRANSPORTS = ["in-process", "socket"]


def image_bytes(
    width: int, height: int, fmt: str = "png", *, alpha: bool = False, color: tuple[int, ...] = (30, 90, 150)
) -> bytes:
    """A real image of one colour (with an alpha channel fully transparent on the left half when asked)."""
    mode = "RGBA" if alpha else "RGB"
    image = Image.new(mode, (width, height), (*color[:3], 255) if alpha else color[:3])
    if alpha:
        image.paste((0, 0, 0, 0), (0, 0, width // 2, height))
    out = io.BytesIO()
    image.save(out, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[fmt], **({"lossless": True} if alpha else {}))
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """Only the signature and IHDR of a PNG: enough for the size checks, which must come before any decoding."""
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def auth(fake: FakeStability, *, bearer: bool = True) -> dict[str, str]:
    return {"Authorization": f"Bearer {fake.api_key}" if bearer else fake.api_key}


@contextmanager
def http_client(fake: FakeStability, transport: str, **options: Any) -> Iterator[httpx.Client]:
    """An httpx client to the fake, in process or over a started socket server."""
    if transport == "socket":
        with fake, httpx.Client(base_url=fake.base_url, **options) as client:
            yield client
    else:
        with httpx.Client(base_url=fake.base_url, transport=fake.transport(), **options) as client:
            yield client


def start_video(client: httpx.Client, fake: FakeStability, size: tuple[int, int] = (768, 768), **data: Any) -> str:
    files = {"image": ("frame.png", image_bytes(*size), "image/png")}
    response = client.post(VIDEO, headers=auth(fake), files=files, data=data)
    assert response.status_code == 200, response.text
    generation_id: str = response.json()["id"]
    return generation_id


def start_upscale(client: httpx.Client, fake: FakeStability, size: tuple[int, int] = (128, 96), **data: Any) -> str:
    files = {"image": ("in.png", image_bytes(*size), "image/png")}
    response = client.post(UPSCALE, headers=auth(fake), files=files, data={"prompt": "sharper", **data})
    assert response.status_code == 200, response.text
    generation_id: str = response.json()["id"]
    return generation_id


def boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """The ISO BMFF boxes in data[start:end]: (type, payload start, payload end)."""
    end = len(data) if end is None else end
    found = []
    offset = start
    while offset < end:
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        header = 8
        if size == 1:
            (size,) = struct.unpack(">Q", data[offset + 8 : offset + 16])
            header = 16
        assert size >= header and offset + size <= end, f"box {kind!r} overruns its parent"
        found.append((kind, offset + header, offset + size))
        offset += size
    return found


def box_tree(data: bytes) -> dict[str, Any]:
    """A nested dict of box types (containers moov/trak/mdia opened), leaves mapped to their payloads."""

    def walk(start: int, end: int) -> dict[str, Any]:
        tree: dict[str, Any] = {}
        for kind, payload_start, payload_end in boxes(data, start, end):
            name = kind.decode()
            if name in ("moov", "trak", "mdia"):
                tree[name] = walk(payload_start, payload_end)
            else:
                tree[name] = data[payload_start:payload_end]
        return tree

    return walk(0, len(data))


def mp4_size(data: bytes) -> tuple[int, int]:
    tkhd = box_tree(data)["moov"]["trak"]["tkhd"]
    width, height = struct.unpack(">II", tkhd[-8:])
    return width >> 16, height >> 16


# ------------------------------------------------------------------------------------------------ GLB


@dataclass(frozen=True)
class Glb:
    """A GLB as pygltflib (a real glTF reader) reads it, checked, with what its mesh and texture hold."""

    gltf: Any
    """The pygltflib.GLTF2 document."""
    positions: list[tuple[float, ...]]
    indices: list[int]
    texture: Image.Image


def read_glb(data: bytes) -> Glb:
    """Read a GLB with pygltflib and check that it is whole: every buffer view inside the BIN chunk, every
    accessor inside its view, every index a vertex, POSITION's min and max its data's, the base colour texture a
    decodable image."""
    import pygltflib

    gltf = pygltflib.GLTF2.load_from_bytes(data)
    assert gltf.asset.version == "2.0"
    blob = gltf.binary_blob()
    assert blob is not None and len(blob) == gltf.buffers[0].byteLength
    for view in gltf.bufferViews:
        assert view.byteOffset % 4 == 0 and view.byteOffset + view.byteLength <= len(blob)
    sizes = {"SCALAR": 1, "VEC2": 2, "VEC3": 3}
    formats = {pygltflib.FLOAT: "f", pygltflib.UNSIGNED_SHORT: "H", pygltflib.UNSIGNED_INT: "I"}

    def values(index: int) -> tuple[Any, ...]:
        accessor = gltf.accessors[index]
        view = gltf.bufferViews[accessor.bufferView]
        fmt = "<" + formats[accessor.componentType] * (accessor.count * sizes[accessor.type])
        assert struct.calcsize(fmt) <= view.byteLength
        return struct.unpack_from(fmt, blob, view.byteOffset + (accessor.byteOffset or 0))

    [primitive] = gltf.meshes[gltf.nodes[gltf.scenes[gltf.scene].nodes[0]].mesh].primitives
    assert primitive.mode == pygltflib.TRIANGLES
    flat = values(primitive.attributes.POSITION)
    positions = [tuple(flat[i : i + 3]) for i in range(0, len(flat), 3)]
    accessor = gltf.accessors[primitive.attributes.POSITION]
    assert accessor.min == [min(p[axis] for p in positions) for axis in range(3)]
    assert accessor.max == [max(p[axis] for p in positions) for axis in range(3)]
    for attribute in (primitive.attributes.NORMAL, primitive.attributes.TEXCOORD_0):
        assert gltf.accessors[attribute].count == len(positions)
        values(attribute)
    indices = list(values(primitive.indices))
    assert len(indices) % 3 == 0 and max(indices) < len(positions)
    material = gltf.materials[primitive.material]
    texture = gltf.textures[material.pbrMetallicRoughness.baseColorTexture.index]
    image = gltf.images[texture.source]
    view = gltf.bufferViews[image.bufferView]
    picture = decode(blob[view.byteOffset : view.byteOffset + view.byteLength])
    assert picture.format == image.mimeType.split("/")[1].upper()
    return Glb(gltf, positions, indices, picture)


def texture_size(data: bytes) -> tuple[int, int]:
    """The size of a GLB's base colour texture (the model read and checked by `read_glb`)."""
    size: tuple[int, int] = read_glb(data).texture.size
    return size
