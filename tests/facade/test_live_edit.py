"""v2beta edit, control and 3D through the sync and the async facade, against the fake over real sockets: every
operation end to end (results decoded by Pillow at the size the fake documents), every kind of input for every
file field, a mask or the image's alpha, the relight job, the 3D model (a GLB read back by a glTF reader), and
what each request carried (flags and numeric choices as the API's strings, unset arguments left out)."""

from __future__ import annotations

import errno
import io
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pygltflib
import pytest
from PIL import Image

import stability
from stability._core import limits as L
from stability._core.media import check_glb
from stability._operations.registry import REGISTRY
from stability.testing import FakeStability, RecordedRequest
from tests.facade.test_live_api import BALANCE, FAST, complete, decoded, multipart, only
from tests.raw_cases import png

EDIT = "/v2beta/stable-image/edit/"
CONTROL = "/v2beta/stable-image/control/"
FAST_3D = "/v2beta/3d/stable-fast-3d"
RESULTS = "/v2beta/results/"
FOUR_MEGAPIXELS = int(L.EDIT_MEGAPIXELS * 1_048_576)
GREY = (128, 128, 128)  # the colour of every tests.raw_cases.png
RELIGHT = "edit_replace_background_and_relight"

# The operations of issue 16: the edit, control and 3D entries of the registry.
OPERATIONS = sorted(
    name
    for name, entry in REGISTRY.items()
    if entry.path.startswith(("/v2beta/stable-image/edit/", "/v2beta/stable-image/control/", "/v2beta/3d/"))
)


@pytest.fixture
def fake() -> Iterator[FakeStability]:
    # fast: a size painted once is reused, so calls that differ only in how a file is given cost one painting
    with FakeStability(job_duration=0.0, fast=True) as server:
        yield server


def four_megapixels(result: stability.ImageResult, width: int, height: int) -> None:
    """erase, inpaint and search-and-replace make "4 megapixels": the fake keeps the input's shape."""
    assert abs(result.width * result.height - FOUR_MEGAPIXELS) <= 0.01 * FOUR_MEGAPIXELS, (result.width, result.height)
    assert math.isclose(result.width / result.height, width / height, rel_tol=0.01), (result.width, result.height)


def sent_fields(sent: RecordedRequest) -> dict[str, Any]:
    return dict(sent.fields)


# ------------------------------------------------------------------------------------------------- erase


