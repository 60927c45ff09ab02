"""Orders as the API shows them: to the buying organization's members, to staff, and (only
their own part) to suppliers. See ``orders.graphql.scope`` for who sees what."""

from typing import Any

import graphene
from django.urls import reverse
from graphql_relay import to_global_id

from orders import models
from orders.graphql.enums import (
    FulfilmentStatusEnum,
    FundingChannelEnum,
    OrderEventKindEnum,
    OrderStatusEnum,
    PaymentMethodEnum,
    PaymentStatusEnum,
)
from orders.graphql.loaders import (
    EventsByOrderIdLoader,
    FulfilmentsByOrderIdLoader,
    OrderByIdLoader,
    OrderLinesByFulfilmentIdLoader,
    OrderLinesByOrderIdLoader,
    PaymentsByOrderIdLoader,
)
from orders.graphql.scope import scoped, viewer_of
from shop.common.links import absolute_url
from shop.graphql.core.loaders import loader, prefetched, then
from shop.graphql.core.money import Money, MoneyValue
from shop.graphql.core.pagination import CountableConnection


def choice(value: Any) -> str | None:
    """A model choice as the enums' value (a ``TextChoices`` member is not the enum's own)."""
    return str(value) if value else None


def person_name(user: Any) -> str | None:
    if user is None:
        return None
    return user.display_name or user.get_full_name() or user.username


def _load(root: Any, info: graphene.ResolveInfo, attr: str, loader_cls: type, key: int) -> Any:
    ready = prefetched(root, attr)
    return ready if ready is not None else loader(info, loader_cls).load(key)


class OrderLine(graphene.ObjectType):
    """A line of an order: the product as it was sold, at the price copied when it was placed."""

    id = graphene.ID(required=True, description="Global ID (type OrderLine).")
    product_name = graphene.String(required=True)
    spec = graphene.String(required=True)
    unit = graphene.String(required=True)
    sku = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    unit_price = graphene.Field(Money, required=True)
    total = graphene.Field(Money, required=True)
    refunded = graphene.Field(Money, required=True)
    variant_id = graphene.ID(required=True, description="Global ID of the variant (type Variant).")

    @staticmethod
    def resolve_id(root: models.OrderLine, info: graphene.ResolveInfo) -> str:
        return to_global_id("OrderLine", root.pk)

    @staticmethod
    def resolve_unit_price(root: models.OrderLine, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.unit_price_fen)

    @staticmethod
    def resolve_total(root: models.OrderLine, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.total_fen)

    @staticmethod
    def resolve_refunded(root: models.OrderLine, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.refunded_fen)

    @staticmethod
    def resolve_variant_id(root: models.OrderLine, info: graphene.ResolveInfo) -> str:
        return to_global_id("Variant", root.variant_id)


class DeliverySnapshot(graphene.ObjectType):
    """Where the order goes, as the address was when it was placed."""

    label = graphene.String(required=True)
    recipient = graphene.String(required=True)
    phone = graphene.String(required=True)
    address = graphene.String(required=True)


class Invoice(graphene.ObjectType):
    title = graphene.String(required=True, description="Invoice title (抬头).")
    tax_number = graphene.String(required=True, description="Tax number (税号).")
    type = graphene.String(required=True, description="normal (普通发票) or special (增值税专用发票).")
    email = graphene.String(required=True, description="E-mail for the electronic invoice; empty when none.")
    address_phone = graphene.String(required=True, description="Registered address and phone (专票).")
    bank_account = graphene.String(required=True, description="Bank and account number (专票).")


class Fulfilment(graphene.ObjectType):
    """One supplier's part of an order: its lines, shipment and the buyer's acceptance."""

    id = graphene.ID(required=True, description="Global ID (type Fulfilment).")
    supplier_name = graphene.String(required=True)
    status = graphene.Field(FulfilmentStatusEnum, required=True)
    subtotal = graphene.Field(Money, required=True)
    carrier = graphene.String(required=True)
    tracking_number = graphene.String(required=True)
    confirmed_at = graphene.DateTime()
    shipped_at = graphene.DateTime()
    accepted_at = graphene.DateTime()
    auto_accepted = graphene.Boolean(required=True, description="Accepted automatically after the waiting days.")
    rating = graphene.Int(description="The buyer's rating, 1 to 5.")
    comment = graphene.String(required=True)
    invoice_status = graphene.String(required=True, description="pending (待开票) or issued (已开票).")
    invoice_issued_at = graphene.DateTime(description="When the supplier uploaded its electronic invoice.")
    invoice_url = graphene.String(
        description=(
            "Where the electronic invoice (PDF) downloads, once issued; null before. The address "
            "needs the same login and answers the buyer's members, staff and this supplier only."
        )
    )
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    order = graphene.Field(lambda: Order, required=True)

    @staticmethod
    def resolve_invoice_url(root: models.Fulfilment, info: graphene.ResolveInfo) -> str | None:
        if not root.invoice_file:
            return None
        path = reverse("frontend:order_invoice", args=[root.order_id, root.pk])
        return absolute_url(path, request=info.context)

    @staticmethod
    def resolve_id(root: models.Fulfilment, info: graphene.ResolveInfo) -> str:
        return to_global_id("Fulfilment", root.pk)

    @staticmethod
    def resolve_status(root: Any, info: graphene.ResolveInfo) -> str | None:
        return choice(root.status)

    @staticmethod
    def resolve_supplier_name(root: models.Fulfilment, info: graphene.ResolveInfo) -> str:
        return root.supplier.display_name

    @staticmethod
    def resolve_subtotal(root: models.Fulfilment, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.subtotal_fen)

    @staticmethod
    def resolve_lines(root: models.Fulfilment, info: graphene.ResolveInfo) -> Any:
        return _load(root, info, "lines", OrderLinesByFulfilmentIdLoader, root.pk)

    @staticmethod
    def resolve_order(root: models.Fulfilment, info: graphene.ResolveInfo) -> Any:
        viewer = viewer_of(root)
        return then(loader(info, OrderByIdLoader).load(root.order_id), lambda order: scoped(order, viewer))


