"""Public GraphQL types of the procurement tally: breakdowns, the leaderboard and an
organization's standing.

Everything here is read through ``orders.selectors.tally`` (running aggregates), never by
scanning the ledger, and carries public fields only: names, types and amounts, never
people, addresses or orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import Enum as PyEnum
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from graphql_relay import to_global_id

from orders.models import Campaign
from orders.selectors.tally import (
    LeaderboardPage,
    MonthPoint,
    OrganizationStanding,
    RankRow,
    Share,
    Tally,
    leaderboard,
    tally_for_campaign,
)
from shop.accounts.models import OrganizationType
from shop.graphql.core.enums import enum_from_choices
from shop.graphql.core.errors import ApiErrorCode, api_error, validation_error_to_graphql_error
from shop.graphql.core.money import Money, MoneyValue
from shop.graphql.core.pagination import (
    DEFAULT_PAGE_SIZE,
    CountableConnection,
    check_page_size,
    cursor_to_offset,
    offset_to_cursor,
)

# The selectors' parameter names -> the GraphQL argument names.
FIELD_NAMES = {"buyer_type": "buyerType", "period": "period", "dimension": "dimension"}
HUNDREDTH = Decimal("0.01")

BuyerTypeEnum = enum_from_choices(
    OrganizationType, name="BuyerType",
    description="Type of a buyer organization (采购单位类型).",
)

LeaderboardDimensionEnum = graphene.Enum.from_enum(
    PyEnum("LeaderboardDimension", [
        ("ORGANIZATION", "organization"), ("PARENT", "parent"), ("SUPPLIER", "supplier"), ("COUNTY", "county"),
    ]),
    name="LeaderboardDimension",
    description=lambda m: {
        None: "What the leaderboard ranks.",
        "ORGANIZATION": "Buyer organizations by the amount they bought.",
        "PARENT": "Streets and departments by their member organizations' total.",
        "SUPPLIER": "Suppliers by their sales.",
        "COUNTY": "Counties by their sales.",
    }[getattr(m, "name", None)],
)


def percent_of(amount_fen: int, whole_fen: int, *, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``amount / whole`` in percent with two decimals, computed exactly (no float)."""
    if whole_fen <= 0:
        return Decimal("0.00")
    return (Decimal(amount_fen) * 100 / Decimal(whole_fen)).quantize(HUNDREDTH, rounding=rounding)


def bad_arguments(exc: ValidationError) -> Exception:
    """A selector's ``ValidationError`` as a GraphQL error naming the argument."""
    return validation_error_to_graphql_error(exc, field_map=FIELD_NAMES)


def buyer_type_value(raw: str | None) -> str:
    """The model value of a buyer type argument; "COMMUNITY" and "community" both work
    (the selector checks the value)."""
    return (raw or "").strip().lower()


def campaign_tally(campaign: Campaign) -> Tally:
    """The tally, computed once per campaign object and request (a handful of queries)."""
    cached = getattr(campaign, "_graphql_tally", None)
    if cached is None:
        cached = tally_for_campaign(campaign=campaign)
        campaign._graphql_tally = cached  # type: ignore[attr-defined]  # per-request cache
    return cached


# --- breakdowns -----------------------------------------------------------------------


class TallyShare(graphene.ObjectType):
    """One slice of a breakdown of the counted total (by county, buyer type or funding channel)."""

    key = graphene.String(
        required=True,
        description="The slice's key: a county's region code, a buyer type or a funding channel value.",
    )
    label = graphene.String(required=True, description="Its name in the active language.")
    amount = graphene.Field(Money, required=True)
    percent = graphene.Decimal(
        required=True, description="Share of the counted total in percent, two decimals (rounded half up).",
    )

    @staticmethod
    def resolve_key(root: tuple[Share, int], info: graphene.ResolveInfo) -> str:
        return root[0].key

    @staticmethod
    def resolve_label(root: tuple[Share, int], info: graphene.ResolveInfo) -> str:
        return str(root[0].label)

    @staticmethod
    def resolve_amount(root: tuple[Share, int], info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root[0].amount_fen)

    @staticmethod
    def resolve_percent(root: tuple[Share, int], info: graphene.ResolveInfo) -> Decimal:
        share, total = root
        return percent_of(share.amount_fen, total)


