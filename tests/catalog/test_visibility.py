"""The storefront rule exists once (``catalog.models.VISIBLE_WHEN``): a product is visible when
it is approved and published and its supplier is approved, whether the rule is checked on a
row (``compute_is_visible``) or rewritten in SQL (``refresh_visibility``, which suppliers use
after a status change)."""

import itertools

import pytest

from catalog.models import Product, ProductStatus
from suppliers.models import SupplierStatus
from tests.factories import ProductFactory, SupplierFactory

pytestmark = pytest.mark.django_db

STATUSES = [ProductStatus.APPROVED, ProductStatus.SUBMITTED, ProductStatus.DRAFT]
SUPPLIER_STATUSES = [SupplierStatus.APPROVED, SupplierStatus.SUSPENDED]


def test_the_row_check_and_the_sql_refresh_agree_on_every_combination(regions):
    suppliers = {status: SupplierFactory(status=status) for status in SUPPLIER_STATUSES}
    expected = {}
    for status, published, supplier_status in itertools.product(STATUSES, (True, False), SUPPLIER_STATUSES):
        product = ProductFactory(supplier=suppliers[supplier_status], status=status, is_published=published)
        expected[product.pk] = (
            status == ProductStatus.APPROVED and published and supplier_status == SupplierStatus.APPROVED
        )
        assert product.compute_is_visible() is expected[product.pk]
    # Make every stored flag wrong, then let the SQL form of the rule put them right.
    for pk, visible in expected.items():
        Product.objects.filter(pk=pk).update(is_visible=not visible)
    assert Product.objects.all().refresh_visibility() == len(expected)
    stored = dict(Product.objects.values_list("pk", "is_visible"))
    assert stored == expected
    assert set(Product.objects.visible().values_list("pk", flat=True)) == {
        pk for pk, visible in expected.items() if visible
    }
    assert Product.objects.all().refresh_visibility() == 0  # nothing left to change


def test_a_product_that_is_not_published_is_judged_without_reading_its_supplier(
    regions, django_assert_num_queries
):
    product = Product.objects.get(pk=ProductFactory(is_published=False).pk)
    with django_assert_num_queries(0):
        assert product.compute_is_visible() is False
