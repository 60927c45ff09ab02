"""The procurement tally and the leaderboard, read from the running aggregates
(``TallyAggregate``), never by scanning the ledger: a handful of small indexed reads
whatever the number of entries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Q, Sum, Window
from django.db.models.functions import Rank
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import Campaign, FundingChannel, OrderLine, OrderStatus, TallyAggregate
from shop.accounts.models import BuyerOrganization, OrganizationType
from shop.common.money import yuan_to_fen
from shop.regions.models import Region
from suppliers.models import Supplier

E = OrderErrorCode
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
RANKED_DIMENSIONS = {"organization", "parent", "supplier", "county"}


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    amount_fen: int
    percent: float  # of the counted total, for charts only


@dataclass(frozen=True)
class MonthPoint:
    month: str
    amount_fen: int
    cumulative_fen: int


@dataclass
class Tally:
    campaign: Campaign
    total_fen: int
    entry_count: int
    order_count: int
    organization_count: int
    unpaid_fen: int
    accepted_fen: int = 0
    by_county: list[Share] = field(default_factory=list)
    by_buyer_type: list[Share] = field(default_factory=list)
    by_channel: list[Share] = field(default_factory=list)
    by_month: list[MonthPoint] = field(default_factory=list)

    @property
    def target_fen(self) -> int:
        return self.campaign.target_fen

    @property
    def percent(self) -> float:
        return self.total_fen * 100 / self.target_fen if self.target_fen else 0.0


def parse_period(raw: object) -> str:
    period = "" if raw in (None, "") else str(raw)
    if period and not _PERIOD.match(period):
        raise ValidationError({"period": ValidationError(_("Enter a month like 2020-06, or leave it empty for the whole campaign."), code=E.INVALID.value)})
    return period


def parse_buyer_type(raw: object) -> str:
    value = "" if raw in (None, "") else str(raw)
    if value and value not in OrganizationType.values:
        raise ValidationError({"buyer_type": ValidationError(_("Unknown buyer type."), code=E.INVALID.value)})
    return value


def _shares(rows: list[TallyAggregate], total: int, labels: dict[str, str]) -> list[Share]:
    rows = sorted(rows, key=lambda r: (-r.amount_fen, r.key))
    return [Share(r.key, labels.get(r.key, r.key), r.amount_fen, r.amount_fen * 100 / total if total else 0.0) for r in rows]


def tally_for_campaign(*, campaign: Campaign) -> Tally:
    """Four queries: the aggregate rows, the county names, the organization count and the
    amount ordered but not yet paid."""
    rows = list(
        TallyAggregate.objects.filter(
            campaign=campaign, period="", dimension__in=["total", "county", "buyer_type", "channel", "month", "accepted"]
        )
    )
    by_dim: dict[str, list[TallyAggregate]] = {}
    for row in rows:
        by_dim.setdefault(row.dimension, []).append(row)
    total_row = by_dim["total"][0] if by_dim.get("total") else None
    total = total_row.amount_fen if total_row else 0
    county_codes = [r.key for r in by_dim.get("county", [])]
    county_names = dict(Region.objects.filter(code__in=county_codes).values_list("code", "name")) if county_codes else {}
    organizations = TallyAggregate.objects.filter(
        campaign=campaign, dimension="organization", period="", amount_fen__gt=0
    ).count()
    # Ordered but not paid: lines from the campaign's counties of open orders placed in
    # its dates (an order spanning two campaigns' counties counts in each for its lines).
    unpaid = OrderLine.objects.filter(
        order__status__in=[OrderStatus.PENDING_APPROVAL, OrderStatus.AWAITING_PAYMENT],
        order__created_at__date__gte=campaign.start_date, order__created_at__date__lte=campaign.end_date,
        county__in=campaign.counties.values("code"),
    ).aggregate(s=Sum("total_fen"))["s"] or 0
    cumulative = 0
    months = []
    for row in sorted(by_dim.get("month", []), key=lambda r: r.key):
        cumulative += row.amount_fen
        months.append(MonthPoint(row.key, row.amount_fen, cumulative))
    return Tally(
        campaign=campaign, total_fen=total,
        entry_count=total_row.entry_count if total_row else 0,
        order_count=total_row.order_count if total_row else 0,
        organization_count=organizations, unpaid_fen=int(unpaid),
        accepted_fen=sum(r.amount_fen for r in by_dim.get("accepted", [])),
        by_county=_shares(by_dim.get("county", []), total, county_names),
        by_buyer_type=_shares(by_dim.get("buyer_type", []), total, {k: str(v) for k, v in OrganizationType.choices}),
        by_channel=_shares(by_dim.get("channel", []), total, {k: str(v) for k, v in FundingChannel.choices}),
        by_month=months,
    )


@dataclass(frozen=True)
class RankRow:
    rank: int
    key: str
    name: str
    group: str
    amount_fen: int
    order_count: int


@dataclass(frozen=True)
class LeaderboardPage:
    rows: list[RankRow]
    total_count: int
    offset: int


def _names(dimension: str, keys: list[str]) -> dict[str, str]:
    if not keys:
        return {}
    if dimension in ("organization", "parent"):
        return {str(k): v for k, v in BuyerOrganization.objects.filter(pk__in=keys).values_list("pk", "name")}
    if dimension == "supplier":
        return {str(k): v for k, v in Supplier.objects.filter(pk__in=keys).values_list("pk", "legal_name")}
    return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))


def leaderboard(
    *, campaign: Campaign, dimension: str = "organization", buyer_type: object = "",
    period: object = "", first: int = 20, offset: int = 0,
) -> LeaderboardPage:
    """Ranked by amount, ties share a rank (1, 2, 2, 4). Public fields only: names, types
    and amounts. Three queries: the page with its ranks, the names and the count."""
    if dimension not in RANKED_DIMENSIONS:
        raise ValidationError({"dimension": ValidationError(_("Unknown ranking."), code=E.INVALID.value)})
    period = parse_period(period)
    buyer_type = parse_buyer_type(buyer_type)
    first = max(1, min(int(first), 100))
    offset = max(0, int(offset))
    qs = TallyAggregate.objects.filter(campaign=campaign, dimension=dimension, period=period).filter(~Q(amount_fen=0))
    if buyer_type and dimension == "organization":
        qs = qs.filter(group=buyer_type)
    page = list(
        qs.annotate(rank=Window(Rank(), order_by=F("amount_fen").desc()))
        .order_by("-amount_fen", "key")
        .values("key", "group", "amount_fen", "order_count", "rank")[offset: offset + first]
    )
    names = _names(dimension, [r["key"] for r in page])
    rows = [
        RankRow(r["rank"], r["key"], names.get(r["key"], ""), r["group"], r["amount_fen"], r["order_count"])
        for r in page
    ]
    return LeaderboardPage(rows=rows, total_count=qs.count(), offset=offset)


@dataclass(frozen=True)
class OrganizationStanding:
    organization: BuyerOrganization
    spend_fen: int
    pledge_fen: int
    rank: int | None  # None when it has not bought yet
    order_count: int

    @property
    def completion(self) -> float | None:
        return self.spend_fen * 100 / self.pledge_fen if self.pledge_fen else None


def organization_standing(*, campaign: Campaign, organization: BuyerOrganization) -> OrganizationStanding:
    row = TallyAggregate.objects.filter(
        campaign=campaign, dimension="organization", period="", key=str(organization.pk)
    ).first()
    spend = row.amount_fen if row else 0
    rank = None
    if row and spend:
        rank = 1 + TallyAggregate.objects.filter(
            campaign=campaign, dimension="organization", period="", amount_fen__gt=spend
        ).count()
    return OrganizationStanding(
        organization=organization, spend_fen=spend, pledge_fen=yuan_to_fen(Decimal(organization.annual_pledge or 0)),
        rank=rank, order_count=row.order_count if row else 0,
    )
