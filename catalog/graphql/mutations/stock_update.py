from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import supplier_member
from catalog.graphql.mutations.inputs import StockChangeInput
from catalog.graphql.portal_types import PortalVariant
from catalog.services.listings import stock_update_many
from shop.graphql.core.mutations import BaseMutation, decode_input_id

MAX_CHANGES = 500


def _variant_pks(changes: list[dict[str, Any]]) -> list[int | None]:
    pks: list[int | None] = []
    for change in changes:
        try:
            pks.append(decode_input_id(change["variant_id"], expected_type="Variant"))
        except ValidationError:
            pks.append(None)
    return pks


class StockUpdate(BaseMutation):
    """Set the stock of several of the supplier's variants at once: all or nothing. A
    problem with any change (a bad quantity, a variant that is not the supplier's) refuses
    the whole batch."""

    variants = graphene.List(graphene.NonNull(PortalVariant), description="The variants, stock updated.")

    class Arguments:
        changes = graphene.List(graphene.NonNull(StockChangeInput), required=True)

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def map_error_field(cls, field: str, data: dict[str, Any]) -> str:
        """The service names a bad quantity by the variant's database id."""
        for index, pk in enumerate(_variant_pks(data.get("changes") or [])):
            if pk is not None and str(pk) == field:
                return f"changes.{index}.stock"
        return super().map_error_field(field, data)

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, changes: list[dict[str, Any]]) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        if len(changes) > MAX_CHANGES:
            raise ValidationError({"changes": ValidationError(
                _("Change at most %(n)d variants at once.") % {"n": MAX_CHANGES}, code=CatalogErrorCode.INVALID.value,
            )})
        wanted: dict[int, int] = {}
        for index, change in enumerate(changes):
            pk = decode_input_id(change["variant_id"], expected_type="Variant", field=f"changes.{index}.variantId")
            if pk in wanted:
                raise ValidationError({f"changes.{index}.variantId": ValidationError(
                    _("This variant is listed twice."), code=CatalogErrorCode.INVALID.value,
                )})
            wanted[pk] = change["stock"]
        variants = stock_update_many(supplier=supplier, actor=user, changes=wanted)
        return {"variants": variants}
