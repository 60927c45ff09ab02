"""The daily e-mail to suppliers with open invoices (待开票 on a paid part of an order).

Each supplier gets at most one reminder a day: the send is claimed with
``shop.common.effects.effect_once`` under ``invoice-reminder:<supplier>:<day>`` before the
mail goes out, so a second beat, a retried task or a duplicate delivery sends nothing.
Recipients: the supplier's contact e-mail and its members' addresses. Two queries whatever
the number of open invoices.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.models import Fulfilment, FulfilmentStatus, InvoiceStatus
from shop.common.effects import effect_once
from shop.common.money import format_yuan
from suppliers.models import SupplierMember

REMINDER_LANGUAGE = "zh-hans"


def open_invoices():
    """Paid, not cancelled parts whose invoice is not issued yet (also the admin's list)."""
    return (
        Fulfilment.objects.filter(invoice_status=InvoiceStatus.PENDING, order__paid_at__isnull=False)
        .exclude(status=FulfilmentStatus.CANCELLED)
    )


def invoice_reminders_send(*, day: date | None = None) -> int:
    """Send today's reminders; returns how many suppliers were reminded."""
    day = day or timezone.localdate()
    parts = list(open_invoices().select_related("supplier", "order").order_by("supplier_id", "id"))
    by_supplier: dict[int, list[Fulfilment]] = defaultdict(list)
    for part in parts:
        by_supplier[part.supplier_id].append(part)
    emails: dict[int, set[str]] = defaultdict(set)
    for supplier_id, email in SupplierMember.objects.filter(supplier_id__in=by_supplier).exclude(
            user__email="").values_list("supplier_id", "user__email"):
        emails[supplier_id].add(email.strip().lower())
    sent = 0
    for supplier_id, supplier_parts in by_supplier.items():
        supplier = supplier_parts[0].supplier
        recipients = sorted(emails[supplier_id] | ({supplier.contact_email.lower()} if supplier.contact_email else set()))
        if not recipients:
            continue
        with translation.override(REMINDER_LANGUAGE):
            subject = _("%(n)s orders are waiting for your invoice") % {"n": len(supplier_parts)}
            body = "\n".join([
                _("Please upload the electronic invoice (PDF) of these orders in the supplier portal:"), "",
                *(f"{p.order.number}  {format_yuan(p.subtotal_fen)}" for p in supplier_parts),
            ])
        with effect_once(f"invoice-reminder:{supplier_id}:{day.isoformat()}") as first:
            if not first:
                continue
            send_mail(subject, body, None, recipients)
            sent += 1
    return sent
