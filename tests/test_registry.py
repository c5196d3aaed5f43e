"""The registry of operations agrees with every other place that names an operation.

`drift()` compares the registry (stability/_operations) with the spec (openapi/stability.yaml), the generated api modules,
the fake's routes and handlers, the CLI's commands and both clients' public methods (job results through
``jobs.get``), each method's keyword arguments with the generated request model's fields and with the
entry's ``params``. It returns one
message per mismatch, saying what is missing where; the last tests show that it does.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import attrs
import pytest
import yaml

import stability
from stability._cli.main import COMMANDS
from stability._core import polling as _polling
from stability._operations.registry import REGISTRY, Entry
from stability.testing import _routes
from stability.testing._app import App

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "stability.yaml"
API_PATH = ROOT / "generated" / "stability_api" / "api"

# What is public on a client or in the CLI without being an operation.
CLIENT_MEMBERS = frozenset({"aclose", "batch", "close", "jobs", "raw", "with_options"})
CLI_COMMANDS = frozenset({"batch", "demo", "completion"})
# Parameters of the generated ``_get_kwargs`` that are headers: the registry fixes Accept, the client options
# give Organization; neither is a method argument.
HEADERS = frozenset({"accept", "organization"})


@dataclass(frozen=True)
class Places:
    """Every place outside the registry that names operations, as found in the tree."""

    spec: Mapping[str, tuple[str, str]]
    """operationId -> (METHOD, path)."""
    modules: frozenset[str]
    """The generated api modules, as dotted names."""
    fake_routes: Mapping[str, tuple[str, str]]
    """The fake's operation name -> (METHOD, a concrete path it serves)."""
    fake_handlers: frozenset[str]
    cli: frozenset[str]
    clients: Mapping[str, type]
    job_kinds: frozenset[str]


def _spec(document: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        op["operationId"]: (method.upper(), path)
        for path, item in document["paths"].items()
        for method, op in item.items()
    }


def _concrete(path: str) -> str:
    return path.replace("{", "x").replace("}", "")


def _fake_routes() -> dict[str, tuple[str, str]]:
    """Each fake route's operation, with the method and path of a request it serves (found by matching)."""
    found: dict[str, tuple[str, str]] = {}
    for entry in REGISTRY.values():  # the real registry: its endpoints are the generated modules'
        matched = _routes.match_route(entry.method, _concrete(entry.path))
        if isinstance(matched, tuple):
            found[matched[0].operation] = (entry.method, entry.path)
    for route in _routes.ROUTES:
        found.setdefault(route.operation, (route.method, route.pattern.pattern))
    return found


def places() -> Places:
    return Places(
        spec=_spec(yaml.safe_load(SPEC_PATH.read_text())),
        modules=frozenset(
            f"stability_api.api.{module.parent.name}.{module.stem}"
            for module in API_PATH.glob("*/*.py")
            if module.stem != "__init__"
        ),
        fake_routes=_fake_routes(),
        fake_handlers=frozenset(App._operations),
        cli=frozenset(COMMANDS) - CLI_COMMANDS,
        clients={"AsyncStability": stability.AsyncStability, "Stability": stability.Stability},
        job_kinds=frozenset(typing.get_args(_polling.JobKind)),
    )


def _compare(what: str, registry: Iterable[str], place: str, found: Iterable[str]) -> list[str]:
    expected, actual = set(registry), set(found)
    return [f"{what} {name!r} is in the registry but missing from {place}" for name in sorted(expected - actual)] + [
        f"{what} {name!r} is in {place} but missing from the registry" for name in sorted(actual - expected)
    ]


def _model_fields(entry: Entry) -> dict[str, bool]:
    """The generated request's inputs, flattened (path parameters, then body fields): name -> required."""
    import stability_api.models as models

    fields: dict[str, bool] = {}
    signature = inspect.signature(entry.api._get_kwargs, eval_str=True)
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            fields[parameter.name] = parameter.default is inspect.Parameter.empty
        elif parameter.name == "body":
            pending = [parameter.annotation]
            while pending:
                for item in attrs.fields(pending.pop()):
                    nested = getattr(models, str(item.type), None)
                    if nested is not None and attrs.has(nested):
                        pending.append(nested)  # a wrapper (``options``): its fields are the request's
                    elif item.init:
                        fields[item.name] = item.default is attrs.NOTHING
    return fields


def _file_fields(entry: Entry) -> set[str]:
    signature = inspect.signature(entry.api._get_kwargs, eval_str=True)
    body = signature.parameters.get("body")
    if body is None:
        return set()
    import stability_api.models as models

    found, pending = set(), [body.annotation]
    while pending:
        for item in attrs.fields(pending.pop()):
            nested = getattr(models, str(item.type), None)
            if nested is not None and attrs.has(nested):
                pending.append(nested)
            elif str(item.type).split(" | ")[0] == "File":
                found.add(item.name)
    return found


