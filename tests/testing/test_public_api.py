"""The public surface: an exact sorted __all__, a light pytest plugin, the fixture, lifecycle."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

import stability
import stability.testing
from stability.testing import FakeStability


def test_all_is_exact_and_sorted() -> None:
    expected = ["Clock", "FakeStability", "Fault", "OPERATIONS", "RecordedFile", "RecordedRequest", "run_fake_server"]
    assert stability.testing.__all__ == expected == sorted(expected)
    public = {name for name in vars(stability.testing) if not name.startswith("_")}
    modules = {"annotations", *(name for name in public if type(getattr(stability.testing, name)).__name__ == "module")}
    assert public - modules == set(expected)


def test_operations_are_the_client_method_names() -> None:
    from stability._operations.registry import REGISTRY

    assert stability.testing.OPERATIONS == tuple(REGISTRY)
    starters = [name for name in stability.testing.OPERATIONS if not REGISTRY[name].finishes]
    assert all(callable(getattr(stability.Stability, name)) for name in starters)
    assert len(stability.testing.OPERATIONS) == len(REGISTRY)


def test_the_pytest_plugin_imports_without_pillow_or_multipart() -> None:
    code = (
        "import sys, stability.testing.pytest_plugin\n"
        "print(sorted(m for m in ('PIL', 'python_multipart', 'multipart') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_fixture_is_a_started_fake(stability_fake: FakeStability) -> None:
    assert stability_fake.running and stability_fake.base_url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=stability_fake.base_url) as client:
        response = client.get("/v1alpha/user/balance", headers={"Authorization": stability_fake.api_key})
    assert response.json() == {"credits": 1000.0} and stability_fake.job_duration == 0.0


def test_start_stop_are_idempotent_and_the_port_is_released() -> None:
    fake = FakeStability(api_keys=("sk-k",))
    assert fake.base_url == "http://stability.test" and fake.port is None and fake.connections_opened == 0
    with fake:
        fake.start()
        url = fake.base_url
        with httpx.Client(base_url=url) as client:
            assert client.get("/v1alpha/user/balance", headers={"Authorization": "sk-k"}).status_code == 200
    fake.stop()
    assert not fake.running
    with httpx.Client(base_url=url) as client:
        try:
            client.get("/v1alpha/user/balance")
        except httpx.ConnectError:
            pass
        else:  # pragma: no cover
            raise AssertionError("the server still answers after stop()")
    assert fake.api_key == "sk-k" and fake.api_keys == ("sk-k",)


def test_generated_keys_look_like_keys() -> None:
    first, second = FakeStability(), FakeStability()
    assert first.api_key.startswith("sk-") and first.api_key != second.api_key


def test_clock_only_moves_forward() -> None:
    import pytest

    fake = FakeStability()
    before = fake.clock.now()
    fake.clock.advance(100)
    assert fake.clock.now() - before >= 100
    with pytest.raises(ValueError):
        fake.clock.advance(-1)


# Pillow and/or python-multipart behave as if never installed; then the fake is made and the outcome printed.
_WITHOUT = """
import sys

class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, _NotInstalled())
import stability.testing  # importing needs only the SDK
try:
    stability.testing.FakeStability()
except ImportError as exc:
    print("ImportError:", exc)
else:
    print("made a fake that can only answer 500")
"""


@pytest.mark.parametrize(
    ("blocked", "named"),
    [
        (("PIL",), "Pillow"),
        (("python_multipart", "multipart"), "python-multipart"),
        (("PIL", "python_multipart", "multipart"), "Pillow and python-multipart"),
    ],
    ids=["no-pillow", "no-multipart", "neither"],
)
def test_without_the_testing_extra_the_fake_fails_at_construction(blocked: tuple[str, ...], named: str) -> None:
    code = _WITHOUT.format(blocked=blocked)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    install = 'pip install "stability-client[testing]"'
    assert out == f"ImportError: FakeStability needs {named} (the testing extra): {install}\n"
