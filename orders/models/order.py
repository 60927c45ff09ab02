"""Orders, their lines, the per-supplier fulfilment and the order timeline.

Money on orders is integer fen (64-bit), copied from the variants' ``Decimal`` prices when
the order is placed; totals are sums of integers and reconcile to the fen. The allowed
status transitions live in one place: ``orders/services/status.py``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models.ledger import FundingChannel
from shop.accounts.models import InvoiceType
from shop.common.money import format_yuan
from shop.common.storage import private_storage


class OrderStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    ACCEPTED = "accepted", _("Accepted (completed)")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


# An order in these statuses is a sale: its lines count in the products' sales figures.
PAID_ORDER_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.ACCEPTED)


class InvoiceStatus(models.TextChoices):
    PENDING = "pending", _("To be invoiced (待开票)")
    ISSUED = "issued", _("Invoiced (已开票)")


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=32, unique=True)
    organization = models.ForeignKey(
        "accounts.BuyerOrganization", verbose_name=_("buyer organization"),
        on_delete=models.PROTECT, related_name="orders",
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), null=True,
        on_delete=models.SET_NULL, related_name="orders_placed",
    )
    # A client-supplied token: submitting the same checkout twice creates one order.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, db_index=True
    )
    funding_channel = models.CharField(
        _("funding channel"), max_length=16, choices=FundingChannel.choices
    )
    delivery_address = models.ForeignKey(
        "accounts.DeliveryAddress", verbose_name=_("delivery address"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # Snapshot of the address at placement: later edits to the address book do not
    # rewrite where an order went.
    ship_label = models.CharField(_("delivery label"), max_length=64)
    ship_recipient = models.CharField(_("recipient"), max_length=64)
    ship_phone = models.CharField(_("phone"), max_length=20)
    ship_address = models.CharField(_("address"), max_length=255)
    invoice_title = models.CharField(_("invoice title (抬头)"), max_length=128, blank=True)
    tax_number = models.CharField(_("tax number (税号)"), max_length=20, blank=True)
    invoice_type = models.CharField(_("invoice type"), max_length=8, choices=InvoiceType.choices, default=InvoiceType.NORMAL)
    invoice_email = models.EmailField(_("e-mail for the electronic invoice"), blank=True)
    invoice_address_phone = models.CharField(_("registered address and phone"), max_length=200, blank=True)
    invoice_bank_account = models.CharField(_("bank and account number"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    total_fen = models.BigIntegerField(_("total (fen)"))
    paid_fen = models.BigIntegerField(_("paid (fen)"), default=0)
    refunded_fen = models.BigIntegerField(_("refunded (fen)"), default=0)
    payment_reference = models.CharField(_("payment reference"), max_length=20, unique=True)
    payment_method = models.CharField(_("paid by"), max_length=16, blank=True)
    payment_due_at = models.DateTimeField(_("pay before"), null=True, blank=True, db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancellation"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["placed_by", "idempotency_key"], name="order_idempotency_per_member"
            ),
            models.CheckConstraint(condition=models.Q(total_fen__gt=0), name="order_total_positive"),
            models.CheckConstraint(
                condition=models.Q(refunded_fen__gte=0, refunded_fen__lte=models.F("paid_fen")),
                name="order_refund_within_paid",
            ),
        ]
        indexes = [models.Index(fields=["organization", "-id"])]

    def __str__(self) -> str:
        return self.number

    @property
    def total_display(self) -> str:
        return format_yuan(self.total_fen)

    @property
    def counted_fen(self) -> int:
        """What the order adds to the tally: paid minus refunded."""
        return self.paid_fen - self.refunded_fen


class FulfilmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the supplier")
    CONFIRMED = "confirmed", _("Confirmed by the supplier")
    SHIPPED = "shipped", _("Shipped")
    ACCEPTED = "accepted", _("Accepted by the buyer")
    CANCELLED = "cancelled", _("Cancelled")


class Fulfilment(models.Model):
    """One supplier's part of an order: the supplier sees and ships only this."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="fulfilments")
    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier"), on_delete=models.PROTECT,
        related_name="fulfilments",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FulfilmentStatus.choices,
        default=FulfilmentStatus.PENDING, db_index=True,
    )
    subtotal_fen = models.BigIntegerField(_("subtotal (fen)"))
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    auto_accepted = models.BooleanField(_("accepted automatically"), default=False)
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    invoice_status = models.CharField(
        _("invoice status"), max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.PENDING, db_index=True,
    )
    invoice_file = models.FileField(
        _("electronic invoice"), storage=private_storage, upload_to="invoices/%Y/%m/", blank=True,
    )
    invoice_issued_at = models.DateTimeField(_("invoiced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fulfilment")
        verbose_name_plural = _("fulfilments")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "supplier"], name="fulfilment_one_per_supplier"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="fulfilment_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["supplier", "status", "-id"])]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.supplier_id}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    fulfilment = models.ForeignKey(
        Fulfilment, verbose_name=_("fulfilment"), on_delete=models.CASCADE, related_name="lines"
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant", verbose_name=_("variant"), on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    product_name = models.CharField(_("product"), max_length=128)
    spec = models.CharField(_("specification"), max_length=64)
    unit = models.CharField(_("unit"), max_length=16)
    sku = models.CharField(_("SKU"), max_length=64)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_fen = models.BigIntegerField(_("unit price (fen)"))
    total_fen = models.BigIntegerField(_("line total (fen)"))
    refunded_fen = models.BigIntegerField(_("refunded (fen)"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price_fen__gt=0), name="orderline_price_positive"),
            models.CheckConstraint(
                condition=models.Q(total_fen=models.F("unit_price_fen") * models.F("quantity")),
                name="orderline_total_is_price_times_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_fen__gte=0, refunded_fen__lte=models.F("total_fen")),
                name="orderline_refund_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} {self.spec} × {self.quantity}"


class OrderEventKind(models.TextChoices):
    PLACED = "placed", _("Order placed")
    APPROVAL_REQUESTED = "approval_requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected by the approver")
    PAYMENT_STARTED = "payment_started", _("Card payment started")
    PAYMENT_FAILED = "payment_failed", _("Card payment failed")
    PAID = "paid", _("Paid")
    RECEIPT_FLAGGED = "receipt_flagged", _("Bank transfer flagged for review")
    CONFIRMED = "confirmed", _("Confirmed by the supplier")
    SHIPPED = "shipped", _("Shipped")
    ACCEPTED = "accepted", _("Delivery accepted (验收)")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Cancelled: not paid in time")
    REFUNDED = "refunded", _("Refunded")
    DISPUTED = "disputed", _("Card payment disputed")
    NOTE = "note", _("Note")


class OrderEvent(models.Model):
    """The order timeline: who did what, when. Append-only."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=OrderEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    fulfilment = models.ForeignKey(
        Fulfilment, verbose_name=_("fulfilment"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="events",
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
