"""Reads for report exports: the request's parameters checked field by field, who may export
what (staff: everything; an organization's administrator: only that organization), the
ledger's rows in one joined query and the breakdowns grouped in the database.

Breakdowns are summed from the ledger entries in scope (not from ``TallyAggregate``) because
an organization's own breakdown and a date range are not among the running aggregates; each
breakdown includes a row for entries without that attribute (an offline record with no
supplier, say), so every breakdown sums to the same total, to the fen."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import Campaign, LedgerEntry, ReportExport
from shop.accounts.models import BuyerOrganization, MemberRole, OrganizationStatus, User

E = OrderErrorCode
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

PERIOD_TYPES = ("campaign", "month", "range")
FORMATS = ("xlsx", "csv")
BREAKDOWNS = ("county", "buyer_type", "organization", "supplier", "category", "channel", "month")
# "breakdowns": every breakdown, one sheet each (XLSX only).
TABLES = ("ledger", "breakdowns", *BREAKDOWNS)
LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class ReportParams:
    campaign_id: int
    period_type: str  # campaign | month | range
    month: str = ""  # YYYY-MM
    start: str = ""  # YYYY-MM-DD
    end: str = ""
    table: str = "ledger"
    fmt: str = "xlsx"
    language: str = "zh-hans"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportParams:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def date_bounds(self, campaign: Campaign) -> tuple[dt.date, dt.date] | None:
        """First and last day covered (inclusive); ``None`` for the whole campaign."""
        if self.period_type == "month":
            year, month = int(self.month[:4]), int(self.month[5:])
            first = dt.date(year, month, 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return first, last
        if self.period_type == "range":
            return dt.date.fromisoformat(self.start), dt.date.fromisoformat(self.end)
        return None

    def period_label(self) -> str:
        if self.period_type == "month":
            return self.month
        if self.period_type == "range":
            return f"{self.start}~{self.end}"
        return _("whole campaign")


def _date(raw: str, field: str, errors: dict[str, list[ValidationError]]) -> dt.date | None:
    if not raw:
        errors.setdefault(field, []).append(ValidationError(_("Enter a date."), code=E.REQUIRED.value))
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.setdefault(field, []).append(
            ValidationError(_("Enter a valid date like 2020-06-30."), code=E.INVALID.value)
        )
        return None


def report_params_clean(
    *, campaign: object, period_type: object = "campaign", month: object = "", start: object = "",
    end: object = "", table: object = "ledger", fmt: object = "xlsx", language: object = "zh-hans",
) -> tuple[Campaign, ReportParams]:
    """Check every field at once; raises ``ValidationError`` with one message per bad field."""
    errors: dict[str, list[ValidationError]] = {}

    def bad(field: str, message: str, code: E = E.INVALID) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code.value))

    text = {k: ("" if v is None else str(v).strip()) for k, v in dict(
        campaign=campaign, period_type=period_type, month=month, start=start, end=end,
        table=table, fmt=fmt, language=language).items()}
    found = None
    if not text["campaign"]:
        bad("campaign", _("Choose a campaign."), E.REQUIRED)
    else:
        found = Campaign.objects.filter(slug=text["campaign"][:64]).first()
        if found is None:
            bad("campaign", _("Unknown campaign."), E.NOT_FOUND)
    if text["period_type"] not in PERIOD_TYPES:
        bad("period_type", _("Choose the whole campaign, a month or a date range."))
    if text["period_type"] == "month" and not _MONTH.match(text["month"]):
        bad("month", _("Enter a month like 2020-06."))
    if text["period_type"] == "range":
        first = _date(text["start"], "start", errors)
        last = _date(text["end"], "end", errors)
        if first and last and last < first:
            bad("end", _("The end date must not be before the start date."))
    if text["fmt"] not in FORMATS:
        bad("fmt", _("Choose XLSX or CSV."))
    if text["table"] not in TABLES:
        bad("table", _("Unknown table."))
    elif text["table"] == "breakdowns" and text["fmt"] == "csv":
        bad("table", _("A CSV file holds a single table: choose one, or choose XLSX for all breakdowns."))
    if errors:
        raise ValidationError(errors)
    assert found is not None  # no campaign is an error above
    params = ReportParams(
        campaign_id=found.pk, period_type=text["period_type"],
        month=text["month"] if text["period_type"] == "month" else "",
        start=text["start"] if text["period_type"] == "range" else "",
        end=text["end"] if text["period_type"] == "range" else "",
        table=text["table"], fmt=text["fmt"],
        language="en" if text["language"] == "en" else "zh-hans",
    )
    return found, params


def report_organizations_for(*, user: User | AnonymousUser) -> list[BuyerOrganization]:
    """Verified organizations the user belongs to (administrator, approver or purchaser),
    whose reports they may export: purchasers export their own organization's reports."""
    if not user.is_authenticated:
        return []
    return list(
        BuyerOrganization.objects.filter(
            memberships__user=user, memberships__role__in=list(MemberRole.values),
            status=OrganizationStatus.VERIFIED,
        ).distinct().order_by("name")
    )