def test_edit_erase_with_a_mask(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.edit_erase(png(384, 256), mask=png(384, 256), grow_mask=10, seed=21, output_format="webp")
    complete(result, tmp_path, seed=21)
    assert result.format == "webp"
    four_megapixels(result, 384, 256)
    sent = only(fake)
    assert (sent.method, sent.path, sent.operation) == ("POST", EDIT + "erase", "edit_erase") and multipart(sent)
    assert set(sent.files) == {"image", "mask"} and sent.files["mask"].content_type == "image/png"
    assert sent_fields(sent) == {"grow_mask": "10", "seed": "21", "output_format": "webp"}
    assert sent.headers.get("accept") == "image/*"
    assert fake.charges("edit_erase") == 1 and fake.balance() == pytest.approx(BALANCE - L.PRICE_ERASE)


@pytest.mark.parametrize("method", ["edit_erase", "edit_inpaint"])
def test_without_a_mask_the_images_alpha_says_what_to_change(
    client: Any, fake: FakeStability, tmp_path: Path, method: str
) -> None:
    prompt = {"prompt": "a full moon"} if method == "edit_inpaint" else {}
    result = getattr(client, method)(image=png(300, 200, alpha=True), **prompt)
    complete(result, tmp_path)
    assert result.format == "png"
    four_megapixels(result, 300, 200)
    sent = only(fake)
    assert set(sent.files) == {"image"} and sent_fields(sent) == prompt  # no mask, nothing unasked for


def test_edit_inpaint(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.edit_inpaint(
        "a (full:0.8) moon", image=png(256, 320), mask=png(128, 160), negative_prompt="clouds", grow_mask=100,
        seed=22, output_format="jpeg",
    )  # fmt: skip
    complete(result, tmp_path, seed=22)
    assert result.format == "jpeg"
    four_megapixels(result, 256, 320)
    sent = only(fake)
    assert sent.path == EDIT + "inpaint" and set(sent.files) == {"image", "mask"}
    assert sent_fields(sent) == {
        "prompt": "a (full:0.8) moon", "negative_prompt": "clouds", "grow_mask": "100", "seed": "22",
        "output_format": "jpeg",
    }  # fmt: skip
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_EDIT_INPAINT)


# ---------------------------------------------------------------------------------------------- outpaint


@pytest.mark.parametrize(
    "margins",
    [{"left": 100}, {"right": 37, "down": 2000}, {"left": 1, "right": 2, "up": 3, "down": 4}],
    ids=["left", "right and down 2000", "all four"],
)
def test_edit_outpaint_grows_the_image_by_its_margins(
    client: Any, fake: FakeStability, tmp_path: Path, margins: dict[str, int]
) -> None:
    result = client.edit_outpaint(png(200, 120), **margins, seed=23)
    complete(result, tmp_path, seed=23)
    width = 200 + margins.get("left", 0) + margins.get("right", 0)
    height = 120 + margins.get("up", 0) + margins.get("down", 0)
    assert (result.width, result.height) == (width, height)
    picture = decoded(result).convert("RGB")
    # the input is kept as it was, where the margins leave it
    inside = (margins.get("left", 0) + 100, margins.get("up", 0) + 60)
    assert picture.getpixel(inside) == GREY
    sent = only(fake)
    assert sent.path == EDIT + "outpaint" and set(sent.files) == {"image"}
    assert sent_fields(sent) == {**{side: str(px) for side, px in margins.items()}, "seed": "23"}
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_OUTPAINT)


def test_edit_outpaint_takes_an_empty_prompt_and_creativity(client: Any, fake: FakeStability) -> None:
    result = client.edit_outpaint(png(128, 128), up=64, prompt="", creativity=0.5, output_format="webp")
    assert (result.width, result.height, result.format) == (128, 192, "webp")
    assert sent_fields(only(fake)) == {"up": "64", "prompt": "", "creativity": "0.5", "output_format": "webp"}


# ------------------------------------------------------------------------------------------------- search


def test_edit_search_and_replace(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.edit_search_and_replace(
        "a sailing ship", image=png(320, 128), search_prompt="lighthouse", negative_prompt="fog", grow_mask=20
    )
    complete(result, tmp_path)
    four_megapixels(result, 320, 128)
    sent = only(fake)
    assert sent.path == EDIT + "search-and-replace" and set(sent.files) == {"image"}
    assert sent_fields(sent) == {
        "prompt": "a sailing ship", "search_prompt": "lighthouse", "negative_prompt": "fog", "grow_mask": "20"
    }  # fmt: skip
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_SEARCH_AND_REPLACE)


def test_edit_search_and_recolor_keeps_the_inputs_size(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    result = client.edit_search_and_recolor(
        "a red lighthouse", image=png(128, 320), select_prompt="lighthouse", grow_mask=0, seed=25,
        output_format="jpeg",
    )  # fmt: skip
    complete(result, tmp_path, seed=25)
    assert (result.width, result.height, result.format) == (128, 320, "jpeg")
    sent = only(fake)
    assert sent.path == EDIT + "search-and-recolor"
    assert sent_fields(sent) == {
        "prompt": "a red lighthouse", "select_prompt": "lighthouse", "grow_mask": "0", "seed": "25",
        "output_format": "jpeg",
    }  # fmt: skip
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_SEARCH_AND_RECOLOR)


# ------------------------------------------------------------------------------------- remove background


