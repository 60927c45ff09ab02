"""Resolvers shared by the public and the portal supplier types (``types``,
``portal_types``) and by the types that point to a supplier (a product)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import graphene
from django.utils import timezone

from shop.graphql.core.loaders import loader, related
from suppliers import models
from suppliers.graphql.loaders import CertificationsBySupplierIdLoader, SupplierByIdLoader

Resolver = Callable[[Any, graphene.ResolveInfo], Any]


def supplier_resolver(field: str = "supplier") -> Resolver:
    """Resolve the supplier foreign key ``field`` of the root, batched for the request;
    ``SupplierByIdLoader`` gives approved suppliers only (None for any other)."""

    def resolve(root: Any, info: graphene.ResolveInfo) -> Any:
        return related(info, root, field, SupplierByIdLoader)

    resolve.__name__ = f"resolve_{field}"
    return resolve


def resolve_supplier_name(root: models.Supplier, info: graphene.ResolveInfo) -> str:
    """Short name, or the legal name when there is none."""
    return root.display_name


def resolve_supplier_certifications(root: models.Supplier, info: graphene.ResolveInfo) -> Any:
    """The supplier's certifications, batched for the request."""
    return loader(info, CertificationsBySupplierIdLoader).load(root.pk)


def resolve_certification_is_valid(root: models.Certification, info: graphene.ResolveInfo) -> bool:
    """Valid today (Asia/Shanghai)."""
    today: dt.date = timezone.localdate()
    return (root.valid_from is None or root.valid_from <= today) and (
        root.valid_until is None or today <= root.valid_until
    )
