"""The checked-in OpenAPI document is valid and names every operation the SDK covers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from stability._operations.registry import REGISTRY

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi" / "stability.yaml"

# (method, path) -> operationId, as the registry has them (its paths are read from the generated modules).
OPERATIONS = {(entry.method.lower(), entry.path): entry.operation_id for entry in REGISTRY.values()}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return loaded


def test_document_is_valid_openapi_3_0(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.0.3"
    validate(spec)


def test_names_every_operation_with_one_tag_per_version(spec: dict[str, Any]) -> None:
    found = {
        (method, path): (op["operationId"], op["tags"])
        for path, item in spec["paths"].items()
        for method, op in item.items()
    }
    assert {key: op_id for key, (op_id, _) in found.items()} == OPERATIONS
    for (_, path), (_, tags) in found.items():
        assert tags == [path.split("/")[1]]


def test_one_security_scheme_and_no_authorization_parameters(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes == {"stabilityApiKey": {**schemes["stabilityApiKey"], "type": "apiKey", "in": "header"}}
    # A header parameter named authorization or content-type becomes a required argument of every
    # generated function (GENERATOR_NOTES #16); the scheme and httpx provide them.
    parameters = [node for node in _walk(spec) if node.get("in") == "header" and "schema" in node]
    assert parameters and not {p["name"].lower() for p in parameters} & {"authorization", "content-type"}


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_multipart_bodies_are_flat_and_binary_fields_are_binary(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for item in spec["paths"].values():
        for op in item.values():
            content = op.get("requestBody", {}).get("content", {})
            if "multipart/form-data" not in content:
                continue
            ref = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
            schema = schemas[ref]
            assert "oneOf" not in schema and "anyOf" not in schema and schema["type"] == "object"
            for name, prop in schema["properties"].items():
                if name in ("image", "init_image", "mask", "mask_image"):
                    assert prop == {**prop, "type": "string", "format": "binary"}


def test_generation_id_is_64_characters(spec: dict[str, Any]) -> None:
    gen_id = spec["components"]["schemas"]["GenerationId"]
    assert gen_id["minLength"] == gen_id["maxLength"] == 64 and len(gen_id["example"]) == 64


def test_response_enums_that_may_grow_are_strings(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name, field in [
        ("Artifact", "finishReason"),
        ("EncodedImage", "finish_reason"),
        ("EncodedVideo", "finish_reason"),
        ("GenerationInProgress", "status"),
        ("Engine", "type"),
    ]:
        assert "enum" not in schemas[name]["properties"][field]


def test_three_error_shapes(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert set(schemas["GoaError"]["required"]) == {"name", "id", "message", "temporary", "timeout", "fault"}
    assert schemas["ErrorResponse"]["required"] == ["id", "name", "errors"]
    assert "message" not in schemas["ErrorResponse"]["properties"]
    assert schemas["ContentModerationResponse"]["required"] == ["id", "name", "errors"]
    responses = spec["components"]["responses"]
    assert list(responses["V1alphaBadRequest"]["content"]) == ["application/vnd.goa.error"]


def test_binary_results_are_listed_beside_their_json_twins(spec: dict[str, Any]) -> None:
    image = spec["components"]["responses"]["V2alphaImage"]["content"]
    assert set(image) == {
        f"{kind}{fmt}" for kind in ("image/", "application/json; type=image/") for fmt in ("png", "jpeg", "webp")
    }
    assert set(spec["components"]["responses"]["V1alphaGeneration"]["content"]) == {"application/json", "image/png"}
    video = spec["paths"]["/v2alpha/generation/image-to-video/result/{id}"]["get"]["responses"]["200"]["content"]
    assert set(video) == {"video/mp4", "application/json; type=video/mp4"}
