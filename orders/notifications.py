"""Order e-mails (placed, needs approval, paid, shipped, accepted, cancelled, refunded)."""


def order_event_send(*, event_id: int) -> None:
    return None