@pytest.mark.parametrize("output_format", [None, "png", "webp"])
def test_edit_remove_background_answers_transparency(
    client: Any, fake: FakeStability, tmp_path: Path, output_format: str | None
) -> None:
    result = client.edit_remove_background(png(300, 200), output_format=output_format)
    complete(result, tmp_path)
    assert result.format == (output_format or "png") and (result.width, result.height) == (300, 200)
    picture = decoded(result)
    assert picture.mode == "RGBA"
    low, high = picture.getchannel("A").getextrema()
    assert (low, high) == (0, 255)  # a transparent background around an opaque subject
    sent = only(fake)
    assert sent.path == EDIT + "remove-background" and set(sent.files) == {"image"}
    assert sent_fields(sent) == ({"output_format": output_format} if output_format else {})
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_REMOVE_BACKGROUND)


# ------------------------------------------------------------------------------------------ relight (a job)


def test_relight_is_a_job_finished_by_results(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    fake.job_duration = 0.2
    job = client.edit_replace_background_and_relight(
        png(320, 256), background_prompt="a misty harbour", foreground_prompt="a lighthouse",
        keep_original_background=True, light_source_direction="above", light_source_strength=0.8, seed=26,
        output_format="jpeg",
    )  # fmt: skip
    assert len(job.id) == 64 and job.kind == RELIGHT and not job.done
    seen: list[Any] = []
    result = job.wait(poll_interval=FAST, on_progress=seen.append)
    assert isinstance(result, stability.ImageResult) and result.format == "jpeg"
    assert (result.width, result.height) == (320, 256) and result.finish_reason == "SUCCESS"
    decoded(result)
    assert job.done and job.result is result and seen[-1].done
    started, *polls = fake.requests
    assert (started.method, started.path) == ("POST", EDIT + "replace-background-and-relight")
    assert set(started.files) == {"subject_image"} and multipart(started)
    assert sent_fields(started) == {
        "background_prompt": "a misty harbour", "foreground_prompt": "a lighthouse",
        "keep_original_background": "true", "light_source_direction": "above", "light_source_strength": "0.8",
        "seed": "26", "output_format": "jpeg",
    }  # fmt: skip
    assert polls and all((p.method, p.path) == ("GET", RESULTS + job.id) for p in polls)
    assert fake.charges(RELIGHT) == 1 and fake.charges() == 1  # polls are free
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_RELIGHT)
    path = job.save(tmp_path / "relit.jpg")
    assert path.read_bytes() == result.data and len(fake.requests) == 1 + len(polls)  # kept: no new request


def test_relight_saves_and_resumes_by_id(make_client: Any, fake: FakeStability, tmp_path: Path) -> None:
    fake.job_duration = 0.1
    job = make_client().edit_replace_background_and_relight(
        png(256, 256), background_reference=png(128, 128), keep_original_background=False
    )
    assert fake.requests[0].fields == {"keep_original_background": "false"}
    assert set(fake.requests[0].files) == {"subject_image", "background_reference"}
    path = job.save(tmp_path / "relit.png", poll_interval=FAST)  # waits, then streams it to disk
    with Image.open(path) as saved:
        assert (saved.format, saved.size) == ("PNG", (256, 256))
    resumed = make_client().jobs.get(RELIGHT, job.id)
    assert resumed.id == job.id and resumed.kind == RELIGHT
    again = resumed.wait(poll_interval=FAST)
    assert again.data == path.read_bytes() and fake.requests[-1].path == RESULTS + job.id
    with pytest.raises(FileExistsError):
        resumed.save(path)
    assert fake.charges() == 1


# ------------------------------------------------------------------------------------------------ control


@pytest.mark.parametrize(("method", "path", "price"), [
    ("control_sketch", CONTROL + "sketch", L.PRICE_SKETCH),
    ("control_structure", CONTROL + "structure", L.PRICE_STRUCTURE),
])  # fmt: skip
def test_control_sketch_and_structure_keep_the_inputs_size(
    client: Any, fake: FakeStability, tmp_path: Path, method: str, path: str, price: float
) -> None:
    result = getattr(client, method)("a lighthouse at dusk", image=png(320, 192), control_strength=0.25, seed=31)
    complete(result, tmp_path, seed=31)
    assert (result.width, result.height, result.format) == (320, 192, "png")
    sent = only(fake)
    assert sent.path == path and set(sent.files) == {"image"}
    assert sent_fields(sent) == {"prompt": "a lighthouse at dusk", "control_strength": "0.25", "seed": "31"}
    assert fake.balance() == pytest.approx(BALANCE - price)


