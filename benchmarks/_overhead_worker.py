"""One variant of benchmark 1 or 2 in a process of its own: ``python -m benchmarks._overhead_worker``.

Arguments: the benchmark (``text_to_image``, ``inpaint`` or ``upscale``: an upscale job's start), the variant
(``httpx``, ``generated``, ``facade`` or ``httpx-transport``), the fake's URL and key, and for inpaint and
upscale the input image's path. The worker makes one call, prints
``{"bytes": N}`` (the response size), then answers each ``{"cmd": "run", "calls": N}`` line with the CPU and
wall seconds per call over N sequential calls, until its input closes.

Why a process per variant: every call allocates a fresh response body of about 256 KiB, and whether the C
allocator hands back warm memory or maps (and page-faults in) new pages depends on the whole heap's history.
With the three variants in one process, each one's allocations decided the others' page faults: the same
code measured anywhere from 0.95 to 1.19 times raw httpx from run to run (docs/benchmarks.md). In separate
processes each variant pays for its own heap only, as it would in a program that uses only it.

``--heap settled`` (what the suite's targets use) first allocates and frees one block of ``SETTLING_BLOCK``
bytes. glibc serves a block that large with mmap, and freeing it raises the process's dynamic mmap threshold to
its size and the trim threshold to twice that: the state any program reaches once it has freed a buffer of a few
MiB (a decoded image, a file read whole). Before that, the thresholds sit at twice the largest block freed so
far, about 520 KiB after the first 256 KiB body, and a call's peak of transient memory (the body, httpx's join
of its chunks, h11's buffers: about 2x the body) lands right at the edge: depending on where earlier
allocations happened to go, the heap top is trimmed after every call and faulted back in on the next (112 page
faults per 256 KiB text-to-image call), or never. ``--heap default`` leaves the allocator as the interpreter
left it; the suite reports those rounds too, with how many of them ran in the faulting mode (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

ENGINE = "stable-diffusion-512-v2-1"
PROMPT = "a lighthouse at dawn, oil painting"
BENCHMARKS = ("text_to_image", "inpaint", "upscale")
# httpx-transport: the same request built by hand and handed to the transport httpx.Client.send would pick,
# skipping send's machinery (auth and redirect generators, the cookie jar, hooks) as the facade does for its
# own pool: the floor under any client built on httpx. A reference, not a target.
VARIANTS = ("httpx", "generated", "facade", "httpx-transport")
TIMEOUT = 60.0
HEAPS = ("settled", "default")
SETTLING_BLOCK = 8 * 1024 * 1024  # above any body the benchmarks move, below glibc's 32 MiB cap on the thresholds


def _ok(response: httpx.Response | object) -> None:
    status = getattr(response, "status_code", None)
    if status != 200:
        content = getattr(response, "content", b"")
        raise RuntimeError(f"unexpected status {status}: {content[:200]!r}")


def _post(client: httpx.Client, variant: str, url: str, headers: dict[str, str], **body: Any) -> httpx.Response:
    """``client.post`` read whole, or for ``httpx-transport`` the same request sent below ``Client.send``."""
    if variant == "httpx":
        return client.post(url, headers=headers, **body)
    merged = httpx.Headers(client.headers)
    merged.update(headers)
    timeout = {"timeout": client.timeout.as_dict()}
    request = httpx.Request("POST", client.base_url.join(url), headers=merged, extensions=timeout, **body)
    response = client._transport_for_url(request.url).handle_request(request)
    try:
        response.read()
    finally:
        response.close()
    return response


def _client(variant: str, base_url: str, api_key: str, stack: ExitStack) -> Any:
    """The variant's client, closed with ``stack``: ``httpx.Client``, the generated one, or ``Stability``."""
    if variant.startswith("httpx"):
        return stack.enter_context(httpx.Client(base_url=base_url, timeout=TIMEOUT))
    if variant == "generated":
        from stability_api import AuthenticatedClient

        return stack.enter_context(
            AuthenticatedClient(base_url=base_url, token=api_key, timeout=httpx.Timeout(TIMEOUT))
        )
    from stability import Stability

    return stack.enter_context(Stability(api_key=api_key, base_url=base_url, timeout=TIMEOUT))


