"""Supplier settlement reads: balances, statements, and the money identity.

Balances (integer fen), per supplier, from the order lines and statements:
- pending: paid lines whose fulfilment is not yet accepted, net of refunds;
- available: accepted lines net of refunds, minus what paid statements settled (it can be
  negative: a refund after a payout, carried into the next statement);
- adjustments: the part of ``available`` that refunds after a statement made (≤ 0 usually);
- settled: the sum of paid statements.
The identity ``received = refunded + settled + pending + available`` is checked against the
ledger (paid order lines and refunds), an independent record of the money.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, F, Q, QuerySet, Sum, When

from orders.models import (
    EntryKind,
    FulfilmentStatus,
    LedgerEntry,
    OrderLine,
    SettlementLine,
    SettlementStatement,
    StatementStatus,
)
from shop.common.money import format_yuan

_LIVE_UNPAID = [StatementStatus.DRAFT, StatementStatus.CONFIRMED, StatementStatus.OBJECTED, StatementStatus.APPROVED]


@dataclass
class SupplierBalance:
    supplier_id: int
    pending_fen: int = 0
    available_fen: int = 0
    adjustments_fen: int = 0
    in_statements_fen: int = 0  # on statements not yet paid (part of available)
    settled_fen: int = 0

    @property
    def held_fen(self) -> int:
        return self.pending_fen + self.available_fen

    def display(self, name: str) -> str:
        return format_yuan(getattr(self, name))


def supplier_balances(*, supplier_ids: list[int] | None = None) -> dict[int, SupplierBalance]:
    """Balances of the given suppliers (all when None), in three queries whatever the data."""
    lines = OrderLine.objects.filter(order__paid_at__isnull=False)
    stated = SettlementLine.objects.all()
    if supplier_ids is not None:
        lines = lines.filter(supplier_id__in=supplier_ids)
        stated = stated.filter(statement__supplier_id__in=supplier_ids)
    accepted = Q(fulfilment__status=FulfilmentStatus.ACCEPTED)
    net = F("total_fen") - F("refunded_fen")
    rows = lines.values("supplier_id").annotate(
        pending=Sum(Case(When(~accepted, then=net), default=0)),
        accepted=Sum(Case(When(accepted, then=net), default=0)),
    )
    result: dict[int, SupplierBalance] = defaultdict(lambda: SupplierBalance(0))
    for row in rows:
        b = result[row["supplier_id"]] = SupplierBalance(row["supplier_id"], row["pending"] or 0)
        b.available_fen = row["accepted"] or 0
    # Stated amounts, and the current net of the fulfilments that were stated.
    for srow in stated.values("statement__supplier_id", "statement__status").annotate(total=Sum("amount_fen")):
        b = result.setdefault(srow["statement__supplier_id"], SupplierBalance(srow["statement__supplier_id"]))
        if srow["statement__status"] == StatementStatus.PAID:
            b.settled_fen += srow["total"] or 0
        elif srow["statement__status"] in _LIVE_UNPAID:
            b.in_statements_fen += srow["total"] or 0
    stated_net = (
        lines.filter(fulfilment__settlement_lines__kind="sale").values("supplier_id").annotate(total=Sum(net))
    )
    for nrow in stated_net:
        b = result[nrow["supplier_id"]]
        b.adjustments_fen = (nrow["total"] or 0) - b.settled_fen - b.in_statements_fen
    for b in result.values():
        b.available_fen -= b.settled_fen
    return dict(result)


def supplier_balance(*, supplier_id: int) -> SupplierBalance:
    return supplier_balances(supplier_ids=[supplier_id]).get(supplier_id, SupplierBalance(supplier_id))


def statements_for_supplier(*, supplier_id: int) -> QuerySet[SettlementStatement]:
    """The supplier's own statements (never another's), newest first; voided ones left out."""
    return SettlementStatement.objects.filter(supplier_id=supplier_id).exclude(status=StatementStatus.VOID)


def statement_for_supplier(*, supplier_id: int, pk: int) -> SettlementStatement | None:
    return statements_for_supplier(supplier_id=supplier_id).filter(pk=pk).first()


def statement_with_lines(*, pk: int) -> SettlementStatement | None:
    return (
        SettlementStatement.objects.select_related("supplier", "generated_by", "approved_by")
        .prefetch_related("lines").filter(pk=pk).first()
    )


@dataclass
class SettlementReport:
    received_fen: int = 0
    refunded_fen: int = 0
    settled_fen: int = 0
    held_fen: int = 0
    suppliers: int = 0
    statements: int = 0
    differences: list[str] = field(default_factory=list)


def settlement_reconcile() -> SettlementReport:
    """received = refunded + settled + held, overall and per supplier, to the fen; and each
    statement's header equals the sum of its lines."""
    report = SettlementReport()
    money: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        LedgerEntry.objects.filter(kind__in=[EntryKind.ORDER_LINE, EntryKind.REFUND], supplier__isnull=False)
        .values("supplier_id", "kind").annotate(total=Sum("amount_fen"))
    )
    for row in rows:
        if row["kind"] == EntryKind.ORDER_LINE:
            money[row["supplier_id"]][0] += row["total"]
        else:
            money[row["supplier_id"]][1] -= row["total"]
    balances = supplier_balances()
    for sid in sorted(set(money) | set(balances)):
        received, refunded = money[sid]
        b = balances.get(sid, SupplierBalance(sid))
        report.received_fen += received
        report.refunded_fen += refunded
        report.settled_fen += b.settled_fen
        report.held_fen += b.held_fen
        report.suppliers += 1
        right = refunded + b.settled_fen + b.held_fen
        if received != right:
            report.differences.append(
                f"supplier {sid}: received {received} ≠ refunded {refunded} + settled {b.settled_fen} + "
                f"held {b.held_fen} (difference {received - right} fen)"
            )
    total_right = report.refunded_fen + report.settled_fen + report.held_fen
    if report.received_fen != total_right:
        report.differences.append(f"overall: received {report.received_fen} ≠ {total_right}")
    headers = SettlementStatement.objects.exclude(status=StatementStatus.VOID).annotate(
        lines_total=Sum("lines__amount_fen")
    ).values_list("number", "amount_fen", "lines_total")
    for number, amount, lines_total in headers:
        report.statements += 1
        if amount != (lines_total or 0):
            report.differences.append(f"statement {number}: amount {amount} ≠ its lines {lines_total or 0}")
    return report
