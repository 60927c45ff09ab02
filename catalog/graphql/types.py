from typing import Any

import graphene
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from graphene_django import DjangoObjectType

from catalog import models
from catalog.graphql.loaders import (
    CategoryByIdLoader,
    CategoryChildrenLoader,
    CertificationsByProductIdLoader,
    ImagesByProductIdLoader,
    ProductsBySupplierIdLoader,
    VariantsByProductIdLoader,
)
from shop.graphql.core.errors import ApiErrorCode, api_error
from shop.graphql.core.loaders import loader, prefetched, related, then
from shop.graphql.core.money import Money, MoneyValue
from shop.graphql.core.pagination import CountableConnection, check_page_size
from shop.regions.graphql.resolvers import region_resolver
from shop.regions.graphql.types import Region
from suppliers import models as supplier_models
from suppliers.graphql.enums import LinkageMechanismEnum, SupplierTypeEnum
from suppliers.graphql.resolvers import (
    resolve_supplier_certifications,
    resolve_supplier_name,
    supplier_resolver,
)
from suppliers.graphql.types import Certification

MAX_THUMBNAIL_SIZE = 4096
SUPPLIER_PRODUCTS_DEFAULT = 20


def _absolute(info: graphene.ResolveInfo, url: str) -> str:
    build = getattr(info.context, "build_absolute_uri", None)
    return build(url) if url and callable(build) else url


class Category(DjangoObjectType):
    """A product category; the tree has two levels (e.g. 粮油 › 食用油)."""

    parent = graphene.Field(lambda: Category)
    children = graphene.List(graphene.NonNull(lambda: Category), required=True)

    class Meta:
        model = models.Category
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "name_en", "slug")

    @staticmethod
    def resolve_parent(root: models.Category, info: graphene.ResolveInfo):
        return related(info, root, "parent", CategoryByIdLoader)

    @staticmethod
    def resolve_children(root: models.Category, info: graphene.ResolveInfo):
        ready = prefetched(root, "children")
        return ready if ready is not None else loader(info, CategoryChildrenLoader).load(root.id)


class ProductImage(DjangoObjectType):
    url = graphene.String(required=True, description="Absolute URL of the original image.")
    thumbnail_url = graphene.String(
        required=True, size=graphene.Int(default_value=480, description="Wanted width in pixels."),
        description="URL of the smallest thumbnail at least `size` wide, or of the original.",
    )

    class Meta:
        model = models.ProductImage
        fields = ("alt", "width", "height")

    @staticmethod
    def resolve_url(root: models.ProductImage, info: graphene.ResolveInfo) -> str:
        return _absolute(info, root.image.url if root.image else "")

    @staticmethod
    def resolve_thumbnail_url(root: models.ProductImage, info: graphene.ResolveInfo, size: int) -> str:
        if size is None or not 1 <= size <= MAX_THUMBNAIL_SIZE:
            raise api_error(
                _("“size” must be between 1 and %(max)d.") % {"max": MAX_THUMBNAIL_SIZE},
                code=ApiErrorCode.INVALID_ARGUMENT, field="size",
            )
        return _absolute(info, root.thumbnail_url(size))


class Variant(DjangoObjectType):
    """A SKU: one specification of a product with its price and stock."""

    price = graphene.Field(Money, required=True)
    market_price = graphene.Field(Money, description="Market reference price, used to flag overpricing.")
    is_overpriced = graphene.Boolean(
        required=True, description="Priced above 1.3 times its market reference price."
    )

    class Meta:
        model = models.ProductVariant
        name = "Variant"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "sku", "spec", "unit", "min_order_qty", "stock", "lead_time_days")

    @staticmethod
    def resolve_price(root: models.ProductVariant, info: graphene.ResolveInfo) -> MoneyValue | None:
        return MoneyValue.from_yuan(root.price)

    @staticmethod
    def resolve_market_price(root: models.ProductVariant, info: graphene.ResolveInfo) -> MoneyValue | None:
        return MoneyValue.from_yuan(root.market_price)

    @staticmethod
    def resolve_is_overpriced(root: models.ProductVariant, info: graphene.ResolveInfo) -> bool:
        return root.is_overpriced


