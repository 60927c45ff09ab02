"""Inputs of the listing mutations. Omitted fields are left as they are (update); an
explicit null clears an optional field. Values are checked by the services."""

import graphene

from shop.graphql.core.scalars import Yuan

_ID_NOTE = "Global ID of a category (type Category)."


class _ProductFields:
    name_en = graphene.String(description="English name.")
    summary = graphene.String(description="One line shown on the product card (at most 200 characters).")
    description = graphene.String()
    village = graphene.String(description="12-digit code of the village of origin, in the township.")
    certifications = graphene.List(
        graphene.NonNull(graphene.ID),
        description="Global IDs of the supplier's own certifications (see `me { supplier { certifications } }`).",
    )
    poor_households = graphene.Int(description="Registered poor households supported by this product.")
    shelf_life_days = graphene.Int()
    storage = graphene.String(description="For example: keep cool and dry.")


class ProductCreateInput(_ProductFields, graphene.InputObjectType):
    name = graphene.String(required=True)
    category = graphene.ID(required=True, description=_ID_NOTE)
    township = graphene.String(
        required=True, description="9-digit code of the township of origin, in the supplier's county."
    )


class ProductUpdateInput(_ProductFields, graphene.InputObjectType):
    name = graphene.String()
    category = graphene.ID(description=_ID_NOTE)
    township = graphene.String(description="9-digit code of the township of origin, in the supplier's county.")


class _VariantFields:
    sku = graphene.String(description="Letters, digits, dots, hyphens or underscores; generated when empty.")
    market_price = graphene.InputField(Yuan, description="Market reference price in yuan; flags overpricing.")
    min_order_qty = graphene.Int()
    stock = graphene.Int()
    lead_time_days = graphene.Int()


class VariantCreateInput(_VariantFields, graphene.InputObjectType):
    spec = graphene.String(required=True, description="Specification, e.g. 5斤/箱.")
    unit = graphene.String(required=True, description="Unit, e.g. 箱.")
    price = graphene.InputField(Yuan, required=True, description="Price in yuan, above zero.")


class VariantUpdateInput(_VariantFields, graphene.InputObjectType):
    spec = graphene.String()
    unit = graphene.String()
    price = graphene.InputField(Yuan)
    position = graphene.Int(description="Display order among the product's variants.")


class StockChangeInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True, description="Global ID of one of the supplier's variants.")
    stock = graphene.Int(required=True, description="The new stock: a whole number, 0 or more.")