class OrderEvent(graphene.ObjectType):
    """An entry of the order timeline: who did what, when."""

    id = graphene.ID(required=True, description="Global ID (type OrderEvent).")
    kind = graphene.Field(OrderEventKindEnum, required=True)
    label = graphene.String(required=True, description="The kind in the active language.")
    message = graphene.String(required=True, description="A reason or note, e.g. why the order was cancelled.")
    actor_name = graphene.String(description="Who did it; null for the system (expiry, webhooks, automatic acceptance).")
    supplier_name = graphene.String(description="The supplier, for events of one supplier's part.")
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root: models.OrderEvent, info: graphene.ResolveInfo) -> str:
        return to_global_id("OrderEvent", root.pk)

    @staticmethod
    def resolve_kind(root: Any, info: graphene.ResolveInfo) -> str | None:
        return choice(root.kind)

    @staticmethod
    def resolve_label(root: models.OrderEvent, info: graphene.ResolveInfo) -> str:
        return str(root.get_kind_display())

    @staticmethod
    def resolve_actor_name(root: models.OrderEvent, info: graphene.ResolveInfo) -> str | None:
        return person_name(root.actor)

    @staticmethod
    def resolve_supplier_name(root: models.OrderEvent, info: graphene.ResolveInfo) -> str | None:
        return root.fulfilment.supplier.display_name if root.fulfilment is not None else None


class Payment(graphene.ObjectType):
    id = graphene.ID(required=True, description="Global ID (type Payment).")
    method = graphene.Field(PaymentMethodEnum, required=True)
    status = graphene.Field(PaymentStatusEnum, required=True)
    amount = graphene.Field(Money, required=True)
    client_secret = graphene.String(
        description=(
            "For a pending card payment, the PaymentIntent's client secret for Stripe.js; "
            "only members of the paying organization see it."
        )
    )
    created_at = graphene.DateTime(required=True)
    succeeded_at = graphene.DateTime()

    @staticmethod
    def resolve_id(root: models.Payment, info: graphene.ResolveInfo) -> str:
        return to_global_id("Payment", root.pk)

    @staticmethod
    def resolve_method(root: Any, info: graphene.ResolveInfo) -> str | None:
        return choice(root.method)

    @staticmethod
    def resolve_status(root: Any, info: graphene.ResolveInfo) -> str | None:
        return choice(root.status)

    @staticmethod
    def resolve_amount(root: models.Payment, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.amount_fen)

    @staticmethod
    def resolve_client_secret(root: models.Payment, info: graphene.ResolveInfo) -> str | None:
        if not viewer_of(root).member or root.status != models.PaymentStatus.PENDING:
            return None
        return root.stripe_client_secret or None


