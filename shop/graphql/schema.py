"""The GraphQL root: composes the apps' queries and mutations, nothing else."""

import graphene


class Query(graphene.ObjectType):
    ping = graphene.String()

    def resolve_ping(root, info):
        return "pong"


schema = graphene.Schema(query=Query)
