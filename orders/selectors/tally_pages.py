"""Extra reads for the public tally pages, built on the running aggregates
(``TallyAggregate``) like ``orders.selectors.tally``: a fixed handful of indexed reads per
page whatever the number of ledger entries, organizations or suppliers.

Only public fields leave this module: names, types, slugs and amounts, never people,
addresses or orders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from orders.models import Campaign, TallyAggregate
from orders.selectors.tally import LeaderboardPage, MonthPoint, RankRow, leaderboard
from shop.accounts.models import BuyerOrganization, OrganizationStatus
from shop.regions.models import Region
from suppliers.models import Supplier, SupplierStatus


def campaigns_public() -> list[Campaign]:
    """The campaigns shown to the public (newest first), for the campaign switcher."""
    return list(Campaign.objects.filter(is_active=True).only("id", "name", "slug", "start_date", "end_date"))


def campaign_months(campaign: Campaign) -> list[str]:
    """Every month of the campaign as "YYYY-MM", in order."""
    months = []
    year, month = campaign.start_date.year, campaign.start_date.month
    while (year, month) <= (campaign.end_date.year, campaign.end_date.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def cumulative_series(
    *, campaign: Campaign, by_month: list[MonthPoint], today: dt.date
) -> list[tuple[str, int | None]]:
    """The cumulative amount at the end of each campaign month; ``None`` for months still
    to come (after both today and the last month with an entry)."""
    amounts = {p.month: p.amount_fen for p in by_month}
    last_known = max([today.strftime("%Y-%m"), *amounts])
    series: list[tuple[str, int | None]] = []
    running = 0
    months = campaign_months(campaign)
    # Entries dated outside the campaign months (should not happen) still count once.
    running += sum(a for m, a in amounts.items() if months and m < months[0])
    for month in months:
        running += amounts.get(month, 0)
        series.append((month, running if month <= last_known else None))
    return series


@dataclass(frozen=True)
class MonthAmount:
    month: str
    amount_fen: int


def _months_filled(campaign: Campaign, rows: dict[str, int]) -> list[MonthAmount]:
    months = campaign_months(campaign)
    extra = sorted(m for m in rows if m not in months)
    return [MonthAmount(m, rows.get(m, 0)) for m in sorted([*months, *extra])]


# --- organizations --------------------------------------------------------------------

def organization_public(*, pk: object) -> BuyerOrganization | None:
    """A verified organization with only its public fields (and its parent's name)."""
    try:
        key = int(str(pk))
    except ValueError:
        return None
    return (
        BuyerOrganization.objects.filter(pk=key, status=OrganizationStatus.VERIFIED)
        .select_related("parent")
        .only("id", "name", "org_type", "is_group", "annual_pledge", "parent__id", "parent__name", "parent__org_type")
        .first()
    )


@dataclass
class OrganizationHistory:
    months: list[MonthAmount]
    members_total_fen: int | None  # for a street or department: what the organizations under it bought
    type_rank: int | None


def organization_history(*, campaign: Campaign, organization: BuyerOrganization, spend_fen: int) -> OrganizationHistory:
    """Its monthly amounts, its members' total (streets and departments) and its rank
    within its buyer type. Two queries."""
    rows = TallyAggregate.objects.filter(
        campaign=campaign, dimension__in=["organization", "parent"], key=str(organization.pk)
    ).values_list("dimension", "period", "amount_fen")
    months: dict[str, int] = {}
    members_total = None
    for dimension, period, amount in rows:
        if dimension == "organization" and period:
            months[period] = amount
        elif dimension == "parent" and not period:
            members_total = amount
    type_rank = None
    if spend_fen:
        type_rank = 1 + TallyAggregate.objects.filter(
            campaign=campaign, dimension="organization", period="", group=organization.org_type,
            amount_fen__gt=spend_fen,
        ).count()
    return OrganizationHistory(_months_filled(campaign, months), members_total, type_rank)


# --- suppliers ------------------------------------------------------------------------

def supplier_public(*, slug: str) -> Supplier | None:
    return (
        Supplier.objects.filter(slug=slug, status=SupplierStatus.APPROVED)
        .select_related("county")
        .only("id", "legal_name", "short_name", "slug", "supplier_type", "county__code", "county__name",
              "county__name_en", "county__slug")
        .first()
    )


@dataclass
class Sales:
    total_fen: int = 0
    order_count: int = 0
    rank: int | None = None
    months: list[MonthAmount] = field(default_factory=list)


def _sales(*, campaign: Campaign, dimension: str, key: str) -> Sales:
    """Whole-campaign amount, rank among its kind and the monthly amounts. Two queries."""
    rows = TallyAggregate.objects.filter(campaign=campaign, dimension=dimension, key=key).values_list(
        "period", "amount_fen", "order_count"
    )
    sales = Sales()
    months: dict[str, int] = {}
    for period, amount, orders in rows:
        if period:
            months[period] = amount
        else:
            sales.total_fen, sales.order_count = amount, orders
    sales.months = _months_filled(campaign, months)
    if sales.total_fen:
        sales.rank = 1 + TallyAggregate.objects.filter(
            campaign=campaign, dimension=dimension, period="", amount_fen__gt=sales.total_fen
        ).count()
    return sales


def supplier_sales(*, campaign: Campaign, supplier: Supplier) -> Sales:
    return _sales(campaign=campaign, dimension="supplier", key=str(supplier.pk))


# --- counties -------------------------------------------------------------------------

def county_public(*, value: str) -> Region | None:
    """A county by its code or slug."""
    if not value:
        return None
    return Region.objects.filter(level="county").filter(Q(slug=value) | Q(code=value)).first()


@dataclass(frozen=True)
class SupplierRow:
    rank: int
    name: str
    slug: str  # "" when it has no public page (not approved)
    amount_fen: int
    order_count: int


def county_sales(*, campaign: Campaign, county: Region) -> Sales:
    return _sales(campaign=campaign, dimension="county", key=county.code)


def county_suppliers_ranked(*, campaign: Campaign, county: Region, limit: int = 50) -> list[SupplierRow]:
    """The county's suppliers by sales over the campaign, ties sharing a rank. Two
    queries: the county's suppliers, then their aggregate rows."""
    suppliers = {
        str(pk): (name, slug if status == SupplierStatus.APPROVED else "")
        for pk, name, slug, status in Supplier.objects.filter(county=county).values_list(
            "pk", "legal_name", "slug", "status"
        )
    }
    if not suppliers:
        return []
    rows = list(
        TallyAggregate.objects.filter(campaign=campaign, dimension="supplier", period="", key__in=list(suppliers))
        .filter(~Q(amount_fen=0))
        .order_by("-amount_fen", "key")
        .values_list("key", "amount_fen", "order_count")[:limit]
    )
    ranked: list[SupplierRow] = []
    for index, (key, amount, orders) in enumerate(rows):
        rank = ranked[-1].rank if ranked and ranked[-1].amount_fen == amount else index + 1
        name, slug = suppliers[key]
        ranked.append(SupplierRow(rank, name, slug, amount, orders))
    return ranked


# --- leaderboard links ----------------------------------------------------------------

def leaderboard_slugs(*, dimension: str, page: LeaderboardPage) -> dict[str, str]:
    """Slugs of the public pages of the rows shown (suppliers: approved ones only;
    counties: their slug). One query, none for organizations (linked by id)."""
    keys = [row.key for row in page.rows]
    if not keys:
        return {}
    if dimension == "supplier":
        return {
            str(pk): slug
            for pk, slug in Supplier.objects.filter(pk__in=keys, status=SupplierStatus.APPROVED).values_list("pk", "slug")
        }
    if dimension == "county":
        return {code: slug or code for code, slug in Region.objects.filter(code__in=keys).values_list("code", "slug")}
    return {}


def top_organizations(*, campaign: Campaign, first: int = 10) -> list[RankRow]:
    return leaderboard(campaign=campaign, dimension="organization", first=first).rows
