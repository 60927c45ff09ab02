"""The procurement ledger's only writer. Entries are appended, never updated or deleted.

A paid order line appends one positive entry (the ``ledger_one_entry_per_paid_line``
constraint makes a second attempt fail rather than double count); a refund line appends
one negative entry into the same campaign as the line it refunds. An entry belongs to the
campaign whose dates cover the moment of payment and whose counties include the line's
county; a line outside every campaign is not counted.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from orders.models import Campaign, EntryKind, LedgerEntry, Order, Refund


def campaign_for(*, county_id: str, on: date) -> Campaign | None:
    return (
        Campaign.objects.filter(start_date__lte=on, end_date__gte=on, counties__code=county_id)
        .order_by("-start_date", "-id")
        .first()
    )


def ledger_append(*, entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Append entries (in the caller's transaction)."""
    return LedgerEntry.objects.bulk_create(entries)


def ledger_record_order_paid(*, order: Order) -> list[LedgerEntry]:
    """One entry per line of a just-paid order, at the time it was paid."""
    paid_at = order.paid_at or timezone.now()
    on = timezone.localdate(paid_at)
    campaigns: dict[str, Campaign | None] = {}
    organization = order.organization
    entries = []
    for line in order.lines.order_by("id"):
        if line.county_id not in campaigns:
            campaigns[line.county_id] = campaign_for(county_id=line.county_id, on=on)
        campaign = campaigns[line.county_id]
        if campaign is None:
            continue
        entries.append(
            LedgerEntry(
                campaign=campaign, kind=EntryKind.ORDER_LINE, amount_fen=line.total_fen,
                county_id=line.county_id, supplier_id=line.supplier_id, organization=organization,
                buyer_type=organization.org_type, funding_channel=order.funding_channel,
                occurred_at=paid_at, order_line=line, note=order.number,
            )
        )
    return ledger_append(entries=entries)


def ledger_record_refund(*, refund: Refund) -> list[LedgerEntry]:
    """One negative entry per refund line, in the campaign of the refunded line's entry."""
    when = refund.completed_at or timezone.now()
    entries = []
    for rline in refund.lines.select_related("order_line").order_by("id"):
        paid_entry = LedgerEntry.objects.filter(order_line=rline.order_line, kind=EntryKind.ORDER_LINE).first()
        if paid_entry is None:
            continue  # the line was never counted, so its refund is not either
        entries.append(
            LedgerEntry(
                campaign_id=paid_entry.campaign_id, kind=EntryKind.REFUND, amount_fen=-rline.amount_fen,
                county_id=paid_entry.county_id, supplier_id=paid_entry.supplier_id,
                organization_id=paid_entry.organization_id, buyer_type=paid_entry.buyer_type,
                funding_channel=paid_entry.funding_channel, occurred_at=when,
                order_line_id=rline.order_line_id, refund_line=rline, note=refund.order.number,
            )
        )
    return ledger_append(entries=entries)