@pytest.mark.parametrize("aspect_ratio", [None, "16:9", "9:21"])
def test_control_style_makes_about_a_megapixel(
    client: Any, fake: FakeStability, tmp_path: Path, aspect_ratio: str | None
) -> None:
    result = client.control_style(
        "a lighthouse", image=png(256, 256), aspect_ratio=aspect_ratio, fidelity=0.9, output_format="webp"
    )
    complete(result, tmp_path)
    width, height = (int(side) for side in (aspect_ratio or "1:1").split(":"))
    assert math.isclose(result.width / result.height, width / height, rel_tol=0.1), (result.width, result.height)
    megapixels = result.width * result.height / 1_048_576
    assert L.MEGAPIXELS["style"] / 1.2 <= megapixels <= L.MEGAPIXELS["style"] * 1.2
    sent = only(fake)
    assert sent.path == CONTROL + "style"
    ratio = {"aspect_ratio": aspect_ratio} if aspect_ratio else {}
    assert sent_fields(sent) == {"prompt": "a lighthouse", **ratio, "fidelity": "0.9", "output_format": "webp"}
    assert fake.balance() == pytest.approx(BALANCE - L.PRICE_STYLE)


# ----------------------------------------------------------------------------------------------------- 3D


def read_glb(data: bytes) -> pygltflib.GLTF2:
    """The model as a glTF reader (pygltflib) loads it, once the SDK's own check passed it."""
    check_glb(data, "model/gltf-binary")
    return pygltflib.GLTF2.load_from_bytes(data)


def texture(data: bytes) -> Image.Image:
    """The model's base colour texture (the one image it embeds, through its material), decoded."""
    gltf = read_glb(data)
    [material] = gltf.materials
    base = material.pbrMetallicRoughness.baseColorTexture
    embedded = gltf.images[gltf.textures[base.index].source]
    view = gltf.bufferViews[embedded.bufferView]
    offset = view.byteOffset or 0
    picture = Image.open(io.BytesIO(gltf.binary_blob()[offset : offset + view.byteLength]))
    picture.load()
    assert embedded.mimeType == "image/png" and picture.format == "PNG"
    return picture


def test_stable_fast_3d_answers_a_glb_model(client: Any, fake: FakeStability, tmp_path: Path) -> None:
    model = client.stable_fast_3d(
        png(256, 192), texture_resolution=2048, foreground_ratio=0.5, remesh="quad", vertex_count=1000
    )
    assert isinstance(model, stability.ModelResult)
    assert model.format == "glb" and model.content_type == "model/gltf-binary"
    assert model.data[:4] == b"glTF" and model.size == len(model.data) > 0
    assert repr(model) == f"ModelResult(format='glb', {model.size} bytes)"
    assert not hasattr(model, "seed") and not hasattr(model, "finish_reason")  # the API sends neither
    assert model.request_id is None  # no x-request-id is documented for 3D
    gltf = read_glb(model.data)
    assert gltf.asset.version == "2.0" and len(gltf.meshes) == 1
    [primitive] = gltf.meshes[0].primitives
    positions = gltf.accessors[primitive.attributes.POSITION]
    assert positions.type == "VEC3" and 0 < positions.count <= 1000  # vertex_count: about this many, at most
    assert primitive.attributes.TEXCOORD_0 is not None and primitive.indices is not None
    assert texture(model.data).size == (2048, 2048)
    sent = only(fake)
    assert (sent.method, sent.path, sent.operation) == ("POST", FAST_3D, "stable_fast_3d") and multipart(sent)
    assert set(sent.files) == {"image"}
    assert sent_fields(sent) == {
        "texture_resolution": "2048", "foreground_ratio": "0.5", "remesh": "quad", "vertex_count": "1000"
    }  # fmt: skip
    assert fake.charges("stable_fast_3d") == 1 and fake.balance() == pytest.approx(BALANCE - L.PRICE_FAST_3D)
    path = model.save(tmp_path / "model.glb")
    assert path.read_bytes() == model.data