class TallyMonth(graphene.ObjectType):
    """The amount counted in one month and the running total at its end."""

    month = graphene.String(required=True, description="The month, e.g. \"2020-06\".")
    amount = graphene.Field(Money, required=True)
    cumulative = graphene.Field(Money, required=True, description="Counted from the first month up to this one.")

    @staticmethod
    def resolve_month(root: MonthPoint, info: graphene.ResolveInfo) -> str:
        return root.month

    @staticmethod
    def resolve_amount(root: MonthPoint, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.amount_fen)

    @staticmethod
    def resolve_cumulative(root: MonthPoint, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.cumulative_fen)


# --- leaderboard ----------------------------------------------------------------------

_NODE_TYPES = {"organization": "BuyerOrganization", "parent": "BuyerOrganization", "supplier": "Supplier"}


class LeaderboardRow(graphene.ObjectType):
    """A ranked organization, street or department, supplier or county. Public fields only."""

    rank = graphene.Int(required=True, description="1 for the largest amount; equal amounts share a rank (1, 2, 2, 4).")
    key = graphene.String(
        required=True, description="The organization's or supplier's number, or the county's region code.",
    )
    id = graphene.ID(
        description="Global ID of the organization (type BuyerOrganization, usable with `organization(id)`) "
        "or supplier (type Supplier); null for counties.",
    )
    name = graphene.String(required=True)
    type = graphene.Field(BuyerTypeEnum, description="The buyer type of a ranked organization; null otherwise.")
    amount = graphene.Field(Money, required=True)
    order_count = graphene.Int(required=True, description="Orders counted for it.")

    @staticmethod
    def resolve_rank(root: tuple[RankRow, str], info: graphene.ResolveInfo) -> int:
        return root[0].rank

    @staticmethod
    def resolve_key(root: tuple[RankRow, str], info: graphene.ResolveInfo) -> str:
        return root[0].key

    @staticmethod
    def resolve_id(root: tuple[RankRow, str], info: graphene.ResolveInfo) -> str | None:
        row, dimension = root
        node_type = _NODE_TYPES.get(dimension)
        return to_global_id(node_type, row.key) if node_type else None

    @staticmethod
    def resolve_name(root: tuple[RankRow, str], info: graphene.ResolveInfo) -> str:
        return root[0].name

    @staticmethod
    def resolve_type(root: tuple[RankRow, str], info: graphene.ResolveInfo) -> str | None:
        group = root[0].group
        return group if group in OrganizationType.values else None

    @staticmethod
    def resolve_amount(root: tuple[RankRow, str], info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root[0].amount_fen)

    @staticmethod
    def resolve_order_count(root: tuple[RankRow, str], info: graphene.ResolveInfo) -> int:
        return root[0].order_count


class LeaderboardConnection(CountableConnection):
    class Meta:
        node = LeaderboardRow


def leaderboard_arguments() -> dict[str, Any]:
    return {
        "first": graphene.Int(description="Rows per page (default 20, at most 100)."),
        "after": graphene.String(description="The cursor of the last row of the previous page."),
        "buyer_type": graphene.String(
            description="Only organizations of this type: government, community, enterprise or social "
            "(case does not matter). For the ORGANIZATION dimension only.",
        ),
        "period": graphene.String(description="A month such as \"2020-06\"; empty or omitted: the whole campaign."),
        "dimension": graphene.Argument(
            LeaderboardDimensionEnum, default_value="organization", description="What to rank (default ORGANIZATION).",
        ),
    }


