"""Stability's official samples of the live operations run against the fake, unchanged but for host and key.

tests/testing/data/official_samples.json holds the Python and cURL `x-codeSamples` of every v1 and v2beta operation
the SDK has, copied verbatim from the document Stability served (see its `_origin`). Each one runs as a separate
process (`python -c`, or `bash -c` with the real curl) in a directory holding the files it opens, with three
strings replaced: the host `https://api.stability.ai` by the fake's URL, the key `sk-MYAPIKEY` by the fake's, and
the poll samples' example id `e52772ac75b...` by a generation the start sample made. The v1 samples read
`API_HOST` and `STABILITY_API_KEY` from the environment, as written. What each sample writes (an image, a video,
a 3D model, the job's id) is then checked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stability._core import limits as L
from stability._operations.registry import REGISTRY, Entry
from stability.testing import FakeStability
from stability.testing._media import scaled_size
from tests.testing._helpers import decode, image_bytes, mp4_size, texture_size

DATA = Path(__file__).parent / "data" / "official_samples.json"
OFFICIAL = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "specs"
    / "v2beta-v2alpha-v1.cedricziel-stabilityai-dart.openapi.json"
)
HOST, KEY, EXAMPLE_ID = "https://api.stability.ai", "sk-MYAPIKEY", "e52772ac75b..."
SAMPLES: list[dict[str, Any]] = json.loads(DATA.read_text())["samples"]
LIVE = [entry for entry in REGISTRY.values() if entry.path.split("/")[1] in ("v1", "v2beta")]
LANGUAGES = ("python", "curl")
CURL, BASH = shutil.which("curl"), shutil.which("bash")

# The files the samples open, made in each sample's directory: every size one operation takes.
INPUTS = {
    "kittens-in-space.png": image_bytes(768, 768),  # image-to-video (Python)
    "image.png": image_bytes(1024, 576),  # image-to-video (cURL)
    "low-res-flower.jpg": image_bytes(256, 192, "jpeg"),  # the fast and conservative upscales
    "kitten-in-space.png": image_bytes(256, 256),  # the creative upscale (Python)
    "kitten-in-rainforest.png": image_bytes(320, 240),  # the creative upscale (cURL)
    "kangaroo-on-the-beach.png": image_bytes(384, 256),  # erase, with its mask
    "mask-of-kangaroo.png": image_bytes(384, 256, color=(255, 255, 255)),
    "dog-wearing-vr-goggles.png": image_bytes(256, 320),  # inpaint, with its mask
    "mask.png": image_bytes(256, 320, color=(255, 255, 255)),
    "husky-in-a-field.png": image_bytes(320, 256),  # outpaint, search-and-replace, remove-background, relight
    "red-car.png": image_bytes(352, 224),  # search-and-recolor
    "sketch.png": image_bytes(288, 320),  # control/sketch
    "cat-statue.png": image_bytes(256, 256),  # control/structure and Stable Fast 3D
    "cinematic-portrait.png": image_bytes(256, 384),  # control/style
}
FOUR_MEGAPIXELS = int(L.EDIT_MEGAPIXELS * 1_048_576)
# What each synchronous sample writes: its file, the format and the size.
WRITES = {
    "generate_ultra": ("lighthouse.webp", "WEBP", (1024, 1024)),
    "generate_core": ("lighthouse.webp", "WEBP", (1280, 1280)),
    "generate_sd3": ("lighthouse.jpeg", "JPEG", (1024, 1024)),
    "upscale_fast": ("flower.webp", "WEBP", (1024, 768)),
    "upscale_conservative": ("flower.webp", "WEBP", scaled_size(256, 192, L.UPSCALED_PIXELS)),
    "edit_erase": ("just-the-beach.webp", "WEBP", scaled_size(384, 256, FOUR_MEGAPIXELS)),
    "edit_inpaint": ("dog-wearing-black-glasses.webp", "WEBP", scaled_size(256, 320, FOUR_MEGAPIXELS)),
    "edit_outpaint": ("husky-in-a-huge-field.webp", "WEBP", (320 + 200, 256 + 200)),
    "edit_search_and_replace": ("golden-retriever-in-a-field.webp", "WEBP", scaled_size(320, 256, FOUR_MEGAPIXELS)),
    "edit_search_and_recolor": ("yellow-car.webp", "WEBP", (352, 224)),
    "edit_remove_background": ("husky.webp", "WEBP", (320, 256)),
    "control_sketch": ("castle.webp", "WEBP", (288, 320)),
    "control_structure": ("shrub-in-a-garden.webp", "WEBP", (256, 256)),
    "control_style": ("chicken-portrait.webp", "WEBP", (1024, 1024)),
    "stable_fast_3d": ("3d-cat-statue.glb", "GLB", (1024, 1024)),  # the size of its texture (the default)
}
TRANSPARENT = {"edit_remove_background"}
# Where a language's sample asks for something else: cURL's outpaint sends `bottom`, not a field (only `left`).
WRITES_BY_LANGUAGE = {("edit_outpaint", "curl"): (320 + 200, 256)}
# What each result sample writes, by language, and the size of the input its start sample sent.
POLLED = {
    "results": {"python": "result.webp", "curl": "result.webp"},
    "upscale_creative_result": {"python": "upscaled.webp", "curl": "upscaled.webp"},
    "image_to_video_v2beta_result": {"python": "video.mp4", "curl": "output.mp4"},
}
STARTED_FROM = {
    "upscale_creative": {"python": (256, 256), "curl": (320, 240)},
    "image_to_video_v2beta": {"python": (768, 768), "curl": (1024, 576)},
    "edit_replace_background_and_relight": {"python": (320, 256), "curl": (320, 256)},
}
# The size of an image job's result, from its input's.
RESULT_SIZE = {
    "upscale_creative": lambda width, height: scaled_size(width, height, L.UPSCALED_PIXELS),
    "edit_replace_background_and_relight": lambda width, height: (width, height),
}


def _official_samples(document: dict[str, Any], entry: Entry) -> list[dict[str, Any]]:
    """An operation's Python and cURL samples, as the data file keeps them."""
    found = document["paths"][entry.path][entry.method.lower()]["x-codeSamples"]
    return [
        {"method": entry.method, "path": entry.path, "lang": s["lang"], "label": s.get("label"), "source": s["source"]}
        for s in found
        if s["lang"].lower() in ("python", "terminal", "curl")
    ]


