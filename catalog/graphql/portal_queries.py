"""The supplier's own listings (supplier portal over the API)."""

from typing import Any

import graphene
from django.utils.translation import gettext as _

from catalog.graphql.portal_types import (
    PortalProduct,
    PortalProductCountableConnection,
    ProductStatusEnum,
)
from catalog.selectors_portal import portal_product, portal_products
from shop.graphql.core.errors import MutationErrorCode, api_error
from shop.graphql.core.ids import decode_id
from shop.graphql.core.pagination import paginate
from shop.graphql.core.permissions import user_of
from suppliers.models import Supplier
from suppliers.selectors import supplier_membership_of

MAX_SEARCH_LENGTH = 100


def _own_supplier(info: graphene.ResolveInfo) -> Supplier:
    """The supplier of the logged-in team member, else a PERMISSION_DENIED error."""
    user = user_of(info)
    membership = supplier_membership_of(user=user) if user is not None else None
    if membership is None:
        raise api_error(
            _("Log in as a member of a supplier team.") if user is None
            else _("Only members of a supplier team have listings."),
            code=MutationErrorCode.PERMISSION_DENIED,
        )
    return membership.supplier


class PortalCatalogQueries(graphene.ObjectType):
    my_products = graphene.Field(
        PortalProductCountableConnection,
        first=graphene.Int(), after=graphene.String(), last=graphene.Int(), before=graphene.String(),
        status=graphene.Argument(ProductStatusEnum, description="Only listings in this status."),
        search=graphene.String(description="Part of the name, the English name or a SKU."),
        description=(
            "The listings of the logged-in user's supplier, drafts included, most recently "
            "changed first. An error (PERMISSION_DENIED) for anyone who is not in a supplier team."
        ),
    )
    my_product = graphene.Field(
        PortalProduct, id=graphene.ID(required=True),
        description="One of the supplier's own listings; null when it has no listing with this ID.",
    )

    @staticmethod
    def resolve_my_products(
        root: Any, info: graphene.ResolveInfo, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None, status: Any = None, search: str | None = None,
    ) -> Any:
        supplier = _own_supplier(info)
        text = (search or "").strip()
        if len(text) > MAX_SEARCH_LENGTH or "\x00" in text:
            raise api_error(
                _("Search for at most %(n)d characters.") % {"n": MAX_SEARCH_LENGTH},
                code="invalid_argument", field="search",
            )
        queryset = portal_products(supplier=supplier, status=status.value if status else "", q=text)
        return paginate(
            queryset, PortalProductCountableConnection, first=first, after=after, last=last, before=before,
        )

    @staticmethod
    def resolve_my_product(root: Any, info: graphene.ResolveInfo, id: str) -> Any:
        supplier = _own_supplier(info)
        return portal_product(supplier=supplier, pk=decode_id(id, expected_type="Product"))
