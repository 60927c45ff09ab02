"""The GraphQL root: composes the apps' queries (and, later, mutations), nothing else."""

import graphene

from catalog.graphql.errors import CatalogError
from catalog.graphql.queries import CatalogQueries
from orders.graphql.queries import CampaignQueries
from shop.regions.graphql.queries import RegionQueries
from suppliers.graphql.errors import SupplierError
from suppliers.graphql.queries import SupplierQueries


class Query(CatalogQueries, SupplierQueries, RegionQueries, CampaignQueries, graphene.ObjectType):
    pass


# The error types are listed so that clients see them before the first mutation uses them.
schema = graphene.Schema(query=Query, types=[CatalogError, SupplierError])
