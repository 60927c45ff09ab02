"""Supplier settlement (结算): generate a statement, the supplier confirms or objects, a
second staff member approves (maker–checker), staff mark it paid; staff may void a draft or
an objected statement. Every transition locks the statement row (``select_for_update``),
checks the state it starts from and writes an audit row, all in one transaction: two staff
approving the same statement at once give one approval, the second sees ``approved``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import (
    Fulfilment,
    FulfilmentStatus,
    OrderLine,
    SettlementLine,
    SettlementLineKind,
    SettlementStatement,
    StatementStatus,
)
from shop.accounts.models import User
from shop.common.audit import audit_record
from suppliers.models import Supplier, SupplierMember

LIVE = [StatementStatus.DRAFT, StatementStatus.CONFIRMED, StatementStatus.OBJECTED,
        StatementStatus.APPROVED, StatementStatus.PAID]


def platform_fee_fen(*, amount_fen: int, basis_points: int) -> int:
    """The platform's fee: half up to the fen, integer arithmetic only."""
    if amount_fen <= 0 or basis_points <= 0:
        return 0
    return (amount_fen * basis_points + 5000) // 10000


def _month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    return start, nxt - dt.timedelta(days=1)


def previous_month(*, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return _month_bounds(today.replace(day=1) - dt.timedelta(days=1))


def _net_by_fulfilment(fulfilment_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    rows = (
        OrderLine.objects.filter(fulfilment_id__in=fulfilment_ids).values("fulfilment_id")
        .annotate(gross=Sum("total_fen"), refunded=Sum("refunded_fen"))
    )
    return {r["fulfilment_id"]: (r["gross"] or 0, r["refunded"] or 0) for r in rows}


def _sale_lines(supplier: Supplier, period_end: dt.date) -> list[SettlementLine]:
    end = timezone.make_aware(dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time.min))
    fulfilments = list(
        Fulfilment.objects.filter(supplier=supplier, status=FulfilmentStatus.ACCEPTED, accepted_at__lt=end)
        .exclude(settlement_lines__kind=SettlementLineKind.SALE).select_related("order").order_by("id")
    )
    nets = _net_by_fulfilment([f.pk for f in fulfilments])
    lines = []
    for f in fulfilments:
        gross, refunded = nets.get(f.pk, (0, 0))
        lines.append(SettlementLine(
            fulfilment=f, kind=SettlementLineKind.SALE, order_number=f.order.number,
            accepted_at=f.accepted_at, gross_fen=gross, refunded_fen=refunded, amount_fen=gross - refunded,
        ))
    return lines


def _adjustment_lines(supplier: Supplier) -> list[SettlementLine]:
    """Refunds made after a fulfilment was stated: the change of its net since then."""
    stated = dict(
        SettlementLine.objects.filter(statement__supplier=supplier, statement__status__in=LIVE)
        .values("fulfilment_id").annotate(total=Sum("amount_fen")).values_list("fulfilment_id", "total")
    )
    if not stated:
        return []
    nets = _net_by_fulfilment(list(stated))
    numbers = dict(Fulfilment.objects.filter(pk__in=list(stated)).values_list("pk", "order__number"))
    lines = []
    for fid in sorted(stated):
        gross, refunded = nets.get(fid, (0, 0))
        delta = gross - refunded - stated[fid]
        if delta:
            lines.append(SettlementLine(
                fulfilment_id=fid, kind=SettlementLineKind.ADJUSTMENT, order_number=numbers[fid],
                gross_fen=0, refunded_fen=-delta, amount_fen=delta,
            ))
    return lines


def statement_generate(
    *, actor: User, supplier_id: int, period_start: dt.date | None = None, period_end: dt.date | None = None,
) -> SettlementStatement:
    """A statement of everything accepted up to ``period_end`` and not yet stated, plus the
    adjustments carried since the last one. Refuses an empty or negative statement (the
    negative adjustments stay carried until sales cover them)."""
    if period_start is None or period_end is None:
        period_start, period_end = previous_month()
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")}, code="invalid")
    with transaction.atomic():
        supplier = Supplier.objects.select_for_update().filter(pk=supplier_id).first()
        if supplier is None:
            raise ValidationError(_("No such supplier."), code="not_found")
        lines = _sale_lines(supplier, period_end) + _adjustment_lines(supplier)
        if not lines:
            raise ValidationError(_("Nothing to settle for this supplier and period."), code="nothing_to_settle")
        sales = sum(line.amount_fen for line in lines if line.kind == SettlementLineKind.SALE)
        adjustments = sum(line.amount_fen for line in lines if line.kind == SettlementLineKind.ADJUSTMENT)
        amount = sales + adjustments
        if amount < 0:
            raise ValidationError(
                _("Refunds after settlement exceed the new sales; they are carried to the next statement."),
                code="negative_amount",
            )
        bp = int(getattr(settings, "PLATFORM_FEE_BASIS_POINTS", 0))
        fee = platform_fee_fen(amount_fen=amount, basis_points=bp)
        count = SettlementStatement.objects.filter(supplier=supplier).count() + 1
        statement = SettlementStatement.objects.create(
            number=f"JS{period_end:%Y%m}-{supplier.pk}-{count}", supplier=supplier,
            period_start=period_start, period_end=period_end, sales_fen=sales, adjustments_fen=adjustments,
            amount_fen=amount, fee_basis_points=bp, fee_fen=fee, payout_fen=amount - fee, generated_by=actor,
        )
        for line in lines:
            line.statement = statement
        SettlementLine.objects.bulk_create(lines)
        audit_record(actor=actor, instance=statement, action="settlement.generate",
                     changes={"status": [None, statement.status], "amount_fen": [None, amount]})
    return statement


def _locked(statement_id: int) -> SettlementStatement:
    statement = SettlementStatement.objects.select_for_update().filter(pk=statement_id).first()
    if statement is None:
        raise ValidationError(_("No such statement."), code="not_found")
    return statement


def _require(statement: SettlementStatement, *allowed: str) -> None:
    if statement.status not in allowed:
        raise ValidationError(
            _("This statement is %(status)s; it cannot be changed that way.")
            % {"status": statement.get_status_display()}, code="invalid_state",
        )


def _require_member(actor: User, statement: SettlementStatement) -> None:
    if not SupplierMember.objects.filter(user_id=actor.pk, supplier_id=statement.supplier_id).exists():
        raise ValidationError(_("You are not a member of this supplier."), code="permission_denied")


def _require_staff(actor: User) -> None:
    if not getattr(actor, "is_staff", False):
        raise ValidationError(_("Only platform staff can do this."), code="permission_denied")


def _move(statement: SettlementStatement, *, actor: User, to: str, action: str, fields: list[str], reason: str = "") -> None:
    old = statement.status
    statement.status = to
    statement.save(update_fields=["status", *fields])
    audit_record(actor=actor, instance=statement, action=action, changes={"status": [old, to]}, reason=reason)


def statement_confirm(*, actor: User, statement_id: int) -> SettlementStatement:
    with transaction.atomic():
        statement = _locked(statement_id)
        _require_member(actor, statement)
        if statement.status == StatementStatus.CONFIRMED:
            return statement  # a double click
        _require(statement, StatementStatus.DRAFT, StatementStatus.OBJECTED)
        statement.confirmed_by, statement.confirmed_at = actor, timezone.now()
        _move(statement, actor=actor, to=StatementStatus.CONFIRMED, action="settlement.confirm",
              fields=["confirmed_by", "confirmed_at"])
    return statement


def statement_object(*, actor: User, statement_id: int, reason: object) -> SettlementStatement:
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with the statement.")}, code="required")
    if len(reason) > 500:
        raise ValidationError({"reason": _("At most 500 characters.")}, code="invalid")
    with transaction.atomic():
        statement = _locked(statement_id)
        _require_member(actor, statement)
        _require(statement, StatementStatus.DRAFT, StatementStatus.OBJECTED)
        statement.objection = reason
        _move(statement, actor=actor, to=StatementStatus.OBJECTED, action="settlement.object",
              fields=["objection"], reason=reason)
    return statement


def statement_approve(*, actor: User, statement_id: int) -> SettlementStatement:
    """Maker–checker: the approver must not be the staff member who generated it."""
    _require_staff(actor)
    with transaction.atomic():
        statement = _locked(statement_id)
        _require(statement, StatementStatus.CONFIRMED)
        if statement.generated_by_id == actor.pk:
            raise ValidationError(_("A second staff member must approve a statement you generated."),
                                  code="same_person")
        statement.approved_by, statement.approved_at = actor, timezone.now()
        _move(statement, actor=actor, to=StatementStatus.APPROVED, action="settlement.approve",
              fields=["approved_by", "approved_at"])
    return statement


def statement_mark_paid(*, actor: User, statement_id: int, bank_reference: object, paid_on: dt.date | None = None,
                        ) -> SettlementStatement:
    _require_staff(actor)
    reference = str(bank_reference or "").strip()
    if not reference or len(reference) > 64:
        raise ValidationError({"bank_reference": _("Enter the bank reference of the transfer.")}, code="required")
    with transaction.atomic():
        statement = _locked(statement_id)
        if statement.status == StatementStatus.PAID and statement.bank_reference == reference:
            return statement  # a retry
        _require(statement, StatementStatus.APPROVED)
        statement.bank_reference, statement.paid_on, statement.paid_by = reference, paid_on or timezone.localdate(), actor
        _move(statement, actor=actor, to=StatementStatus.PAID, action="settlement.paid",
              fields=["bank_reference", "paid_on", "paid_by"])
    return statement


def statement_void(*, actor: User, statement_id: int, reason: object) -> SettlementStatement:
    """Staff withdraw a draft or objected statement: its lines go, its fulfilments are
    available again for the next statement."""
    _require_staff(actor)
    reason = str(reason or "").strip()[:255]
    with transaction.atomic():
        statement = _locked(statement_id)
        _require(statement, StatementStatus.DRAFT, StatementStatus.OBJECTED)
        statement.lines.all().delete()
        _move(statement, actor=actor, to=StatementStatus.VOID, action="settlement.void", fields=[], reason=reason)
    return statement
