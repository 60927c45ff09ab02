"""The orders world (``tests.world.build_order_world``) for every test below tests/orders/."""

import pytest

from tests.world import build_order_world


@pytest.fixture
def world(regions):
    return build_order_world()
