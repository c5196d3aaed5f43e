"""What the facade returns: images, videos, engines and the account, as small immutable objects."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._types import FinishReason

if TYPE_CHECKING:
    from collections.abc import Container

    from PIL.Image import Image as PILImage

CONTENT_FILTERED = "CONTENT_FILTERED"

_FORMATS = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "model/gltf-binary": "glb",
}

# What a file name's extension says its content is. A known extension must match what is written; an unknown
# one (or none) is the caller's business.
_SUFFIX_FORMATS = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".jfif": "jpeg",
    ".webp": "webp",
    ".gif": "gif",
    ".bmp": "bmp",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".mp4": "mp4",
    ".m4v": "mp4",
    ".glb": "glb",
    ".gltf": "gltf",
    # Formats nothing here writes: named so that an MP4 saved as .webm, or a PNG as .avif, is refused.
    ".webm": "webm",
    ".mov": "mov",
    ".mkv": "mkv",
    ".avi": "avi",
    ".avif": "avif",
    ".heic": "heic",
    ".heif": "heif",
}
_SUFFIXES = {"png": ".png", "jpeg": ".jpg", "webp": ".webp", "mp4": ".mp4", "glb": ".glb"}
# The formats save(convert=True) writes with Pillow (by their Pillow names).
_CONVERTIBLE = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP", "gif": "GIF", "bmp": "BMP", "tiff": "TIFF"}
_NOT_PICTURES = {"mp4": "video", "glb": "3D model (binary glTF)"}


def format_of(content_type: str) -> str:
    media = content_type.split(";", 1)[0].strip().lower()
    return _FORMATS.get(media, media.rsplit("/", 1)[-1])


def suffix_format(path: str | os.PathLike[str]) -> str | None:
    """The format a path's extension names (``"jpeg"`` for ``x.JPG``), or None for an unknown or no extension."""
    try:
        suffix = Path(os.fsdecode(path)).suffix
    except TypeError:  # not a path at all: the writer refuses it with a typed error naming the field
        return None
    return _SUFFIX_FORMATS.get(suffix.lower())


def check_suffix(
    path: str | os.PathLike[str], fmt: str, *, convertible: bool = False, convert: str = "pass convert=True"
) -> str | None:
    """Refuse to write ``fmt`` bytes under an extension that names another format.

    Returns:
        The format the extension names when it differs from ``fmt`` and ``convertible`` (the caller converts),
        else None (write the bytes as they are).

    Raises:
        ValidationError: (field ``path``) the extension names another format and the bytes will not be converted.
    """
    named = suffix_format(path)
    if named is None or named == fmt:
        return None
    if convertible and named in _CONVERTIBLE and fmt not in _NOT_PICTURES:
        return named
    from ._core.errors import ValidationError

    suffix = Path(os.fsdecode(path)).suffix
    rule = f"the extension {suffix} names {_a(named)} file, but this is {_a(fmt)} "
    rule += _NOT_PICTURES.get(fmt, "image")
    better = Path(os.fsdecode(path)).with_suffix(_SUFFIXES.get(fmt, f".{fmt}")).name
    if fmt in _NOT_PICTURES or named not in _CONVERTIBLE:
        rule += f": save it as {better}"
    else:
        rule += f": save it as {better}, or {convert} to write a {named.upper()} (needs Pillow)"
    raise ValidationError("path", os.fspath(path), rule)


def check_picture_suffix(path: str | os.PathLike[str]) -> None:
    """Refuse, before a job is waited for, an extension no picture is saved as (``.mp4``) for a job that makes one
    (which picture format is known only at the result's first bytes; ``check_suffix`` then checks the rest)."""
    named = suffix_format(path)
    if named is not None and named not in _CONVERTIBLE:  # a video's, a model's, or a picture nothing writes
        from ._core.errors import ValidationError

        suffix = Path(os.fsdecode(path)).suffix
        rule = f"the extension {suffix} names {_a(named)} file, but this job's result is an image: save it as "
        raise ValidationError("path", os.fspath(path), rule + ".png, .jpg or .webp (the format the job makes)")


_SPOKEN_WITH_AN = frozenset({"MP4", "MKV", "AVI", "AVIF"})
"""The formats named here whose names are spoken from a vowel sound ("an em-pee-four", "an avif")."""


