"""Stripe calls: PaymentIntents and refunds.

Only this package imports ``stripe``; the rest of the code sees ``PaymentIntentData`` (a
plain snapshot) and ``StripeUnavailable``. Every call that creates something passes an
idempotency key chosen by the caller, so a retry (ours or the library's network retry)
yields the same object at Stripe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from orders.stripe.client import stripe_client
from shop.common.lazy import lazy_module

if TYPE_CHECKING:  # the import graph (lint-imports) and mypy see the real import
    import stripe
else:
    stripe = lazy_module("stripe")  # imported at first use (worker memory, issue 15)

CURRENCY = "cny"
# Stripe's largest amount per charge: eight digits in the smallest unit (99,999,999 fen =
# ¥999,999.99 for CNY). Larger orders are paid by bank transfer.
MAX_CHARGE_FEN = 99_999_999
# Refund statuses in which the money has left (or is leaving) the account.
REFUND_TAKEN_STATUSES = frozenset({"succeeded", "pending", "requires_action"})
# Statuses in which the buyer can still pay with the same PaymentIntent.
PAYABLE_STATUSES = frozenset({"requires_payment_method", "requires_confirmation", "requires_action"})


class StripeUnavailable(Exception):
    """Stripe could not be reached or refused the call; nothing was changed on our side."""


@dataclass(frozen=True)
class PaymentIntentData:
    id: str
    status: str
    amount: int
    currency: str
    client_secret: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    last_error: str = ""

    @property
    def failed(self) -> bool:
        """The last attempt was declined (the intent waits for another card) or it was cancelled."""
        return self.status == "canceled" or (self.status == "requires_payment_method" and bool(self.last_error))


def _snapshot(pi) -> PaymentIntentData:
    data = pi.to_dict() if hasattr(pi, "to_dict") else dict(pi)
    error = data.get("last_payment_error") or {}
    return PaymentIntentData(
        id=str(data["id"]),
        status=str(data.get("status") or ""),
        amount=int(data.get("amount") or 0),
        currency=str(data.get("currency") or "").lower(),
        client_secret=str(data.get("client_secret") or ""),
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        last_error=str((error.get("message") or error.get("code") or "") if isinstance(error, dict) else error)[:500],
    )


def stripe_payment_intent_create(
    *, amount_fen: int, metadata: dict[str, str], idempotency_key: str
) -> PaymentIntentData:
    """A card PaymentIntent in CNY for ``amount_fen`` (Stripe's CNY unit is the fen)."""
    try:
        pi = stripe_client().v1.payment_intents.create(
            params={
                "amount": int(amount_fen),
                "currency": CURRENCY,
                "payment_method_types": ["card"],  # type: ignore[typeddict-unknown-key]  # the typed params list only allowed_payment_method_types
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(str(exc)) from exc
    return _snapshot(pi)


def stripe_payment_intent_retrieve(*, payment_intent_id: str) -> PaymentIntentData | None:
    """The PaymentIntent as Stripe has it now, or ``None`` when Stripe does not know it."""
    try:
        pi = stripe_client().v1.payment_intents.retrieve(payment_intent_id)
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            return None
        raise StripeUnavailable(str(exc)) from exc
    except stripe.StripeError as exc:
        raise StripeUnavailable(str(exc)) from exc
    return _snapshot(pi)


def stripe_payment_intent_cancel(*, payment_intent_id: str) -> bool:
    """Best effort: cancel an intent we no longer use. False when Stripe refused (for
    example because it has succeeded meanwhile: its webhook will then be handled)."""
    try:
        stripe_client().v1.payment_intents.cancel(payment_intent_id)
    except stripe.StripeError:
        return False
    return True


def stripe_refund_create(
    *, payment_intent_id: str, amount_fen: int, idempotency_key: str, metadata: dict[str, str] | None = None
) -> str:
    """Refund ``amount_fen`` of a succeeded PaymentIntent; returns the Stripe refund id.
    ``metadata`` names the shop's Refund, so that a sync that sees this refund at Stripe
    before our commit (a ``charge.refunded`` webhook) completes that row instead of
    recording another. Raises ``StripeUnavailable`` when Stripe refuses or cannot be reached."""
    try:
        refund = stripe_client().v1.refunds.create(
            params={"payment_intent": payment_intent_id, "amount": int(amount_fen), "metadata": metadata or {}},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(str(exc)) from exc
    return str(refund.id)


@dataclass(frozen=True)
class RefundData:
    id: str
    amount: int
    status: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def taken(self) -> bool:
        return self.status in REFUND_TAKEN_STATUSES


@dataclass(frozen=True)
class DisputeData:
    id: str
    amount: int
    status: str
    reason: str
    payment_intent_id: str


def _dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _id_of(value) -> str:
    """An expandable field: a plain id, or the object (localstripe expands some)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(getattr(value, "id", "") or "")


def _call(fn, *args, **kwargs):
    """Call Stripe; None on 404; StripeUnavailable on anything else that fails."""
    try:
        return fn(*args, **kwargs)
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            return None
        raise StripeUnavailable(str(exc)) from exc
    except stripe.StripeError as exc:
        raise StripeUnavailable(str(exc)) from exc


def stripe_refunds_list(*, payment_intent_id: str) -> list[RefundData]:
    """Every refund Stripe holds for the intent (all pages)."""
    client = stripe_client()
    page = _call(client.v1.refunds.list, params={"payment_intent": payment_intent_id, "limit": 100})
    if page is None:
        return []
    found = []
    for refund in _call(lambda: list(page.auto_paging_iter())):
        data = _dict(refund)
        found.append(RefundData(
            id=str(data["id"]), amount=int(data.get("amount") or 0), status=str(data.get("status") or ""),
            metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        ))
    return found


def _dispute(data: dict) -> DisputeData:
    return DisputeData(
        id=str(data["id"]), amount=int(data.get("amount") or 0), status=str(data.get("status") or ""),
        reason=str(data.get("reason") or "")[:64], payment_intent_id=_id_of(data.get("payment_intent")),
    )


def stripe_disputes_list(*, payment_intent_id: str) -> list[DisputeData]:
    """Every dispute of the intent's charges (all pages)."""
    client = stripe_client()
    page = _call(client.v1.disputes.list, params={"payment_intent": payment_intent_id, "limit": 100})
    if page is None:
        return []
    return [_dispute(_dict(d)) for d in _call(lambda: list(page.auto_paging_iter()))]


def stripe_dispute_retrieve(*, dispute_id: str) -> DisputeData | None:
    dispute = _call(stripe_client().v1.disputes.retrieve, dispute_id)
    return None if dispute is None else _dispute(_dict(dispute))


def stripe_charge_payment_intent(*, charge_id: str) -> str:
    """The PaymentIntent of a charge, as Stripe has it ('' when unknown)."""
    charge = _call(stripe_client().v1.charges.retrieve, charge_id)
    return "" if charge is None else _id_of(_dict(charge).get("payment_intent"))
