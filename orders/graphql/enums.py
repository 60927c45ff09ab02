"""GraphQL enums of the orders app, built from the models' choices and ``OrderErrorCode``."""

from enum import Enum as PyEnum

import graphene

from orders.errors import OrderErrorCode
from orders.models import (
    FulfilmentStatus,
    FundingChannel,
    OrderEventKind,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
)
from shop.graphql.core.enums import enum_from_choices, enum_from_error_codes

OrderErrorCodeEnum = enum_from_error_codes(
    OrderErrorCode, name="OrderErrorCode", description="Error codes of cart, order and payment mutations."
)
OrderStatusEnum = enum_from_choices(
    OrderStatus, name="OrderStatus",
    description="Where an order is: pending approval, awaiting payment, paid, shipped, accepted, cancelled or refunded.",
)
FulfilmentStatusEnum = enum_from_choices(
    FulfilmentStatus, name="FulfilmentStatus", description="Where one supplier's part of an order is.",
)
OrderEventKindEnum = enum_from_choices(
    OrderEventKind, name="OrderEventKind", description="What happened to an order (its timeline).",
)
PaymentStatusEnum = enum_from_choices(PaymentStatus, name="PaymentStatus", description="State of a payment.")
PaymentMethodEnum = graphene.Enum.from_enum(
    PyEnum("PaymentMethod", [("STRIPE", PaymentMethod.STRIPE.value), ("BANK_TRANSFER", PaymentMethod.BANK_TRANSFER.value)]),
    name="PaymentMethod",
    description=lambda m: {
        None: "How an order is paid.",
        "STRIPE": "Card payment through Stripe.",
        "BANK_TRANSFER": "Bank transfer (对公转账) to the platform's account with the order's payment reference.",
    }[getattr(m, "name", None)],
)
FundingChannelEnum = graphene.Enum.from_enum(
    PyEnum("FundingChannel", [(c.name, c.value) for c in FundingChannel]),
    name="FundingChannel",
    description=lambda m: {
        None: "Where the money for an order comes from. Orders are placed with CANTEEN, UNION or PERSONAL.",
        "CANTEEN": "Canteen (食堂).",
        "UNION": "Union welfare (工会福利).",
        "PERSONAL": "Personal (个人).",
        "OTHER": "Other (offline purchases only).",
    }[getattr(m, "name", None)],
)