def _sample(name: str, language: str) -> str:
    entry = REGISTRY[name]
    langs = ("python",) if language == "python" else ("terminal", "curl")
    [source] = [
        s["source"]
        for s in SAMPLES
        if (s["method"], s["path"]) == (entry.method, entry.path) and s["lang"].lower() in langs
    ]
    return str(source)


def test_the_data_file_has_a_python_and_a_curl_sample_of_every_live_operation() -> None:
    assert sorted((s["method"], s["path"]) for s in SAMPLES) == sorted(
        (entry.method, entry.path) for entry in LIVE for _ in LANGUAGES
    )
    for entry in LIVE:
        for language in LANGUAGES:
            assert _sample(entry.name, language)
    assert set(WRITES) | set(STARTED_FROM) | set(POLLED) | {"engines", "account", "balance"} == {e.name for e in LIVE}


@pytest.mark.skipif(not OFFICIAL.exists(), reason="the reference copy of Stability's document is not beside the repo")
def test_the_samples_are_stabilitys_verbatim() -> None:
    document = json.loads(OFFICIAL.read_text())
    assert SAMPLES == [sample for entry in LIVE for sample in _official_samples(document, entry)]


# ------------------------------------------------------------------------------------------------ running


@pytest.fixture(scope="module")
def server() -> Iterator[FakeStability]:
    with FakeStability() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeStability) -> Iterator[FakeStability]:
    yield server
    server.reset()
    server.job_duration = 0.0


def _environment(fake: FakeStability) -> dict[str, str]:
    """This process's environment without proxies (the fake is on loopback), with the v1 samples' variables."""
    kept = {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}
    return {**kept, "API_HOST": fake.base_url, "STABILITY_API_KEY": fake.api_key}


# Runs a Python sample as a script; a `payload` it leaves (the v1 samples read the answer into one) is saved.
_PYTHON = (
    "import json, sys\n"
    "namespace = {'__name__': '__main__'}\n"
    "exec(compile(sys.argv[1], 'sample.py', 'exec'), namespace)\n"
    "if 'payload' in namespace:\n"
    "    open('payload.json', 'w').write(json.dumps(namespace['payload']))\n"
)


