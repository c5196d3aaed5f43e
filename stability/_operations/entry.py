"""What the SDK knows about one operation: an ``Entry``, and a ``Param`` for each argument it checks.

An entry says what the rest of the code needs to know about an operation: the spec's operationId, the
generated api module and request model (dotted names, imported only when asked: ``import stability`` loads no
generated code), whether it is charged and its documented price, its arguments with their documented rules and
help, which body fields are files, the Accept it sends, how a success is read, whether it starts a job (and
which operation finishes it), the CLI command and its summary. The HTTP method and path are read from the
generated module's ``_get_kwargs`` (``endpoint``), never retyped.

The deliberate differences between a facade method's keyword arguments and the generated request model's
fields are written down too (``renamed``, ``folded``, ``unexposed``, ``defaulted``); tests/test_registry.py
checks every other argument against the model, and the registry against the spec, the generated modules, the
fake's routes, the CLI's commands and the clients' methods.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

if TYPE_CHECKING:
    from .._core.flow import Answer, Operation
    from .._core.validation import Rule

Price = float | Mapping[str, float]
"""Credits per call, or per mode where the price depends on one (inpaint)."""

Returns = Literal["images", "image", "model", "job", "engines", "account", "balance", "result"]
"""What the facade method gives back: a v1alpha image or list of them (``samples``), one image, a 3D model, a job handle,
or the account data; ``result`` is a job's result (a result operation)."""

NO_NAMES: Mapping[str, str] = MappingProxyType({})


class DemoInput(Enum):
    """What an ``Entry.example`` passes for an image: the demo has no files of its own, it makes them as it runs."""

    IMAGE = "the first image the demo makes, as a 768x768 PNG"
    MASK = "a mask of that image's size: a white disc on black, the middle to repaint"


@dataclass(frozen=True, slots=True)
class Param:
    """One argument of an operation: the documented rule it obeys, and a line of help (for the CLI)."""

    rule: Rule
    help: str
    metavar: str = "X"
    unset: str | None = None
    """What the API does when the argument is left out and the spec gives no default ("the API picks")."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One operation. ``name`` is the facade method's name (job results: ``<starter>_result``)."""

    name: str
    operation_id: str
    module: str
    """The generated api module, e.g. ``stability_api.api.v1alpha.masking`` (imported lazily by ``api``)."""
    charged: bool
    cli: str | None
    """The ``stability`` CLI subcommand that runs it, if one does."""
    summary: str
    """One line on what it does (the CLI's help for the command)."""
    returns: Returns
    prepare: Callable[[Entry, dict[str, Any]], Operation[Any]] | None = None
    """Checks what the generic rules cannot (sizes, combinations) and builds the ``Operation``; None: the
    generic ``operation`` does (no body, or a body made of the arguments as they are)."""
    parse: Callable[[Answer], Any] | None = None
    """Reads a success; None when ``prepare`` chooses the parser per call."""
    model: str | None = None
    """The generated request model (``stability_api.models``), when the operation has a body."""
    params: Mapping[str, Param] = field(default_factory=lambda: MappingProxyType({}))
    """The method's arguments, in the order the CLI shows them, each with its rule."""
    price: Price | None = None
    """The documented price in credits, where the API documents one (v1alpha documents none)."""
    files: tuple[str, ...] = ()
    """The request model's fields that are files (multipart parts), as the generated model names them."""
    accept: tuple[str, ...] = ()
    """The Accept values the SDK sends; () when it sends none (httpx's ``*/*``)."""
    starts_job: str | None = None
    """The result operation that finishes the job this operation starts."""
    finishes: tuple[str, ...] = ()
    """For a job result: the operations whose jobs it finishes (the kinds ``jobs.get`` takes)."""
    media: Literal["image", "video"] | None = None
    """For a job result: what it answers."""
    renamed: Mapping[str, str] = field(default_factory=lambda: NO_NAMES)
    """Keyword arguments named differently from the model field (or path parameter) they fill."""
    folded: tuple[str, ...] = ()
    """Keyword arguments with no field of their own (folded into another one)."""
    unexposed: tuple[str, ...] = ()
    """Model fields the method does not take (the SDK fills them, or leaves them to the API's default)."""
    defaulted: tuple[str, ...] = ()
    """Keyword arguments the method makes optional although the model requires them (the SDK picks a value)."""
    former_name: str | None = None
    """The name the fake server gave the operation before it took the client method's (still accepted there,
    with a DeprecationWarning). New operations have none."""
    max_body: int | None = None
    """Bytes of a success the SDK reads into memory, when more than a JSON answer's bound (images, videos)."""
    example: Mapping[str, Any] | None = None
    """The arguments ``stability demo`` calls the method with (``DemoInput`` for an image); None: not in the demo."""
    checks: tuple[tuple[str, Callable[[str, Any], None], bool], ...] = field(init=False, repr=False, compare=False)
    """Each argument's check, and whether it has anything to say when the argument is left out (None)."""

    def __post_init__(self) -> None:
        from .._core.validation import PathSegment, Text

        # Worked out once: checking the arguments is on every call. A path segment (an engine) is required:
        # the path cannot be built without it, whatever the method's default.
        checks = tuple(
            (
                name,
                param.rule.check,
                isinstance(param.rule, PathSegment) or (isinstance(param.rule, Text) and param.rule.required),
            )
            for name, param in self.params.items()
        )
        object.__setattr__(self, "checks", checks)

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

    @property
    def body(self) -> Literal["json", "multipart", "none"]:
        """How the request carries its body, as the generated module sends it."""
        return endpoint(self.module)[2]

    def field(self, argument: str) -> str:
        """The model field (or path parameter) an argument fills."""
        return self.renamed.get(argument, argument)


class _Body:
    """A stand-in request body: ``_get_kwargs`` only serialises it."""

    def to_dict(self) -> dict[str, Any]:
        return {}

    def to_multipart(self) -> list[Any]:
        return []


@functools.cache
def endpoint(module: str) -> tuple[str, str, Literal["json", "multipart", "none"]]:
    """(HTTP method, path template, body kind) of a generated api module, read from its ``_get_kwargs``.

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
    body: Literal["json", "multipart", "none"] = (
        "json" if "json" in built else "multipart" if "files" in built else "none"
    )
    return str(built["method"]).upper(), unquote(str(built["url"])), body
