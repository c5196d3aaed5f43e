"""Benchmarks 1 and 2: client CPU and wall time per call through raw httpx, the generated call and the facade.

All three talk to the same fake, each over its own kept-alive connection, and make the same request: the
raw httpx variant is the physical limit (no validation, no models, bytes in and out). Rounds are interleaved
(httpx, generated, facade, httpx, ...) and every ratio is taken within one round, so load from other
processes on a shared machine hits all three alike. CPU is ``time.process_time()`` of this process only;
the fake's CPU is in its own process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ._common import MIB, FakeServer, Result, Target, ratios, write_png

ENGINE = "stable-diffusion-512-v2-1"
PROMPT = "a lighthouse at dawn, oil painting"
LIMIT = 1.10
VARIANTS = ("httpx", "generated", "facade")


@dataclass(frozen=True)
class OverheadConfig:
    calls: int = 500
    rounds: int = 5
    warmup: int = 20
    block: int = 50  # calls per variant before switching to the next
    image_size: int = MIB  # the inpaint input, bytes


def _measure(call: Callable[[], object], calls: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) per call over ``calls`` sequential calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        call()
    return (time.process_time() - cpu) / calls, (time.perf_counter() - wall) / calls


def _interleaved(calls: dict[str, Callable[[], object]], config: OverheadConfig) -> dict[str, dict[str, list[float]]]:
    """Per round, each variant's ``calls`` calls, run in blocks of ``block`` alternating between the variants.

    A burst of load from another process lasts longer than one block, so it falls on all variants alike.
    """
    for call in calls.values():
        for _ in range(config.warmup):
            call()
    figures: dict[str, dict[str, list[float]]] = {name: {"cpu": [], "wall": []} for name in calls}
    block = max(1, min(config.block, config.calls))
    for _ in range(config.rounds):
        spent = {name: [0.0, 0.0] for name in calls}
        done = 0
        while done < config.calls:
            size = min(block, config.calls - done)
            for name, call in calls.items():
                cpu, wall = _measure(call, size)
                spent[name][0] += cpu * size
                spent[name][1] += wall * size
            done += size
        for name, (cpu, wall) in spent.items():
            figures[name]["cpu"].append(cpu / config.calls)
            figures[name]["wall"].append(wall / config.calls)
    return figures


def _report(result: Result, figures: dict[str, dict[str, list[float]]]) -> None:
    for name in VARIANTS:
        result.figure(f"{name}: CPU per call", "us", [v * 1e6 for v in figures[name]["cpu"]])
    for name in VARIANTS:
        result.figure(f"{name}: wall per call", "us", [v * 1e6 for v in figures[name]["wall"]])
    for name in ("generated", "facade"):
        cpu = result.figure(f"{name} / httpx CPU", "x", ratios(figures[name]["cpu"], figures["httpx"]["cpu"]))
        result.figure(f"{name} / httpx wall", "x", ratios(figures[name]["wall"], figures["httpx"]["wall"]))
        if name == "facade":
            result.targets.append(Target("facade / httpx CPU per call", cpu.median, LIMIT))


@contextmanager
def _clients(fake: FakeServer) -> Iterator[tuple[httpx.Client, Any, Any]]:
    from stability import Stability
    from stability_api import AuthenticatedClient

    with ExitStack() as stack:
        plain = stack.enter_context(httpx.Client(base_url=fake.base_url, timeout=60))
        raw = stack.enter_context(
            AuthenticatedClient(base_url=fake.base_url, token=fake.api_key, timeout=httpx.Timeout(60))
        )
        facade = stack.enter_context(Stability(api_key=fake.api_key, base_url=fake.base_url, timeout=60))
        yield plain, raw, facade


def _ok(response: httpx.Response | Any) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"unexpected status {response.status_code}: {response.content[:200]!r}")


def text_to_image(fake: FakeServer, config: OverheadConfig) -> Result:
    """Benchmark 1: JSON body in, PNG bytes (about 256 KiB, see ``run.py``) out."""
    from stability_api.api.v1alpha import text_to_image as api
    from stability_api.models import TextPrompt, TextToImageRequest

    result = Result("text_to_image", f"1. per-call overhead, text-to-image (JSON in, PNG out), {config.calls} calls")
    url = f"/v1alpha/generation/{ENGINE}/text-to-image"
    with _clients(fake) as (plain, raw, facade):

        def by_httpx() -> bytes:
            body = {"text_prompts": [{"text": PROMPT}], "width": 512, "height": 512, "seed": 7}
            headers = {"Authorization": fake.api_key, "Accept": "image/png"}
            response = plain.post(url, json=body, headers=headers)
            _ok(response)
            return response.content

        def by_generated() -> object:
            body = TextToImageRequest(text_prompts=[TextPrompt(text=PROMPT)], width=512, height=512, seed=7)
            response = api.sync_detailed(ENGINE, client=raw, body=body, accept="image/png")
            _ok(response)
            return response.parsed

        def by_facade() -> object:
            return facade.text_to_image(PROMPT, width=512, height=512, seed=7)

        size = len(by_httpx())
        figures = _interleaved({"httpx": by_httpx, "generated": by_generated, "facade": by_facade}, config)
    _report(result, figures)
    result.notes.append(f"response body {size / 1024:.0f} KiB (PNG)")
    return result


def inpaint(fake: FakeServer, config: OverheadConfig, workdir: Path) -> Result:
    """Benchmark 2: a multipart upload of an image file given as a path, PNG bytes out."""
    from stability_api.api.v2alpha import inpaint as api
    from stability_api.models import InpaintRequest
    from stability_api.types import File

    mib = config.image_size / MIB
    result = Result("inpaint", f"2. per-call overhead, inpaint ({mib:g} MiB image from a path), {config.calls} calls")
    # RGBA, so mask mode needs no mask: the transparent pixels are repainted.
    path = write_png(workdir / "inpaint-input.png", 512, 512, alpha=True, size=config.image_size)
    with _clients(fake) as (plain, raw, facade):

        def by_httpx() -> bytes:
            with path.open("rb") as image:
                files = {"image": ("inpaint-input.png", image, "image/png")}
                headers = {"Authorization": f"Bearer {fake.api_key}", "Accept": "image/*"}
                response = plain.post("/v2alpha/generation/stable-image/inpaint", data={"prompt": PROMPT, "mode": "mask"},
                                      files=files, headers=headers)  # fmt: skip
            _ok(response)
            return response.content

        def by_generated() -> object:
            with path.open("rb") as image:
                upload = File(payload=image, file_name="inpaint-input.png", mime_type="image/png")
                body = InpaintRequest(mode="mask", image=upload, prompt=PROMPT)
                response = api.sync_detailed(client=raw, body=body, accept="image/*")
            _ok(response)
            return response.parsed

        def by_facade() -> object:
            return facade.inpaint(PROMPT, image=path)

        size = len(by_httpx())
        figures = _interleaved({"httpx": by_httpx, "generated": by_generated, "facade": by_facade}, config)
    _report(result, figures)
    result.notes.append(f"upload {path.stat().st_size / MIB:.2f} MiB, response body {size / 1024:.0f} KiB (PNG)")
    return result
