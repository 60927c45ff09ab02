"""Who may move a supplier along its admission, as the review pages decide it: a county
coordinator acts on applications from the counties it coordinates (recommend, or reject
before the county has recommended); platform staff act on all of them. A coordinator asking
about a supplier of another county gets NOT_FOUND, as for an ID that does not exist."""

from typing import Any

import graphene
from django.utils.translation import gettext as _

from shop.graphql.core.mutations import decode_input_id, not_found, permission_denied
from shop.graphql.core.permissions import require_staff, require_user
from suppliers.models import Supplier
from suppliers.selectors import applications_for_reviewer, coordinator_county_codes


def reviewable_supplier(info: graphene.ResolveInfo, global_id: str) -> tuple[Any, Supplier]:
    """(user, supplier) for staff or a coordinator of the supplier's county."""
    user = require_user(info)
    if not user.is_staff and not coordinator_county_codes(user=user):
        raise permission_denied(_("Only county coordinators and platform staff review suppliers."))
    pk = decode_input_id(global_id, expected_type="Supplier")
    supplier = applications_for_reviewer(user=user).filter(pk=pk).first()
    if supplier is None:
        raise not_found()
    return user, supplier


def staff_supplier(info: graphene.ResolveInfo, global_id: str) -> tuple[Any, Supplier]:
    user = require_staff(info)
    pk = decode_input_id(global_id, expected_type="Supplier")
    supplier = Supplier.objects.filter(pk=pk).first()
    if supplier is None:
        raise not_found()
    return user, supplier
