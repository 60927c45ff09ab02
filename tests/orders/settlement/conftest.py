import pytest

from tests.world import build_order_world


@pytest.fixture
def world(regions):
    return build_order_world()
