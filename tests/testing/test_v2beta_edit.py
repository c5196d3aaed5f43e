"""v2beta edit, control and 3D in the fake, over its HTTP: the sizes and formats the document states (and the
fake's choices where it does not: the package docstring), alpha, outpaint's margins, the relight job on the
clock, the GLB read by a real glTF reader, every documented refusal, prices, faults and the rate limit."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import stability.testing
from stability._core import limits as L
from stability._core.media import check_glb
from stability._operations import v2beta_control, v2beta_edit
from stability._operations.registry import REGISTRY
from stability.testing import FakeStability, Fault
from stability.testing._media import generation_size, scaled_size
from tests.testing._helpers import auth, decode, http_client, image_bytes, path, png_header, read_glb

NAMES = [entry.name for entry in (*v2beta_edit.ENTRIES, *v2beta_control.ENTRIES)]
FOUR_MP = int(L.EDIT_MEGAPIXELS * 1_048_576)
WHITE = (255, 255, 255)


def _png(width: int, height: int, **options: Any) -> tuple[str, bytes]:
    return ("in.png", image_bytes(width, height, **options))


# A valid request of each operation: (form fields, files). The image is 320x256 unless a test says otherwise.
def _valid(name: str, width: int = 320, height: int = 256) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    image = {"image": _png(width, height)}
    with_mask = {**image, "mask": _png(width, height, color=WHITE)}
    return {
        "edit_erase": ({}, with_mask),
        "edit_inpaint": ({"prompt": "a full moon"}, with_mask),
        "edit_outpaint": ({"left": "64", "up": "32"}, image),
        "edit_search_and_replace": ({"prompt": "a ship", "search_prompt": "a lighthouse"}, image),
        "edit_search_and_recolor": ({"prompt": "red", "select_prompt": "a lighthouse"}, image),
        "edit_remove_background": ({}, image),
        "edit_replace_background_and_relight": (
            {"background_prompt": "a harbour"},
            {"subject_image": image["image"]},
        ),
        "control_sketch": ({"prompt": "a castle"}, image),
        "control_structure": ({"prompt": "a castle"}, image),
        "control_style": ({"prompt": "a castle"}, image),
        "stable_fast_3d": ({}, image),
    }[name]


SIZES = {
    "edit_erase": scaled_size(320, 256, FOUR_MP),
    "edit_inpaint": scaled_size(320, 256, FOUR_MP),
    "edit_outpaint": (320 + 64, 256 + 32),
    "edit_search_and_replace": scaled_size(320, 256, FOUR_MP),
    "edit_search_and_recolor": (320, 256),
    "edit_remove_background": (320, 256),
    "edit_replace_background_and_relight": (320, 256),
    "control_sketch": (320, 256),
    "control_structure": (320, 256),
    "control_style": (1024, 1024),
}
SYNC_IMAGES = [name for name in NAMES if REGISTRY[name].returns == "image"]


@pytest.fixture
def client(fake: FakeStability) -> Iterator[httpx.Client]:
    with http_client(fake, "in-process") as client:
        yield client


def _post(
    client: httpx.Client,
    fake: FakeStability,
    name: str,
    data: dict[str, str] | None = None,
    files: dict[str, tuple[str, bytes]] | None = None,
    **headers: str,
) -> httpx.Response:
    valid_data, valid_files = _valid(name)
    fields = valid_data if data is None else data
    return client.post(
        path(name), headers={**auth(fake), **headers}, data=fields, files=valid_files if files is None else files
    )


def _errors(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"id", "name", "errors"} and body["name"] == "bad_request", body
    return list(body["errors"])


def _result(client: httpx.Client, fake: FakeStability, job: str, **headers: str) -> httpx.Response:
    return client.get(path("results", id=job), headers={**auth(fake), **headers})


def test_the_tables_cover_every_new_operation() -> None:
    assert set(SIZES) == set(NAMES) - {"stable_fast_3d"}
    assert {REGISTRY[name].path.split("/")[1] for name in NAMES} == {"v2beta"}


def test_the_docstring_table_names_every_new_operation() -> None:
    doc = stability.testing.__doc__ or ""
    rows = "".join(re.findall(r"^\s*\|\s*([a-z_0-9, ]+?)\s*\|", doc, re.MULTILINE))
    assert {name for name in NAMES if name not in rows} == set()


# ------------------------------------------------------------------------------------------------ sizes and formats


@pytest.mark.parametrize("name", SYNC_IMAGES)
def test_each_image_operation_answers_the_documented_size_in_each_format(
    client: httpx.Client, fake: FakeStability, name: str
) -> None:
    param = REGISTRY[name].params["output_format"]
    formats = param.rule.values  # type: ignore[attr-defined]
    for fmt in formats:
        data, _ = _valid(name)
        response = _post(client, fake, name, {**data, "output_format": fmt, "seed": "5"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == f"image/{fmt}"
        assert response.headers["finish-reason"] == "SUCCESS" and response.headers["x-request-id"]
        image = decode(response.content)
        assert image.format == fmt.upper() and image.size == SIZES[name]
    as_json = _post(client, fake, name, accept="application/json")
    assert as_json.headers["content-type"] == "application/json; type=image/png"
    assert decode(base64.b64decode(as_json.json()["image"])).size == SIZES[name]
    assert fake.charges(name) == len(formats) + 1


def test_four_megapixels_in_the_inputs_shape(client: httpx.Client, fake: FakeStability) -> None:
    for name in ("edit_erase", "edit_inpaint", "edit_search_and_replace"):
        data, _ = _valid(name)
        files = {"image": _png(640, 256), "mask": _png(640, 256, color=WHITE)}
        if name == "edit_search_and_replace":
            del files["mask"]
        width, height = decode(_post(client, fake, name, data, files).content).size
        assert abs(width * height / FOUR_MP - 1) < 0.001 and abs(width / height - 2.5) < 0.01


def test_style_follows_the_generate_size_table(client: httpx.Client, fake: FakeStability) -> None:
    for ratio in L.ASPECT_RATIOS:
        response = _post(client, fake, "control_style", {"prompt": "x", "aspect_ratio": ratio, "output_format": "jpeg"})
        width, height = (int(side) for side in ratio.split(":"))
        assert decode(response.content).size == generation_size(L.MEGAPIXELS["style"], width / height)


# ------------------------------------------------------------------------------------------------ what they paint


def _color(image: Any, x: int, y: int) -> tuple[int, ...]:
    return tuple(image.convert("RGB").getpixel((x, y)))


def test_erase_and_inpaint_change_only_what_the_mask_or_the_alpha_says(
    client: httpx.Client, fake: FakeStability
) -> None:
    blue = (30, 90, 150)
    mask = image_bytes(320, 256, color=(0, 0, 0))  # black: keep everything
    for name in ("edit_erase", "edit_inpaint"):
        data, _ = _valid(name)
        kept = decode(_post(client, fake, name, data, {"image": _png(320, 256), "mask": ("m.png", mask)}).content)
        assert _color(kept, 10, 10) == blue and _color(kept, kept.width - 10, kept.height - 10) == blue
        # no mask: the transparent left half is repainted, the opaque right half kept
        alpha = decode(_post(client, fake, name, {**data, "seed": "9"}, {"image": _png(320, 256, alpha=True)}).content)
        assert _color(alpha, alpha.width - 10, alpha.height // 2) == blue
        assert _color(alpha, 10, alpha.height // 2) != blue


def test_outpaint_keeps_the_image_and_grows_it_by_the_margins(client: httpx.Client, fake: FakeStability) -> None:
    data = {"left": "100", "right": "7", "up": "3", "down": "2000", "output_format": "png"}
    grown = decode(_post(client, fake, "edit_outpaint", data, {"image": _png(200, 100)}).content)
    assert grown.size == (100 + 200 + 7, 3 + 100 + 2000)
    assert _color(grown, 100, 3) == _color(grown, 299, 102) == (30, 90, 150)
    only_one = decode(_post(client, fake, "edit_outpaint", {"down": "1"}, {"image": _png(200, 100)}).content)
    assert only_one.size == (200, 101)


def test_remove_background_answers_a_transparent_background_and_an_opaque_subject(
    client: httpx.Client, fake: FakeStability
) -> None:
    for fmt in ("png", "webp"):
        response = _post(client, fake, "edit_remove_background", {"output_format": fmt})
        cut = decode(response.content)
        assert cut.mode == "RGBA" and cut.size == (320, 256)
        alpha = cut.getchannel("A")
        assert alpha.getpixel((0, 0)) == alpha.getpixel((319, 255)) == 0
        assert alpha.getpixel((160, 128)) == 255
        assert max(abs(a - b) for a, b in zip(_color(cut, 160, 128), (30, 90, 150), strict=True)) <= 2  # lossy WEBP
        assert response.headers["seed"].isdigit()  # no seed field: a random one, as the fast upscale's
    already = decode(_post(client, fake, "edit_remove_background", {}, {"image": _png(320, 256, alpha=True)}).content)
    assert already.getchannel("A").getpixel((100, 128)) == 0  # the input's transparency is kept


def test_recolor_sketch_and_structure_keep_the_inputs_resolution(client: httpx.Client, fake: FakeStability) -> None:
    for name in ("edit_search_and_recolor", "control_sketch", "control_structure"):
        data, _ = _valid(name)
        for width, height in ((64, 64), (400, 160)):
            assert decode(_post(client, fake, name, data, {"image": _png(width, height)}).content).size == (
                width,
                height,
            )


def test_the_same_request_gives_the_same_picture(client: httpx.Client, fake: FakeStability) -> None:
    for name in SYNC_IMAGES:
        data, _ = _valid(name)
        first, again = (_post(client, fake, name, {**data, "seed": "11"}).content for _ in "ab")
        assert first == again, name


# ------------------------------------------------------------------------------------------------ relight


def test_relight_is_a_job_on_the_clock_finished_by_results(client: httpx.Client, fake: FakeStability) -> None:
    fake.job_duration = 30.0
    data = {"background_prompt": "a harbour", "light_source_direction": "left", "output_format": "webp"}
    started = _post(client, fake, "edit_replace_background_and_relight", data, accept="image/*")
    assert started.status_code == 200 and started.headers["content-type"] == "application/json"
    job = started.json()["id"]
    assert len(job) == L.GENERATION_ID_LENGTH and fake.charges("edit_replace_background_and_relight") == 1
    assert fake.balance() == 1000.0 - L.PRICE_RELIGHT
    pending = _result(client, fake, job, accept="image/*")
    assert pending.status_code == 202 and pending.json() == {"id": job, "status": "in-progress"}
    fake.clock.advance(30.0)
    done = _result(client, fake, job, accept="image/*")
    assert done.status_code == 200 and done.headers["content-type"] == "image/webp"
    assert decode(done.content).size == (320, 256) and decode(done.content).format == "WEBP"
    as_json = _result(client, fake, job, accept="application/json")
    assert base64.b64decode(as_json.json()["image"]) == done.content
    # the creative upscale's own result path does not finish it
    assert client.get(path("upscale_creative_result", id=job), headers=auth(fake)).status_code == 404
    assert fake.charges() == 1


def test_relight_with_every_input(client: httpx.Client, fake: FakeStability) -> None:
    files = {
        "subject_image": _png(256, 384),
        "background_reference": _png(512, 512, color=(200, 10, 10)),
        "light_reference": _png(64, 64, color=WHITE),
    }
    data = {
        "foreground_prompt": "a dog",
        "negative_prompt": "fog",
        "preserve_original_subject": "1",
        "original_background_depth": "0",
        "keep_original_background": "false",
        "light_source_direction": "above",
        "light_source_strength": "1",
        "seed": "4",
        "output_format": "jpeg",
    }
    job = _post(client, fake, "edit_replace_background_and_relight", data, files).json()["id"]
    relit = decode(_result(client, fake, job).content)
    assert relit.size == (256, 384) and relit.format == "JPEG"
    kept = _post(
        client,
        fake,
        "edit_replace_background_and_relight",
        {"background_prompt": "x", "keep_original_background": "true"},
    )
    assert decode(_result(client, fake, kept.json()["id"]).content).size == (320, 256)


# ------------------------------------------------------------------------------------------------ 3D


def test_stable_fast_3d_answers_a_glb_that_a_gltf_reader_reads(client: httpx.Client, fake: FakeStability) -> None:
    response = _post(client, fake, "stable_fast_3d", {})
    assert response.status_code == 200
    assert set(response.headers) == {"content-type", "content-length"}
    assert response.headers["content-type"] == "model/gltf-binary"
    check_glb(response.content, response.headers["content-type"])
    model = read_glb(response.content)
    assert model.texture.size == (1024, 1024) and len(model.positions) == 17 * 17
    width = max(p[0] for p in model.positions) - min(p[0] for p in model.positions)
    height = max(p[1] for p in model.positions) - min(p[1] for p in model.positions)
    assert abs(width - 0.85) < 1e-6 and abs(height - 0.85 * 256 / 320) < 1e-6
    assert max(p[2] for p in model.positions) > 0  # it has depth
    assert fake.charges("stable_fast_3d") == 1 and fake.balance() == 1000.0 - L.PRICE_FAST_3D


@pytest.mark.parametrize("resolution", L.TEXTURE_RESOLUTIONS)
def test_the_texture_is_texture_resolution_square(client: httpx.Client, fake: FakeStability, resolution: str) -> None:
    response = _post(client, fake, "stable_fast_3d", {"texture_resolution": resolution}, accept="application/json")
    assert response.headers["content-type"] == "model/gltf-binary"  # it declares no accept: a model regardless
    assert read_glb(response.content).texture.size == (int(resolution), int(resolution))


def test_vertex_count_remesh_and_foreground_ratio_shape_the_mesh(client: httpx.Client, fake: FakeStability) -> None:
    def mesh(**data: str) -> Any:
        return read_glb(_post(client, fake, "stable_fast_3d", {"texture_resolution": "512", **data}).content)

    assert len(mesh(vertex_count="100").positions) == 100
    assert len(mesh(vertex_count="0").positions) == 4
    assert len(mesh(vertex_count="20000").positions) <= 20_000
    triangle, quad = mesh(remesh="triangle", vertex_count="9"), mesh(remesh="quad", vertex_count="9")
    assert triangle.positions == quad.positions and triangle.indices != quad.indices
    assert mesh(remesh="none", vertex_count="9").indices == quad.indices
    small = mesh(foreground_ratio="0.1")
    assert abs(max(p[0] for p in small.positions) * 2 - 0.1) < 1e-6
    assert small.gltf.meshes[0].extras["foreground_ratio"] == 0.1


# ------------------------------------------------------------------------------------------------ refusals


def test_image_bounds(client: httpx.Client, fake: FakeStability) -> None:
    too_many = {"image": ("i.png", png_header(3073, 3072))}
    for name in ("edit_erase", "edit_inpaint", "edit_outpaint", "control_sketch", "control_structure", "control_style"):
        data, _ = _valid(name)
        assert _errors(_post(client, fake, name, data, {**too_many, "mask": _png(64, 64)})) == [
            "image: the pixel count must be between 4096 and 9437184 (got 3073x3072)"
        ], name
        small = _errors(_post(client, fake, name, data, {"image": _png(63, 100), "mask": _png(64, 64)}))
        assert small == ["image: every side must be at least 64 pixels (got 63x100)"], name
    for name in ("edit_remove_background", "stable_fast_3d"):
        assert _errors(_post(client, fake, name, {}, {"image": ("i.png", png_header(2049, 2048))})) == [
            "image: the pixel count must be between 4096 and 4194304 (got 2049x2048)"
        ]
    # the aspect ratio is bounded where the document bounds it, and not on erase, inpaint or remove-background
    for name in NAMES:
        data, files = _valid(name)
        key = "subject_image" if "subject_image" in files else "image"
        wide = _post(client, fake, name, data, {**files, key: _png(261, 100)})
        ratio = "the aspect ratio must be between 1:2.5 and 2.5:1 (got 261x100)"
        bounded = name not in ("edit_erase", "edit_inpaint", "edit_remove_background", "stable_fast_3d")
        assert (wide.status_code == 400 and _errors(wide) == [f"{key}: {ratio}"]) == bounded, name
    relight = _post(
        client,
        fake,
        "edit_replace_background_and_relight",
        {},
        {
            "subject_image": _png(64, 64),
            "background_reference": _png(64, 63),
            "light_reference": _png(10, 10, fmt="jpeg"),
        },
    )
    assert _errors(relight) == [
        "background_reference: every side must be at least 64 pixels (got 64x63)",
        "background_reference: the pixel count must be between 4096 and 9437184 (got 64x63)",
        "light_reference: every side must be at least 64 pixels (got 10x10)",
        "light_reference: the pixel count must be between 4096 and 9437184 (got 10x10)",
    ]
    gif = _errors(_post(client, fake, "control_sketch", {"prompt": "x"}, {"image": ("i.gif", b"GIF89a" + bytes(20))}))
    assert gif == ["image: must be an image in one of these formats: PNG, JPEG, WEBP"]
    assert fake.charges() == 4  # the wide image, where the aspect ratio is not bounded


def test_a_mask_or_an_alpha_channel(client: httpx.Client, fake: FakeStability) -> None:
    for name in ("edit_erase", "edit_inpaint"):
        data, _ = _valid(name)
        assert _errors(_post(client, fake, name, data, {"image": _png(64, 64)})) == [
            "mask: is required when image has no alpha channel (its transparent pixels are what to change)"
        ]
        assert _post(client, fake, name, data, {"image": _png(64, 64, alpha=True)}).status_code == 200
        assert _post(client, fake, name, data, {"image": _png(64, 64), "mask": _png(99, 50)}).status_code == 200


# Each bound the document states, and each enum: (operation, fields, the errors in the order of the fields).
BOUNDS: list[tuple[str, dict[str, str], list[str]]] = [
    (
        "edit_erase",
        {"grow_mask": "21", "seed": "1.5"},
        ["grow_mask: must be between 0 and 20", "seed: must be a whole number"],
    ),
    ("edit_inpaint", {"prompt": "x", "grow_mask": "101"}, ["grow_mask: must be between 0 and 100"]),
    (
        "edit_search_and_replace",
        {"prompt": "x", "search_prompt": "y", "grow_mask": "-1"},
        ["grow_mask: must be between 0 and 20"],
    ),
    (
        "edit_search_and_recolor",
        {"prompt": "x", "select_prompt": "y", "grow_mask": "20.5"},
        ["grow_mask: must be between 0 and 20"],
    ),
    (
        "edit_outpaint",
        {"left": "2001", "creativity": "0.1"},
        ["left: must be between 0 and 2000", "creativity: must be between 0.2 and 0.5"],
    ),
    (
        "edit_outpaint",
        {"up": "1.5", "creativity": "0.6"},
        ["up: must be a whole number", "creativity: must be between 0.2 and 0.5"],
    ),
    ("edit_remove_background", {"output_format": "jpeg"}, ["output_format: must be one of png, webp"]),
    ("control_sketch", {"prompt": "x", "control_strength": "1.5"}, ["control_strength: must be between 0 and 1"]),
    ("control_structure", {"prompt": "x", "control_strength": "-0.1"}, ["control_strength: must be between 0 and 1"]),
    (
        "control_style",
        {"prompt": "x", "fidelity": "2", "aspect_ratio": "4:3"},
        [
            "aspect_ratio: must be one of 21:9, 16:9, 3:2, 5:4, 1:1, 4:5, 2:3, 9:16, 9:21",
            "fidelity: must be between 0 and 1",
        ],
    ),
    (
        "stable_fast_3d",
        {"texture_resolution": "256", "foreground_ratio": "0.05", "remesh": "hex", "vertex_count": "20001"},
        [
            "texture_resolution: must be one of 512, 1024, 2048",
            "foreground_ratio: must be between 0.1 and 1",
            "remesh: must be one of none, triangle, quad",
            "vertex_count: must be between -1 and 20000",
        ],
    ),
    ("stable_fast_3d", {"vertex_count": "-2"}, ["vertex_count: must be between -1 and 20000"]),
    ("edit_outpaint", {"left": "1", "prompt": "p" * 10_001}, ["prompt: must be at most 10000 characters"]),
    (
        "edit_search_and_recolor",
        {"prompt": "x", "select_prompt": "s" * 10_001, "negative_prompt": "n" * 10_001},
        ["select_prompt: must be at most 10000 characters", "negative_prompt: must be at most 10000 characters"],
    ),
    (
        "edit_replace_background_and_relight",
        {
            "background_prompt": "x",
            "preserve_original_subject": "1.1",
            "original_background_depth": "-1",
            "keep_original_background": "True",
            "light_source_direction": "up",
        },
        [
            "preserve_original_subject: must be between 0 and 1",
            "original_background_depth: must be between 0 and 1",
            "keep_original_background: must be one of true, false",
            "light_source_direction: must be one of left, right, above, below",
        ],
    ),
]


@pytest.mark.parametrize(("name", "data", "expected"), BOUNDS)
def test_number_and_choice_bounds(
    client: httpx.Client, fake: FakeStability, name: str, data: dict[str, str], expected: list[str]
) -> None:
    assert _errors(_post(client, fake, name, data)) == expected
    assert fake.charges() == 0


def test_conditional_rules(client: httpx.Client, fake: FakeStability) -> None:
    relight = "edit_replace_background_and_relight"
    assert _errors(_post(client, fake, "edit_outpaint", {"left": "0", "bottom": "200"})) == [
        "left: at least one of left, right, up and down must be greater than 0"
    ]
    # a refused margin is one error, not two
    assert _errors(_post(client, fake, "edit_outpaint", {"left": "-5"})) == ["left: must be between 0 and 2000"]
    assert _errors(_post(client, fake, relight, {"foreground_prompt": "a dog"})) == [
        "background_prompt: is required unless background_reference is given (send either, or both)"
    ]
    only_reference = {"subject_image": _png(64, 64), "background_reference": _png(64, 64)}
    assert _post(client, fake, relight, {}, only_reference).status_code == 200
    assert _errors(_post(client, fake, relight, {"background_prompt": "x", "light_source_strength": "0.5"})) == [
        "light_source_strength: needs light_reference or light_source_direction"
    ]
    with_light = {"subject_image": _png(64, 64), "light_reference": _png(64, 64)}
    assert (
        _post(client, fake, relight, {"background_prompt": "x", "light_source_strength": "0.5"}, with_light).status_code
        == 200
    )
    both = {"background_prompt": "x", "light_source_strength": "0.5", "light_source_direction": "right"}
    assert _post(client, fake, relight, both, with_light).status_code == 200
    assert fake.charges(relight) == 3


def test_required_fields(client: httpx.Client, fake: FakeStability) -> None:
    for name in NAMES:
        files = {"none": ("none", b"")}
        required = [f"{field}: is required" for field in _required_fields(name)]
        assert _errors(_post(client, fake, name, {}, files))[: len(required)] == required, name
    # erase's document lists a prompt as required, but erase has no prompt
    assert _post(client, fake, "edit_erase", {}).status_code == 200
    assert _errors(_post(client, fake, "edit_search_and_replace", {"prompt": "x", "search_prompt": ""})) == [
        "search_prompt: cannot be empty"
    ]


def _required_fields(name: str) -> list[str]:
    from stability.testing._rules import field_rules

    return [field for field, _, required in field_rules(name) if required]


def test_moderation_is_a_403_on_every_text_and_not_charged(client: httpx.Client, fake: FakeStability) -> None:
    from stability._core.validation import Text

    checked = 0
    for name in NAMES:
        for argument, param in REGISTRY[name].params.items():
            if not isinstance(param.rule, Text):
                continue
            data, _ = _valid(name)
            response = _post(client, fake, name, {**data, argument: "something forbidden"})
            assert response.status_code == 403 and response.json()["name"] == "content_moderation", (name, argument)
            checked += 1
    assert checked == 18 and fake.charges() == 0  # prompts, negative, search, select, background and foreground


def test_413_over_ten_mebibytes(client: httpx.Client, fake: FakeStability) -> None:
    for name in NAMES:
        data, files = _valid(name)
        key = next(iter(files))
        big = {**files, key: ("big.png", files[key][1] + bytes(L.MAX_REQUEST_BYTES))}
        response = _post(client, fake, name, data, big)
        assert response.status_code == 413 and response.json()["name"] == "payload_too_large", name
    assert fake.charges() == 0


# ------------------------------------------------------------------------------------------------ prices and faults


def test_each_operation_is_charged_its_documented_price(client: httpx.Client, fake: FakeStability) -> None:
    for name in NAMES:
        before = fake.balance()
        assert _post(client, fake, name).status_code == 200, name
        assert before - fake.balance() == REGISTRY[name].price, name
        assert fake.charges(name) == 1 and fake.count(name) == 1


def test_faults_and_the_rate_limit_act_by_name(client: httpx.Client, fake: FakeStability) -> None:
    for name in NAMES:
        fake.inject(name, Fault.status(500))
        assert _post(client, fake, name).status_code == 500, name
        assert _post(client, fake, name).status_code == 200, name
    assert fake.charges() == len(NAMES)
    limited = FakeStability(rate_limit=(len(NAMES), 10, 60))
    with http_client(limited, "in-process") as other:
        for name in NAMES:
            assert _post(other, limited, name).status_code == 200
        refused = _post(other, limited, "stable_fast_3d")
        assert refused.status_code == 429 and refused.json()["name"] == "rate_limit_exceeded"
        limited.clock.advance(60)
        assert _post(other, limited, "stable_fast_3d").status_code == 200


def test_the_sdk_reads_what_the_fake_answers(fake: FakeStability, tmp_path: Any) -> None:
    """The facade's own parsers on the fake's answers: a ModelResult from the GLB, and the relight job's image."""
    import stability

    client = stability.Stability(fake.api_key, base_url="http://localhost", transport=fake.transport(), max_retries=0)
    with client:
        model = client.stable_fast_3d(image_bytes(256, 256), texture_resolution=512)
        assert model.format == "glb" and model.request_id is None
        assert read_glb(model.save(tmp_path / "model.glb").read_bytes()).texture.size == (512, 512)
        relit = client.edit_replace_background_and_relight(
            image_bytes(320, 256), background_prompt="a harbour", output_format="webp"
        ).wait(poll_interval=0.01)
        assert relit.format == "webp" and decode(relit.data).size == (320, 256)
        cut = client.edit_remove_background(image_bytes(320, 256))
        assert decode(cut.data).mode == "RGBA"
