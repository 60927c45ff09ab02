"""The Stripe webhook.

1. Verify the ``Stripe-Signature`` header against the raw body (``stripe_event_verify`` in
   ``orders.stripe``, the only package that imports stripe): anything else — no header, a
   forged or replayed signature, a body that is not JSON — gets 400 and touches nothing.
2. Store the event by its id and process it once (``stripe_event_process``, in
   ``orders.services.stripe_events``).

200 for processed and duplicate events; 503 when Stripe or the database is momentarily
unavailable, so that Stripe delivers the event again later.
"""

from __future__ import annotations

import logging
import time

from django.db import OperationalError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.services.stripe_events import stripe_event_process
from orders.stripe.client import stripe_event_verify, stripe_webhook_secret
from orders.stripe.payments import StripeUnavailable

logger = logging.getLogger(__name__)

# Database lock conflicts (SQLite's "database is locked", a PostgreSQL deadlock) are retried
# a few times before answering 503.
DB_ATTEMPTS = 5


def _bad(reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=400)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    secret = stripe_webhook_secret()
    if not secret:
        return _bad("not configured")
    data = stripe_event_verify(body=request.body, signature=request.headers.get("Stripe-Signature"), secret=secret)
    if data is None:
        return _bad("invalid signature or payload")
    for attempt in range(DB_ATTEMPTS):
        try:
            result = stripe_event_process(data=data)
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
