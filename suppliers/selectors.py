from django.db.models import QuerySet

from suppliers.models import Supplier


def suppliers_public(*, county_code: str | None = None) -> QuerySet[Supplier]:
    """Approved suppliers with their regions preloaded."""
    qs = Supplier.objects.approved().select_related("county", "township", "village")
    if county_code:
        qs = qs.filter(county_id=county_code)
    return qs.order_by("legal_name")
