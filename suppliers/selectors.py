from django.db.models import QuerySet

from suppliers.models import CountyCoordinator, Supplier, SupplierMember

# Fields that never leave the back office: payouts and private contact details.
PRIVATE_FIELDS: tuple[str, ...] = (
    "credit_code", "contact_name", "contact_phone", "contact_email",
    "bank_name", "bank_account_name", "bank_account_number", "status_reason",
)


def suppliers_public(
    *, county_code: str | None = None, public_only: bool = False
) -> QuerySet[Supplier]:
    """Approved suppliers with their regions preloaded."""
    qs = Supplier.objects.approved().select_related("county", "township", "village")
    if public_only:
        qs = qs.defer(*PRIVATE_FIELDS)
    if county_code:
        qs = qs.filter(county_id=county_code)
    return qs.order_by("legal_name")


def supplier_public_profile(*, slug: str) -> Supplier | None:
    """An approved supplier for its public page, certifications preloaded.

    The private fields are deferred, so a template that touched one would show up as an
    extra query in the query-count tests rather than silently leak it.
    """
    return (
        Supplier.objects.approved()
        .select_related("county", "township", "village")
        .prefetch_related("certifications")
        .defer(*PRIVATE_FIELDS)
        .filter(slug=slug)
        .first()
    )


def supplier_membership_of(*, user) -> "SupplierMember | None":
    """The user's membership of a supplier team (a person works for at most one supplier
    in the portal; the oldest membership wins), with the supplier loaded."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        SupplierMember.objects.filter(user=user)
        .select_related("supplier", "supplier__county", "supplier__township")
        .order_by("created_at", "id")
        .first()
    )


def coordinator_county_codes(*, user) -> set[str]:
    """Codes of the counties this user coordinates (empty for everybody else)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(CountyCoordinator.objects.filter(user=user).values_list("county_id", flat=True))
