"""What the facade returns: images, videos, engines and the account, as small immutable objects."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

CONTENT_FILTERED = "CONTENT_FILTERED"

_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/webp": "webp", "video/mp4": "mp4"}


def format_of(content_type: str) -> str:
    media = content_type.split(";", 1)[0].strip().lower()
    return _FORMATS.get(media, media.rsplit("/", 1)[-1])


@dataclass(frozen=True, slots=True, repr=False)
class _Media:
    data: bytes
    """The file's bytes."""
    content_type: str
    """``image/png``, ``image/jpeg``, ``image/webp`` or ``video/mp4``."""
    seed: int | None
    """The seed the API used; pass it back to reproduce the output."""
    finish_reason: str
    """``SUCCESS``, or ``CONTENT_FILTERED`` when the content filter blurred part of the output."""
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
        """Write the file atomically: it is complete or absent. An existing file is kept unless ``overwrite``."""
        from ._files import atomic_write

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

    def to_pil(self) -> PILImage:
        """The image as a ``PIL.Image.Image`` (needs Pillow: ``pip install "stability-client[pillow]"``)."""
        try:
            from PIL import Image
        except ImportError as exc:
            raise ImportError('to_pil() needs Pillow: pip install "stability-client[pillow]"') from exc
        import io

        image = Image.open(io.BytesIO(self.data))
        image.load()
        return image

    def _repr_png_(self) -> bytes | None:
        return self.data if self.format == "png" else None

    def _repr_jpeg_(self) -> bytes | None:
        return self.data if self.format == "jpeg" else None

    def __repr__(self) -> str:
        return f"ImageResult({self.width}x{self.height}, {self._describe()})"


@dataclass(frozen=True, slots=True, repr=False)
class VideoResult(_Media):
    """A generated MP4 video."""


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
