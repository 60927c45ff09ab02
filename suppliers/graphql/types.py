"""Public supplier data: certifications. The public ``Supplier`` type, which lists the
supplier's products, lives in ``catalog.graphql.types`` (the catalog imports suppliers, not
the other way round)."""

import graphene
from graphene_django import DjangoObjectType

from suppliers import models
from suppliers.graphql.enums import CertificationKindEnum
from suppliers.graphql.resolvers import resolve_certification_is_valid


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
