"""Choices shared by the accounts models and the rules that validate them (no model imports,
so ``invoice_profile`` can validate without importing the models)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceType(models.TextChoices):
    """The two kinds of VAT invoice a buyer asks for (orders use the same choices)."""

    NORMAL = "normal", _("General VAT invoice (普通发票)")
    SPECIAL = "special", _("Special VAT invoice (增值税专用发票)")
