"""Forms of the buyer pages. They check shape only; the services decide (quantities, stock,
addresses, permissions) and their errors are put back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import FundingChannel, InvoiceType, OrderStatus
from orders.services.checkout import ORDER_FUNDING_CHANNELS


class CartLineForm(forms.Form):
    """Add to cart (from the product page) or change a line's quantity (on the cart page)."""

    variant = forms.CharField(widget=forms.HiddenInput, max_length=20)
    quantity = forms.CharField(label=_("Quantity"), max_length=20, widget=forms.NumberInput(attrs={"min": 1, "step": 1, "inputmode": "numeric"}))


class ServiceChoiceField(forms.ChoiceField):
    """Radio buttons whose value the service checks (so that every field's message comes
    back at once, with the service's wording)."""

    def valid_value(self, value: str) -> bool:
        return True


class CheckoutForm(forms.Form):
    address = ServiceChoiceField(label=_("Delivery address"), widget=forms.RadioSelect)
    invoice_title = forms.CharField(label=_("Invoice title (抬头)"), max_length=128, required=False)
    tax_number = forms.CharField(label=_("Tax number (税号)"), max_length=20, required=False)
    # Invoice type and its fields (issue 12): absent from a post, the order keeps the old
    # optional title and tax number; present, orders.services.invoices validates per type.
    invoice_type = forms.ChoiceField(label=_("Invoice type"), choices=InvoiceType.choices,
                                     widget=forms.RadioSelect, required=False)
    invoice_address_phone = forms.CharField(label=_("Registered address and phone (专票)"), max_length=200, required=False)
    invoice_bank_account = forms.CharField(label=_("Bank and account number (专票)"), max_length=200, required=False)
    invoice_email = forms.CharField(label=_("E-mail for the electronic invoice"), max_length=254, required=False)
    # Offered to the organization's administrators only (the service checks the role again).
    save_invoice_default = forms.BooleanField(
        label=_("Save these invoice details as the organization's default"), required=False,
    )
    funding_channel = ServiceChoiceField(
        label=_("Funding channel"), widget=forms.RadioSelect,
        choices=[(c.value, c.label) for c in ORDER_FUNDING_CHANNELS],
    )
    note = forms.CharField(
        label=_("Note for the suppliers"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].choices = [
            (str(a.pk), f"{a.label} · {a.recipient} {a.phone} · {a.address}") for a in addresses
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.TextInput(attrs={"required": True}))


class AcceptForm(forms.Form):
    fulfilment = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, widget=forms.RadioSelect,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All orders"))] + list(OrderStatus.choices),
    )
    number = forms.CharField(label=_("Order number"), required=False, max_length=32)
    placed_from = forms.DateField(
        label=_("Placed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    placed_until = forms.DateField(
        label=_("Placed until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    supplier = forms.CharField(label=_("Supplier"), required=False, max_length=64)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what super().clean() returned (typed Optional)
        start, end = data.get("placed_from"), data.get("placed_until")
        if start and end and start > end:
            self.add_error("placed_until", _("The end date must not be before the start date."))
        return data


FUNDING_DEFAULT = FundingChannel.CANTEEN.value


class InvoiceDetailsForm(forms.Form):
    """The order's invoice details; ``orders.services.invoices`` decides what each type needs."""

    invoice_type = forms.ChoiceField(label=_("Invoice type"), choices=InvoiceType.choices, widget=forms.RadioSelect)
    invoice_title = forms.CharField(label=_("Invoice title (抬头)"), max_length=128, required=False)
    tax_number = forms.CharField(label=_("Tax number (税号)"), max_length=20, required=False)
    invoice_address_phone = forms.CharField(label=_("Registered address and phone (专票)"), max_length=200, required=False)
    invoice_bank_account = forms.CharField(label=_("Bank and account number (专票)"), max_length=200, required=False)
    invoice_email = forms.CharField(label=_("E-mail for the electronic invoice"), max_length=254, required=False)

    @classmethod
    def for_order(cls, order) -> InvoiceDetailsForm:
        return cls(prefix="invoice", initial={name: getattr(order, name) for name in cls.base_fields})
