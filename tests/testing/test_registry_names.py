"""The fake names operations as the client's methods do (the registry's names); its former names still work, and warn."""

from __future__ import annotations

import pytest

import stability
from stability._operations.registry import FORMER_NAMES, REGISTRY
from stability.testing import OPERATIONS, FakeStability, Fault
from tests.testing._helpers import image_bytes

# The former names that differ from the new ones: each still works, with a DeprecationWarning.
FORMER = sorted(name for name, entry in FORMER_NAMES.items() if name != entry.name)


def _client(fake: FakeStability) -> stability.Stability:
    return stability.Stability(fake.api_key, base_url="http://localhost", transport=fake.transport(), max_retries=0)


def test_inject_count_charges_and_the_log_use_the_client_method_names(fake: FakeStability) -> None:
    fake.inject("balance", Fault.status(500))
    with _client(fake) as client:
        with pytest.raises(stability.APIError):
            client.balance()
        assert client.balance() > 0
        client.masked_image_to_image("a red door", image=image_bytes(512, 512), mask=image_bytes(512, 512))
        client.upscale("sharper", image=image_bytes(96, 96)).wait()
    assert fake.count("balance") == 2 and fake.charges("masked_image_to_image") == 1
    assert fake.count("engines") == fake.charges("balance") == 0 and fake.count("upscale_result") == 1
    assert [request.operation for request in fake.requests] == [
        "balance",
        "balance",
        "masked_image_to_image",
        "upscale",
        "upscale_result",
    ]


def test_operations_are_the_registry_names(fake: FakeStability) -> None:
    assert OPERATIONS == tuple(REGISTRY)
    for name in OPERATIONS:
        assert fake.count(name) == 0 and fake.charges(name) == 0
    with pytest.raises(ValueError, match="unknown operation 'nope'"):
        fake.inject("nope", Fault.status(500))


@pytest.mark.parametrize("former", FORMER)
def test_a_former_name_still_works_and_warns(fake: FakeStability, former: str) -> None:
    new = FORMER_NAMES[former].name
    with pytest.warns(DeprecationWarning, match=f"'{former}' is now called '{new}'"):
        fake.inject(former, Fault.status(503))
    assert fake.pending_faults == 1
    with pytest.warns(DeprecationWarning, match=f"'{new}'"):
        assert fake.count(former) == fake.count(new) == 0
    with pytest.warns(DeprecationWarning, match=f"'{new}'"):
        assert fake.charges(former) == 0


def test_former_names_cover_every_renamed_operation() -> None:
    assert FORMER == [
        "get_account",
        "get_balance",
        "get_image_to_video_result",
        "get_upscale_result",
        "list_engines",
        "masking",
    ]


def test_a_fault_injected_under_a_former_name_acts_on_the_operation(fake: FakeStability) -> None:
    with pytest.warns(DeprecationWarning):
        fake.inject("get_balance", Fault.status(503))
    with _client(fake) as client, pytest.raises(stability.ServerError):
        client.balance()  # what code that injected under get_balance called (now v1)
    with pytest.warns(DeprecationWarning):
        assert fake.count("get_balance") == 1