def _run(
    fake: FakeStability, tmp_path: Path, name: str, language: str, generation_id: str | None = None, run: str = ""
) -> tuple[Path, str]:
    """Run one sample in a directory of its own holding the inputs; its directory and standard output."""
    if language == "curl" and (CURL is None or BASH is None):
        pytest.skip("curl (and bash) are not installed")
    source = _sample(name, language).replace(HOST, fake.base_url).replace(KEY, fake.api_key)
    if generation_id is not None:
        assert EXAMPLE_ID in source
        source = source.replace(EXAMPLE_ID, generation_id)
    where = tmp_path / f"{name}-{language}{run}"
    where.mkdir()
    for file_name, data in INPUTS.items():
        (where / file_name).write_bytes(data)
    command = [sys.executable, "-c", _PYTHON, source] if language == "python" else [str(BASH), "-c", source]
    done = subprocess.run(
        command, cwd=where, env=_environment(fake), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, (name, language, done.stdout, done.stderr)
    return where, done.stdout


@pytest.mark.parametrize("language", LANGUAGES)
def test_v1_samples(fake: FakeStability, tmp_path: Path, language: str) -> None:
    answers = {}
    for name in ("engines", "account", "balance"):
        where, stdout = _run(fake, tmp_path, name, language)
        answers[name] = json.loads((where / "payload.json").read_text() if language == "python" else stdout)
    assert isinstance(answers["engines"], list) and answers["engines"][0]["type"] == "PICTURE"
    assert answers["account"]["organizations"][0]["is_default"] is True
    assert answers["balance"] == {"credits": fake.balance()}
    assert [(r.operation, r.status) for r in fake.requests] == [("engines", 200), ("account", 200), ("balance", 200)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(WRITES))
def test_synchronous_samples_write_their_image(fake: FakeStability, tmp_path: Path, name: str, language: str) -> None:
    where, _ = _run(fake, tmp_path, name, language)
    file_name, image_format, size = WRITES[name]
    size = WRITES_BY_LANGUAGE.get((name, language), size)
    written = (where / file_name).read_bytes()
    if image_format == "GLB":
        assert texture_size(written) == size
    else:
        image = decode(written)
        assert (image.format, image.size) == (image_format, size)
        assert (image.mode == "RGBA") == (name in TRANSPARENT)
    [request] = fake.requests
    assert (request.operation, request.status) == (name, 200) and fake.charges(name) == 1
    if language == "python" and name.startswith("generate_"):
        assert set(request.files) == {"none"}  # the dummy part that makes requests send multipart


def _started(where: Path, stdout: str, language: str) -> str:
    """The generation id a start sample printed (Python) or saved (cURL's output.json)."""
    if language == "python":
        found = re.fullmatch(r"Generation ID: (\w{64})\n", stdout)
        assert found is not None, stdout
        return found.group(1)
    generation_id: str = json.loads((where / "output.json").read_text())["id"]
    return generation_id


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("starter", sorted(STARTED_FROM))
def test_job_samples_start_poll_and_save(fake: FakeStability, tmp_path: Path, starter: str, language: str) -> None:
    """The start sample, then each result sample of that job: first while it runs (the sample says to try
    again), then once it is done (the sample saves the result)."""
    fake.job_duration = 30.0
    generation_id = _started(*_run(fake, tmp_path, starter, language), language)
    results = [name for name, entry in REGISTRY.items() if starter in entry.finishes]
    for result in results:
        where, stdout = _run(fake, tmp_path, result, language, generation_id, run="-pending")
        assert stdout.startswith(("Generation in-progress", "Still processing")), stdout
        assert not (where / POLLED[result][language]).exists() or language == "curl"  # curl -o keeps the 202 body
    fake.clock.advance(30.0)
    width, height = STARTED_FROM[starter][language]
    for result in results:
        where, stdout = _run(fake, tmp_path, result, language, generation_id)
        assert stdout.startswith(("Generation complete!", "Download complete!")), stdout
        data = (where / POLLED[result][language]).read_bytes()
        if REGISTRY[result].media == "video":
            assert mp4_size(data) == (width, height)
        else:
            image = decode(data)
            assert image.format == "WEBP" and image.size == RESULT_SIZE[starter](width, height)
    assert [r.status for r in fake.requests] == [200] + [202] * len(results) + [200] * len(results)
    assert fake.charges(starter) == 1
