"""Order e-mails: one per order event and recipient.

``order_event_record`` schedules ``orders.tasks.order_event_notify`` after commit; the task
calls ``order_event_send``. Who gets what:

- the member who placed the order: every notified event except ``approval_requested`` and
  ``receipt_flagged``;
- the organization's approvers and admins: ``approval_requested``;
- staff: ``receipt_flagged``;
- each supplier's team: ``paid`` (what to ship), ``cancelled`` (of an order that had been
  paid) and ``refunded`` (the refunded lines of its own part) — each supplier only about
  its own lines, with a link to its part in the portal.

Exactly once per (event, recipient): before a message is sent, the pair is claimed in the
database (``shop.common.effects.effect_once``, key ``notification_key``), so a retried or
duplicated task skips what is already claimed, whatever happens to the cache; when sending
fails the claim is given back so that the retry sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from orders.models import (
    Fulfilment,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    Refund,
    RefundLine,
    RefundStatus,
)
from shop.accounts.models import Membership, User
from shop.accounts.selectors import APPROVING_ROLES
from shop.common.effects import effect_once
from shop.common.links import absolute_url
from shop.common.money import format_yuan
from suppliers.models import Supplier, SupplierMember

K = OrderEventKind
BUYER_EVENTS = frozenset({
    K.PLACED, K.APPROVED, K.REJECTED, K.PAID, K.SHIPPED, K.ACCEPTED, K.COMPLETED,
    K.CANCELLED, K.EXPIRED, K.REFUNDED,
})
SUPPLIER_EVENTS = frozenset({K.PAID, K.CANCELLED, K.REFUNDED})
DEFAULT_LANGUAGE = "zh-hans"
# How long a sent (event, recipient) pair is remembered: far longer than any retry.


@dataclass
class Message:
    template: str
    recipient: str
    context: dict[str, Any]
    language: str = DEFAULT_LANGUAGE


def buyer_order_url(order: Order) -> str:
    return absolute_url(f"/orders/{order.pk}/")


def supplier_order_url(fulfilment: Fulfilment) -> str:
    return absolute_url(f"/portal/orders/{fulfilment.pk}/")


def language_of(user: User | None) -> str:
    """The recipient's language; users have no preference stored yet, so Chinese."""
    return getattr(user, "language", "") or DEFAULT_LANGUAGE


def _line(line: OrderLine, amount_fen: int | None = None) -> dict[str, Any]:
    return {
        "name": line.product_name, "spec": line.spec, "unit": line.unit, "quantity": line.quantity,
        "total": format_yuan(line.total_fen if amount_fen is None else amount_fen),
    }


def _part(fulfilment: Fulfilment) -> dict[str, Any]:
    return {
        "supplier": fulfilment.supplier.short_name or fulfilment.supplier.legal_name,
        "lines": [_line(line) for line in fulfilment.lines.all()],
        "subtotal": format_yuan(fulfilment.subtotal_fen),
        "carrier": fulfilment.carrier, "tracking_number": fulfilment.tracking_number,
        "status": fulfilment.get_status_display(),
    }


def _load(event_id: int) -> OrderEvent | None:
    return (
        OrderEvent.objects.select_related(
            "order", "order__organization", "order__placed_by", "actor", "fulfilment__supplier",
        )
        .prefetch_related(
            Prefetch(
                "order__fulfilments",
                queryset=Fulfilment.objects.select_related("supplier").prefetch_related(
                    Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
                ).order_by("id"),
            )
        )
        .filter(pk=event_id)
        .first()
    )


def _base_context(event: OrderEvent) -> dict[str, Any]:
    order = event.order
    data = event.data or {}
    fulfilment = event.fulfilment
    return {
        "event": event, "order": order, "number": order.number,
        "organization": order.organization.name, "total": format_yuan(order.total_fen),
        "message": event.message, "amount": format_yuan(data["amount_fen"]) if "amount_fen" in data else "",
        "parts": [_part(f) for f in order.fulfilments.all()],
        "part": _part(fulfilment) if fulfilment else None,
        "rating": data.get("rating"), "auto": bool(data.get("auto")),
        "url": buyer_order_url(order),
    }


def _active_email(user: User | None) -> str:
    return user.email if user is not None and user.is_active and user.email else ""


def _buyer_messages(event: OrderEvent, context: dict[str, Any]) -> list[Message]:
    order = event.order
    if event.kind == K.APPROVAL_REQUESTED:
        approvers = (
            Membership.objects.filter(organization_id=order.organization_id, role__in=APPROVING_ROLES)
            .select_related("user").order_by("id")
        )
        return [
            Message("approval_requested", m.user.email, context, language_of(m.user))
            for m in approvers if _active_email(m.user)
        ]
    if event.kind in BUYER_EVENTS and order.placed_by is not None and _active_email(order.placed_by):
        return [Message(event.kind, order.placed_by.email, context, language_of(order.placed_by))]
    return []