# Public supplier data. Contact details, bank account, credit code, street address and status
# are private and are deliberately not fields of this type (a test checks).
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
        graphene.NonNull(lambda: Product), required=True,
        first=graphene.Int(default_value=SUPPLIER_PRODUCTS_DEFAULT, description="At most this many, newest first."),
        description="The supplier's products that are on sale.",
    )

    class Meta:
        model = supplier_models.Supplier
        interfaces = (graphene.relay.Node,)
        fields = (
            "id", "slug", "legal_name", "description", "linkage_description", "poor_households",
        )

    resolve_name = resolve_supplier_name

    @staticmethod
    def resolve_supplier_type(root: supplier_models.Supplier, info: graphene.ResolveInfo) -> str:
        return root.supplier_type

    @staticmethod
    def resolve_linkage_mechanism(root: supplier_models.Supplier, info: graphene.ResolveInfo) -> str:
        return root.linkage_mechanism

    resolve_county = region_resolver("county")
    resolve_township = region_resolver("township")
    resolve_village = region_resolver("village")

    resolve_certifications = resolve_supplier_certifications

    @staticmethod
    def resolve_products(root: supplier_models.Supplier, info: graphene.ResolveInfo, first: int):
        if first is None:
            raise api_error(_("“first” must not be null."), code=ApiErrorCode.INVALID_ARGUMENT, field="first")
        check_page_size(first, field="first")
        return then(loader(info, ProductsBySupplierIdLoader).load(root.id), lambda rows: rows[:first])


class SupplierCountableConnection(CountableConnection):
    class Meta:
        node = Supplier
        strict_types = True


class Product(DjangoObjectType):
    """A product on sale: approved, published, from an approved supplier."""

    min_price = graphene.Field(Money, description="Lowest price among the active variants.")
    in_stock = graphene.Boolean(required=True)
    category = graphene.Field(Category, required=True)
    county = graphene.Field(Region, required=True)
    township = graphene.Field(Region, required=True, description="Township of origin.")
    village = graphene.Field(Region, description="Village of origin.")
    supplier = graphene.Field(Supplier, required=True)
    certifications = graphene.List(graphene.NonNull(Certification), required=True)
    variants = graphene.List(graphene.NonNull(Variant), required=True, description="Active variants.")
    images = graphene.List(graphene.NonNull(ProductImage), required=True)
    trace_url = graphene.String(
        required=True, description="Public provenance page (溯源) that the product's QR code points to."
    )

    sales_count = graphene.Int(
        required=True, description="Units sold in paid orders (paid, shipped or accepted)."
    )
    rating_average = graphene.Float(description="Average 1–5 star rating at acceptance; null when unrated.")
    rating_count = graphene.Int(required=True, description="Number of ratings given at acceptance.")

    class Meta:
        model = models.Product
        interfaces = (graphene.relay.Node,)
        fields = (
            "id", "name", "name_en", "slug", "summary", "description", "poor_households",
            "shelf_life_days", "storage",
        )

    @staticmethod
    def resolve_sales_count(root: models.Product, info: graphene.ResolveInfo) -> int:
        return root.sales_units

    @staticmethod
    def resolve_rating_average(root: models.Product, info: graphene.ResolveInfo) -> float | None:
        value = root.rating_average
        return None if value is None else round(value, 2)

    @staticmethod
    def resolve_rating_count(root: models.Product, info: graphene.ResolveInfo) -> int:
        return root.rating_count

    @staticmethod
    def resolve_min_price(root: models.Product, info: graphene.ResolveInfo) -> MoneyValue | None:
        return MoneyValue.from_yuan(root.min_price)

    @staticmethod
    def resolve_in_stock(root: models.Product, info: graphene.ResolveInfo) -> bool:
        return root.in_stock

    @staticmethod
    def resolve_category(root: models.Product, info: graphene.ResolveInfo):
        return related(info, root, "category", CategoryByIdLoader)

    resolve_county = region_resolver("county")
    resolve_township = region_resolver("township")
    resolve_village = region_resolver("village")

    resolve_supplier = supplier_resolver()

    @staticmethod
    def resolve_certifications(root: models.Product, info: graphene.ResolveInfo):
        ready = prefetched(root, "certifications")  # product_detail's, in the loader's order
        return ready if ready is not None else loader(info, CertificationsByProductIdLoader).load(root.id)

    @staticmethod
    def resolve_variants(root: models.Product, info: graphene.ResolveInfo) -> Any:
        ready = prefetched(root, "active_variants")
        return ready if ready is not None else loader(info, VariantsByProductIdLoader).load(root.id)

    @staticmethod
    def resolve_images(root: models.Product, info: graphene.ResolveInfo) -> Any:
        ready = prefetched(root, "ordered_images")
        return ready if ready is not None else loader(info, ImagesByProductIdLoader).load(root.id)

    @staticmethod
    def resolve_trace_url(root: models.Product, info: graphene.ResolveInfo) -> str:
        # Same address as the QR code on the packaging: SITE_URL when set, else this host.
        path = reverse("frontend:trace", kwargs={"slug": root.slug})
        site = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
        return f"{site}{path}" if site else _absolute(info, path)


class ProductCountableConnection(CountableConnection):
    class Meta:
        node = Product
        strict_types = True
