"""Public supplier data. Contact details, bank account, credit code, street address and
status are private and are deliberately not fields of these types (a test checks)."""

import graphene
from django.utils.translation import gettext as _
from graphene_django import DjangoObjectType

from shop.graphql.core.errors import ApiErrorCode, api_error
from shop.graphql.core.loaders import loader, then
from shop.graphql.core.pagination import CountableConnection, check_page_size
from shop.regions.graphql.resolvers import region_resolver
from shop.regions.graphql.types import Region
from suppliers import models
from suppliers.graphql.enums import CertificationKindEnum, LinkageMechanismEnum, SupplierTypeEnum
from suppliers.graphql.resolvers import (
    resolve_certification_is_valid,
    resolve_supplier_certifications,
    resolve_supplier_name,
)

SUPPLIER_PRODUCTS_DEFAULT = 20


class Certification(DjangoObjectType):
    """A certification or label (地理标志, 绿色, 有机, 圳品…) with its validity."""

    kind = graphene.Field(CertificationKindEnum, required=True)
    is_valid = graphene.Boolean(required=True, description="Valid today (Asia/Shanghai).")

    class Meta:
        model = models.Certification
        fields = ("title", "number", "issuer", "valid_from", "valid_until")

    @staticmethod
    def resolve_kind(root: models.Certification, info: graphene.ResolveInfo) -> str:
        return root.kind

    resolve_is_valid = resolve_certification_is_valid


class Supplier(DjangoObjectType):
    """An approved supplier: a cooperative, enterprise or family farm in a supply county."""

    name = graphene.String(required=True, description="Short name, or the legal name when there is none.")
    supplier_type = graphene.Field(SupplierTypeEnum, required=True)
    linkage_mechanism = graphene.Field(LinkageMechanismEnum, required=True)
    county = graphene.Field(Region, required=True)
    township = graphene.Field(Region, required=True)
    village = graphene.Field(Region)
    certifications = graphene.List(graphene.NonNull(Certification), required=True)
    products = graphene.List(
        graphene.NonNull("catalog.graphql.types.Product"), required=True,
        first=graphene.Int(default_value=SUPPLIER_PRODUCTS_DEFAULT, description="At most this many, newest first."),
        description="The supplier's products that are on sale.",
    )

    class Meta:
        model = models.Supplier
        interfaces = (graphene.relay.Node,)
        fields = (
            "id", "slug", "legal_name", "description", "linkage_description", "poor_households",
        )

    resolve_name = resolve_supplier_name

    @staticmethod
    def resolve_supplier_type(root: models.Supplier, info: graphene.ResolveInfo) -> str:
        return root.supplier_type

    @staticmethod
    def resolve_linkage_mechanism(root: models.Supplier, info: graphene.ResolveInfo) -> str:
        return root.linkage_mechanism

    resolve_county = region_resolver("county")
    resolve_township = region_resolver("township")
    resolve_village = region_resolver("village")

    resolve_certifications = resolve_supplier_certifications

    @staticmethod
    def resolve_products(root: models.Supplier, info: graphene.ResolveInfo, first: int):
        # Imported here: the catalog depends on suppliers, not the other way round.
        from catalog.graphql.loaders import ProductsBySupplierIdLoader

        if first is None:
            raise api_error(_("“first” must not be null."), code=ApiErrorCode.INVALID_ARGUMENT, field="first")
        check_page_size(first, field="first")
        return then(loader(info, ProductsBySupplierIdLoader).load(root.id), lambda rows: rows[:first])


class SupplierCountableConnection(CountableConnection):
    class Meta:
        node = Supplier
        strict_types = True
