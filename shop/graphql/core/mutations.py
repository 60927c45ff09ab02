"""The shared base for mutations (none exist yet).

Convention (Saleor-style): one file per mutation under ``<app>/graphql/mutations/``; each
mutation wraps exactly one service from ``<app>/services.py``, which owns the transaction
and raises ``ValidationError(..., code=<Domain>ErrorCode.X.value)``. The mutation returns
``errors { field code message }`` instead of raising, so clients can show messages next to
the right input. Example::

    class ProductPublish(BaseMutation):
        product = graphene.Field(Product)

        class Arguments:
            id = graphene.ID(required=True)

        class Meta:
            error_type = CatalogError
            error_codes = CatalogErrorCode

        @classmethod
        def perform(cls, info, *, id):
            return {"product": product_approve(product=..., publish=True)}
"""

from enum import Enum
from typing import Any, ClassVar

import graphene
from django.core.exceptions import ValidationError
from graphene.types.mutation import MutationOptions

from shop.graphql.core.errors import Error, validation_error_to_errors


class BaseMutationOptions(MutationOptions):
    error_type: type[Error] | None = None
    error_codes: type[Enum] | None = None


class BaseMutation(graphene.Mutation):
    field_map: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls,
        error_type: type[Error] | None = None,
        error_codes: type[Enum] | None = None,
        _meta: BaseMutationOptions | None = None,
        **options: Any,
    ) -> None:
        if error_type is None or error_codes is None:
            raise TypeError(f"{cls.__name__}: Meta.error_type and Meta.error_codes are required.")
        _meta = _meta or BaseMutationOptions(cls)
        _meta.error_type = error_type
        _meta.error_codes = error_codes
        cls.errors = graphene.List(
            graphene.NonNull(error_type), required=True,
            description="Problems with the input; empty when the mutation succeeded.",
        )
        super().__init_subclass_with_meta__(_meta=_meta, **options)

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, **data: Any) -> dict[str, Any]:
        """Call the one service this mutation wraps; return the payload's other fields."""
        raise NotImplementedError

    @classmethod
    def mutate(cls, root: Any, info: graphene.ResolveInfo, **data: Any) -> "BaseMutation":
        try:
            payload = cls.perform(info, **data)
        except ValidationError as exc:
            errors = validation_error_to_errors(
                exc, error_type=cls._meta.error_type, codes=cls._meta.error_codes,
                field_map=cls.field_map,
            )
            return cls(errors=errors)
        return cls(errors=[], **payload)
