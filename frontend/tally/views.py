"""Public tally pages: progress, leaderboard, big screen, organization, supplier and
county pages. Views stay thin: selectors read the running aggregates, ``frontend.charts``
draws the pictures. Public fields only (names, types, amounts)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from frontend.charts import bar_chart, column_chart, cumulative_chart, donut_chart
from orders.models import Campaign
from orders.selectors.campaigns import campaign_by_slug, campaign_current
from orders.selectors.tally import (
    RANKED_DIMENSIONS,
    Tally,
    leaderboard,
    organization_standing,
    parse_buyer_type,
    tally_for_campaign,
)
from orders.selectors.tally_pages import (
    campaign_months,
    campaigns_public,
    county_public,
    county_sales,
    county_suppliers_ranked,
    cumulative_series,
    leaderboard_slugs,
    organization_history,
    organization_public,
    supplier_public,
    supplier_sales,
    top_organizations,
)
from orders.selectors.uncovered import uncovered_summary
from shop.accounts.models import OrganizationType
from shop.common.money import format_yuan

PAGE_SIZE = 20
SCREEN_REFRESH_SECONDS = 60
SCREEN_MAX_AGE = 1  # a proxy may share a response between wall screens, never hold a figure longer
_PAGE = re.compile(r"[0-9]{1,6}")
BOARDS = ["organization", "parent", "supplier", "county"]


def _campaign_from_query(request: HttpRequest) -> Campaign:
    """``?campaign=<slug>`` or the current campaign; 404 when there is none."""
    slug = request.GET.get("campaign", "").strip()
    campaign = campaign_by_slug(slug=slug) if slug else campaign_current()
    if campaign is None:
        raise Http404(_("No campaign is shown at this address."))
    return campaign


def _charts(tally: Tally, *, css: str = "") -> dict[str, object]:
    series = cumulative_series(campaign=tally.campaign, by_month=tally.by_month, today=timezone.localdate())
    return {
        "series": series,
        "cumulative_svg": cumulative_chart(
            points=series, target_fen=tally.target_fen, css=css,
            title=_("Cumulative amount by month against the target"),
        ),
        "county_svg": donut_chart(
            items=[(s.label, s.amount_fen) for s in tally.by_county], css=css, title=_("Amount by county"),
        ),
        "type_svg": bar_chart(
            items=[(s.label, s.amount_fen) for s in tally.by_buyer_type], css=css, title=_("Amount by buyer type"),
        ),
    }


@require_safe
def progress(request: HttpRequest, slug: str = "") -> HttpResponse:
    campaign = campaign_by_slug(slug=slug) if slug else campaign_current()
    if campaign is None and slug:
        raise Http404(_("No campaign is shown at this address."))
    context: dict[str, object] = {
        "campaign": campaign, "campaigns": campaigns_public(), "uncovered": uncovered_summary(),
    }
    if campaign is not None:
        tally = tally_for_campaign(campaign=campaign)
        context.update(tally=tally, bar_percent=min(100.0, tally.percent), **_charts(tally))
    return render(request, "frontend/tally/progress.html", context)


def _leaderboard_errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [message for messages in exc.message_dict.values() for message in messages]
    return list(exc.messages)


@require_safe
def leaderboard_page(request: HttpRequest) -> HttpResponse:
    campaign = _campaign_from_query(request)
    board = request.GET.get("board", "organization") or "organization"
    buyer_type = request.GET.get("type", "")
    period = request.GET.get("period", "")
    raw_page = (request.GET.get("page", "") or "1").strip()
    errors: list[str] = []
    if board not in RANKED_DIMENSIONS:
        errors.append(_("Unknown ranking: choose organizations, streets and departments, suppliers or counties."))
        board = "organization"
    number = int(raw_page) if _PAGE.fullmatch(raw_page) and int(raw_page) > 0 else 0
    if not number:
        errors.append(_("The page number must be a whole number, such as 2."))
        number = 1
    page = None
    if not errors:
        try:
            parse_buyer_type(buyer_type)  # refused on every board, not only the organizations'
            page = leaderboard(
                campaign=campaign, dimension=board, buyer_type=buyer_type if board == "organization" else "",
                period=period, first=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE,
            )
        except ValidationError as exc:
            errors = _leaderboard_errors(exc)
            page = None
    slugs = leaderboard_slugs(dimension=board, page=page) if page else {}
    total_pages = max(1, -(-page.total_count // PAGE_SIZE)) if page else 1
    types = dict(OrganizationType.choices)
    keep = {"campaign": campaign.slug, "board": board, "type": buyer_type, "period": period}
    if errors:
        keep.update(type="", period="")

    def link(**changes: object) -> str:
        query = {k: v for k, v in {**keep, **changes}.items() if v not in ("", None, 1)}
        return "?" + urlencode(query)
    context = {
        "campaign": campaign,
        "campaigns": campaigns_public(),
        "board": board,
        "buyer_type": buyer_type if not errors else "",
        "types": OrganizationType.choices,
        "period": period if not errors else "",
        "months": campaign_months(campaign),
        "uncovered": uncovered_summary(),
        "page": page,
        "rows": [(row, slugs.get(row.key, ""), types.get(row.group, "")) for row in page.rows] if page else [],
        "number": number,
        "total_pages": total_pages,
        "errors": errors,
        "board_links": [(b, _board_label(b), link(board=b, type="", page=1)) for b in BOARDS],
        "type_links": [("", _("All types"), link(type="", page=1))]
        + [(value, label, link(type=value, page=1)) for value, label in OrganizationType.choices],
        "prev_url": link(page=number - 1) if number > 1 else "",
        "next_url": link(page=number + 1) if page and number < total_pages else "",
    }
    return render(request, "frontend/tally/leaderboard.html", context, status=400 if errors else 200)


def _board_label(board: str) -> str:
    return {
        "organization": _("Buyer organizations"),
        "parent": _("Streets and departments"),
        "supplier": _("Suppliers"),
        "county": _("Counties"),
    }[board]


def _screen_payload(campaign: Campaign, tally: Tally, top: list) -> dict[str, object]:
    types = dict(OrganizationType.choices)
    return {
        "campaign": {"name": campaign.name, "slug": campaign.slug},
        "total_fen": tally.total_fen,
        "total": format_yuan(tally.total_fen),
        "target_fen": tally.target_fen,
        "target": format_yuan(tally.target_fen),
        "percent": f"{tally.percent:.1f}",
        "organization_count": tally.organization_count,
        "order_count": tally.order_count,
        "unpaid_fen": tally.unpaid_fen,
        "unpaid": format_yuan(tally.unpaid_fen),
        "accepted_fen": tally.accepted_fen,
        "accepted": format_yuan(tally.accepted_fen),
        "top": [
            {"rank": r.rank, "name": r.name, "type": str(types.get(r.group, "")), "amount_fen": r.amount_fen,
             "amount": format_yuan(r.amount_fen)}
            for r in top
        ],
        "updated_at": timezone.localtime().isoformat(timespec="seconds"),
    }


def _short_cache(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=SCREEN_MAX_AGE)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


@require_safe
def screen(request: HttpRequest) -> HttpResponse:
    """数据大屏: a dark full-screen page for a wall display that reloads itself."""
    campaign = _campaign_from_query(request)
    tally = tally_for_campaign(campaign=campaign)
    types = dict(OrganizationType.choices)
    context = {
        "campaign": campaign,
        "tally": tally,
        "bar_percent": min(100.0, tally.percent),
        "top": [(row, types.get(row.group, "")) for row in top_organizations(campaign=campaign, first=10)],
        "refresh_seconds": SCREEN_REFRESH_SECONDS,
        "now": timezone.localtime(),
        **_charts(tally, css="chart-dark"),
    }
    return _short_cache(render(request, "frontend/tally/screen.html", context))


@require_safe
def screen_json(request: HttpRequest) -> HttpResponse:
    campaign = _campaign_from_query(request)
    tally = tally_for_campaign(campaign=campaign)
    payload = _screen_payload(campaign, tally, top_organizations(campaign=campaign, first=10))
    return _short_cache(JsonResponse(payload, json_dumps_params={"ensure_ascii": False}))


@require_safe
def organization(request: HttpRequest, pk: int) -> HttpResponse:
    org = organization_public(pk=pk)
    if org is None:
        raise Http404(_("No buyer organization is shown at this address."))
    campaign = _campaign_from_query(request)
    standing = organization_standing(campaign=campaign, organization=org)
    history = organization_history(campaign=campaign, organization=org, spend_fen=standing.spend_fen)
    items = [(m.month, m.amount_fen) for m in history.months]
    context = {
        "campaign": campaign,
        "campaigns": campaigns_public(),
        "org": org,
        "standing": standing,
        "completion_bar": min(100.0, standing.completion or 0.0),
        "history": history,
        "history_svg": column_chart(items=items, title=_("Amount by month")),
    }
    return render(request, "frontend/tally/organization.html", context)


@require_safe
def supplier(request: HttpRequest, slug: str) -> HttpResponse:
    item = supplier_public(slug=slug)
    if item is None:
        raise Http404(_("No supplier is listed at this address."))
    campaign = _campaign_from_query(request)
    sales = supplier_sales(campaign=campaign, supplier=item)
    context = {
        "campaign": campaign,
        "campaigns": campaigns_public(),
        "supplier": item,
        "sales": sales,
        "months_svg": column_chart(items=[(m.month, m.amount_fen) for m in sales.months], title=_("Sales by month")),
    }
    return render(request, "frontend/tally/supplier.html", context)


@require_safe
def county(request: HttpRequest, value: str) -> HttpResponse:
    region = county_public(value=value)
    if region is None:
        raise Http404(_("No county is listed at this address."))
    campaign = _campaign_from_query(request)
    sales = county_sales(campaign=campaign, county=region)
    suppliers = county_suppliers_ranked(campaign=campaign, county=region)
    context = {
        "campaign": campaign,
        "campaigns": campaigns_public(),
        "county": region,
        "sales": sales,
        "suppliers": suppliers,
        "months_svg": column_chart(items=[(m.month, m.amount_fen) for m in sales.months], title=_("Sales by month")),
        "suppliers_svg": bar_chart(items=[(s.name, s.amount_fen) for s in suppliers[:10]], title=_("Top suppliers")),
    }
    return render(request, "frontend/tally/county.html", context)
