import graphene

from shop.graphql.core.permissions import user_of
from suppliers.graphql.portal_types import Me, Viewer
from suppliers.selectors import coordinator_county_codes, supplier_membership_of


class SupplierPortalQueries(graphene.ObjectType):
    me = graphene.Field(Me, description="The logged-in user (the session's); null when nobody is logged in.")

    @staticmethod
    def resolve_me(root, info: graphene.ResolveInfo) -> Viewer | None:
        user = user_of(info)
        if user is None:
            return None
        return Viewer(
            user=user, membership=supplier_membership_of(user=user),
            county_codes=coordinator_county_codes(user=user),
        )
