"""v2beta edit, control and 3D from the terminal (`stability edit-erase`, ..., `control-style`, `stable-fast-3d`),
against the fake over loopback: the files each command writes, the relight job (waited for, or started with
--no-wait and fetched with `stability result`), the flag pair --keep-original-background /
--no-keep-original-background, and the refusals made before anything is sent."""

from __future__ import annotations

import io

import pygltflib
import pytest
from PIL import Image

from stability._core import limits as L
from stability._core.media import check_glb
from stability._operations.registry import REGISTRY
from tests.cli.conftest import Cli
from tests.cli.test_cli_live import POLL, paths, picture
from tests.raw_cases import png

RELIGHT = "edit-replace-background-and-relight"
COMMANDS = sorted(
    str(entry.cli)
    for entry in REGISTRY.values()
    if entry.path.startswith(("/v2beta/stable-image/edit/", "/v2beta/stable-image/control/", "/v2beta/3d/"))
)
FOUR_MEGAPIXELS = L.EDIT_MEGAPIXELS * 1_048_576


def test_help_lists_every_new_command(cli: Cli) -> None:
    assert len(COMMANDS) == 11
    run = cli("--help")
    assert run.code == 0
    listed = " ".join(run.out.split())  # argparse wraps long summaries
    for command in COMMANDS:
        entry = next(e for e in REGISTRY.values() if e.cli == command)
        assert f" {command} " in listed and " ".join(str(entry.summary).split()) in listed, command


@pytest.mark.parametrize("command", COMMANDS)
def test_each_commands_help_shows_its_arguments(cli: Cli, command: str) -> None:
    run = cli(command, "--help")
    assert run.code == 0 and run.out.startswith(f"usage: stability {command} ")
    entry = next(e for e in REGISTRY.values() if e.cli == command)
    flags = [f"--{name.replace('_', '-')}" for name in entry.params if name != "prompt"]
    assert all(flag in run.out for flag in flags), [flag for flag in flags if flag not in run.out]


