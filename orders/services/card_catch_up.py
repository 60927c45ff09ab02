"""Missed webhooks are caught up: the beat task ``stripe_catch_up`` calls
``card_payments_catch_up`` every few minutes.

It re-reads from Stripe, through the same ``payment_card_sync`` as the webhook (so the
effect is the one a delivered event would have had, and applying it twice is harmless):
every card payment still pending after ``STRIPE_CATCH_UP_AFTER_MINUTES``, every dispute not
closed yet, and it settles refunds whose Stripe call was claimed that long ago but never
recorded (the process died during the call).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from orders.models import Payment, PaymentMethod, PaymentStatus
from orders.services.card import payment_card_sync
from orders.services.card_money import (
    card_refund_resolve_stale,
    open_disputes,
    stale_claimed_refunds,
)
from orders.stripe.payments import StripeUnavailable

logger = logging.getLogger(__name__)


@dataclass
class CatchUp:
    payments: dict[str, str] = field(default_factory=dict)  # intent id -> what the sync did
    disputes: dict[str, str] = field(default_factory=dict)
    refunds: dict[int, str] = field(default_factory=dict)
    unavailable: int = 0


def card_payments_catch_up(*, older_than: timedelta, limit: int = 500) -> CatchUp:
    done = CatchUp()
    pending = (
        Payment.objects.filter(
            method=PaymentMethod.STRIPE, status=PaymentStatus.PENDING, stripe_payment_intent_id__isnull=False,
            created_at__lt=timezone.now() - older_than,
        ).order_by("created_at").values_list("stripe_payment_intent_id", flat=True)[:limit]
    )
    disputed = [d.payment.stripe_payment_intent_id for d in open_disputes()[:limit]]
    for target, ids in ((done.payments, [i for i in pending if i]), (done.disputes, [i for i in disputed if i])):
        for pi_id in ids:
            try:
                target[pi_id] = payment_card_sync(payment_intent_id=pi_id)
            except StripeUnavailable:
                done.unavailable += 1
                logger.warning("Stripe unavailable while catching up %s", pi_id, exc_info=True)
    for refund in stale_claimed_refunds(older_than=older_than)[:limit]:
        try:
            done.refunds[refund.pk] = card_refund_resolve_stale(refund=refund)
        except StripeUnavailable:
            done.unavailable += 1
    return done
