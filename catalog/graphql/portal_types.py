"""A listing as its supplier (and staff reviewing it) sees it, whatever its status: drafts,
submitted, rejected and archived products, with their private fields (status and its
reason, stock, price acceptance). Reachable only through ``myProducts`` / ``myProduct`` and
the catalog mutations, which check who asks.

IDs are the same global IDs as the storefront's (``Product:…``, ``Variant:…``) plus
``ProductImage:…`` for images, so that every mutation takes the IDs these types return.
"""

from typing import Any

import graphene
from graphql_relay import to_global_id

from catalog import models
from catalog.graphql.loaders import (
    CategoryByIdLoader,
    CertificationsByProductIdLoader,
    ImagesByProductIdLoader,
    VariantsByProductIdLoader,
)
from catalog.graphql.types import Category, ProductImage
from shop.graphql.core.enums import enum_from_choices
from shop.graphql.core.loaders import loader, prefetched, related, then
from shop.graphql.core.money import Money, MoneyValue
from shop.graphql.core.pagination import CountableConnection
from shop.regions.graphql.resolvers import region_resolver
from shop.regions.graphql.types import Region
from suppliers.graphql.portal_types import SupplierCertification

ProductStatusEnum = enum_from_choices(
    models.ProductStatus, name="ProductStatus",
    description="Where a listing is in its review: draft, submitted, approved, rejected or archived.",
)


def _absolute(info: graphene.ResolveInfo, url: str) -> str:
    build = getattr(info.context, "build_absolute_uri", None)
    return build(url) if url and callable(build) else url


class PortalProductImage(graphene.ObjectType):
    """A photo of a listing; the first one (position 0) is the main photo."""

    id = graphene.ID(required=True, description="Global ID (type ProductImage).")
    url = graphene.String(required=True, description="Absolute URL of the original image.")
    thumbnail_url = graphene.String(
        required=True, size=graphene.Int(default_value=480, description="Wanted width in pixels."),
        description="URL of the smallest thumbnail at least `size` wide, or of the original.",
    )
    alt = graphene.String(required=True)
    width = graphene.Int(required=True)
    height = graphene.Int(required=True)
    position = graphene.Int(required=True)
    is_main = graphene.Boolean(required=True)

    @staticmethod
    def resolve_id(root: models.ProductImage, info: graphene.ResolveInfo) -> str:
        return to_global_id("ProductImage", root.pk)

    # Same addresses and size check as the public image type.
    resolve_url = ProductImage.resolve_url
    resolve_thumbnail_url = ProductImage.resolve_thumbnail_url

    @staticmethod
    def resolve_is_main(root: models.ProductImage, info: graphene.ResolveInfo) -> bool:
        return root.position == 0


class PortalVariant(graphene.ObjectType):
    """A specification (SKU) of a listing with its stock and price review."""

    id = graphene.ID(required=True, description="Global ID (type Variant).")
    sku = graphene.String(required=True)
    spec = graphene.String(required=True)
    unit = graphene.String(required=True)
    price = graphene.Field(Money, required=True)
    market_price = graphene.Field(Money, description="Market reference price, used to flag overpricing.")
    min_order_qty = graphene.Int(required=True)
    stock = graphene.Int(required=True)
    lead_time_days = graphene.Int(required=True)
    position = graphene.Int(required=True)
    is_active = graphene.Boolean(required=True, description="False once archived.")
    is_overpriced = graphene.Boolean(
        required=True, description="Priced above the alert multiple (1.3 by default) of its market reference price."
    )
    needs_price_review = graphene.Boolean(
        required=True, description="Overpriced and not accepted by staff at this price: blocks publication."
    )
    price_accepted = graphene.Field(Money, description="The price staff accepted, if any.")

    @staticmethod
    def resolve_id(root: models.ProductVariant, info: graphene.ResolveInfo) -> str:
        return to_global_id("Variant", root.pk)

    @staticmethod
    def resolve_price(root: models.ProductVariant, info: graphene.ResolveInfo) -> MoneyValue | None:
        return MoneyValue.from_yuan(root.price)

    @staticmethod
    def resolve_market_price(root: models.ProductVariant, info: graphene.ResolveInfo) -> MoneyValue | None:
        return MoneyValue.from_yuan(root.market_price)

    @staticmethod
    def resolve_price_accepted(root: models.ProductVariant, info: graphene.ResolveInfo) -> MoneyValue | None:
        return MoneyValue.from_yuan(root.price_accepted)

    @staticmethod
    def resolve_is_overpriced(root: models.ProductVariant, info: graphene.ResolveInfo) -> bool:
        return root.is_overpriced

    @staticmethod
    def resolve_needs_price_review(root: models.ProductVariant, info: graphene.ResolveInfo) -> bool:
        return root.needs_price_review