def report_may_export(*, user: User | AnonymousUser, organization: BuyerOrganization | None) -> bool:
    """Staff export everything (``organization`` None); a member only their organization."""
    if not user.is_authenticated:
        return False
    if organization is None:
        return bool(user.is_staff)
    return user.is_staff or any(o.pk == organization.pk for o in report_organizations_for(user=user))


def ledger_scope(*, campaign: Campaign, params: ReportParams, organization: BuyerOrganization | None) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.filter(campaign=campaign)
    if organization is not None:
        qs = qs.filter(organization=organization)
    bounds = params.date_bounds(campaign)
    if bounds:
        tz = timezone.get_current_timezone()
        qs = qs.filter(
            occurred_at__gte=dt.datetime.combine(bounds[0], dt.time.min, tzinfo=tz),
            occurred_at__lt=dt.datetime.combine(bounds[1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )
    return qs


LEDGER_FIELDS = (
    "id", "occurred_at", "campaign__name", "kind", "amount_fen", "county__name", "county__name_en",
    "supplier__legal_name", "organization__name", "buyer_type", "organization_parent__name",
    "funding_channel", "category__name", "category__name_en", "order_line__order__number",
    "refund_line__order_line__order__number", "offline_record_id", "offline_record__description", "note",
)


def ledger_rows(qs: QuerySet[LedgerEntry]) -> QuerySet[LedgerEntry, dict[str, Any]]:
    """One query, joined (no per-row lookups), in chain order; iterate with ``.iterator()``."""
    rows: QuerySet[LedgerEntry, dict[str, Any]] = qs.order_by("occurred_at", "id").values(*LEDGER_FIELDS)
    return rows


_GROUP_FIELDS = {
    "county": ("county_id", "county__name", "county__name_en"),
    "buyer_type": ("buyer_type",),
    "organization": ("organization_id", "organization__name", "organization__org_type",
                     "organization__parent__name", "organization__annual_pledge"),
    "supplier": ("supplier_id", "supplier__legal_name"),
    "category": ("category_id", "category__name", "category__name_en"),
    "channel": ("funding_channel",),
}


def percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def breakdown(qs: QuerySet[LedgerEntry], dimension: str) -> list[dict[str, Any]]:
    """One GROUP BY query; raw rows (names resolved by the builder), largest amount first."""
    grouped: QuerySet[Any, Any]
    if dimension == "month":
        grouped = qs.annotate(m=TruncMonth("occurred_at")).values("m")
    else:
        grouped = qs.values(*_GROUP_FIELDS[dimension])
    rows: list[Any] = list(
        grouped.annotate(
            amount=Sum("amount_fen"), entries=Count("id"),
            orders=Count("order_line__order_id", distinct=True, filter=Q(kind="order_line")),
        ).order_by()
    )
    if dimension == "month":
        return sorted(rows, key=lambda r: r["m"])
    return sorted(rows, key=lambda r: (-(r["amount"] or 0), str(r.get(_GROUP_FIELDS[dimension][0]) or "")))


def ledger_total(qs: QuerySet[LedgerEntry]) -> tuple[int, int]:
    result = qs.aggregate(s=Sum("amount_fen"), n=Count("id"))
    return int(result["s"] or 0), int(result["n"] or 0)


def report_exports_for(*, user: User, limit: int = 50) -> list[ReportExport]:
    return list(ReportExport.objects.filter(requested_by=user).select_related("organization")[:limit])


def report_export_for_requester(*, user: User, export_id: int) -> ReportExport | None:
    """The export if ``user`` asked for it (and may still see its scope); ``None`` otherwise."""
    export = ReportExport.objects.filter(pk=export_id, requested_by=user).select_related("organization").first()
    if export is None or not report_may_export(user=user, organization=export.organization):
        return None
    return export