def _accepts(entry: Entry) -> set[str]:
    accept = inspect.signature(entry.api._get_kwargs, eval_str=True).parameters.get("accept")
    if accept is None:
        return set()
    parts = typing.get_args(accept.annotation) if typing.get_origin(accept.annotation) is not Literal else ()
    literals = [part for part in parts or (accept.annotation,) if typing.get_origin(part) is Literal]
    return {value for literal in literals for value in typing.get_args(literal)}


def _arguments(entry: Entry, method: Callable[..., Any]) -> list[str]:
    """The method's keyword arguments against the model's fields, less the entry's deliberate differences."""
    problems = []
    fields = {name: required for name, required in _model_fields(entry).items() if name not in entry.unexposed}
    parameters = {
        name: p.default is inspect.Parameter.empty
        for name, p in inspect.signature(method).parameters.items()
        if name != "self" and name not in entry.folded
    }
    where = f"{entry.name}()"
    for name, required in parameters.items():
        field = entry.renamed.get(name, name)
        if field not in fields:
            problems.append(f"{where} argument {name!r} is missing from the generated model's fields")
        elif required != fields[field] and not (name in entry.defaulted and fields[field]):
            want = "required" if fields[field] else "optional"
            problems.append(f"{where} argument {name!r} should be {want}, as the model's {field!r} is")
    by_field = {entry.renamed.get(name, name) for name in parameters}
    for field in sorted(set(fields) - by_field):
        problems.append(f"{where} has no argument for the model's field {field!r} (missing from the method)")
    for name in [*entry.renamed, *entry.folded, *entry.defaulted]:
        if name not in inspect.signature(method).parameters:
            problems.append(f"{where}: the registry names a difference for {name!r}, which the method lacks")
    # Every argument has a Param (its rule is checked before sending, the CLI's flag is made from it) and every
    # Param is an argument.
    arguments = [name for name in inspect.signature(method).parameters if name != "self"]
    problems += [
        f"{where} argument {name!r} has no Param in the registry entry"
        for name in arguments
        if name not in entry.params
    ]
    problems += [
        f"{where} has no argument for the entry's Param {name!r}" for name in entry.params if name not in arguments
    ]
    return problems


def drift(registry: Mapping[str, Entry], found: Places) -> list[str]:
    """Every disagreement between the registry and the other places, one message each."""
    entries = list(registry.values())
    problems = _compare("operationId", (e.operation_id for e in entries), "the spec", found.spec)
    problems += _compare("module", (e.module for e in entries), "the generated api modules", found.modules)
    problems += _compare("fake operation", (e.name for e in entries), "the fake's routes", found.fake_routes)
    problems += _compare("fake operation", (e.name for e in entries), "the fake's handlers", found.fake_handlers)
    problems += _compare("CLI command", (e.cli for e in entries if e.cli), "the CLI's commands", found.cli)
    starters = [e for e in entries if not e.finishes]
    for client_name, client in found.clients.items():
        public = {name for name in dir(client) if not name.startswith("_")} - CLIENT_MEMBERS
        problems += _compare("method", (e.name for e in starters), f"{client_name}'s methods", public)
    results = [e for e in entries if e.finishes]
    problems += _compare("job kind", (k for e in results for k in e.finishes), "jobs.get's kinds", found.job_kinds)
    for entry in entries:
        if entry.module not in found.modules:
            continue  # reported above; nothing to read its endpoint or model from
        endpoint = (entry.method, entry.path)
        if entry.operation_id in found.spec and found.spec[entry.operation_id] != endpoint:
            problems.append(f"{entry.name}: the spec has {found.spec[entry.operation_id]}, the registry {endpoint}")
        if entry.name in found.fake_routes and found.fake_routes[entry.name] != endpoint:
            problems.append(f"{entry.name}: the fake serves {found.fake_routes[entry.name]}, not {endpoint}")
        if entry.starts_job and entry.name not in getattr(registry.get(entry.starts_job), "finishes", ()):
            problems.append(f"{entry.name}: its result operation {entry.starts_job!r} does not say it finishes it")
        if set(entry.files) != _file_fields(entry):
            problems.append(f"{entry.name}: files {sorted(entry.files)} != the model's {sorted(_file_fields(entry))}")
        if not set(entry.accept) <= _accepts(entry):
            problems.append(f"{entry.name}: Accept {entry.accept} is not among the module's {_accepts(entry)}")
        if not entry.finishes:
            for client_name, client in found.clients.items():
                method = getattr(client, entry.name, None)
                if method is not None:
                    problems += [f"{client_name}.{p}" for p in _arguments(entry, method)]
    return problems


