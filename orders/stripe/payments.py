"""Stripe calls: PaymentIntents and refunds.

Only this package imports ``stripe``; the rest of the code sees ``PaymentIntentData`` (a
plain snapshot) and ``StripeUnavailable``. Every call that creates something passes an
idempotency key chosen by the caller, so a retry (ours or the library's network retry)
yields the same object at Stripe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import stripe

from orders.stripe.client import stripe_client

CURRENCY = "cny"
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
                "payment_method_types": ["card"],
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


def stripe_refund_create(*, payment_intent_id: str, amount_fen: int, idempotency_key: str) -> str:
    """Refund ``amount_fen`` of a succeeded PaymentIntent; returns the Stripe refund id.
    Raises ``StripeUnavailable`` when Stripe refuses or cannot be reached."""
    try:
        refund = stripe_client().v1.refunds.create(
            params={"payment_intent": payment_intent_id, "amount": int(amount_fen)},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(str(exc)) from exc
    return str(refund.id)
