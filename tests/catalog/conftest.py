"""The supplier and its listing world that the catalog service tests share."""

import pytest

from tests.factories import (
    LONGCHUAN,
    CategoryFactory,
    CertificationFactory,
    SupplierFactory,
    UserFactory,
    first_township,
    first_village,
)


@pytest.fixture
def world(regions):
    supplier = SupplierFactory(county_code=LONGCHUAN)
    township = first_township(LONGCHUAN)
    return {
        "supplier": supplier,
        "user": UserFactory(username="owner"),
        "category": CategoryFactory(slug="oil", name="粮油"),
        "township": township,
        "village": first_village(township),
        "cert": CertificationFactory(supplier=supplier),
    }
