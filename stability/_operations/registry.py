"""Every operation of the API, one entry each, keyed by the facade method's name.

An entry says what the rest of the code needs to know about an operation: the spec's operationId, the
generated api module (a dotted name, imported only when asked: ``import stability`` loads no generated code),
whether it is charged and its documented price, which body fields are files, the Accept it sends, whether it
starts a job (and which operation finishes it), the CLI command and the fake server's name for it. The HTTP
method and path are read from the generated module's ``_get_kwargs`` (``endpoint``), never retyped.

The deliberate differences between a facade method's keyword arguments and the generated request model's
fields are written down here too (``renamed``, ``folded``, ``unexposed``, ``defaulted``); tests/test_registry.py
checks every other argument against the model, and the registry against the spec, the generated modules, the
fake's routes, the CLI's commands and the clients' methods.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import Any, Final
from urllib.parse import unquote

from .._core import limits as L

Price = float | Mapping[str, float]
"""Credits per call, or per mode where the price depends on one (inpaint)."""

_NO_NAMES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Entry:
    """One operation. ``name`` is the facade method's name (job results: ``<starter>_result``)."""

    name: str
    operation_id: str
    module: str
    """The generated api module, e.g. ``stability_api.api.v1alpha.masking`` (imported lazily by ``api``)."""
    charged: bool
    fake: str
    """The fake server's name for the operation (``stability.testing.OPERATIONS``)."""
    cli: str | None
    """The ``stability`` CLI subcommand that runs it, if one does."""
    price: Price | None = None
    """The documented price in credits, where the API documents one (v1alpha documents none)."""
    files: tuple[str, ...] = ()
    """The request model's fields that are files (multipart parts), as the generated model names them."""
    accept: tuple[str, ...] = ()
    """The Accept values the SDK sends; () when it sends none (httpx's ``*/*``)."""
    starts_job: str | None = None
    """The result operation that finishes the job this operation starts."""
    finishes: str | None = None
    """For a job result: the operation that starts the job (the kind ``jobs.get`` takes)."""
    renamed: Mapping[str, str] = field(default_factory=lambda: _NO_NAMES)
    """Keyword arguments named differently from the model field (or path parameter) they fill."""
    folded: tuple[str, ...] = ()
    """Keyword arguments with no field of their own (folded into another one)."""
    unexposed: tuple[str, ...] = ()
    """Model fields the method does not take (the SDK fills them, or leaves them to the API's default)."""
    defaulted: tuple[str, ...] = ()
    """Keyword arguments the method makes optional although the model requires them (the SDK picks a value)."""

    @property
    def api(self) -> ModuleType:
        """The generated api module (imported now)."""
        return importlib.import_module(self.module)

    @property
    def method(self) -> str:
        """The HTTP method, upper case, as the generated module sends it."""
        return endpoint(self.module)[0]

    @property
    def path(self) -> str:
        """The path template (``/v1alpha/generation/{engine_id}/text-to-image``), as the generated module builds it."""
        return endpoint(self.module)[1]


def _entries(*entries: Entry) -> Mapping[str, Entry]:
    return MappingProxyType({entry.name: entry for entry in entries})


_V1_IMAGES: Final = ("image/png", "application/json")  # PNG for one image, JSON for several
_V1_NAMES: Final = MappingProxyType({"prompt": "text_prompts", "engine": "engine_id"})

