"""Stripe calls (PaymentIntents and refunds). To be completed by the Stripe work."""


def stripe_refund_create(*, payment_intent_id: str, amount_fen: int, idempotency_key: str) -> str:
    raise NotImplementedError
