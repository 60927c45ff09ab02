"""The Stripe webhook.

1. Verify the ``Stripe-Signature`` header against the raw body (``construct_event``, default
   tolerance of 300 s): anything else — no header, a forged or replayed signature, a body
   that is not JSON — gets 400 and touches nothing.
2. Store the event by its id (unique). Concurrent deliveries of one event both insert; the
   loser's IntegrityError is caught in a savepoint and it reads the stored row.
3. Process it once: for a PaymentIntent event, ``payment_card_sync`` re-reads the intent
   from Stripe (the payload is never trusted, which also makes the order in which events
   arrive irrelevant) and marks the event processed in the same transaction as the effect.
   For a charge event (``charge.refunded``, ``charge.refund.updated``) the charge is
   re-read to find its intent, for a dispute event (``charge.dispute.*``) the dispute;
   then the same sync applies the intent with its refunds and disputes as Stripe has them
   now. Other event types are stored and acknowledged.

200 for processed and duplicate events; 503 when Stripe or the database is momentarily
unavailable, so that Stripe delivers the event again later.
"""

from __future__ import annotations

import json
import logging
import time

from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.models import StripeEvent
from orders.stripe.client import stripe_webhook_secret
from orders.stripe.payments import (
    StripeUnavailable,
    stripe_charge_payment_intent,
    stripe_dispute_retrieve,
)
from shop.common.lazy import lazy_module

stripe = lazy_module("stripe")  # imported at first use (worker memory, issue 15)

logger = logging.getLogger(__name__)

# Database lock conflicts (SQLite's "database is locked", a PostgreSQL deadlock) are retried
# a few times before answering 503.
DB_ATTEMPTS = 5


def _bad(reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=400)


def _parse(body: bytes, signature: str | None, secret: str) -> dict | None:
    """The verified event as a dict, or None."""
    try:
        stripe.Webhook.construct_event(body, signature, secret)
        data = json.loads(body)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError, TypeError, KeyError, IndexError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        return None
    return data


def _object(data: dict) -> dict:
    obj = (data.get("data") or {}).get("object") if isinstance(data.get("data"), dict) else None
    return obj if isinstance(obj, dict) else {}


def _stripe_id(value: object, prefix: str) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value.startswith(prefix) and len(value) <= 64 else ""


def _payment_intent_id(data: dict) -> str:
    """The intent the payload names (stored for search; processing re-reads it)."""
    obj = _object(data)
    if obj.get("object") == "payment_intent" and str(data.get("type", "")).startswith("payment_intent."):
        return _stripe_id(obj.get("id"), "pi_")
    if obj.get("object") in ("charge", "dispute", "refund"):
        return _stripe_id(obj.get("payment_intent"), "pi_")
    return ""


def _trusted_payment_intent_id(data: dict) -> str | None:
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


def stripe_event_store(*, data: dict) -> StripeEvent:
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


def _process(data: dict) -> str:
    from orders.services.card import payment_card_sync

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


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    secret = stripe_webhook_secret()
    if not secret:
        return _bad("not configured")
    data = _parse(request.body, request.headers.get("Stripe-Signature"), secret)
    if data is None:
        return _bad("invalid signature or payload")
    for attempt in range(DB_ATTEMPTS):
        try:
            result = _process(data)
        except StripeUnavailable:
            logger.warning("Stripe unavailable while processing event %s", data["id"], exc_info=True)
            return JsonResponse({"error": "stripe unavailable"}, status=503)
        except OperationalError:
            if attempt == DB_ATTEMPTS - 1:
                logger.warning("Database busy while processing event %s", data["id"], exc_info=True)
                return JsonResponse({"error": "busy"}, status=503)
            time.sleep(0.05 * (attempt + 1))
            continue
        return JsonResponse({"received": True, "result": result})
    return JsonResponse({"error": "busy"}, status=503)  # pragma: no cover - the loop always returns