def _text_to_image(variant: str, base_url: str, api_key: str, stack: ExitStack) -> Callable[[], object]:
    client = _client(variant, base_url, api_key, stack)
    if variant.startswith("httpx"):
        url = f"/v1alpha/generation/{ENGINE}/text-to-image"

        def by_httpx() -> object:
            body = {"text_prompts": [{"text": PROMPT}], "width": 512, "height": 512, "seed": 7}
            response = _post(client, variant, url, {"Authorization": api_key, "Accept": "image/png"}, json=body)
            _ok(response)
            return response.content

        return by_httpx
    if variant == "generated":
        from stability_api.api.v1alpha import text_to_image as api
        from stability_api.models import TextPrompt, TextToImageRequest

        def by_generated() -> object:
            body = TextToImageRequest(text_prompts=[TextPrompt(text=PROMPT)], width=512, height=512, seed=7)
            response = api.sync_detailed(ENGINE, client=client, body=body, accept="image/png")
            _ok(response)
            return response.content

        return by_generated

    def by_facade() -> object:
        return client.text_to_image(PROMPT, width=512, height=512, seed=7).data

    return by_facade


def _inpaint(variant: str, base_url: str, api_key: str, path: Path, stack: ExitStack) -> Callable[[], object]:
    client = _client(variant, base_url, api_key, stack)
    if variant.startswith("httpx"):

        def by_httpx() -> object:
            with path.open("rb") as image:
                files = {"image": (path.name, image, "image/png")}
                headers = {"Authorization": f"Bearer {api_key}", "Accept": "image/*"}
                response = _post(client, variant, "/v2alpha/generation/stable-image/inpaint", headers,
                                 data={"prompt": PROMPT, "mode": "mask"}, files=files)  # fmt: skip
            _ok(response)
            return response.content

        return by_httpx
    if variant == "generated":
        from stability_api.api.v2alpha import inpaint as api
        from stability_api.models import InpaintRequest
        from stability_api.types import File

        def by_generated() -> object:
            with path.open("rb") as image:
                upload = File(payload=image, file_name=path.name, mime_type="image/png")
                body = InpaintRequest(mode="mask", image=upload, prompt=PROMPT)
                response = api.sync_detailed(client=client, body=body, accept="image/*")
            _ok(response)
            return response.content

        return by_generated

    def by_facade() -> object:
        # RGBA, so mask mode needs no mask: the transparent pixels are repainted.
        return client.inpaint(PROMPT, image=path).data

    return by_facade


def _upscale(variant: str, base_url: str, api_key: str, path: Path, stack: ExitStack) -> Callable[[], object]:
    """An upscale job's start: a multipart upload, a small JSON answer (the job's id)."""
    client = _client(variant, base_url, api_key, stack)
    if variant.startswith("httpx"):

        def by_httpx() -> object:
            with path.open("rb") as image:
                files = {"image": (path.name, image, "image/png")}
                headers = {"Authorization": f"Bearer {api_key}"}
                response = _post(client, variant, "/v2alpha/generation/stable-image/upscale", headers,
                                 data={"prompt": PROMPT}, files=files)  # fmt: skip
            _ok(response)
            return json.loads(response.content)["id"]

        return by_httpx
    if variant == "generated":
        from stability_api.api.v2alpha import upscale as api
        from stability_api.models import UpscaleRequest
        from stability_api.types import File

        def by_generated() -> object:
            with path.open("rb") as image:
                upload = File(payload=image, file_name=path.name, mime_type="image/png")
                response = api.sync_detailed(client=client, body=UpscaleRequest(image=upload, prompt=PROMPT))
            _ok(response)
            return response.content

        return by_generated

    def by_facade() -> object:
        return client.upscale(PROMPT, image=path).id

    return by_facade


def _measure(call: Callable[[], object], calls: int) -> dict[str, object]:
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        call()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    return {"cpu": cpu / calls, "wall": wall / calls, "faults": faults / calls}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._overhead_worker")
    parser.add_argument("benchmark", choices=BENCHMARKS)
    parser.add_argument("variant", choices=VARIANTS)
    parser.add_argument("base_url")
    parser.add_argument("api_key")
    parser.add_argument("--image", type=Path, help="the inpaint input")
    parser.add_argument("--heap", choices=HEAPS, default="settled", help="the allocator's state (see above)")
    args = parser.parse_args(argv)
    if args.heap == "settled":
        bytearray(SETTLING_BLOCK)  # mmapped, then freed at once: glibc's thresholds rise to its size
    with ExitStack() as stack:
        try:
            if args.benchmark in ("inpaint", "upscale"):
                if args.image is None:
                    parser.error(f"{args.benchmark} needs --image")
                make = _inpaint if args.benchmark == "inpaint" else _upscale
                call = make(args.variant, args.base_url, args.api_key, args.image, stack)
            else:
                call = _text_to_image(args.variant, args.base_url, args.api_key, stack)
            body = call()
        except Exception as exc:  # reported to the coordinator, which stops the run with it
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
            return 1
        print(json.dumps({"bytes": len(body) if isinstance(body, bytes) else 0}), flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            command = json.loads(line)
            answer: dict[str, object]
            try:
                answer = _measure(call, int(command["calls"]))
            except Exception as exc:
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
