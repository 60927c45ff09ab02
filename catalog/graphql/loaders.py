from collections.abc import Sequence

from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.selectors import product_list
from shop.graphql.core.loaders import Loader, by_key, grouped
from suppliers.models import Certification


class VariantsByProductIdLoader(Loader):
    """Active variants only, as the storefront shows them."""

    def batch_load(self, keys: Sequence[int]) -> list[list[ProductVariant]]:
        rows = ProductVariant.objects.filter(product_id__in=keys, is_active=True).order_by("position", "id")
        return grouped(rows, keys, lambda v: v.product_id)


class ImagesByProductIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[ProductImage]]:
        rows = ProductImage.objects.filter(product_id__in=keys).order_by("position", "id")
        return grouped(rows, keys, lambda i: i.product_id)


class CertificationsByProductIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[Certification]]:
        links = (
            Product.certifications.through.objects.filter(product_id__in=keys)
            .select_related("certification")
            .order_by("certification__kind", "certification__number", "certification_id")
        )
        groups = grouped(links, keys, lambda link: link.product_id)
        return [[link.certification for link in group] for group in groups]


class CategoryByIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[Category | None]:
        return by_key(Category.objects.filter(id__in=keys), keys, lambda c: c.id)


class CategoryChildrenLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[Category]]:
        rows = Category.objects.filter(parent_id__in=keys).order_by("position", "id")
        return grouped(rows, keys, lambda c: c.parent_id)


class ProductsBySupplierIdLoader(Loader):
    """Visible products of each supplier, newest first, with the listing's preloads."""

    def batch_load(self, keys: Sequence[int]) -> list[list[Product]]:
        return grouped(product_list().filter(supplier_id__in=keys), keys, lambda p: p.supplier_id)