class Order(graphene.ObjectType):
    """An order of a buyer organization. A supplier sees only its own fulfilment and lines
    and none of the order's amounts, invoice or payments (those fields are null or empty)."""

    id = graphene.ID(required=True, description="Global ID (type Order).")
    number = graphene.String(required=True)
    status = graphene.Field(OrderStatusEnum, required=True)
    organization_name = graphene.String(required=True)
    placed_by = graphene.String(description="Display name of the member who placed it.")
    funding_channel = graphene.Field(FundingChannelEnum, required=True)
    delivery = graphene.Field(DeliverySnapshot, required=True)
    invoice = graphene.Field(Invoice, description="Null for suppliers.")
    note = graphene.String(required=True)
    total = graphene.Field(Money, description="Null for suppliers (see their fulfilment's subtotal).")
    paid = graphene.Field(Money, description="Null for suppliers.")
    refunded = graphene.Field(Money, description="Null for suppliers.")
    payment_reference = graphene.String(
        description="The reference to write on a bank transfer (e.g. XF7K3M9Q2P); null for suppliers."
    )
    payment_method = graphene.Field(PaymentMethodEnum, description="How it was paid, once paid.")
    payment_due_at = graphene.DateTime(description="Unpaid orders are cancelled after this time.")
    created_at = graphene.DateTime(required=True)
    approved_at = graphene.DateTime()
    paid_at = graphene.DateTime()
    shipped_at = graphene.DateTime()
    accepted_at = graphene.DateTime()
    cancelled_at = graphene.DateTime()
    cancel_reason = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    fulfilments = graphene.List(graphene.NonNull(Fulfilment), required=True)
    events = graphene.List(graphene.NonNull(OrderEvent), required=True, description="The timeline, oldest first.")
    payments = graphene.List(graphene.NonNull(Payment), required=True, description="Empty for suppliers.")

    @staticmethod
    def resolve_id(root: models.Order, info: graphene.ResolveInfo) -> str:
        return to_global_id("Order", root.pk)

    @staticmethod
    def resolve_status(root: Any, info: graphene.ResolveInfo) -> str | None:
        return choice(root.status)

    @staticmethod
    def resolve_funding_channel(root: Any, info: graphene.ResolveInfo) -> str | None:
        return choice(root.funding_channel)

    @staticmethod
    def resolve_organization_name(root: models.Order, info: graphene.ResolveInfo) -> str:
        return root.organization.name

    @staticmethod
    def resolve_placed_by(root: models.Order, info: graphene.ResolveInfo) -> str | None:
        return person_name(root.placed_by)

    @staticmethod
    def resolve_delivery(root: models.Order, info: graphene.ResolveInfo) -> DeliverySnapshot:
        return DeliverySnapshot(
            label=root.ship_label, recipient=root.ship_recipient, phone=root.ship_phone, address=root.ship_address,
        )

    @staticmethod
    def resolve_invoice(root: models.Order, info: graphene.ResolveInfo) -> Invoice | None:
        if viewer_of(root).is_supplier:
            return None
        return Invoice(title=root.invoice_title, tax_number=root.tax_number, type=root.invoice_type,
                       email=root.invoice_email, address_phone=root.invoice_address_phone,
                       bank_account=root.invoice_bank_account)

    @staticmethod
    def resolve_total(root: models.Order, info: graphene.ResolveInfo) -> MoneyValue | None:
        return None if viewer_of(root).is_supplier else MoneyValue(fen=root.total_fen)

    @staticmethod
    def resolve_paid(root: models.Order, info: graphene.ResolveInfo) -> MoneyValue | None:
        return None if viewer_of(root).is_supplier else MoneyValue(fen=root.paid_fen)

    @staticmethod
    def resolve_refunded(root: models.Order, info: graphene.ResolveInfo) -> MoneyValue | None:
        return None if viewer_of(root).is_supplier else MoneyValue(fen=root.refunded_fen)

    @staticmethod
    def resolve_payment_reference(root: models.Order, info: graphene.ResolveInfo) -> str | None:
        return None if viewer_of(root).is_supplier else root.payment_reference

    @staticmethod
    def resolve_payment_method(root: models.Order, info: graphene.ResolveInfo) -> str | None:
        return choice(root.payment_method)

    @staticmethod
    def resolve_lines(root: models.Order, info: graphene.ResolveInfo) -> Any:
        viewer = viewer_of(root)
        if viewer.is_supplier:
            return then(
                _load(root, info, "lines", OrderLinesByOrderIdLoader, root.pk),
                lambda lines: [line for line in lines if line.supplier_id == viewer.supplier_id],
            )
        return _load(root, info, "lines", OrderLinesByOrderIdLoader, root.pk)

    @staticmethod
    def resolve_fulfilments(root: models.Order, info: graphene.ResolveInfo) -> Any:
        viewer = viewer_of(root)
        return then(
            _load(root, info, "fulfilments", FulfilmentsByOrderIdLoader, root.pk),
            lambda rows: [scoped(f, viewer) for f in rows if viewer.sees_supplier(f.supplier_id)],
        )

    @staticmethod
    def resolve_events(root: models.Order, info: graphene.ResolveInfo) -> Any:
        viewer = viewer_of(root)
        # Always the loader: it joins each event's fulfilment and supplier.
        return then(
            loader(info, EventsByOrderIdLoader).load(root.pk),
            lambda rows: [
                e for e in rows
                if e.fulfilment_id is None or viewer.sees_supplier(e.fulfilment.supplier_id)
            ],
        )

    @staticmethod
    def resolve_payments(root: models.Order, info: graphene.ResolveInfo) -> Any:
        viewer = viewer_of(root)
        if viewer.is_supplier:
            return []
        return then(
            _load(root, info, "payments", PaymentsByOrderIdLoader, root.pk),
            lambda rows: [scoped(p, viewer) for p in rows],
        )


class OrderCountableConnection(CountableConnection):
    class Meta:
        node = Order
        strict_types = True


class FulfilmentCountableConnection(CountableConnection):
    class Meta:
        node = Fulfilment
        strict_types = True


class BankTransferInstructions(graphene.ObjectType):
    """How to pay an order by bank transfer (对公转账): the platform's account and the
    reference to write in the transfer's remark, which matches the payment to the order."""

    account_name = graphene.String(required=True)
    bank = graphene.String(required=True)
    account_number = graphene.String(required=True)
    payment_reference = graphene.String(required=True)
    amount = graphene.Field(Money, required=True)
    due_at = graphene.DateTime(description="Pay before this time or the order is cancelled.")
