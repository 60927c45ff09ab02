import graphene
from django.db.models import Q
from django.utils.translation import gettext as _

from catalog.graphql.types import Supplier, SupplierCountableConnection
from shop.graphql.core.errors import ApiErrorCode, api_error
from shop.graphql.core.pagination import paginate
from shop.regions.models import RegionLevel
from shop.regions.selectors import regions_list
from suppliers.selectors import suppliers_public


def _county_code(value: str) -> str:
    value = value.strip()
    county = regions_list(level=RegionLevel.COUNTY).filter(Q(slug=value) | Q(code=value)).first() if value else None
    if county is None:
        raise api_error(_("Unknown county."), code=ApiErrorCode.INVALID_ARGUMENT, field="county")
    return county.code


class SupplierQueries(graphene.ObjectType):
    suppliers = graphene.Field(
        SupplierCountableConnection, required=True,
        first=graphene.Int(), after=graphene.String(), last=graphene.Int(), before=graphene.String(),
        county=graphene.String(description="County slug (longchuan, duan, dahua) or 6-digit code."),
        description="Approved suppliers, by legal name.",
    )
    supplier = graphene.Field(
        Supplier, slug=graphene.String(required=True),
        description="An approved supplier by slug; null when there is none.",
    )

    @staticmethod
    def resolve_suppliers(
        root, info: graphene.ResolveInfo, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None, county: str | None = None,
    ):
        code = _county_code(county) if county is not None else None
        return paginate(
            suppliers_public(county_code=code), SupplierCountableConnection,
            first=first, after=after, last=last, before=before,
        )

    @staticmethod
    def resolve_supplier(root, info: graphene.ResolveInfo, slug: str):
        return suppliers_public().filter(slug=slug).first()
