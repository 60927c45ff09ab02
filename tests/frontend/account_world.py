"""Fixtures for the buyer-account page tests: the orders test world (two verified
organizations with members of each role)."""

import pytest

from tests.world import PASSWORD, build_order_world


@pytest.fixture
def world(regions):
    return build_order_world()


def login(client, user) -> None:
    assert client.login(username=user.email, password=PASSWORD)