def _a(fmt: str) -> str:
    """``"a PNG"``, ``"an MP4"``: the article as the format's name is spoken."""
    name = fmt.upper()
    return f"{'an' if name in _SPOKEN_WITH_AN else 'a'} {name}"


@dataclass(frozen=True, slots=True, repr=False)
class _Media:
    """What images and videos share: the bytes, their media type, the seed and the finish reason."""

    data: bytes
    """The file's bytes."""
    content_type: str
    """``image/png``, ``image/jpeg``, ``image/webp`` or ``video/mp4``."""
    seed: int | None
    """The seed the API used; pass it back to reproduce the output."""
    finish_reason: FinishReason
    """``SUCCESS``, or ``CONTENT_FILTERED`` when the content filter blurred part of the output (``ERROR``, v1alpha's
    failed generation, is raised as ``GenerationFailedError``, which carries the result). A value the API may add
    later is passed on as it is."""
    request_id: str | None = None
    """The API's ``x-request-id`` (v2alpha), for support requests."""

    @property
    def format(self) -> str:
        """``png``, ``jpeg``, ``webp`` or ``mp4``."""
        return format_of(self.content_type)

    @property
    def filtered(self) -> bool:
        """Whether the content filter changed the output."""
        return self.finish_reason == CONTENT_FILTERED

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the file atomically: it is complete or absent. An existing file is kept unless ``overwrite``.

        Raises:
            ValidationError: the extension names another format (a ``.png`` path for an MP4 video).
        """
        from ._files.outputs import atomic_write

        check_suffix(path, self.format)
        return atomic_write(path, (self.data,), overwrite=overwrite)

    def _describe(self) -> str:
        return f"format={self.format!r}, {len(self.data)} bytes, seed={self.seed}, finish_reason={self.finish_reason!r}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe()})"


@dataclass(frozen=True, slots=True, repr=False)
class ImageResult(_Media):
    """A generated image. ``save()`` it, open it with ``to_pil()``, or let a notebook display it."""

    width: int = 0
    """Pixels, read from the image header."""
    height: int = 0

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False, convert: bool = False) -> Path:
        """Write the image atomically: it is complete or absent. An existing file is kept unless ``overwrite``.

        The bytes are written as the API sent them, so the extension must name their format (``.png`` for a
        PNG): a ``.jpg`` path for a PNG image is refused, never mislabelled. With ``convert=True`` the image is
        re-encoded (with Pillow) into the format the extension names: png, jpeg, webp, gif, bmp or tiff (JPEG
        has no alpha channel: transparent pixels become black). A path with no or another extension gets the
        bytes as they are.

        Raises:
            ValidationError: the extension names another format and ``convert`` is false.
            ImportError: ``convert=True`` needs a conversion and Pillow is not installed.
            MalformedResponseError: ``convert=True`` and the image cannot be decoded.
        """
        from ._files.outputs import atomic_write

        target = check_suffix(path, self.format, convertible=convert)
        data = self.data if target is None else self._encoded(target)
        return atomic_write(path, (data,), overwrite=overwrite)

    def _encoded(self, fmt: str) -> bytes:
        import io

        image = self.to_pil()
        if fmt == "jpeg" and image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        elif fmt == "gif" and image.mode not in ("P", "L"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        out = io.BytesIO()
        try:
            image.save(out, format=_CONVERTIBLE[fmt])
        except (OSError, ValueError, KeyError) as exc:  # an encoder missing from this Pillow build
            raise self._undecodable(f"Pillow cannot write it as {fmt.upper()}", exc) from exc
        return out.getvalue()

    def to_pil(self) -> PILImage:
        """The image as a ``PIL.Image.Image`` (needs Pillow: ``pip install "stability-client[pillow]"``).

        Raises:
            ImportError: Pillow is not installed.
            MalformedResponseError: the bytes cannot be decoded (corrupt, or a decompression bomb).
        """
        try:
            from PIL import Image
        except ImportError as exc:
            raise ImportError('to_pil() needs Pillow: pip install "stability-client[pillow]"') from exc
        import io

        try:
            image = Image.open(io.BytesIO(self.data))
            image.load()
        except MemoryError:
            raise
        except Exception as exc:  # Pillow's decoders raise OSError, ValueError, SyntaxError, EOFError, zlib.error...
            raise self._undecodable("it cannot be decoded", exc) from exc
        return image

    def _undecodable(self, what: str, exc: BaseException) -> Exception:
        from ._core.errors import MalformedResponseError

        return MalformedResponseError._of(
            f"the {self.format} image ({len(self.data)} bytes): {what}: {type(exc).__name__}: {exc}",
            name="undecodable_image",
            request_id=self.request_id,
        )

    def _repr_png_(self) -> bytes | None:
        return self.data if self.format == "png" else None

    def _repr_jpeg_(self) -> bytes | None:
        return self.data if self.format == "jpeg" else None

    def _repr_mimebundle_(
        self, include: Container[str] | None = None, exclude: Container[str] | None = None
    ) -> dict[str, object]:
        """What a notebook shows: the image inline, under its media type (see ``stability._display``)."""
        from . import _display

        return _display.select(_display.image(self.data, self.format, repr(self)), include, exclude)

    def __repr__(self) -> str:
        return f"ImageResult({self.width}x{self.height}, {self._describe()})"


@dataclass(frozen=True, slots=True, repr=False)
class VideoResult(_Media):
    """A generated MP4 video. ``save()`` it, or let a notebook play it (inline up to 10 MiB)."""

    def _repr_mimebundle_(
        self, include: Container[str] | None = None, exclude: Container[str] | None = None
    ) -> dict[str, object]:
        """What a notebook shows: an HTML5 ``<video controls>`` with the MP4 inside (see ``stability._display``)."""
        from . import _display

        return _display.select(_display.video(self.data, repr(self)), include, exclude)


@dataclass(frozen=True, slots=True, repr=False)
class ModelResult:
    """A 3D model (Stable Fast 3D): one binary glTF file (GLB) holding the mesh, its textures and materials.

    ``save()`` it as ``.glb`` and open it in Blender, a glTF viewer or a web page (``<model-viewer>``, three.js).
    The API sends no seed or finish reason with a model.
    """

    data: bytes
    """The GLB file's bytes (``glTF``, version 2, then a JSON chunk and a binary one)."""
    content_type: str = "model/gltf-binary"
    request_id: str | None = None
    """The API's ``x-request-id``, when it sends one (it documents none for 3D)."""

    @property
    def format(self) -> str:
        """``glb``."""
        return "glb"

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data)

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the file atomically: it is complete or absent. An existing file is kept unless ``overwrite``.

        Raises:
            ValidationError: the extension names another format (a ``.png`` or ``.gltf`` path: a GLB is neither).
        """
        from ._files.outputs import atomic_write

        check_suffix(path, self.format)
        return atomic_write(path, (self.data,), overwrite=overwrite)

    def __repr__(self) -> str:
        return f"ModelResult(format='glb', {len(self.data)} bytes)"

    def _repr_mimebundle_(
        self, include: Container[str] | None = None, exclude: Container[str] | None = None
    ) -> dict[str, object]:
        """What a notebook shows: a short HTML summary of the model (see ``stability._display``)."""
        from . import _display

        return _display.select(_display.model(self.data, repr(self)), include, exclude)


@dataclass(frozen=True, slots=True)
class Engine:
    """An engine (model) the key may use with the v1alpha generation operations."""

    id: str
    name: str
    description: str
    type: str
    """``PICTURE``, ``TEXT``, ``VIDEO``, ...: a string, because the API may add kinds."""


@dataclass(frozen=True, slots=True)
class Organization:
    """An organization the account belongs to."""

    id: str
    name: str
    role: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class Account:
    """The account that owns the API key."""

    id: str
    email: str
    organizations: list[Organization] = field(default_factory=list)
    profile_picture: str | None = None

    @classmethod
    def _from(cls, data: Any) -> Account:
        return cls(
            id=data.id,
            email=data.email,
            organizations=[Organization(o.id, o.name, o.role, o.is_default) for o in data.organizations],
            profile_picture=data.profile_picture if isinstance(data.profile_picture, str) else None,
        )
