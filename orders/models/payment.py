"""Payments: Stripe PaymentIntents, bank transfers (对公转账) recorded by finance staff,
refunds, and the Stripe events received by the webhook (stored once by id)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models.order import Order, OrderLine


class PaymentMethod(models.TextChoices):
    STRIPE = "stripe", _("Card (Stripe)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer (对公转账)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Payment(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    stripe_payment_intent_id = models.CharField(
        _("Stripe PaymentIntent"), max_length=64, unique=True, null=True, blank=True
    )
    stripe_client_secret = models.CharField(max_length=255, blank=True, editable=False)
    bank_receipt = models.OneToOneField(
        "orders.BankReceipt", verbose_name=_("bank receipt"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="payment",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="payment_amount_positive"),
            # An order is paid once, whatever races between webhooks and staff.
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(status="succeeded"),
                name="payment_one_success_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.order_id}"


class StripeEvent(models.Model):
    """Each webhook event is stored by its Stripe id (unique) and processed once."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=64)
    payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.event_id


class BankReceiptStatus(models.TextChoices):
    MATCHED = "matched", _("Matched: order paid")
    FLAGGED = "flagged", _("Flagged for review")
    RESOLVED = "resolved", _("Resolved")


class BankReceipt(models.Model):
    """A transfer seen on the platform's bank account, recorded by finance staff."""

    bank_reference = models.CharField(_("bank transaction reference"), max_length=64, unique=True)
    payment_reference = models.CharField(_("payment reference written by the payer"), max_length=64, blank=True)
    payer_name = models.CharField(_("payer"), max_length=128, blank=True)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    received_on = models.DateField(_("received on"))
    order = models.ForeignKey(
        Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="bank_receipts",
    )
    status = models.CharField(_("status"), max_length=16, choices=BankReceiptStatus.choices)
    flag_reason = models.CharField(_("why it was flagged"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.CharField(_("resolution"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank receipt")
        verbose_name_plural = _("bank receipts")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="bankreceipt_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.bank_reference


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RefundSource(models.TextChoices):
    SHOP = "shop", _("Refunded by the shop")
    AUTOMATIC = "automatic", _("Automatic: a card payment the order could not take")
    STRIPE = "stripe", _("Refunded in Stripe's dashboard")
    DISPUTE = "dispute", _("Card dispute lost")


class Refund(models.Model):
    """Money back to the buyer, the way it came: through Stripe for card payments,
    recorded as a bank refund for transfers. Writes negative ledger entries once it
    succeeds."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="refunds")
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=255)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    stripe_refund_id = models.CharField(_("Stripe refund"), max_length=64, unique=True, null=True, blank=True)
    bank_reference = models.CharField(_("bank transaction reference"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=RefundSource.choices, default=RefundSource.SHOP)
    # The card payment it gives back (Stripe refunds and disputes); empty for bank transfers.
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    stripe_dispute_id = models.CharField(_("Stripe dispute"), max_length=64, unique=True, null=True, blank=True)
    # Set by the one request that calls Stripe for this refund (the claim); see refund_execute.
    stripe_claimed_at = models.DateTimeField(_("sent to Stripe at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(fields=["order", "idempotency_key"], name="refund_idempotency_per_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} −{self.amount_fen}"


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, verbose_name=_("refund"), on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="refund_lines"
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="refundline_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} −{self.amount_fen}"


class StripeDispute(models.Model):
    """A cardholder's dispute (chargeback) of a card payment, as Stripe last reported it.
    Its existence flags the order for staff; a lost dispute is also recorded as a Refund
    (source "dispute") that takes the amount off the tally."""

    dispute_id = models.CharField(_("Stripe dispute"), max_length=64, unique=True)
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="disputes")
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="disputes")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    status = models.CharField(_("status at Stripe"), max_length=32)
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    loss = models.OneToOneField(
        Refund, verbose_name=_("recorded loss"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="dispute",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("card dispute")
        verbose_name_plural = _("card disputes")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.dispute_id
