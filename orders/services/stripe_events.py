"""Stripe webhook events, once verified (``orders.webhooks``): stored by their id (unique)
and processed once.

Concurrent deliveries of one event both insert; the loser's IntegrityError is caught in a
savepoint and it reads the stored row. For a PaymentIntent event, ``payment_card_sync``
re-reads the intent from Stripe (the payload is never trusted, which also makes the order in
which events arrive irrelevant) and marks the event processed in the same transaction as the
effect. For a charge event (``charge.refunded``, ``charge.refund.updated``) the charge is
re-read to find its intent, for a dispute event (``charge.dispute.*``) the dispute; then the
same sync applies the intent with its refunds and disputes as Stripe has them now. Other
event types are stored and acknowledged.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import StripeEvent
from orders.services.card import payment_card_sync
from orders.stripe.payments import stripe_charge_payment_intent, stripe_dispute_retrieve


def _object(data: dict[str, Any]) -> dict[str, Any]:
    obj = (data.get("data") or {}).get("object") if isinstance(data.get("data"), dict) else None
    return obj if isinstance(obj, dict) else {}


def _stripe_id(value: object, prefix: str) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value.startswith(prefix) and len(value) <= 64 else ""


def _payment_intent_id(data: dict[str, Any]) -> str:
    """The intent the payload names (stored for search; processing re-reads it)."""
    obj = _object(data)
    if obj.get("object") == "payment_intent" and str(data.get("type", "")).startswith("payment_intent."):
        return _stripe_id(obj.get("id"), "pi_")
    if obj.get("object") in ("charge", "dispute", "refund"):
        return _stripe_id(obj.get("payment_intent"), "pi_")
    return ""


def _trusted_payment_intent_id(data: dict[str, Any]) -> str | None:
    """The intent to sync, as Stripe has it now: None for event types we do not act on,
    '' when Stripe does not know the object."""
    kind, obj = str(data.get("type", "")), _object(data)
    if kind.startswith("payment_intent.") and obj.get("object") == "payment_intent":
        return _stripe_id(obj.get("id"), "pi_") or ""
    if kind.startswith("charge.dispute.") and obj.get("object") == "dispute":
        dispute_id = _stripe_id(obj.get("id"), "dp_") or _stripe_id(obj.get("id"), "du_")
        dispute = stripe_dispute_retrieve(dispute_id=dispute_id) if dispute_id else None
        return dispute.payment_intent_id if dispute is not None else ""
    if kind in ("charge.refunded", "charge.refund.updated", "charge.succeeded") and obj.get("object") in (
        "charge", "refund"
    ):
        charge_id = _stripe_id(obj.get("id") if obj.get("object") == "charge" else obj.get("charge"), "ch_")
        return stripe_charge_payment_intent(charge_id=charge_id) if charge_id else ""
    return None


def stripe_event_store(*, data: dict[str, Any]) -> StripeEvent:
    """Insert the event once; a concurrent or repeated delivery gets the stored row."""
    event_id = data["id"][:255]
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                event_id=event_id, type=str(data.get("type", ""))[:64],
                payment_intent_id=_payment_intent_id(data), payload=data,
            )
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event_id)


def stripe_event_process(*, data: dict[str, Any]) -> str:
    """Store a verified event once and apply it once; returns what was done (``processed``,
    ``duplicate``, ``ignored``, ``unknown_payment_intent``…)."""
    event = stripe_event_store(data=data)
    if event.processed_at is not None:
        return "duplicate"
    payment_intent_id = _trusted_payment_intent_id(data)
    if not payment_intent_id:
        result = "ignored" if payment_intent_id is None else "unknown_payment_intent"
        claimed = StripeEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
            processed_at=timezone.now(), result=result
        )
        return result if claimed else "duplicate"
    return payment_card_sync(payment_intent_id=payment_intent_id, stripe_event_id=event.event_id)
