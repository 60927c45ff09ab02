from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, IntegerField, QuerySet, Value, When

from shop.accounts.models import User
from suppliers.models import CountyCoordinator, Supplier, SupplierInvitation, SupplierMember

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


def supplier_membership_of(*, user: User | AnonymousUser) -> "SupplierMember | None":
    """The user's membership of a supplier team (a person works for at most one supplier
    in the portal; the oldest membership wins), with the supplier loaded."""
    if not user.is_authenticated:
        return None
    return (
        SupplierMember.objects.filter(user=user)
        .select_related("supplier", "supplier__county", "supplier__township")
        .order_by("created_at", "id")
        .first()
    )


def coordinator_county_codes(*, user: User | AnonymousUser) -> set[str]:
    """Codes of the counties this user coordinates (empty for everybody else)."""
    if not user.is_authenticated:
        return set()
    return set(CountyCoordinator.objects.filter(user=user).values_list("county_id", flat=True))


# --- Admission review and teams (onboarding pages) -----------------------------------------

def _reviewer_counties(user: User | AnonymousUser) -> set[str] | None:
    """None: every county (staff); else the counties the user coordinates."""
    if getattr(user, "is_staff", False):
        return None
    return coordinator_county_codes(user=user)


def applications_for_reviewer(*, user: User | AnonymousUser, status: str | None = None) -> QuerySet[Supplier]:
    """The suppliers a coordinator (their counties) or staff (all) may review, those waiting
    for the county first, then those waiting for the platform, newest first."""
    qs = Supplier.objects.select_related("county", "township", "village")
    counties = _reviewer_counties(user)
    if counties is not None:
        qs = qs.filter(county_id__in=counties)
    if status:
        qs = qs.filter(status=status)
    rank = Case(
        When(status="applied", then=Value(0)), When(status="recommended", then=Value(1)),
        default=Value(2), output_field=IntegerField(),
    )
    return qs.annotate(review_rank=rank).order_by("review_rank", "-created_at", "-id")


def application_for_reviewer(*, user: User | AnonymousUser, pk: int) -> Supplier | None:
    """One supplier with everything it submitted, if the user may review it (else None)."""
    return (
        applications_for_reviewer(user=user)
        .prefetch_related("certifications", "members__user")
        .filter(pk=pk)
        .first()
    )


def can_read_supplier_documents(*, user: User | AnonymousUser, supplier: Supplier) -> bool:
    """Staff, the supplier's county coordinators and the supplier's own members."""
    if not user.is_authenticated:
        return False
    if user.is_staff or supplier.county_id in coordinator_county_codes(user=user):
        return True
    return SupplierMember.objects.filter(supplier=supplier, user=user).exists()


def supplier_team(*, supplier: Supplier) -> tuple[list[SupplierMember], list[SupplierInvitation]]:
    """Members (owners first) and invitations not yet accepted, newest first."""
    members = list(
        SupplierMember.objects.filter(supplier=supplier).select_related("user")
        .order_by("created_at", "id")
    )
    members.sort(key=lambda m: (m.role != "owner", m.created_at, m.id))
    invitations = list(
        SupplierInvitation.objects.filter(supplier=supplier, accepted_at__isnull=True)
        .select_related("invited_by").order_by("-created_at", "-id")
    )
    return members, invitations


def invitation_by_token(*, token: str) -> SupplierInvitation | None:
    """The invitation of a link (used or expired ones too, to say so), or None."""
    if not token or len(token) > 64:
        return None
    return SupplierInvitation.objects.select_related("supplier").filter(token=token).first()
