"""Catalog mutations, one per file, each wrapping one service."""

import graphene

from catalog.graphql.mutations.product_approve import ProductApprove
from catalog.graphql.mutations.product_archive import ProductArchive
from catalog.graphql.mutations.product_create import ProductCreate
from catalog.graphql.mutations.product_image_delete import ProductImageDelete
from catalog.graphql.mutations.product_image_reorder import ProductImageReorder
from catalog.graphql.mutations.product_image_set_main import ProductImageSetMain
from catalog.graphql.mutations.product_image_upload import ProductImageUpload
from catalog.graphql.mutations.product_reject import ProductReject
from catalog.graphql.mutations.product_submit import ProductSubmit
from catalog.graphql.mutations.product_update import ProductUpdate
from catalog.graphql.mutations.stock_update import StockUpdate
from catalog.graphql.mutations.variant_archive import VariantArchive
from catalog.graphql.mutations.variant_create import VariantCreate
from catalog.graphql.mutations.variant_price_accept import VariantPriceAccept
from catalog.graphql.mutations.variant_update import VariantUpdate


class CatalogMutations(graphene.ObjectType):
    # Supplier team members, on their own listings.
    product_create = ProductCreate.Field()
    product_update = ProductUpdate.Field()
    product_submit = ProductSubmit.Field()
    product_archive = ProductArchive.Field()
    variant_create = VariantCreate.Field()
    variant_update = VariantUpdate.Field()
    variant_archive = VariantArchive.Field()
    stock_update = StockUpdate.Field()
    product_image_upload = ProductImageUpload.Field()
    product_image_reorder = ProductImageReorder.Field()
    product_image_delete = ProductImageDelete.Field()
    product_image_set_main = ProductImageSetMain.Field()
    # Platform staff.
    product_approve = ProductApprove.Field()
    product_reject = ProductReject.Field()
    variant_price_accept = VariantPriceAccept.Field()
