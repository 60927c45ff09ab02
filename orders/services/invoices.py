"""Invoices (发票): the buyer's invoice details on the order, each supplier's electronic
invoice for its part, and the status of each part 待开票 → 已开票.

- 普通发票 needs the title (抬头) and tax number (税号); 增值税专用发票 also the registered
  address and phone and the bank and account number; an e-mail address for the electronic
  invoice is optional and must be valid (``shop.accounts.invoice_profile``: the same rules
  as the organization's invoice profile).
- The buyer may change the details until a supplier has issued its invoice.
- A supplier uploads a PDF for its own part of a paid order; the file is validated and
  rewritten by ``shop.common.documents.normalize_document`` (anything else: a field error on
  ``file`` and nothing stored), saved in private storage, and the part becomes 已开票.
  A new upload replaces the previous file.
"""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode as E
from orders.models import Fulfilment, InvoiceStatus, Order, OrderStatus
from shop.accounts.invoice_profile import invoice_profile_clean
from shop.accounts.models import User
from shop.accounts.selectors import memberships_of
from shop.common.documents import normalize_document
from suppliers.models import SupplierMember

INVOICE_FIELDS = ("invoice_type", "invoice_title", "tax_number", "invoice_email",
                  "invoice_address_phone", "invoice_bank_account")


def invoice_details_clean(
    *, invoice_type: str, invoice_title: str, tax_number: str, invoice_email: str = "",
    invoice_address_phone: str = "", invoice_bank_account: str = "",
) -> dict[str, str]:
    """The invoice details, trimmed, or a ``ValidationError`` with one message per field
    (the rules of ``shop.accounts.invoice_profile``, the same as the organization's profile)."""
    data = invoice_profile_clean(
        invoice_type=invoice_type, invoice_title=invoice_title, tax_number=tax_number,
        invoice_email=invoice_email, invoice_address_phone=invoice_address_phone,
        invoice_bank_account=invoice_bank_account,
    )
    return {name: data[name] for name in INVOICE_FIELDS}


def order_invoice_update(*, actor: User, order: Order, **details: str) -> Order:
    """The buyer changes the order's invoice details (a member of its organization or staff),
    until a supplier has issued its invoice."""
    if not actor.is_staff and not memberships_of(user=actor).filter(organization_id=order.organization_id).exists():
        raise ValidationError(_("You cannot change this order."), code=E.PERMISSION_DENIED.value)
    data = invoice_details_clean(**details)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == OrderStatus.CANCELLED:
            raise ValidationError(_("This order is cancelled."), code=E.INVALID_TRANSITION.value)
        if locked.fulfilments.filter(invoice_status=InvoiceStatus.ISSUED).exists():
            raise ValidationError(
                _("A supplier has already issued its invoice: the details can no longer change."),
                code=E.INVALID_TRANSITION.value)
        for name, value in data.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*data, "updated_at"])
    return locked


def fulfilment_invoice_upload(*, actor: User, fulfilment: Fulfilment, upload: IO[bytes]) -> Fulfilment:
    """A member of the supplier uploads the electronic invoice (PDF) for its part. The HTML
    page and the API (``fulfilmentInvoiceUpload``) both call this: errors on ``file`` keep the
    document checker's codes (``invalid_document``, ``document_too_large``,
    ``unsupported_document``)."""
    if not SupplierMember.objects.filter(user=actor, supplier_id=fulfilment.supplier_id).exists():
        raise ValidationError(_("You cannot change this order."), code=E.PERMISSION_DENIED.value)
    try:
        document = normalize_document(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from None
    if document.kind != "pdf":
        raise ValidationError({"file": ValidationError(
            _("Upload the electronic invoice as a PDF file."), code=E.UNSUPPORTED_DOCUMENT.value)})
    with transaction.atomic():
        locked = Fulfilment.objects.select_for_update().select_related("order").get(pk=fulfilment.pk)
        if locked.order.paid_at is None or locked.status == "cancelled":
            raise ValidationError(
                _("An invoice can be uploaded once the order is paid."), code=E.INVALID_TRANSITION.value)
        previous = locked.invoice_file.name if locked.invoice_file else ""
        locked.invoice_file.save(f"invoice-{locked.order.number}-{locked.pk}.pdf", document.content, save=False)
        locked.invoice_status = InvoiceStatus.ISSUED
        locked.invoice_issued_at = timezone.now()
        locked.save(update_fields=["invoice_file", "invoice_status", "invoice_issued_at"])
        if previous:
            storage, name = locked.invoice_file.storage, previous
            transaction.on_commit(lambda: storage.delete(name))
    return locked
