"""Cart, checkout, order, payment and fulfilment mutations: one file per mutation, each
wrapping one service of ``orders.services``."""

import graphene

from orders.graphql.mutations.cart_line_add import CartLineAdd
from orders.graphql.mutations.cart_line_remove import CartLineRemove
from orders.graphql.mutations.cart_line_update import CartLineUpdate
from orders.graphql.mutations.checkout_complete import CheckoutComplete
from orders.graphql.mutations.fulfilment_confirm import FulfilmentConfirm
from orders.graphql.mutations.fulfilment_create import FulfilmentCreate
from orders.graphql.mutations.fulfilment_invoice_upload import FulfilmentInvoiceUpload
from orders.graphql.mutations.order_accept import OrderAccept
from orders.graphql.mutations.order_approve import OrderApprove
from orders.graphql.mutations.order_cancel import OrderCancel
from orders.graphql.mutations.order_refund import OrderRefund
from orders.graphql.mutations.order_reject import OrderReject
from orders.graphql.mutations.payment_create import PaymentCreate
from orders.graphql.mutations.payment_receipt_record import PaymentReceiptRecord
from orders.graphql.mutations.statement_confirm import StatementConfirm
from orders.graphql.mutations.statement_object import StatementObject


class OrderMutations(graphene.ObjectType):
    # Members of a buyer organization.
    cart_line_add = CartLineAdd.Field()
    cart_line_update = CartLineUpdate.Field()
    cart_line_remove = CartLineRemove.Field()
    checkout_complete = CheckoutComplete.Field()
    order_approve = OrderApprove.Field()
    order_reject = OrderReject.Field()
    order_cancel = OrderCancel.Field()
    payment_create = PaymentCreate.Field()
    order_accept = OrderAccept.Field()
    # Supplier team members, on their own part of an order.
    fulfilment_confirm = FulfilmentConfirm.Field()
    fulfilment_create = FulfilmentCreate.Field()
    fulfilment_invoice_upload = FulfilmentInvoiceUpload.Field()
    # Platform finance staff.
    payment_receipt_record = PaymentReceiptRecord.Field()
    order_refund = OrderRefund.Field()
    statement_confirm = StatementConfirm.Field()
    statement_object = StatementObject.Field()
