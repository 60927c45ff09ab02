"""Forms of the buyer-account pages. They check shapes; the services decide (and check
again): a form error and a service error end up on the same field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import InvoiceType, MemberRole, OrganizationType
from shop.accounts.services import AddressData, group_choices
from shop.accounts.throttle import reset_mail_allowed


def _text(label: Any, max_length: int, required: bool = True, **attrs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=forms.TextInput(attrs=attrs))


class AddressFieldsMixin:
    """The four fields of a delivery address, named ``<prefix>label`` etc."""

    def address_data(self, prefix: str = "") -> AddressData:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return AddressData(
            label=data.get(f"{prefix}label", ""), recipient=data.get(f"{prefix}recipient", ""),
            phone=data.get(f"{prefix}phone", ""), address=data.get(f"{prefix}address", ""),
        )


class RegistrationForm(AddressFieldsMixin, forms.Form):
    name = _text(_("Name of the organization"), 128, autocomplete="organization")
    org_type = forms.ChoiceField(label=_("Type"), choices=OrganizationType.choices)
    parent = forms.ModelChoiceField(
        label=_("Street or department it belongs to"), queryset=group_choices(), required=False,
        empty_label=_("— none —"),
        help_text=_("Communities choose their street; district units their department."),
    )
    invoice_title = _text(_("Invoice title (抬头)"), 128)
    tax_number = _text(
        _("Tax number (税号)"), 24, spellcheck="false", autocapitalize="characters",
    )
    contact_phone = _text(_("Contact phone of the organization"), 20, autocomplete="tel", inputmode="tel")
    address_label = _text(_("First delivery place (e.g. canteen)"), 64)
    address_recipient = _text(_("Recipient"), 64)
    address_phone = _text(_("Recipient's phone"), 20, inputmode="tel")
    address_address = _text(_("Delivery address"), 255)
    display_name = _text(_("Your name"), 64, autocomplete="name")
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = _text(_("Your mobile phone"), 20, autocomplete="tel", inputmode="tel")
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    ACCOUNT_FIELDS = ("display_name", "email", "phone", "password1", "password2")

    def __init__(self, *args: Any, with_account: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tax_number"].help_text = _("15 to 20 digits or capital letters; a unified social credit code has 18.")
        if not with_account:
            for name in self.ACCOUNT_FIELDS:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what super().clean() returned (typed Optional)
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        parent = d.get("parent")
        kwargs: dict[str, Any] = {
            "name": d["name"], "org_type": d["org_type"], "parent_id": parent.pk if parent else None,
            "invoice_title": d["invoice_title"], "tax_number": d["tax_number"],
            "contact_phone": d["contact_phone"], "address": self.address_data("address_"),
        }
        if "email" in self.fields:
            kwargs.update(email=d["email"], display_name=d["display_name"], phone=d["phone"],
                          password=d["password1"])
        return kwargs


class InvoiceForm(forms.Form):
    """The organization's invoice profile; ``shop.accounts.invoice_profile`` decides."""

    invoice_title = _text(_("Invoice title (抬头)"), 128)
    tax_number = _text(_("Tax number (税号)"), 24, spellcheck="false")
    contact_phone = _text(_("Contact phone of the organization"), 20, inputmode="tel")
    invoice_type = forms.ChoiceField(label=_("Default invoice type"), choices=InvoiceType.choices,
                                     widget=forms.RadioSelect, required=False)
    invoice_address_phone = _text(_("Registered address and phone (专票)"), 200, required=False)
    invoice_bank_account = _text(_("Bank and account number (专票)"), 200, required=False)
    invoice_email = _text(_("E-mail for the electronic invoice"), 254, required=False,
                          autocomplete="email", inputmode="email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoice_address_phone"].help_text = _("As printed on a special invoice: 地址、电话.")
        self.fields["invoice_bank_account"].help_text = _("As printed on a special invoice: 开户行及账号.")

    def clean_invoice_type(self) -> str | None:
        return self.cleaned_data.get("invoice_type") or None  # not sent: keep the stored type

    @classmethod
    def for_organization(cls, organization: Any) -> InvoiceForm:
        initial = {name: getattr(organization, name) for name in cls.base_fields}
        initial["invoice_title"] = organization.invoice_title or organization.name
        return cls(initial=initial)


class AddressForm(AddressFieldsMixin, forms.Form):
    label = _text(_("Label (e.g. canteen)"), 64)
    recipient = _text(_("Recipient"), 64)
    phone = _text(_("Phone"), 20, inputmode="tel")
    address = _text(_("Address"), 255)
    is_default = forms.BooleanField(label=_("Default delivery address"), required=False)


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.PURCHASER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class InvitationSignupForm(forms.Form):
    """A new account for an invited person; the e-mail must be the invited one."""

    display_name = _text(_("Your name"), 64, autocomplete="name")
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what super().clean() returned (typed Optional)
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data


class ShopPasswordResetForm(PasswordResetForm):
    """Django's form, with Chinese e-mail templates and a cap on mails per address."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def get_users(self, email: str):
        if not reset_mail_allowed(email):
            return iter(())
        return super().get_users(email)