# ------------------------------------------------------------------------------------------------- tests


def test_the_registry_agrees_with_every_place_that_names_an_operation() -> None:
    assert drift(REGISTRY, places()) == []


def test_an_operation_missing_from_the_registry_is_reported_in_every_place() -> None:
    registry = MappingProxyType({name: e for name, e in REGISTRY.items() if name != "balance"})
    problems = drift(registry, places())
    assert "operationId 'userBalance' is in the spec but missing from the registry" in problems
    assert (
        "module 'stability_api.api.v1.user_balance' is in the generated api modules but missing from the registry"
        in problems
    )
    assert "fake operation 'balance' is in the fake's routes but missing from the registry" in problems
    assert "CLI command 'balance' is in the CLI's commands but missing from the registry" in problems
    assert "method 'balance' is in AsyncStability's methods but missing from the registry" in problems
    assert "method 'balance' is in Stability's methods but missing from the registry" in problems


def test_an_operation_added_to_the_spec_alone_is_reported() -> None:
    found = places()
    spec = {**found.spec, "eraseObject": ("POST", "/v2alpha/generation/stable-image/erase")}
    problems = drift(REGISTRY, dataclasses.replace(found, spec=spec))
    assert problems == ["operationId 'eraseObject' is in the spec but missing from the registry"]


def test_an_entry_without_its_module_route_command_or_method_is_reported() -> None:
    extra = dataclasses.replace(
        REGISTRY["inpaint"],
        name="erase",
        operation_id="erase",
        module="stability_api.api.v2alpha.erase",
        cli="erase",
    )
    problems = drift(MappingProxyType({**REGISTRY, "erase": extra}), places())
    assert problems[:6] == [
        "operationId 'erase' is in the registry but missing from the spec",
        "module 'stability_api.api.v2alpha.erase' is in the registry but missing from the generated api modules",
        "fake operation 'erase' is in the registry but missing from the fake's routes",
        "fake operation 'erase' is in the registry but missing from the fake's handlers",
        "CLI command 'erase' is in the registry but missing from the CLI's commands",
        "method 'erase' is in the registry but missing from AsyncStability's methods",
    ]


def test_an_argument_that_drifts_from_the_model_is_reported() -> None:
    entry = dataclasses.replace(REGISTRY["text_to_image"], renamed=MappingProxyType({"engine": "engine_id"}))
    problems = drift(MappingProxyType({**REGISTRY, "text_to_image": entry}), places())
    assert "AsyncStability.text_to_image() argument 'prompt' is missing from the generated model's fields" in problems
    assert (
        "Stability.text_to_image() has no argument for the model's field 'text_prompts' (missing from the method)"
        in problems
    )


def test_an_argument_without_a_param_and_a_param_without_an_argument_are_reported() -> None:
    params = {name: p for name, p in REGISTRY["upscale"].params.items() if name != "creativity"}
    entry = dataclasses.replace(
        REGISTRY["upscale"], params=MappingProxyType({**params, "strength": REGISTRY["upscale"].params["creativity"]})
    )
    problems = drift(MappingProxyType({**REGISTRY, "upscale": entry}), places())
    assert "AsyncStability.upscale() argument 'creativity' has no Param in the registry entry" in problems
    assert "Stability.upscale() has no argument for the entry's Param 'strength'" in problems


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_entry_reads_its_endpoint_from_the_generated_module(name: str) -> None:
    entry = REGISTRY[name]
    assert entry.method in {"GET", "POST"} and entry.path.startswith(f"/{entry.module.split('.')[2]}/")
    assert entry.charged == (entry.method == "POST")


def test_the_hand_written_test_cases_cover_every_operation() -> None:
    """The cases whose arguments are written by hand (raw calls, fault matrix, CLI runs) cover every entry."""
    from tests.cli.test_cli import OPERATIONS as CLI_CASES
    from tests.raw_cases import CASES
    from tests.reliability._matrix import OPERATIONS as MATRIX

    modules = {entry.module for entry in REGISTRY.values()}
    assert {case.entry.module for case in CASES} == modules
    # The fault matrix covers what the facade sends: every method, and the result each job is polled at (the
    # untagged creative-upscale result path is reached by raw calls only).
    polled = {entry.starts_job for entry in REGISTRY.values() if entry.starts_job}
    sent = {name for name, entry in REGISTRY.items() if not entry.finishes or name in polled}
    assert {row.fake_op for row in MATRIX} == sent
    charged = {entry.cli for entry in REGISTRY.values() if entry.charged}
    assert {args[0] for args, _ in CLI_CASES.values()} == charged
