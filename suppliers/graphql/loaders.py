from collections.abc import Sequence

from shop.graphql.core.loaders import Loader, by_key, grouped
from suppliers.models import Certification, Supplier


class SupplierByIdLoader(Loader):
    """Approved suppliers only: nothing else is public."""

    def batch_load(self, keys: Sequence[int]) -> list[Supplier | None]:
        rows = Supplier.objects.approved().filter(id__in=keys).select_related("county", "township", "village")
        return by_key(rows, keys, lambda s: s.id)


class CertificationsBySupplierIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[Certification]]:
        rows = Certification.objects.filter(supplier_id__in=keys).order_by("kind", "number", "id")
        return grouped(rows, keys, lambda c: c.supplier_id)
