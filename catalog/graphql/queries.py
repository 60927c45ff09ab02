import graphene
from django.utils.translation import gettext as _

from catalog.graphql.enums import ProductSortEnum
from catalog.graphql.filters import ProductFilterInput, parse_product_filter
from catalog.graphql.types import Category, Product, ProductCountableConnection
from catalog.selectors import category_tree, product_detail, product_list
from shop.graphql.core.errors import ApiErrorCode, api_error
from shop.graphql.core.ids import decode_id
from shop.graphql.core.pagination import paginate


class CatalogQueries(graphene.ObjectType):
    products = graphene.Field(
        ProductCountableConnection, required=True,
        first=graphene.Int(), after=graphene.String(), last=graphene.Int(), before=graphene.String(),
        filter=graphene.Argument(ProductFilterInput),
        sort_by=graphene.Argument(ProductSortEnum),
        description="Products on sale. At most GRAPHQL_MAX_PAGE_SIZE (100) per page; 20 by default.",
    )
    product = graphene.Field(
        Product, id=graphene.ID(), slug=graphene.String(),
        description="A product on sale by global id or slug; null when there is none.",
    )
    categories = graphene.List(
        graphene.NonNull(Category), required=True, description="Top-level categories; see `children`."
    )

    @staticmethod
    def resolve_products(
        root, info: graphene.ResolveInfo, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None, filter=None, sort_by=None,
    ):
        filters = parse_product_filter(filter, sort_by)
        return paginate(
            product_list(filters=filters), ProductCountableConnection,
            first=first, after=after, last=last, before=before,
        )

    @staticmethod
    def resolve_product(root, info: graphene.ResolveInfo, id: str | None = None, slug: str | None = None):
        if (id is None) == (slug is None):
            raise api_error(
                _("Give either “id” or “slug”."), code=ApiErrorCode.REQUIRED,
                field="slug" if id is None else "id",
            )
        if id is not None:
            pk = decode_id(id, expected_type="Product")
            return product_list().filter(pk=pk).first()
        assert slug is not None  # one of the two, checked above
        return product_detail(slug=slug)

    @staticmethod
    def resolve_categories(root, info: graphene.ResolveInfo):
        return category_tree()
