"""Forms of the staff money screens. They only collect input: the services
(``orders.services.bank`` and ``orders.services.refunds``) validate amounts, references and
states, and their field errors are put back on the form with ``add_service_errors``."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

_KEY = re.compile(r"^[0-9a-f]{32}$")


def add_service_errors(form: forms.Form, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Attach a service's ``ValidationError`` to the form: known fields get their own
    message, the rest becomes a form-level error."""
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.error_dict.items():
        name = field_map.get(key, key)
        messages = [m for e in errors for m in e.messages]
        form.add_error(name if name in form.fields else None, messages)


class BankReceiptRecordForm(forms.Form):
    bank_reference = forms.CharField(
        label=gettext_lazy("Bank transaction reference"), required=False, max_length=200,
        help_text=gettext_lazy("As printed on the bank statement; recording it twice is harmless."),
    )
    payment_reference = forms.CharField(
        label=gettext_lazy("Payment reference written by the payer"), required=False, max_length=200,
        help_text=gettext_lazy("The order's reference, e.g. XF2345ABCD, from the transfer's remark."),
    )
    amount = forms.CharField(
        label=gettext_lazy("Amount received (CNY)"), required=False, max_length=40,
        help_text=gettext_lazy("In yuan, e.g. 1234.50."),
    )
    received_on = forms.DateField(
        label=gettext_lazy("Received on"), widget=AdminDateWidget,
        error_messages={"required": gettext_lazy("Enter the date the money arrived.")},
    )
    payer_name = forms.CharField(label=gettext_lazy("Payer"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class BankReceiptResolveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("How it was resolved"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("E.g. returned to the payer by transfer, with its reference."),
    )
    order_number = forms.CharField(
        label=gettext_lazy("Apply to order"), required=False, max_length=32,
        help_text=gettext_lazy(
            "Optional: the number of an order awaiting payment whose total equals this receipt; "
            "the order is then marked paid."
        ),
    )


class RefundForm(forms.Form):
    amount = forms.CharField(
        label=gettext_lazy("Amount to refund (CNY)"), required=False, max_length=40,
        help_text=gettext_lazy("Leave empty to refund everything that is left."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    bank_reference = forms.CharField(
        label=gettext_lazy("Bank reference of the transfer back"), required=False, max_length=64,
        help_text=gettext_lazy("For orders paid by bank transfer: the reference of the transfer to the buyer."),
    )
    # Generated when the page is shown and posted back: a double submit refunds once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args: Any, needs_bank_reference: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_bank_reference = needs_bank_reference
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        if not needs_bank_reference:
            del self.fields["bank_reference"]

    def clean_idempotency_key(self) -> str:
        value = self.cleaned_data["idempotency_key"]
        if not _KEY.match(value):
            raise ValidationError(gettext_lazy("This form has expired; open the refund page again."))
        return value

    def clean_bank_reference(self) -> str:
        value = self.cleaned_data.get("bank_reference", "").strip()
        if self.needs_bank_reference and not value:
            raise ValidationError(gettext_lazy("Enter the reference of the transfer back to the buyer."))
        return value
