"""``samples``: omitted gives one ImageResult, given (any int, 1 included) gives a list. What ``mypy --strict``
infers for a call is what the call returns, checked statically on user code (samples_snippet.py) and by running
that same code against the fake."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest

import stability
from stability.testing import FakeStability
from tests.facade import samples_snippet
from tests.raw_cases import png

ROOT = Path(__file__).resolve().parents[2]
# Third-party packages are skipped (their types are Any here), so the check is about the facade's signatures
# and stays quick; the cache lives across runs (only what changed is checked again).
MYPY_CONFIG = f"""
[mypy]
strict = True
python_version = 3.11
follow_imports = silent
mypy_path = {ROOT}:{ROOT / "generated"}

[mypy-httpx.*,httpcore.*,anyio.*,sniffio.*,h11.*,stability_api.*,attr.*,attrs.*,dateutil.*,PIL.*]
follow_imports = skip
"""


@pytest.mark.slow
def test_mypy_strict_infers_what_the_calls_return(tmp_path: Path) -> None:
    import mypy.api
    import mypy.version

    config = tmp_path / "mypy.ini"
    config.write_text(MYPY_CONFIG)
    cache = Path(tempfile.gettempdir()) / f"stability-samples-mypy-{mypy.version.__version__}"
    stdout, stderr, status = mypy.api.run(
        ["--config-file", str(config), "--cache-dir", str(cache), str(Path(samples_snippet.__file__))]
    )
    assert status == 0, stdout + stderr


@pytest.mark.parametrize("n", [1, 3])
def test_the_checked_code_runs_as_typed(n: int) -> None:
    image = png(512, 512)
    with FakeStability() as fake:
        with stability.Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
            samples_snippet.sync_calls(client, image, n)

        async def main() -> None:
            async with stability.AsyncStability(api_key=fake.api_key, base_url=fake.base_url) as client:
                await samples_snippet.async_calls(client, image, n)

        asyncio.run(main())
        # samples=1 asks the API for one image, as PNG bytes: the list is the facade's, not another request
        assert fake.count("text_to_image") == 2 * 3