def resolve_leaderboard(
    campaign: Campaign, *, first: int | None = None, after: str | None = None, buyer_type: str | None = None,
    period: str | None = None, dimension: Any = "organization",
) -> LeaderboardConnection:
    """One page of the ranking: three queries (page with ranks, names, count)."""
    dimension = getattr(dimension, "value", dimension) or "organization"
    check_page_size(first, field="first")
    size = DEFAULT_PAGE_SIZE if first is None else first
    offset = cursor_to_offset(after, field="after") + 1 if after is not None else 0
    buyer_type = buyer_type_value(buyer_type)
    if buyer_type and dimension != "organization":
        raise api_error(
            _("A buyer type can only narrow the ranking of organizations."),
            code=ApiErrorCode.INVALID_ARGUMENT, field="buyerType",
        )
    try:
        page: LeaderboardPage = leaderboard(
            campaign=campaign, dimension=dimension, buyer_type=buyer_type, period=period or "",
            first=max(size, 1), offset=offset,
        )
    except ValidationError as exc:
        raise bad_arguments(exc) from None
    rows = page.rows[:size]
    edges = [
        LeaderboardConnection.Edge(node=(row, dimension), cursor=offset_to_cursor(offset + i))
        for i, row in enumerate(rows)
    ]
    connection = LeaderboardConnection(
        edges=edges,
        page_info=graphene.relay.PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=False,
            has_next_page=offset + len(rows) < page.total_count,
        ),
    )
    connection.length = page.total_count
    return connection


# --- an organization's standing -------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    standing: OrganizationStanding
    campaign: Campaign


class OrganizationTally(graphene.ObjectType):
    """A buyer organization's public standing in a campaign: what it bought against its
    pledge (认购任务) and its rank. Nothing about its people, addresses or orders."""

    id = graphene.ID(required=True, description="Global ID (type BuyerOrganization).")
    name = graphene.String(required=True)
    type = graphene.Field(BuyerTypeEnum, required=True)
    campaign = graphene.String(required=True, description="Slug of the campaign these figures belong to.")
    spend = graphene.Field(Money, required=True, description="Counted for it in the campaign: paid minus refunded, plus approved offline purchases.")
    pledge = graphene.Field(Money, required=True, description="Its annual pledge (认购任务); zero when it has none.")
    completion = graphene.Decimal(
        description="Spend as a percentage of the pledge, two decimals (rounded down, may exceed 100); "
        "null when there is no pledge.",
    )
    rank = graphene.Int(description="Its rank among all organizations of the campaign; null before it has bought.")
    order_count = graphene.Int(required=True, description="Orders counted for it in the campaign.")

    @staticmethod
    def resolve_id(root: Standing, info: graphene.ResolveInfo) -> str:
        return to_global_id("BuyerOrganization", root.standing.organization.pk)

    @staticmethod
    def resolve_name(root: Standing, info: graphene.ResolveInfo) -> str:
        return root.standing.organization.name

    @staticmethod
    def resolve_type(root: Standing, info: graphene.ResolveInfo) -> str:
        return root.standing.organization.org_type

    @staticmethod
    def resolve_campaign(root: Standing, info: graphene.ResolveInfo) -> str:
        return root.campaign.slug

    @staticmethod
    def resolve_spend(root: Standing, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.standing.spend_fen)

    @staticmethod
    def resolve_pledge(root: Standing, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.standing.pledge_fen)

    @staticmethod
    def resolve_completion(root: Standing, info: graphene.ResolveInfo) -> Decimal | None:
        if not root.standing.pledge_fen:
            return None
        return percent_of(root.standing.spend_fen, root.standing.pledge_fen, rounding=ROUND_DOWN)

    @staticmethod
    def resolve_rank(root: Standing, info: graphene.ResolveInfo) -> int | None:
        return root.standing.rank

    @staticmethod
    def resolve_order_count(root: Standing, info: graphene.ResolveInfo) -> int:
        return root.standing.order_count