REGISTRY: Final[Mapping[str, Entry]] = _entries(
    # ------------------------------------------------------------------------------------------ v1alpha
    Entry(
        "text_to_image",
        "textToImage",
        "stability_api.api.v1alpha.text_to_image",
        charged=True,
        fake="text_to_image",
        cli="text-to-image",
        accept=_V1_IMAGES,
        renamed=_V1_NAMES,
        folded=("negative_prompt",),  # a text prompt with a negative weight
        defaulted=("engine",),
    ),
    Entry(
        "image_to_image",
        "imageToImage",
        "stability_api.api.v1alpha.image_to_image",
        charged=True,
        fake="image_to_image",
        cli="image-to-image",
        files=("init_image",),
        accept=_V1_IMAGES,
        renamed=MappingProxyType({**_V1_NAMES, "image": "init_image"}),
        folded=("negative_prompt",),
        unexposed=("width", "height"),  # the output has the image's size
        defaulted=("engine",),
    ),
    Entry(
        "masked_image_to_image",
        "masking",
        "stability_api.api.v1alpha.masking",
        charged=True,
        fake="masking",
        cli="masking",
        files=("init_image", "mask_image"),
        accept=_V1_IMAGES,
        renamed=MappingProxyType({**_V1_NAMES, "image": "init_image", "mask": "mask_image"}),
        folded=("negative_prompt",),
        unexposed=("width", "height"),
        defaulted=("engine", "mask_source"),  # from whether a mask is given
    ),
    Entry(
        "engines",
        "listEngines",
        "stability_api.api.v1alpha.list_engines",
        charged=False,
        fake="list_engines",
        cli="engines",
    ),
    Entry(
        "account",
        "getAccount",
        "stability_api.api.v1alpha.get_account",
        charged=False,
        fake="get_account",
        cli="account",
    ),
    Entry(
        "balance",
        "getBalance",
        "stability_api.api.v1alpha.get_balance",
        charged=False,
        fake="get_balance",
        cli="balance",
    ),
    # ------------------------------------------------------------------------------------------ v2alpha
    Entry(
        "inpaint",
        "inpaint",
        "stability_api.api.v2alpha.inpaint",
        charged=True,
        fake="inpaint",
        cli="inpaint",
        price=MappingProxyType({"search": L.PRICE_INPAINT_SEARCH, "mask": L.PRICE_INPAINT_MASK}),
        files=("image", "mask"),
        accept=("image/*",),
        defaulted=("mode",),  # search when a search_prompt is given, else mask
    ),
    Entry(
        "upscale",
        "upscale",
        "stability_api.api.v2alpha.upscale",
        charged=True,
        fake="upscale",
        cli="upscale",
        price=L.PRICE_UPSCALE,
        files=("image",),
        starts_job="upscale_result",
    ),
    Entry(
        "upscale_result",
        "getUpscaleResult",
        "stability_api.api.v2alpha.get_upscale_result",
        charged=False,
        fake="get_upscale_result",
        cli="result",
        accept=("image/*",),
        finishes="upscale",
    ),
    Entry(
        "image_to_video",
        "imageToVideo",
        "stability_api.api.v2alpha.image_to_video",
        charged=True,
        fake="image_to_video",
        cli="image-to-video",
        price=L.PRICE_IMAGE_TO_VIDEO,
        files=("image",),
        starts_job="image_to_video_result",
    ),
    Entry(
        "image_to_video_result",
        "getImageToVideoResult",
        "stability_api.api.v2alpha.get_image_to_video_result",
        charged=False,
        fake="get_image_to_video_result",
        cli="result",
        accept=("video/*",),
        finishes="image_to_video",
    ),
)

BY_FAKE_NAME: Final[Mapping[str, Entry]] = MappingProxyType({entry.fake: entry for entry in REGISTRY.values()})


class _Body:
    """A stand-in request body: ``_get_kwargs`` only serialises it."""

    def to_dict(self) -> dict[str, Any]:
        return {}

    def to_multipart(self) -> list[Any]:
        return []


@functools.cache
def endpoint(module: str) -> tuple[str, str]:
    """(HTTP method, path template) of a generated api module, read from its ``_get_kwargs``.

    ``_get_kwargs`` is called with each path parameter set to ``{parameter}``, a stand-in body and headers.
    """
    build = importlib.import_module(module)._get_kwargs
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for parameter in inspect.signature(build).parameters.values():
        if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            args.append("{" + parameter.name + "}")
        elif parameter.name == "body":
            kwargs["body"] = _Body()
        elif parameter.default is inspect.Parameter.empty:
            kwargs[parameter.name] = "*/*"  # a required header (accept)
    built = build(*args, **kwargs)
    return str(built["method"]).upper(), unquote(str(built["url"]))
