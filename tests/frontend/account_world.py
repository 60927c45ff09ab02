"""Fixtures for the buyer-account page tests: the orders test world (two verified
organizations with members of each role)."""

import pytest

from tests.orders.world import PASSWORD, build_world


@pytest.fixture
def world(regions):
    return build_world()


def login(client, user) -> None:
    assert client.login(username=user.email, password=PASSWORD)