# (command line, the path it posts to, the output: its file, Pillow's format, and its size or None for "4 MP")
WRITES: dict[str, tuple[list[str], str, str, str, tuple[int, int] | None]] = {
    "edit-erase": (
        ["--image", "photo.png", "--mask", "mask.png", "--grow-mask", "10", "-o", "erased.webp"],
        "edit/erase", "erased.webp", "WEBP", None,
    ),
    "edit-inpaint": (
        ["a full moon", "--image", "photo.png", "--mask", "mask.png", "--grow-mask", "100", "-o", "moon.jpg"],
        "edit/inpaint", "moon.jpg", "JPEG", None,
    ),
    "edit-outpaint": (
        ["a calm sea", "--image", "photo.png", "--left", "100", "--down", "50", "-o", "wider.png"],
        "edit/outpaint", "wider.png", "PNG", (612, 562),
    ),
    "edit-search-and-replace": (
        ["a sailing ship", "--image", "photo.png", "--search-prompt", "lighthouse", "-o", "ship.png"],
        "edit/search-and-replace", "ship.png", "PNG", None,
    ),
    "edit-search-and-recolor": (
        ["a red lighthouse", "--image", "photo.png", "--select-prompt", "lighthouse", "-o", "red.png"],
        "edit/search-and-recolor", "red.png", "PNG", (512, 512),
    ),
    "edit-remove-background": (
        ["--image", "photo.png", "-o", "cut.webp"], "edit/remove-background", "cut.webp", "WEBP", (512, 512)
    ),
    "control-sketch": (
        ["a lighthouse", "--image", "photo.png", "--control-strength", "0.5", "-o", "sketch.png"],
        "control/sketch", "sketch.png", "PNG", (512, 512),
    ),
    "control-structure": (
        ["a lighthouse", "--image", "photo.png", "-o", "structure.jpg"],
        "control/structure", "structure.jpg", "JPEG", (512, 512),
    ),
    "control-style": (
        ["a lighthouse", "--image", "photo.png", "--aspect-ratio", "16:9", "--fidelity", "0.8", "-o", "style.png"],
        "control/style", "style.png", "PNG", None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("command", list(WRITES))
def test_each_image_command_writes_its_output(cli: Cli, command: str) -> None:
    arguments, path, output, fmt, size = WRITES[command]
    run = cli(command, *arguments, "--json")
    assert run.code == 0, run.err
    (described,) = run.json()["outputs"]
    found, (width, height) = picture(cli.cwd / output)
    assert found == fmt and described["path"] == output and (described["width"], described["height"]) == (width, height)
    assert isinstance(described["seed"], int) and described["finish_reason"] == "SUCCESS"
    if size is not None:
        assert (width, height) == size
    elif command == "control-style":
        assert width > height and 0.8 <= width * height / 1_048_576 <= 1.2
    else:  # erase, inpaint and search-and-replace make 4 megapixels, in the input's (square) shape
        assert width == height and abs(width * height - FOUR_MEGAPIXELS) <= 0.01 * FOUR_MEGAPIXELS
    assert paths(cli) == [("POST", f"/v2beta/stable-image/{path}")]
    entry = next(e for e in REGISTRY.values() if e.cli == command)
    assert cli.fake.balance() == pytest.approx(1000.0 - entry.price)


def test_remove_background_writes_transparency(cli: Cli) -> None:
    run = cli("edit-remove-background", "--image", "photo.png", "-o", "cut.png")
    assert run.code == 0, run.err
    with Image.open(cli.cwd / "cut.png") as cut:
        assert cut.mode == "RGBA" and cut.getchannel("A").getextrema() == (0, 255)
    run = cli("edit-remove-background", "--image", "photo.png", "-o", "cut.jpg")
    assert run.code == 2 and "png or webp" in run.err and len(cli.fake.requests) == 1  # no JPEG: refused unsent


def test_erase_uses_the_alpha_channel_without_a_mask(cli: Cli) -> None:
    (cli.cwd / "cutout.png").write_bytes(png(256, 256, alpha=True))
    run = cli("edit-erase", "--image", "cutout.png", "--seed", "5")
    assert run.code == 0, run.err
    assert run.out.startswith("wrote edit-erase-5.png  (png 2048x2048")  # the default name: command and seed
    assert set(cli.fake.requests[0].files) == {"image"}
    run = cli("edit-erase", "--image", "photo.png")  # no mask, and no alpha channel to use instead
    assert run.code == 3 and "--mask" in run.err.splitlines()[-1] and "alpha" in run.err
    assert len(cli.fake.requests) == 1


# ----------------------------------------------------------------------------------------------------- 3D


def _texture_size(data: bytes) -> tuple[int, int]:
    """The size of the texture a GLB embeds, as a glTF reader (pygltflib) finds it."""
    check_glb(data, None)
    gltf = pygltflib.GLTF2.load_from_bytes(data)
    view = gltf.bufferViews[gltf.images[0].bufferView]
    offset = view.byteOffset or 0
    with Image.open(io.BytesIO(gltf.binary_blob()[offset : offset + view.byteLength])) as texture:
        return texture.size


def test_stable_fast_3d_writes_a_glb(cli: Cli) -> None:
    run = cli("stable-fast-3d", "--image", "photo.png", "--texture-resolution", "2048", "--remesh", "quad",
              "-o", "model.glb")  # fmt: skip
    assert run.code == 0, run.err
    data = (cli.cwd / "model.glb").read_bytes()
    assert _texture_size(data) == (2048, 2048)
    assert run.out.startswith("wrote model.glb  (glb, ") and "seed" not in run.out  # a model has no seed
    sent = cli.fake.requests[0]
    assert (sent.path, sent.fields) == ("/v2beta/3d/stable-fast-3d", {"texture_resolution": "2048", "remesh": "quad"})
    assert cli.fake.balance() == pytest.approx(1000.0 - L.PRICE_FAST_3D)


def test_stable_fast_3d_names_its_output_and_reports_it_as_json(cli: Cli) -> None:
    first = cli("stable-fast-3d", "--image", "photo.png", "--json")
    second = cli("stable-fast-3d", "--image", "photo.png", "--json")
    assert first.code == second.code == 0, first.err + second.err
    (one,), (two,) = first.json()["outputs"], second.json()["outputs"]
    assert (one["path"], two["path"]) == ("stable-fast-3d.glb", "stable-fast-3d-2.glb")  # never overwritten
    assert one["format"] == "glb" and one["bytes"] == len((cli.cwd / one["path"]).read_bytes())
    assert "seed" not in one and "finish_reason" not in one and "width" not in one
    assert cli.fake.requests[0].fields == {}  # nothing unasked for is sent


@pytest.mark.parametrize("output", ["model.png", "model.gltf", "model.jpg", "model.mp4"])
def test_stable_fast_3d_refuses_a_picture_name_before_sending(cli: Cli, output: str) -> None:
    run = cli("stable-fast-3d", "--image", "photo.png", "-o", output)
    assert run.code == 2 and output in run.err and "glb" in run.err.splitlines()[-1]
    assert cli.fake.requests == [] and not (cli.cwd / output).exists()


def test_stable_fast_3d_checks_its_arguments_before_sending(cli: Cli) -> None:
    run = cli("stable-fast-3d", "--image", "photo.png", "--texture-resolution", "1000")
    assert run.code == 3 and "--texture-resolution" in run.err and "512, 1024, 2048" in run.err
    run = cli("stable-fast-3d", "--image", "photo.png", "--vertex-count", "20001")
    assert run.code == 3 and "--vertex-count" in run.err
    assert cli.fake.requests == []


# ------------------------------------------------------------------------------------------ relight (a job)


def test_relight_waits_and_writes(cli: Cli) -> None:
    run = cli(RELIGHT, "--subject-image", "photo.png", "--background-prompt", "a misty harbour",
              "--keep-original-background", "--light-source-direction", "left", "-o", "relit.png", *POLL,
              "--json")  # fmt: skip
    assert run.code == 0, run.err
    data = run.json()
    assert data["job"]["kind"] == "edit_replace_background_and_relight" and len(data["job"]["id"]) == 64
    assert picture(cli.cwd / "relit.png") == ("PNG", (512, 512))
    started, *polls = cli.fake.requests
    assert started.path == "/v2beta/stable-image/edit/replace-background-and-relight"
    assert started.fields == {
        "background_prompt": "a misty harbour", "keep_original_background": "true", "light_source_direction": "left",
        "output_format": "png",  # the CLI always asks for the format it writes (here -o's)
    }  # fmt: skip
    assert polls and all((p.method, p.path) == ("GET", f"/v2beta/results/{data['job']['id']}") for p in polls)
    assert cli.fake.balance() == pytest.approx(1000.0 - L.PRICE_RELIGHT)


def test_relight_no_wait_then_result(cli: Cli) -> None:
    started = cli(RELIGHT, "--subject-image", "photo.png", "--background-reference", "mask.png",
                  "--no-keep-original-background", "--output-format", "webp", "--no-wait", "--json")  # fmt: skip
    assert started.code == 0, started.err
    job_id = started.json()["job"]["id"]
    assert cli.fake.requests[0].fields == {"keep_original_background": "false", "output_format": "webp"}
    assert set(cli.fake.requests[0].files) == {"subject_image", "background_reference"}
    run = cli("result", RELIGHT, job_id, "-o", "later.webp", *POLL, "--json")
    assert run.code == 0, run.err
    assert run.json()["job"]["id"] == job_id and picture(cli.cwd / "later.webp")[0] == "WEBP"
    assert cli.fake.charges() == 1


def test_relight_checks_its_rules_before_sending(cli: Cli) -> None:
    run = cli(RELIGHT, "--subject-image", "photo.png")
    assert run.code == 3 and "--background-prompt" in run.err.splitlines()[-1]
    run = cli(RELIGHT, "--subject-image", "photo.png", "--background-prompt", "x", "--light-source-strength", "0.5")
    assert run.code == 3 and "--light-source-strength" in run.err and "--light-source-direction" in run.err
    run = cli(RELIGHT, "--subject-image", "photo.png", "--background-prompt", "x", "--keep-original-background",
              "true")  # fmt: skip
    assert run.code == 2  # a flag takes no value
    assert cli.fake.requests == []
