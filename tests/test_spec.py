"""The checked-in OpenAPI document is valid and names every operation the SDK covers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

from stability._operations.registry import REGISTRY
from stability_api import models
from stability_api.api.v2beta import stable_fast_3d
from stability_api.client import Client
from stability_api.types import File

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi" / "stability.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())

# (method, path) -> operationId, as the registry has them (its paths are read from the generated modules).
OPERATIONS = {(entry.method.lower(), entry.path): entry.operation_id for entry in REGISTRY.values()}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return SPEC


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


FILE_FIELDS = ("image", "init_image", "mask", "mask_image", "subject_image")


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
                if name in FILE_FIELDS or name.endswith("_reference"):
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


# ------------------------------------------------------------------------------------------- v1 and v2beta

# The statuses each live operation answers with: Stability's January 2025 document (API_FACTS_LIVE §0.4 and
# §23), plus the 401 of every v2beta operation and the 429 of the polls and v1 reads, which that document
# leaves out although the service answers them (as this document does for v1alpha and v2alpha).
LIVE_STATUSES = {
    "userAccount": {200, 401, 429, 500},
    "userBalance": {200, 401, 429, 500},
    "listEnginesV1": {200, 401, 429, 500},
    "generateUltra": {200, 400, 401, 403, 413, 422, 429, 500},
    "generateCore": {200, 400, 401, 403, 422, 429, 500},
    "generateSD3": {200, 400, 401, 403, 413, 422, 429, 500},
    "upscaleFast": {200, 400, 401, 403, 413, 422, 429, 500},
    "upscaleConservative": {200, 400, 401, 403, 413, 422, 429, 500},
    "upscaleCreative": {200, 400, 401, 403, 413, 422, 429, 500},
    "getUpscaleCreativeResult": {200, 202, 400, 401, 404, 429, 500},
    "getResult": {200, 202, 400, 401, 404, 429, 500},
    "image_to_video_v2beta": {200, 400, 401, 403, 413, 422, 429, 500},
    "get_image_to_video_v2beta_result": {200, 202, 400, 401, 404, 429, 500},
    "editErase": {200, 400, 401, 403, 413, 429, 500},
    "editInpaint": {200, 400, 401, 403, 413, 422, 429, 500},
    "editOutpaint": {200, 400, 401, 403, 413, 422, 429, 500},
    "editSearchAndReplace": {200, 400, 401, 403, 413, 422, 429, 500},
    "editSearchAndRecolor": {200, 400, 401, 403, 413, 422, 429, 500},
    "editRemoveBackground": {200, 400, 401, 403, 413, 429, 500},
    "editReplaceBackgroundAndRelight": {200, 400, 401, 403, 413, 422, 429, 500},
    "controlSketch": {200, 400, 401, 403, 413, 422, 429, 500},
    "controlStructure": {200, 400, 401, 403, 413, 422, 429, 500},
    "controlStyle": {200, 400, 401, 403, 413, 422, 429, 500},
    "stableFast3D": {200, 400, 401, 403, 413, 429, 500},
}


def _operations(spec: dict[str, Any], version: str) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for path, item in spec["paths"].items()
        if path.startswith(f"/{version}/")
        for op in item.values()
    }


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = spec["components"][section][name]
    return node


def test_live_operations_answer_their_documented_statuses(spec: dict[str, Any]) -> None:
    live = {**_operations(spec, "v1"), **_operations(spec, "v2beta")}
    assert {op_id: {int(status) for status in op["responses"]} for op_id, op in live.items()} == LIVE_STATUSES


def test_live_error_bodies(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    # Stability's v1 Error requires a `status` it never defines; requiring it would refuse every real answer.
    assert schemas["V1Error"]["required"] == ["id", "name", "message"]
    assert set(schemas["V1Error"]["properties"]) == {"id", "name", "message"}
    for op_id, op in {**_operations(spec, "v1"), **_operations(spec, "v2beta")}.items():
        for status, response in op["responses"].items():
            if int(status) < 400:
                continue
            (media, content), *others = _resolve(spec, response)["content"].items()
            expected = "V1Error" if op_id in _operations(spec, "v1") else "ErrorResponse"
            if status == "403":
                expected = "ContentModerationResponse"
            assert (media, content["schema"]["$ref"].rsplit("/", 1)[1], others) == ("application/json", expected, [])


def test_v1_engines_are_a_bare_array(spec: dict[str, Any]) -> None:
    v1 = _operations(spec, "v1")
    body = v1["listEnginesV1"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"type": "array", "items": {"$ref": "#/components/schemas/Engine"}}
    v1alpha = _operations(spec, "v1alpha")["listEngines"]["responses"]["200"]["content"]["application/json"]
    assert v1alpha["schema"]["$ref"].endswith("/EngineList")


def test_live_client_headers(spec: dict[str, Any]) -> None:
    def headers(op: dict[str, Any]) -> dict[str, dict[str, Any]]:
        found = (_resolve(spec, p) for p in op.get("parameters", []))
        return {p["name"]: p for p in found if p["in"] == "header"}

    v1 = _operations(spec, "v1")
    assert headers(v1["userAccount"]) == {}
    for op_id in ("userBalance", "listEnginesV1"):
        assert set(headers(v1[op_id])) == {"Organization", "Stability-Client-ID", "Stability-Client-Version"}
    for op in _operations(spec, "v2beta").values():
        client = {name: p for name, p in headers(op).items() if name != "accept"}
        assert set(client) == {"stability-client-id", "stability-client-user-id", "stability-client-version"}
        assert all(not p["required"] and p["schema"] == {"type": "string", "maxLength": 256} for p in client.values())


def test_v2beta_accept(spec: dict[str, Any]) -> None:
    def accept(op: dict[str, Any]) -> tuple[list[str], str] | None:
        found = [_resolve(spec, p) for p in op.get("parameters", [])]
        schema = next((p["schema"] for p in found if p["name"] == "accept"), None)
        return None if schema is None else (schema["enum"], schema["default"])

    ops = _operations(spec, "v2beta")
    images = ("V2betaImage", "V2betaSd3Image", "V2betaTransparentImage")
    for op in ops.values():
        if "requestBody" in op and op["responses"]["200"]["$ref"].rsplit("/", 1)[1] in images:
            assert accept(op) == (["image/*", "application/json"], "image/*"), op["operationId"]
    for op_id in ("generateUltra", "generateCore", "generateSD3", "upscaleFast", "upscaleConservative"):
        assert accept(ops[op_id]) == (["image/*", "application/json"], "image/*")
    assert accept(ops["getUpscaleCreativeResult"]) == (["image/*", "application/json"], "image/*")
    assert accept(ops["getResult"]) == (["*/*", "application/json"], "*/*")
    assert accept(ops["get_image_to_video_v2beta_result"]) == (["video/*", "application/json"], "video/*")
    # Job starts declare none: they answer JSON whatever is asked. Stable Fast 3D has no JSON form to ask for.
    assert accept(ops["upscaleCreative"]) is None and accept(ops["image_to_video_v2beta"]) is None
    assert accept(ops["editReplaceBackgroundAndRelight"]) is None and accept(ops["stableFast3D"]) is None


def test_v2beta_results_list_json_first_so_the_template_dispatches_on_content_type(spec: dict[str, Any]) -> None:
    # The generator parses a status by its FIRST supported media type (GENERATOR_NOTES #9). With JSON first,
    # scripts/templates' endpoint module returns bytes for a non-JSON Content-Type and parses JSON otherwise;
    # with binary first every answer would be bytes, the JSON twin never parsed.
    responses = spec["components"]["responses"]
    expected = {
        "V2betaImage": ("png", "jpeg", "webp"),
        "V2betaSd3Image": ("png", "jpeg"),
        "V2betaTransparentImage": ("png", "webp"),
    }
    for name, formats in expected.items():
        content = list(responses[name]["content"])
        assert content == [f"application/json; type=image/{f}" for f in formats] + [f"image/{f}" for f in formats]
        assert set(responses[name]["headers"]) == {"x-request-id", "finish-reason", "seed"}
    assert list(responses["V2betaVideo"]["content"]) == ["application/json; type=video/mp4", "video/mp4"]
    ops = _operations(spec, "v2beta")
    assert ops["generateSD3"]["responses"]["200"]["$ref"].endswith("/V2betaSd3Image")
    assert ops["get_image_to_video_v2beta_result"]["responses"]["200"]["$ref"].endswith("/V2betaVideo")
    assert ops["editRemoveBackground"]["responses"]["200"]["$ref"].endswith("/V2betaTransparentImage")
    for op_id in ("upscaleCreative", "image_to_video_v2beta", "editReplaceBackgroundAndRelight"):
        assert ops[op_id]["responses"]["200"]["$ref"].endswith("/V2betaStarted")
        assert "headers" not in responses["V2betaStarted"]
    # Stable Fast 3D: a GLB and nothing else, no headers beyond its Content-Type.
    assert ops["stableFast3D"]["responses"]["200"]["$ref"].endswith("/V2betaModel")
    assert list(responses["V2betaModel"]["content"]) == ["model/gltf-binary"]
    assert "headers" not in responses["V2betaModel"]


# The only defaults a generated v2beta model sends unasked (GENERATOR_NOTES #7): each equals the service's own
# default in every context and is sent in its exact decimal spelling. The others (seed 0, aspect_ratio 1:1, the
# SD3 model and mode, output_format png, motion_bucket_id 127) are left to the service.
SENT_DEFAULTS = {
    "UpscaleConservativeRequest": {"creativity": 0.35},
    "UpscaleCreativeRequest": {"creativity": 0.3},
    "ImageToVideoV2BetaRequest": {"cfg_scale": 1.8},
}
V2BETA_BODIES = sorted(
    op["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    for op in _operations(SPEC, "v2beta").values()
    if "requestBody" in op
)


def test_v2beta_bodies_are_the_named_models() -> None:
    registry = {entry.model for entry in REGISTRY.values() if entry.model and entry.path.startswith("/v2beta/")}
    assert V2BETA_BODIES == sorted(registry)


@pytest.mark.parametrize("name", V2BETA_BODIES)
def test_generated_v2beta_models_send_only_safe_defaults(spec: dict[str, Any], name: str) -> None:
    schema = spec["components"]["schemas"][name]
    required: dict[str, Any] = {
        field: File(payload=io.BytesIO(b"x"), file_name="x.png", mime_type="image/png")
        if schema["properties"][field].get("format") == "binary"
        else "x"
        for field in schema["required"]
    }
    parts = {part: value for part, (_, value, *_) in getattr(models, name)(**required).to_multipart()}
    sent = {part: float(value.decode()) for part, value in parts.items() if part not in required}
    assert sent == SENT_DEFAULTS.get(name, {})
    for field, prop in schema["properties"].items():
        assert ("default" in prop) == (field in SENT_DEFAULTS.get(name, {})), f"{name}.{field}"


def test_v2beta_document_bugs_and_look_alike_types() -> None:
    schemas = SPEC["components"]["schemas"]
    # Stability's erase schema requires a `prompt` it does not define (API_FACTS_LIVE section 9).
    erase = schemas["EditEraseRequest"]
    assert erase["required"] == ["image"] and "prompt" not in erase["properties"]
    # Strings that look like booleans or numbers must stay strings (YAML would read bare true/512 otherwise).
    assert schemas["KeepOriginalBackground"]["enum"] == ["true", "false"]
    assert schemas["TextureResolution"]["enum"] == ["512", "1024", "2048"]
    for schema in schemas.values():
        assert all(isinstance(value, str) for value in schema.get("enum", [])), schema
    outpaint = schemas["EditOutpaintRequest"]["properties"]
    assert {outpaint[side]["type"] for side in ("left", "right", "up", "down")} == {"integer"}
    assert "top" not in outpaint and "bottom" not in outpaint


def test_generated_stable_fast_3d_returns_the_glb_bytes() -> None:
    # model/gltf-binary is mapped to octet-stream in scripts/openapi-config.yaml; without it the generator drops
    # the 200 silently and a raw call parses a model as None.
    glb = b"glTF\x02\x00\x00\x00\x0c\x00\x00\x00"
    answer = httpx.Response(200, content=glb, headers={"content-type": "model/gltf-binary"})
    parsed = stable_fast_3d._build_response(
        client=Client(base_url="http://x", raise_on_unexpected_status=True), response=answer
    ).parsed
    assert isinstance(parsed, File) and parsed.payload.read() == glb
