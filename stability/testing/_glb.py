"""A binary glTF 2.0 file (GLB) for the fake's Stable Fast 3D: the input image on a gently domed sheet.

The file is what the glTF 2.0 specification's GLB container says: a 12-byte header (`glTF`, version 2, the
length), a JSON chunk (padded with spaces) and a BIN chunk (padded with zeros), every offset 4-byte aligned.
The JSON describes one scene, one node, one mesh of indexed triangles (POSITION with its min and max, NORMAL,
TEXCOORD_0), one PBR material whose base colour texture is the PNG stored in the BIN chunk through a buffer view.
The mesh is a grid over the image's shape (its largest side `foreground_ratio` units long), bulged toward +z so
that it has depth; the stdlib packs it, so a model costs little more than encoding its texture.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping
from typing import Any

MAGIC = b"glTF"
VERSION = 2
JSON_CHUNK = b"JSON"
BIN_CHUNK = b"BIN\x00"
MEDIA_TYPE = "model/gltf-binary"

DEFAULT_CELLS = 16
"""Cells per side of the grid when `vertex_count` is -1 (no limit): 289 vertices."""
DEPTH = 0.15
"""How far the sheet bulges, as a fraction of its shorter side."""

_FLOAT, _UNSIGNED_SHORT = 5126, 5123
_ARRAY_BUFFER, _ELEMENT_ARRAY_BUFFER = 34962, 34963
_LINEAR, _CLAMP_TO_EDGE = 9729, 33071
_TRIANGLES = 4


def cells_for(vertex_count: int) -> int:
    """Cells per side of the grid: the most whose (cells + 1)² vertices stay within `vertex_count` (at least one
    cell: 4 vertices); `DEFAULT_CELLS` for -1, "no limit"."""
    if vertex_count < 0:
        return DEFAULT_CELLS
    return max(1, math.isqrt(vertex_count) - 1)


def _pad(data: bytes, fill: bytes) -> bytes:
    return data + fill * (-len(data) % 4)


def _mesh(
    cells: int, width: float, height: float, alternate: bool
) -> tuple[list[float], list[float], list[float], list[int]]:
    """Positions, normals and texture coordinates of a (cells + 1)² grid, and its triangles (counter-clockwise
    seen from +z); `alternate` turns every other cell's diagonal."""
    depth = DEPTH * min(width, height)
    positions: list[float] = []
    normals: list[float] = []
    uvs: list[float] = []
    for row in range(cells + 1):
        v = row / cells
        t = 2 * v - 1
        for column in range(cells + 1):
            u = column / cells
            s = 2 * u - 1
            positions += (s * width / 2, -t * height / 2, depth * (1 - s * s) * (1 - t * t))
            # The surface z(x, y): its normal is (-dz/dx, -dz/dy, 1), normalised.
            dx = depth * -2 * s * (1 - t * t) * 2 / width
            dy = depth * (1 - s * s) * -2 * t * -2 / height
            length = math.sqrt(dx * dx + dy * dy + 1)
            normals += (-dx / length, -dy / length, 1 / length)
            uvs += (u, v)  # glTF's texture origin is the image's top left corner, as the grid's first row
    side = cells + 1
    indices: list[int] = []
    for row in range(cells):
        for column in range(cells):
            a = row * side + column
            b, c = a + 1, a + side
            d = c + 1
            if alternate and (row + column) % 2:
                indices += (a, c, b, b, c, d)
            else:
                indices += (a, c, d, a, d, b)
    return positions, normals, uvs, indices


def model(
    texture_png: bytes,
    aspect: float,
    *,
    cells: int = DEFAULT_CELLS,
    foreground_ratio: float = 0.85,
    remesh: str = "none",
    extras: Mapping[str, Any] | None = None,
) -> bytes:
    """A GLB of the grid (`cells` per side) in a shape of width / height `aspect`, textured with `texture_png`.

    `remesh` "triangle" alternates the cells' diagonals; "none" and "quad" cut every cell the same way (glTF
    stores only triangles: a quad mesh is its pairs of triangles). `extras` go in the mesh's `extras`.
    """
    width, height = (
        (foreground_ratio, foreground_ratio / aspect) if aspect >= 1 else (foreground_ratio * aspect, foreground_ratio)
    )
    positions, normals, uvs, indices = _mesh(cells, width, height, alternate=remesh == "triangle")
    count = len(positions) // 3
    parts = [
        struct.pack(f"<{len(positions)}f", *positions),
        struct.pack(f"<{len(normals)}f", *normals),
        struct.pack(f"<{len(uvs)}f", *uvs),
        struct.pack(f"<{len(indices)}H", *indices),
        texture_png,
    ]
    views, offset = [], 0
    for index, part in enumerate(parts):
        view: dict[str, Any] = {"buffer": 0, "byteOffset": offset, "byteLength": len(part)}
        if index < 3:
            view["target"] = _ARRAY_BUFFER
        elif index == 3:
            view["target"] = _ELEMENT_ARRAY_BUFFER
        views.append(view)
        offset += len(_pad(part, b"\x00"))
    binary = b"".join(_pad(part, b"\x00") for part in parts)
    # min and max as the float32 values stored, so that they bound the data exactly.
    stored = struct.unpack(f"<{len(positions)}f", parts[0])
    xs, ys, zs = stored[0::3], stored[1::3], stored[2::3]
    document = {
        "asset": {"version": "2.0", "generator": "stability.testing (a fake Stable Fast 3D)"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "object"}],
        "meshes": [
            {
                "name": "object",
                "primitives": [
                    {
                        "attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2},
                        "indices": 3,
                        "material": 0,
                        "mode": _TRIANGLES,
                    }
                ],
                "extras": dict(extras or {}),
            }
        ],
        "materials": [
            {
                "name": "albedo",
                "pbrMetallicRoughness": {
                    "baseColorTexture": {"index": 0},
                    "metallicFactor": 0.0,
                    "roughnessFactor": 1.0,
                },
                "doubleSided": True,
            }
        ],
        "textures": [{"sampler": 0, "source": 0}],
        "samplers": [{"magFilter": _LINEAR, "minFilter": _LINEAR, "wrapS": _CLAMP_TO_EDGE, "wrapT": _CLAMP_TO_EDGE}],
        "images": [{"bufferView": 4, "mimeType": "image/png"}],
        "buffers": [{"byteLength": len(binary)}],
        "bufferViews": views,
        "accessors": [
            {
                "bufferView": 0,
                "componentType": _FLOAT,
                "count": count,
                "type": "VEC3",
                "min": [min(xs), min(ys), min(zs)],
                "max": [max(xs), max(ys), max(zs)],
            },
            {"bufferView": 1, "componentType": _FLOAT, "count": count, "type": "VEC3"},
            {"bufferView": 2, "componentType": _FLOAT, "count": count, "type": "VEC2"},
            {"bufferView": 3, "componentType": _UNSIGNED_SHORT, "count": len(indices), "type": "SCALAR"},
        ],
    }
    text = _pad(json.dumps(document, separators=(",", ":")).encode(), b" ")
    length = 12 + 8 + len(text) + 8 + len(binary)
    return b"".join(
        (
            struct.pack("<4sII", MAGIC, VERSION, length),
            struct.pack("<I4s", len(text), JSON_CHUNK),
            text,
            struct.pack("<I4s", len(binary), BIN_CHUNK),
            binary,
        )
    )
