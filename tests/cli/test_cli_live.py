"""The live operations from the terminal: `stability generate-ultra`, `upscale-fast`, `upscale-creative`,
`image-to-video-v2beta`, `balance` (v1) and `balance-v1alpha`, against the fake over loopback; and the demo,
which runs them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from stability._core import limits as L
from stability._core.media import check_glb
from stability._operations.registry import REGISTRY
from tests.cli.conftest import Cli

POLL = ("--poll-interval", "0.1")


def picture(path: Path) -> tuple[str, tuple[int, int]]:
    with Image.open(path) as image:
        image.load()
        return str(image.format), image.size


def paths(cli: Cli) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in cli.fake.requests]


def test_generate_ultra_writes_the_image_asked_for(cli: Cli) -> None:
    run = cli("generate-ultra", "a lighthouse at dawn", "--aspect-ratio", "16:9", "--seed", "42", "-o", "x.png")
    assert run.code == 0, run.err
    assert run.out.startswith("wrote x.png  (png ") and "seed 42" in run.out and "finish SUCCESS" in run.out
    fmt, (width, height) = picture(cli.cwd / "x.png")
    assert fmt == "PNG" and width > height
    assert paths(cli) == [("POST", "/v2beta/stable-image/generate/ultra")]
    assert cli.fake.balance() == pytest.approx(1000.0 - L.PRICE_ULTRA)


def test_generate_ultra_image_to_image_and_the_extension_picks_the_format(cli: Cli) -> None:
    run = cli("generate-ultra", "as a watercolour", "--image", "photo.png", "--strength", "0.5", "-o", "w.webp",
              "--json")  # fmt: skip
    assert run.code == 0, run.err
    assert run.json()["outputs"][0]["format"] == "webp" and picture(cli.cwd / "w.webp")[0] == "WEBP"
    sent = cli.fake.requests[0]
    assert sent.fields["output_format"] == "webp" and "image" in sent.files


def test_generate_ultra_without_strength_is_refused_before_sending(cli: Cli) -> None:
    run = cli("generate-ultra", "as a watercolour", "--image", "photo.png")
    assert run.code == 3 and "--strength" in run.err.splitlines()[-1]
    assert cli.fake.requests == []


def test_generate_sd3_has_no_webp(cli: Cli) -> None:
    run = cli("generate-sd3", "a lighthouse", "-o", "x.webp")
    assert run.code != 0 and cli.fake.requests == []
    run = cli("generate-sd3", "a lighthouse", "--model", "sd3.5-medium", "-o", "x.jpg", "--json")
    assert run.code == 0 and picture(cli.cwd / "x.jpg")[0] == "JPEG"
    assert cli.fake.balance() == pytest.approx(1000.0 - L.PRICE_SD3["sd3.5-medium"])


def test_upscale_fast_is_4x(cli: Cli) -> None:
    run = cli("upscale-fast", "--image", "photo.png", "-o", "big.webp", "--json")
    assert run.code == 0, run.err
    (output,) = run.json()["outputs"]
    assert picture(cli.cwd / "big.webp") == ("WEBP", (2048, 2048)) == ("WEBP", (output["width"], output["height"]))
    assert paths(cli) == [("POST", "/v2beta/stable-image/upscale/fast")]


def test_upscale_creative_waits_and_writes(cli: Cli) -> None:
    run = cli("upscale-creative", "a sharper lighthouse", "--image", "photo.png", "-o", "sharp.png", *POLL, "--json")
    assert run.code == 0, run.err
    data = run.json()
    assert data["job"]["kind"] == "upscale_creative" and len(data["job"]["id"]) == 64
    fmt, (width, _) = picture(cli.cwd / "sharp.png")
    assert fmt == "PNG" and width > 512
    started, *polls = paths(cli)
    assert started == ("POST", "/v2beta/stable-image/upscale/creative")
    assert polls and all(p == ("GET", f"/v2beta/results/{data['job']['id']}") for p in polls)


def test_upscale_creative_no_wait_then_result(cli: Cli) -> None:
    started = cli("upscale-creative", "sharper", "--image", "photo.png", "--no-wait", "--json").json()
    job_id = started["job"]["id"]
    run = cli("result", "upscale-creative", job_id, "-o", "later.png", *POLL, "--json")
    assert run.code == 0, run.err
    assert run.json()["job"]["id"] == job_id and picture(cli.cwd / "later.png")[0] == "PNG"


def test_image_to_video_v2beta_writes_an_mp4(cli: Cli) -> None:
    run = cli("image-to-video-v2beta", "--image", "frame.png", "--seed", "7", "-o", "clip.mp4", *POLL)
    assert run.code == 0, run.err
    data = (cli.cwd / "clip.mp4").read_bytes()
    assert data[4:8] == b"ftyp"
    started, *polls = paths(cli)
    assert started == ("POST", "/v2beta/image-to-video")
    assert polls and all(path.startswith("/v2beta/image-to-video/result/") for _, path in polls)
    assert cli.fake.balance() == pytest.approx(1000.0 - L.PRICE_IMAGE_TO_VIDEO)


@pytest.mark.parametrize(
    ("command", "path"),
    [
        ("balance", "/v1/user/balance"),
        ("balance-v1alpha", "/v1alpha/user/balance"),
        ("account", "/v1/user/account"),
        ("account-v1alpha", "/v1alpha/user/account"),
        ("engines", "/v1/engines/list"),
        ("engines-v1alpha", "/v1alpha/engines/list"),
    ],
)
def test_the_account_commands_and_their_v1alpha_twins(cli: Cli, command: str, path: str) -> None:
    run = cli(command, "--json")
    assert run.code == 0, run.err
    if command.startswith("balance"):
        assert run.json() == {"credits": 1000.0}
    assert paths(cli) == [("GET", path)]


def test_the_demo_writes_a_file_for_every_live_operation(cli: Cli) -> None:
    env = cli.env(STABILITY_API_KEY=None, STABILITY_BASE_URL=None)
    run = cli("demo", "--output-dir", "out", "--job-duration", "0.2", env=env, timeout=180)
    assert run.code == 0, run.err
    written = {p.stem: p.suffix for p in (cli.cwd / "out").iterdir()}
    live = [str(e.cli) for e in REGISTRY.values() if e.path.startswith("/v2beta/") and e.charged]
    assert set(live) <= set(written), sorted(written)
    assert written["image-to-video-v2beta"] == ".mp4" and written["upscale-fast"] == ".webp"
    assert written["stable-fast-3d"] == ".glb"
    check_glb((cli.cwd / "out" / "stable-fast-3d.glb").read_bytes(), None)
    suffix = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
    for command in live:
        if written[command] not in (".mp4", ".glb"):  # a video and a 3D model are no pictures
            fmt, _ = picture(cli.cwd / "out" / f"{command}{written[command]}")
            assert suffix[fmt] == written[command], command
    for command in ("generate-ultra", "generate-core", "generate-sd3", "upscale-creative", "balance"):
        assert any(line.startswith(command) for line in run.out.splitlines()), run.out
