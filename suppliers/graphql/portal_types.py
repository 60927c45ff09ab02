"""Supplier data for the people who run or review a supplier: its own team members, its
county's coordinators and staff. Only reachable through ``me`` and the supplier mutations,
which check who asks. Payout and contact details stay out of the API altogether (the
portal pages show them to the owner)."""

from dataclasses import dataclass
from typing import Any

import graphene
from graphql_relay import to_global_id

from shop.graphql.core.enums import enum_from_choices
from shop.regions.graphql.resolvers import region_resolver
from shop.regions.graphql.types import Region
from shop.regions.models import Region as RegionModel
from suppliers import models
from suppliers.graphql.enums import CertificationKindEnum, LinkageMechanismEnum, SupplierTypeEnum
from suppliers.graphql.resolvers import (
    resolve_certification_is_valid,
    resolve_supplier_certifications,
    resolve_supplier_name,
)

SupplierStatusEnum = enum_from_choices(
    models.SupplierStatus, name="SupplierStatus",
    description="Where a supplier is in its admission: applied, recommended by its county, approved…",
)
SupplierRoleEnum = enum_from_choices(
    models.SupplierRole, name="SupplierRole", description="A person's role in a supplier team."
)


class SupplierCertification(graphene.ObjectType):
    """A certification of the supplier, with the ID that product inputs take."""

    id = graphene.ID(required=True, description="Global ID (type Certification).")
    kind = graphene.Field(CertificationKindEnum, required=True)
    title = graphene.String(required=True)
    number = graphene.String(required=True)
    issuer = graphene.String(required=True)
    valid_from = graphene.Date()
    valid_until = graphene.Date()
    is_valid = graphene.Boolean(required=True, description="Valid today (Asia/Shanghai).")
    has_document = graphene.Boolean(required=True, description="A scan of the certificate was uploaded.")

    @staticmethod
    def resolve_id(root: models.Certification, info: graphene.ResolveInfo) -> str:
        return to_global_id("Certification", root.pk)

    @staticmethod
    def resolve_kind(root: models.Certification, info: graphene.ResolveInfo) -> str:
        return models.CertificationKind(root.kind).value

    resolve_is_valid = resolve_certification_is_valid

    @staticmethod
    def resolve_has_document(root: models.Certification, info: graphene.ResolveInfo) -> bool:
        return bool(root.document)


class SupplierAccount(graphene.ObjectType):
    """A supplier as its team and its reviewers see it, whatever its status."""

    id = graphene.ID(required=True, description="Global ID (type Supplier), as the supplier mutations take it.")
    slug = graphene.String(required=True)
    legal_name = graphene.String(required=True)
    name = graphene.String(required=True, description="Short name, or the legal name when there is none.")
    supplier_type = graphene.Field(SupplierTypeEnum, required=True)
    status = graphene.Field(SupplierStatusEnum, required=True)
    status_reason = graphene.String(required=True, description="Reason given with the last status change.")
    status_changed_at = graphene.DateTime()
    county = graphene.Field(Region, required=True)
    township = graphene.Field(Region, required=True)
    village = graphene.Field(Region)
    linkage_mechanism = graphene.Field(LinkageMechanismEnum, required=True)
    poor_households = graphene.Int(required=True)
    certifications = graphene.List(graphene.NonNull(SupplierCertification), required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root: models.Supplier, info: graphene.ResolveInfo) -> str:
        return to_global_id("Supplier", root.pk)

    resolve_name = resolve_supplier_name

    @staticmethod
    def resolve_supplier_type(root: models.Supplier, info: graphene.ResolveInfo) -> str:
        return models.SupplierType(root.supplier_type).value

    @staticmethod
    def resolve_status(root: models.Supplier, info: graphene.ResolveInfo) -> str:
        return models.SupplierStatus(root.status).value  # the services set enum members

    @staticmethod
    def resolve_linkage_mechanism(root: models.Supplier, info: graphene.ResolveInfo) -> str:
        return models.LinkageMechanism(root.linkage_mechanism).value

    resolve_county = region_resolver("county")
    resolve_township = region_resolver("township")
    resolve_village = region_resolver("village")

    resolve_certifications = resolve_supplier_certifications


@dataclass(frozen=True)
class Viewer:
    user: Any
    membership: models.SupplierMember | None
    county_codes: set[str]


class Me(graphene.ObjectType):
    """The logged-in user."""

    email = graphene.String(required=True)
    is_staff = graphene.Boolean(required=True, description="Platform staff (平台运营).")
    supplier = graphene.Field(SupplierAccount, description="The supplier whose team the user is in, if any.")
    supplier_role = graphene.Field(SupplierRoleEnum)
    coordinator_counties = graphene.List(
        graphene.NonNull(Region), required=True,
        description="Counties whose supplier applications the user reviews (county coordinator).",
    )

    @staticmethod
    def resolve_email(root: Viewer, info: graphene.ResolveInfo) -> str:
        return root.user.email

    @staticmethod
    def resolve_is_staff(root: Viewer, info: graphene.ResolveInfo) -> bool:
        return bool(root.user.is_staff)

    @staticmethod
    def resolve_supplier(root: Viewer, info: graphene.ResolveInfo) -> models.Supplier | None:
        return root.membership.supplier if root.membership else None

    @staticmethod
    def resolve_supplier_role(root: Viewer, info: graphene.ResolveInfo) -> str | None:
        return models.SupplierRole(root.membership.role).value if root.membership else None

    @staticmethod
    def resolve_coordinator_counties(root: Viewer, info: graphene.ResolveInfo) -> Any:
        return list(RegionModel.objects.filter(code__in=root.county_codes).order_by("code"))
