from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.access import require_supplier, supplier_fulfilment
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.mutations.fulfilment_create import fresh_fulfilment
from orders.graphql.order_types import Fulfilment
from orders.services.invoices import fulfilment_invoice_upload
from shop.graphql.core.permissions import require_user
from shop.graphql.core.uploads import Upload


class FulfilmentInvoiceUpload(OrderMutation):
    """The supplier uploads the electronic invoice (PDF) for its own part of a paid order;
    the part becomes invoiced (已开票) and the buyer can download it. Send the file with the
    GraphQL multipart request spec. The file is checked and rewritten as the portal page does
    (same service); a new upload replaces the previous file."""

    fulfilment = graphene.Field(Fulfilment)

    class Arguments:
        fulfilment_id = graphene.ID(required=True, description="Global ID of one of the supplier's fulfilments (type Fulfilment).")
        file = Upload(required=True, description="The invoice as a PDF file.")

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, fulfilment_id: str, file: Any) -> dict[str, Any]:
        user = require_user(info)
        supplier = require_supplier(user)
        fulfilment = supplier_fulfilment(supplier, fulfilment_id)  # another supplier's part: not found
        fulfilment_invoice_upload(actor=user, fulfilment=fulfilment, upload=file)
        return {"fulfilment": fresh_fulfilment(fulfilment.pk, supplier.pk)}
