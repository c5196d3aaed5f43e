"""The fake also answers to the client's names for operations (the registry's), besides its own."""

from __future__ import annotations

import pytest

import stability
from stability._operations.registry import REGISTRY
from stability.testing import OPERATIONS, FakeStability, Fault
from tests.testing._helpers import image_bytes


def _client(fake: FakeStability) -> stability.Stability:
    return stability.Stability(fake.api_key, base_url="http://localhost", transport=fake.transport(), max_retries=0)


def test_inject_count_and_charges_take_the_client_method_names(fake: FakeStability) -> None:
    fake.inject("balance", Fault.status(500))
    with _client(fake) as client:
        with pytest.raises(stability.APIError):
            client.balance()
        assert client.balance() > 0
        client.masked_image_to_image("a red door", image=image_bytes(512, 512), mask=image_bytes(512, 512))
    assert fake.count("balance") == fake.count("get_balance") == 2
    assert fake.charges("masked_image_to_image") == fake.charges("masking") == 1
    assert fake.count("engines") == fake.charges("balance") == 0


def test_every_registry_name_and_every_fake_name_is_accepted(fake: FakeStability) -> None:
    for name in [*REGISTRY, *OPERATIONS]:
        assert fake.count(name) == 0
    with pytest.raises(ValueError, match="unknown operation 'nope'"):
        fake.inject("nope", Fault.status(500))
