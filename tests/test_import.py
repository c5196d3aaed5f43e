"""``import stability`` stays cheap: no generated model or endpoint module loads until a call needs one, and making
a client loads no HTTP machinery (httpcore, h11) before its first request."""

from __future__ import annotations

import subprocess
import sys
import textwrap

GENERATED = ("stability_api.models", "stability_api.api")


def _loaded_after(code: str, prefixes: tuple[str, ...] = GENERATED) -> list[str]:
    probe = textwrap.dedent(code) + textwrap.dedent(f"""
        import sys
        print("\\n".join(m for m in sorted(sys.modules) if m.startswith({prefixes!r})))
    """)
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return done.stdout.split()


def test_import_stability_loads_no_generated_module() -> None:
    assert _loaded_after("import stability") == []


def test_making_a_client_loads_no_generated_module() -> None:
    code = """
        from stability import AsyncStability, Stability
        Stability(api_key="sk-test").close()
        AsyncStability(api_key="sk-test")
    """
    assert _loaded_after(code) == []


def test_making_a_sync_client_loads_no_http_machinery() -> None:
    # What ``import httpx; httpx.Client()`` pays for at once, ``Stability()`` pays for at its first request.
    code = """
        from stability import Stability
        Stability(api_key="sk-test").close()
    """
    assert _loaded_after(code, ("httpcore", "h11")) == []


def test_a_call_loads_what_it_uses() -> None:
    # The fake serves every operation, so it loads every generated module (its routes are the registry's): it
    # runs in a process of its own.
    code = """
        import json, subprocess, sys
        from stability import Stability

        argv = [sys.executable, "-m", "stability.testing", "--port", "0", "--json", "--no-rate-limit"]
        fake = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        try:
            served = json.loads(fake.stdout.readline())
            with Stability(api_key=served["api_key"], base_url=served["base_url"]) as client:
                client.text_to_image("a lighthouse")
        finally:
            fake.terminate()
            fake.wait()
    """
    loaded = _loaded_after(code, (*GENERATED, "stability._sync_network"))
    assert "stability._sync_network" in loaded  # the deadline-bounded backend, with httpcore
    assert "stability_api.api.v1alpha.text_to_image" in loaded
    assert "stability_api.models.text_to_image_request" in loaded
    assert "stability_api.api.v2alpha.inpaint" not in loaded
    assert "stability_api.models.inpaint_request" not in loaded  # the models' package imports each model lazily