@pytest.mark.parametrize(("given", "sent"), [(None, None), (1024, "1024"), ("512", "512"), (512, "512")])
def test_stable_fast_3d_texture_resolution_is_sent_as_a_string(
    client: Any, fake: FakeStability, given: Any, sent: str | None
) -> None:
    model = client.stable_fast_3d(png(128, 128), texture_resolution=given)
    fields = sent_fields(only(fake))
    assert fields == ({"texture_resolution": sent} if sent else {})  # unset: not sent, the API's 1024 applies
    side = int(sent or "1024")
    assert texture(model.data).size == (side, side)


def test_model_result_saves_atomically(client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = client.stable_fast_3d(png(128, 128))
    path = model.save(tmp_path / "model.glb")
    assert path.read_bytes() == model.data
    with pytest.raises(FileExistsError):
        model.save(path)  # kept unless overwrite
    older = tmp_path / "older.glb"
    older.write_bytes(b"an earlier model")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", full)
        with pytest.raises(stability.SaveError) as caught:
            model.save(older, overwrite=True)
    assert caught.value.errno == errno.ENOSPC
    assert older.read_bytes() == b"an earlier model"  # complete or absent: never a half-written model
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.glb", "older.glb"]  # no temporary file left
    assert model.save(older, overwrite=True).read_bytes() == model.data


@pytest.mark.parametrize("name", ["model.png", "model.gltf", "model.jpg", "model.mp4", "model.webp"])
def test_model_result_refuses_the_names_of_other_formats(client: Any, tmp_path: Path, name: str) -> None:
    model = client.stable_fast_3d(png(128, 128))
    with pytest.raises(stability.ValidationError) as caught:
        model.save(tmp_path / name)
    assert "model.glb" in caught.value.rule  # it says the name to use
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["model.glb", "model.GLB", "model", "model.bin"])
def test_model_result_saves_under_glb_or_an_unknown_name(client: Any, tmp_path: Path, name: str) -> None:
    model = client.stable_fast_3d(png(128, 128))
    assert model.save(tmp_path / name).read_bytes() == model.data


# ------------------------------------------------------------------------------------ every input, every way

# Valid, small arguments of each operation, with every file field it takes given.
WITH_EVERY_FILE: dict[str, Callable[[], dict[str, Any]]] = {
    "edit_erase": lambda: {"image": png(128, 128), "mask": png(128, 128)},
    "edit_inpaint": lambda: {"prompt": "a moon", "image": png(128, 128), "mask": png(128, 128)},
    "edit_outpaint": lambda: {"image": png(128, 128), "left": 16},
    "edit_search_and_replace": lambda: {"prompt": "a ship", "image": png(128, 128), "search_prompt": "a tower"},
    "edit_search_and_recolor": lambda: {"prompt": "red", "image": png(128, 128), "select_prompt": "a tower"},
    "edit_remove_background": lambda: {"image": png(128, 128)},
    RELIGHT: lambda: {
        "subject_image": png(128, 128),
        "background_reference": png(128, 128),
        "light_reference": png(128, 128),
        "light_source_strength": 0.5,
    },  # fmt: skip
    "control_sketch": lambda: {"prompt": "x", "image": png(128, 128)},
    "control_structure": lambda: {"prompt": "x", "image": png(128, 128)},
    "control_style": lambda: {"prompt": "x", "image": png(128, 128)},
    "stable_fast_3d": lambda: {"image": png(128, 128)},
}
FILE_FIELDS = [(name, field) for name in OPERATIONS for field in REGISTRY[name].files]
KINDS = ["str path", "Path", "bytes", "binary file", "PIL"]