def _staff_messages(event: OrderEvent, context: dict[str, Any]) -> list[Message]:
    try:
        review = absolute_url(reverse("admin:orders_bankreceipt_changelist") + "?status__exact=flagged")
    except NoReverseMatch:
        review = absolute_url("/admin/")
    staff = User.objects.filter(is_staff=True, is_active=True).exclude(email="").order_by("id")
    return [
        Message("receipt_flagged", user.email, {**context, "review_url": review}, language_of(user))
        for user in staff
    ]


def _refund_of(event: OrderEvent) -> Refund | None:
    """The refund a ``refunded`` event reports: by id when the event carries it, else the
    latest completed refund of that amount at the time of the event."""
    data = event.data or {}
    qs = Refund.objects.filter(order_id=event.order_id, status=RefundStatus.SUCCEEDED)
    if data.get("refund_id"):
        return qs.filter(pk=data["refund_id"]).first()
    return (
        qs.filter(amount_fen=data.get("amount_fen"), completed_at__lte=event.created_at)  # type: ignore[misc]  # None matches no refund
        .order_by("-completed_at", "-pk").first()
    )


def _supplier_recipients(supplier: Supplier) -> list[tuple[str, User | None]]:
    members = [
        m.user for m in SupplierMember.objects.filter(supplier=supplier).select_related("user").order_by("id")
        if _active_email(m.user)
    ]
    if members:
        return [(user.email, user) for user in members]
    return [(supplier.contact_email, None)] if supplier.contact_email else []


def _supplier_messages(event: OrderEvent, context: dict[str, Any]) -> list[Message]:
    order = event.order
    if event.kind == K.CANCELLED and not order.paid_fen:
        return []  # never paid: the supplier was never asked to ship it
    parts = list(order.fulfilments.all())
    refunded: dict[int, list[dict[str, Any]]] = {}
    refunded_fen: dict[int, int] = {}
    if event.kind == K.REFUNDED:
        refund = _refund_of(event)
        if refund is None:
            return []
        for rline in RefundLine.objects.filter(refund=refund).select_related("order_line").order_by("id"):
            fid = rline.order_line.fulfilment_id
            refunded.setdefault(fid, []).append(_line(rline.order_line, rline.amount_fen))
            refunded_fen[fid] = refunded_fen.get(fid, 0) + rline.amount_fen
        parts = [f for f in parts if f.pk in refunded]
    elif event.kind == K.PAID:
        parts = [f for f in parts if f.status != "cancelled"]
    messages = []
    for fulfilment in parts:
        # Only this supplier's part: never the other suppliers' lines or the order total.
        own = {
            "event": event, "number": order.number, "organization": order.organization.name,
            "order": order, "message": event.message, "part": _part(fulfilment),
            "refunded_lines": refunded.get(fulfilment.pk, []),
            "refunded_total": format_yuan(refunded_fen.get(fulfilment.pk, 0)),
            "url": supplier_order_url(fulfilment),
        }
        for email, user in _supplier_recipients(fulfilment.supplier):
            messages.append(Message(f"supplier_{event.kind}", email, own, language_of(user)))
    return messages


def messages_for(event: OrderEvent) -> list[Message]:
    """Every message of one event, one per recipient (the first role wins)."""
    context = _base_context(event)
    if event.kind == K.RECEIPT_FLAGGED:
        messages = _staff_messages(event, context)
    else:
        messages = _buyer_messages(event, context)
        if event.kind in SUPPLIER_EVENTS:
            messages += _supplier_messages(event, context)
    seen: set[str] = set()
    unique = []
    for message in messages:
        address = message.recipient.strip().lower()
        if address and address not in seen:
            seen.add(address)
            unique.append(message)
    return unique


def render(message: Message) -> tuple[str, str]:
    """Subject (the template's first line, after the platform's name) and body, in the
    recipient's language."""
    with translation.override(message.language):
        text = render_to_string(f"orders/email/{message.template}.txt", message.context)
        head, _sep, body = text.strip().partition("\n")
        subject = _("[%(site)s] %(subject)s") % {
            "site": _("Consumption assistance platform"), "subject": " ".join(head.split()),
        }
    return subject, re.sub(r"\n{3,}", "\n\n", body.strip()) + "\n"


def notification_key(event_id: int, recipient: str) -> str:
    """The claim of the e-mail of one order event to one recipient."""
    return f"order-mail:{event_id}:{recipient.strip().lower()}"


def order_event_send(*, event_id: int) -> int:
    """Send the e-mails of one order event that were not sent yet; returns how many."""
    event = _load(event_id)
    if event is None:
        return 0
    sent = 0
    for message in messages_for(event):
        with effect_once(notification_key(event.pk, message.recipient)) as first:
            if not first:
                continue  # sent (or being sent) by an earlier run of the task
            subject, body = render(message)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
        sent += 1
    return sent
