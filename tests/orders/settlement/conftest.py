import pytest

from tests.orders.world import build_world


@pytest.fixture
def world(regions):
    return build_world()
