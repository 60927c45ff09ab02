"""Bank transfers (对公转账) recorded by finance staff.

A buyer transfers the order total to the platform's account and writes the order's payment
reference ("XF" + 8 characters) in the remark. Finance staff record what the bank statement
shows. An exact match (known reference, order awaiting payment, amount equal to the total to
the fen) marks the order paid through ``order_mark_paid``, which writes the payment and the
ledger entries once. Anything else is kept as a *flagged* receipt with the reason, for staff
to resolve (a transfer back, or applying it to an order once it matches).

Recording is idempotent by the bank's own transaction reference: recording the same
statement line twice returns the first receipt and never pays an order twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import (
    BankReceipt,
    BankReceiptStatus,
    Order,
    OrderEventKind,
    OrderStatus,
    PaymentMethod,
)
from orders.services.payments import PAID_OR_LATER, order_check_payable, order_mark_paid
from orders.services.status import order_event_record, order_lock
from shop.accounts.models import User
from shop.common.money import format_yuan, to_decimal, yuan_to_fen

E = OrderErrorCode
# A single transfer above ¥100,000,000 is a typing mistake, not a purchase.
MAX_AMOUNT_FEN = 10_000_000_000
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_REFERENCE_IN_TEXT = re.compile(r"XF[2-9A-HJ-NP-Z]{8}")
_SPACES = re.compile(r"\s+")


def _error(field: str, message: str, code: E) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def _require_staff(actor: User) -> None:
    if not (getattr(actor, "is_authenticated", False) and getattr(actor, "is_staff", False)):
        raise ValidationError(_("Only platform staff can record bank transfers."), code=E.PERMISSION_DENIED.value)


def parse_yuan_to_fen(raw: object, *, field: str = "amount") -> int:
    """A positive yuan amount (``Decimal``, ``int`` or text such as "1234.50", "¥1,234.50")
    to integer fen. Floats, more than two decimals, zero, negatives and absurd sizes are
    refused with a field error rather than rounded."""
    if raw is None or isinstance(raw, bool | float) or (isinstance(raw, str) and not raw.strip()):
        code = E.REQUIRED if raw is None or isinstance(raw, str) else E.INVALID_AMOUNT
        message = _("Enter the amount.") if code == E.REQUIRED else _("Enter the amount in yuan, e.g. 1234.50.")
        raise _error(field, message, code)
    text = str(raw).strip().lstrip("¥￥").strip()
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        amount = to_decimal(text)
        exact = Decimal(text)
    except (TypeError, ValueError, ArithmeticError, InvalidOperation):
        raise _error(field, _("Enter the amount in yuan, e.g. 1234.50."), E.INVALID_AMOUNT) from None
    if exact != amount:
        raise _error(field, _("Enter at most two decimal places (fen)."), E.INVALID_AMOUNT)
    if amount <= 0:
        raise _error(field, _("The amount must be more than zero."), E.INVALID_AMOUNT)
    fen = yuan_to_fen(amount)
    if fen > MAX_AMOUNT_FEN:
        raise _error(field, _("This amount is too large for one transfer."), E.INVALID_AMOUNT)
    return fen


def _parse_received_on(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = timezone.localdate(raw) if timezone.is_aware(raw) else raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        try:
            value = dt.date.fromisoformat(raw.strip())
        except ValueError:
            raise _error("received_on", _("Enter the date as YYYY-MM-DD."), E.INVALID) from None
    else:
        raise _error("received_on", _("Enter the date the money arrived."), E.REQUIRED)
    if value > timezone.localdate():
        raise _error("received_on", _("The date cannot be in the future."), E.INVALID)
    return value


def normalize_bank_reference(raw: object) -> str:
    return _SPACES.sub("", str(raw or "")).upper()


def normalize_payment_reference(raw: object) -> str:
    return _SPACES.sub("", str(raw or "")).upper()


def order_for_payment_reference(raw: object) -> Order | None:
    """The order a payer's remark points at: the whole remark (spaces and case ignored), or
    else one reference found inside it ("货款 XF2345ABCD")."""
    text = normalize_payment_reference(raw)
    if not text:
        return None
    order = Order.objects.filter(payment_reference=text).first()
    if order is not None:
        return order
    found = set(_REFERENCE_IN_TEXT.findall(text))
    if len(found) == 1:
        return Order.objects.filter(payment_reference=found.pop()).first()
    return None


def _clean_inputs(
    *, bank_reference: object, payment_reference: object, amount: object, received_on: object,
    payer_name: object,
) -> tuple[str, str, int, dt.date, str]:
    errors: dict[str, list[ValidationError]] = {}

    def collect(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            for key, errs in exc.error_dict.items():
                errors.setdefault(key, []).extend(errs)
            return None

    bank_ref = normalize_bank_reference(bank_reference)
    if not bank_ref:
        errors["bank_reference"] = [ValidationError(_("Enter the bank's transaction reference."), code=E.REQUIRED.value)]
    elif len(bank_ref) > 64:
        errors["bank_reference"] = [ValidationError(_("At most 64 characters."), code=E.INVALID.value)]
    payment_ref = _SPACES.sub(" ", str(payment_reference or "")).strip()
    if len(payment_ref) > 64:
        errors["payment_reference"] = [ValidationError(_("At most 64 characters."), code=E.INVALID.value)]
    payer = _SPACES.sub(" ", str(payer_name or "")).strip()
    if len(payer) > 128:
        errors["payer_name"] = [ValidationError(_("At most 128 characters."), code=E.INVALID.value)]
    amount_fen = collect(parse_yuan_to_fen, amount, field="amount")
    day = collect(_parse_received_on, received_on)
    if errors:
        raise ValidationError(errors)
    return bank_ref, payment_ref, amount_fen, day, payer


def _same_receipt(existing: BankReceipt, amount_fen: int) -> BankReceipt:
    if existing.amount_fen != amount_fen:
        raise _error(
            "bank_reference",
            _("This bank reference was already recorded with a different amount (%(amount)s).")
            % {"amount": format_yuan(existing.amount_fen)},
            E.DUPLICATE_RECEIPT,
        )
    return existing


def _flag_reason(order: Order | None, amount_fen: int, payment_ref: str) -> str:
    if order is None:
        if not payment_ref:
            return _("The payer wrote no payment reference.")
        return _("No order has the payment reference “%(reference)s”.") % {"reference": payment_ref}
    if order.status in PAID_OR_LATER:
        return _("Order %(number)s was already paid: this is a second payment.") % {"number": order.number}
    if order.status == OrderStatus.CANCELLED:
        return _("Order %(number)s was cancelled before the money arrived.") % {"number": order.number}
    if order.status == OrderStatus.PENDING_APPROVAL:
        return _("Order %(number)s is still waiting for approval.") % {"number": order.number}
    if amount_fen != order.total_fen:
        return _("The amount %(amount)s does not match the total %(total)s of order %(number)s.") % {
            "amount": format_yuan(amount_fen), "total": format_yuan(order.total_fen), "number": order.number,
        }
    return ""


@transaction.atomic
def bank_receipt_record(
    *, actor: User, bank_reference: str, payment_reference: str, amount: object, received_on: object,
    payer_name: str = "",
) -> BankReceipt:
    """Record one transfer from the bank statement; pay the order on an exact match, flag
    it otherwise. Idempotent by ``bank_reference``; one transaction.

    The order row is locked before the decision, so a concurrent card payment or a second
    receipt for the same order sees the result of this one (and gets flagged as a second
    payment instead of paying twice)."""
    _require_staff(actor)
    bank_ref, payment_ref, amount_fen, day, payer = _clean_inputs(
        bank_reference=bank_reference, payment_reference=payment_reference, amount=amount,
        received_on=received_on, payer_name=payer_name,
    )
    existing = BankReceipt.objects.filter(bank_reference=bank_ref).first()
    if existing is not None:
        return _same_receipt(existing, amount_fen)
    order = order_for_payment_reference(payment_ref)
    if order is not None:
        order = order_lock(order_id=order.pk)
    try:
        with transaction.atomic():
            receipt = BankReceipt.objects.create(
                bank_reference=bank_ref, payment_reference=payment_ref, payer_name=payer,
                amount_fen=amount_fen, received_on=day, order=order, status=BankReceiptStatus.FLAGGED,
                recorded_by=actor,
            )
    except IntegrityError:
        # Recorded at the same moment by someone else: theirs stands.
        return _same_receipt(BankReceipt.objects.get(bank_reference=bank_ref), amount_fen)
    reason = _flag_reason(order, amount_fen, payment_ref)
    if not reason and order is not None:  # no reason: an order matched
        try:
            order_mark_paid(
                order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=amount_fen,
                actor=actor, bank_receipt=receipt, source="bank",
            )
        except ValidationError as exc:  # the checks above run under the same lock; belt and braces
            reason = " ".join(exc.messages)
        else:
            receipt.status = BankReceiptStatus.MATCHED
            receipt.save(update_fields=["status"])
            return receipt
    receipt.flag_reason = reason[:255]
    receipt.save(update_fields=["flag_reason"])
    if order is not None:
        order_event_record(
            order=order, kind=OrderEventKind.RECEIPT_FLAGGED, actor=actor, message=receipt.flag_reason,
            data={"bank_reference": bank_ref, "amount_fen": amount_fen, "receipt_id": receipt.pk},
        )
    return receipt


@transaction.atomic
def bank_receipt_resolve(*, actor: User, receipt: BankReceipt, note: str, order: Order | None = None) -> BankReceipt:
    """Close a flagged receipt with a note (e.g. "returned by transfer 2020…"), or apply it
    to ``order`` when its total now matches, which marks that order paid. Resolving a
    receipt twice returns it unchanged."""
    _require_staff(actor)
    receipt = BankReceipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.status == BankReceiptStatus.RESOLVED:
        return receipt
    if receipt.status != BankReceiptStatus.FLAGGED:
        raise ValidationError(_("Only a flagged receipt can be resolved."), code=E.INVALID_TRANSITION.value)
    note = _SPACES.sub(" ", str(note or "")).strip()
    if not note:
        raise _error("note", _("Say how the receipt was resolved."), E.REQUIRED)
    if len(note) > 255:
        raise _error("note", _("At most 255 characters."), E.INVALID)
    if order is not None:
        locked = order_lock(order_id=order.pk)
        try:
            order_check_payable(order=locked)
        except ValidationError as exc:
            raise ValidationError({"order": exc}) from None
        if receipt.amount_fen != locked.total_fen:
            raise _error(
                "order",
                _("The receipt (%(amount)s) does not match the total %(total)s of order %(number)s.") % {
                    "amount": format_yuan(receipt.amount_fen), "total": format_yuan(locked.total_fen),
                    "number": locked.number,
                },
                E.INVALID_AMOUNT,
            )
        order_mark_paid(
            order_id=locked.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=receipt.amount_fen,
            actor=actor, bank_receipt=receipt, source="bank_resolve",
        )
        receipt.order = locked
    receipt.status = BankReceiptStatus.RESOLVED
    receipt.resolution_note = note
    receipt.resolved_by = actor
    receipt.resolved_at = timezone.now()
    receipt.save(update_fields=["status", "resolution_note", "resolved_by", "resolved_at", "order"])
    return receipt