def test_every_operation_and_file_field_is_covered() -> None:
    assert len(OPERATIONS) == 11 and set(WITH_EVERY_FILE) == set(OPERATIONS)
    for name in OPERATIONS:
        assert set(REGISTRY[name].files) <= set(WITH_EVERY_FILE[name]()), name


def _given(kind: str, data: bytes, tmp_path: Path) -> Any:
    path = tmp_path / "input.png"
    path.write_bytes(data)
    make: dict[str, Callable[[], Any]] = {
        "str path": lambda: str(path),
        "Path": lambda: path,
        "bytes": lambda: data,
        "binary file": lambda: path.open("rb"),
        "PIL": lambda: Image.open(io.BytesIO(data)),
    }
    return make[kind]()


def _call(client: Any, name: str, kwargs: dict[str, Any]) -> Any:
    """Call ``name``; a job is waited for."""
    produced = getattr(client, name)(**kwargs)
    return produced.wait(poll_interval=FAST) if REGISTRY[name].returns == "job" else produced


@pytest.mark.parametrize(("name", "field"), FILE_FIELDS, ids=[f"{n}.{f}" for n, f in FILE_FIELDS])
def test_every_file_field_takes_every_kind_of_input(
    client: Any, fake: FakeStability, tmp_path: Path, name: str, field: str
) -> None:
    for kind in KINDS:
        kwargs = WITH_EVERY_FILE[name]()
        data = kwargs[field]
        kwargs[field] = source = _given(kind, data, tmp_path)
        try:
            produced = _call(client, name, kwargs)
        finally:
            if hasattr(source, "close"):
                source.close()
        assert isinstance(produced, stability.ImageResult | stability.ModelResult), kind
        [started] = [r for r in fake.requests if r.method == "POST"]
        upload = started.files[field]
        assert upload.content_type == "image/png" and str(upload.filename).endswith(".png"), kind
        if kind != "PIL":  # a file is sent as it is; a PIL image is encoded (as PNG)
            assert upload.size == len(data), kind
        fake.reset()


# ---------------------------------------------------------------------------------------- what is sent

# The least each operation takes: what it requires (erase and inpaint: an image with alpha, no mask).
LEAST: dict[str, Callable[[], dict[str, Any]]] = {
    "edit_erase": lambda: {"image": png(96, 96, alpha=True)},
    "edit_inpaint": lambda: {"prompt": "a moon", "image": png(96, 96, alpha=True)},
    "edit_outpaint": lambda: {"image": png(96, 96), "down": 8},
    "edit_search_and_replace": lambda: {"prompt": "a ship", "image": png(96, 96), "search_prompt": "a tower"},
    "edit_search_and_recolor": lambda: {"prompt": "red", "image": png(96, 96), "select_prompt": "a tower"},
    "edit_remove_background": lambda: {"image": png(96, 96)},
    RELIGHT: lambda: {"subject_image": png(96, 96), "background_prompt": "a harbour"},
    "control_sketch": lambda: {"prompt": "lines", "image": png(96, 96)},
    "control_structure": lambda: {"prompt": "shapes", "image": png(96, 96)},
    "control_style": lambda: {"prompt": "style", "image": png(96, 96)},
    "stable_fast_3d": lambda: {"image": png(96, 96)},
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_unset_arguments_are_not_sent(client: Any, fake: FakeStability, name: str) -> None:
    assert set(LEAST) == set(OPERATIONS)
    kwargs = LEAST[name]()
    _call(client, name, kwargs)
    started = fake.requests[0]
    entry = REGISTRY[name]
    assert (started.method, started.path, started.operation) == ("POST", entry.path, name)
    assert set(started.files) == set(kwargs) & set(entry.files)
    assert sent_fields(started) == {k: str(v) for k, v in kwargs.items() if k not in entry.files}
    assert fake.charges() == 1
