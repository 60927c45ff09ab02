"""Storefront fixtures: products in the three counties (``tests.world_catalog.storefront_*``) and the
supplier portal's world (``tests.world.build_portal_world``)."""

import pytest

from tests.world import build_portal_world
from tests.world_catalog import storefront_categories, storefront_products, storefront_suppliers


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    """WhiteNoise warns about a missing STATIC_ROOT on every request otherwise."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture
def categories(regions):
    return storefront_categories()


@pytest.fixture
def suppliers(regions):
    return storefront_suppliers()


@pytest.fixture
def products(categories, suppliers):
    """Five visible products with recognisable names, prices and origins."""
    return storefront_products(categories, suppliers)


def switch_to_english(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


@pytest.fixture
def portal_world(regions):
    return build_portal_world()
