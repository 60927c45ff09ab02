"""The GraphQL root: composes the apps' queries and mutations, and guards every text
argument against control characters (``shop.graphql.text_guard``)."""

import graphene

from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations import CatalogMutations
from catalog.graphql.portal_queries import PortalCatalogQueries
from catalog.graphql.queries import CatalogQueries
from catalog.graphql.supplier_queries import SupplierQueries
from orders.graphql.errors import OrderError
from orders.graphql.mutations import OrderMutations
from orders.graphql.order_queries import OrderQueries
from orders.graphql.queries import CampaignQueries
from orders.graphql.settlement_queries import SettlementQueries
from shop.graphql.text_guard import guard_text_arguments
from shop.regions.graphql.queries import RegionQueries
from suppliers.graphql.errors import SupplierError
from suppliers.graphql.mutations import SupplierMutations
from suppliers.graphql.portal_queries import SupplierPortalQueries


class Query(
    CatalogQueries, SupplierQueries, RegionQueries, CampaignQueries,
    SupplierPortalQueries, PortalCatalogQueries, OrderQueries, SettlementQueries, graphene.ObjectType,
):
    pass


class Mutation(SupplierMutations, CatalogMutations, OrderMutations, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, types=[CatalogError, SupplierError, OrderError])
guard_text_arguments(schema.graphql_schema)