def _variants(root: models.Product, info: graphene.ResolveInfo) -> Any:
    ready = prefetched(root, "active_variants")
    return ready if ready is not None else loader(info, VariantsByProductIdLoader).load(root.pk)


class PortalProduct(graphene.ObjectType):
    """One of the supplier's listings, whatever its status."""

    id = graphene.ID(required=True, description="Global ID (type Product).")
    name = graphene.String(required=True)
    name_en = graphene.String(required=True)
    slug = graphene.String(required=True)
    summary = graphene.String(required=True)
    description = graphene.String(required=True)
    status = graphene.Field(ProductStatusEnum, required=True)
    status_reason = graphene.String(
        required=True, description="Why it was last rejected or sent back to review (empty otherwise)."
    )
    is_published = graphene.Boolean(required=True)
    is_visible = graphene.Boolean(required=True, description="On sale in the storefront right now.")
    category = graphene.Field(Category, required=True)
    county = graphene.Field(Region, required=True)
    township = graphene.Field(Region, required=True, description="Township of origin.")
    village = graphene.Field(Region, description="Village of origin.")
    certifications = graphene.List(graphene.NonNull(SupplierCertification), required=True)
    poor_households = graphene.Int(required=True)
    shelf_life_days = graphene.Int()
    storage = graphene.String(required=True)
    min_price = graphene.Field(Money, description="Lowest price among the active variants.")
    total_stock = graphene.Int(required=True, description="Stock of the active variants together.")
    needs_price_review = graphene.Boolean(
        required=True, description="An active variant's price awaits staff acceptance."
    )
    variants = graphene.List(graphene.NonNull(PortalVariant), required=True, description="Active variants.")
    images = graphene.List(graphene.NonNull(PortalProductImage), required=True, description="In display order.")
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root: models.Product, info: graphene.ResolveInfo) -> str:
        return to_global_id("Product", root.pk)

    @staticmethod
    def resolve_status(root: models.Product, info: graphene.ResolveInfo) -> str:
        return models.ProductStatus(root.status).value  # the services set enum members

    @staticmethod
    def resolve_category(root: models.Product, info: graphene.ResolveInfo) -> Any:
        return related(info, root, "category", CategoryByIdLoader)

    resolve_county = region_resolver("county")
    resolve_township = region_resolver("township")
    resolve_village = region_resolver("village")

    @staticmethod
    def resolve_certifications(root: models.Product, info: graphene.ResolveInfo) -> Any:
        return loader(info, CertificationsByProductIdLoader).load(root.pk)

    @staticmethod
    def resolve_min_price(root: models.Product, info: graphene.ResolveInfo) -> MoneyValue | None:
        return MoneyValue.from_yuan(root.min_price)

    @staticmethod
    def resolve_needs_price_review(root: models.Product, info: graphene.ResolveInfo) -> Any:
        return then(_variants(root, info), lambda rows: any(v.needs_price_review for v in rows))

    @staticmethod
    def resolve_variants(root: models.Product, info: graphene.ResolveInfo) -> Any:
        return _variants(root, info)

    @staticmethod
    def resolve_images(root: models.Product, info: graphene.ResolveInfo) -> Any:
        ready = prefetched(root, "ordered_images")
        return ready if ready is not None else loader(info, ImagesByProductIdLoader).load(root.pk)


class PortalProductCountableConnection(CountableConnection):
    class Meta:
        node = PortalProduct
        strict_types = True
