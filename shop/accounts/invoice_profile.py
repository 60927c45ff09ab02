"""The rules of invoice details (开票信息), shared by the organization's invoice profile and
the invoice details of each order (``orders.services.invoices`` calls the same function), so
a profile saved from checkout always passes at checkout and the other way round.

- 普通发票: the title (抬头) and the tax number (税号).
- 增值税专用发票: also the registered address and phone ("地址、电话", one line as the invoice
  prints it, with a phone number in it) and the bank and account number ("开户行及账号",
  with an account number of 8 to 30 digits).
- The e-mail address for electronic invoices is optional and must be valid.

Every message is filed under its field; the codes are ``required`` and ``invalid``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from shop.accounts.choices import InvoiceType
from shop.accounts.errors import AccountErrorCode as Code

TAX_NUMBER = re.compile(r"[0-9A-Z]{15,20}")
# A mobile number or a landline (area code, number, optional extension) inside the line.
PHONE_IN_TEXT = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|0[0-9]{2,3}[ -]?[0-9]{7,8}(?:-[0-9]{1,6})?)(?![0-9])")
ACCOUNT_IN_TEXT = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){7,29}(?![0-9])")
LIMITS = {"invoice_title": 128, "tax_number": 20, "invoice_email": 254,
          "invoice_address_phone": 200, "invoice_bank_account": 200}
PROFILE_FIELDS = ("invoice_type", "invoice_title", "tax_number", "invoice_address_phone",
                  "invoice_bank_account", "invoice_email")


def invoice_profile_clean(
    *, invoice_type: str, invoice_title: str, tax_number: str, invoice_address_phone: str = "",
    invoice_bank_account: str = "", invoice_email: str = "", require_title: bool = True,
) -> dict[str, str]:
    """The details trimmed (tax number in capitals, spaces removed), or a ``ValidationError``
    with one message per field. ``require_title=False`` (an organization's record in the
    admin) lets a 普通发票 profile stay incomplete; a 专票 profile is always checked whole."""
    data = {
        "invoice_type": str(invoice_type or "").strip(),
        "invoice_title": str(invoice_title or "").strip(),
        "tax_number": re.sub(r"\s+", "", str(tax_number or "")).upper(),
        "invoice_address_phone": str(invoice_address_phone or "").strip(),
        "invoice_bank_account": str(invoice_bank_account or "").strip(),
        "invoice_email": str(invoice_email or "").strip(),
    }
    errors: dict[str, ValidationError] = {}
    special = data["invoice_type"] == InvoiceType.SPECIAL
    if data["invoice_type"] not in InvoiceType.values:
        errors["invoice_type"] = ValidationError(_("Choose the type of invoice."), code=Code.INVALID.value)
    required = ["invoice_title", "tax_number"] if require_title or special else []
    if special:
        required += ["invoice_address_phone", "invoice_bank_account"]
    for name in required:
        if not data[name]:
            message = (_("A special VAT invoice (专票) needs this field.") if special
                       else _("This invoice needs this field."))
            errors[name] = ValidationError(message, code=Code.REQUIRED.value)
    for name, limit in LIMITS.items():
        if name not in errors and len(data[name]) > limit:
            errors[name] = ValidationError(_("At most %(n)s characters.") % {"n": limit}, code=Code.INVALID.value)

    def check(name: str, ok: bool, message: str) -> None:
        if data[name] and name not in errors and not ok:
            errors[name] = ValidationError(message, code=Code.INVALID.value)

    check("tax_number", bool(TAX_NUMBER.fullmatch(data["tax_number"])),
          _("A tax number is 15 to 20 digits or capital letters (a unified social credit code has 18)."))
    check("invoice_address_phone", bool(PHONE_IN_TEXT.search(data["invoice_address_phone"])),
          _("Write the registered address followed by a phone number, e.g. 深圳市宝安区新安街道1号 0755-12345678."))
    check("invoice_bank_account", bool(ACCOUNT_IN_TEXT.search(data["invoice_bank_account"]))
          and bool(re.search(r"[^\d\s-]", data["invoice_bank_account"])),
          _("Write the bank's name followed by the account number (8 to 30 digits), e.g. 中国银行宝安支行 6222000011112222."))
    if data["invoice_email"] and "invoice_email" not in errors:
        try:
            validate_email(data["invoice_email"])
        except ValidationError:
            errors["invoice_email"] = ValidationError(_("Enter a valid e-mail address."), code=Code.INVALID.value)
    if errors:
        raise ValidationError(errors)
    return data

