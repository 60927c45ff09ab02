"""The shared base for mutations.

Convention (Saleor-style): one file per mutation under ``<app>/graphql/mutations/``; each
mutation wraps exactly one service from ``<app>/services.py``, which owns the transaction
and raises ``ValidationError(..., code=<Domain>ErrorCode.X.value)``. The mutation returns
``errors { field code message }`` instead of raising, so clients can show messages next to
the right input. Example::

    class ProductSubmit(BaseMutation):
        product = graphene.Field(PortalProduct)

        class Arguments:
            id = graphene.ID(required=True)

        class Meta:
            error_type = CatalogError
            error_codes = CatalogErrorCode

        @classmethod
        def perform(cls, info, *, id):
            user, supplier = supplier_member(info)  # PERMISSION_DENIED
            product = own_product(supplier, id)     # INVALID_ID / NOT_FOUND
            return {"product": product_submit(product=product, actor=user)}

Who may act is checked in ``perform`` before the service is called, by raising the
``ValidationError`` of ``permission_denied()``, ``not_found()`` or ``decode_input_id``; the
service's own errors then follow. Error fields are the API's names: a service's
``credit_code`` becomes ``creditCode`` (``certifications.0.valid_until`` becomes
``certifications.0.validUntil``) unless ``field_map`` or ``map_error_field`` says otherwise.
"""

import binascii
from base64 import b64decode
from enum import Enum
from typing import Any, ClassVar

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from graphene.types.mutation import MutationOptions
from graphene.utils.str_converters import to_camel_case

from shop.graphql.core.errors import Error, MutationErrorCode, validation_error_to_errors
from shop.graphql.core.loaders import clear_loaders
from shop.graphql.core.text import invalid_text_message, invalid_text_paths

MAX_DB_ID = 2**31 - 1


class BaseMutationOptions(MutationOptions):
    error_type: type[Error] | None = None
    error_codes: type[Enum] | None = None


def camel_path(field: str) -> str:
    """``certifications.0.valid_until`` -> ``certifications.0.validUntil``."""
    return ".".join(to_camel_case(part) for part in field.split("."))


def permission_denied(message: str | None = None) -> ValidationError:
    return ValidationError(
        message or _("You do not have permission to do this."),
        code=MutationErrorCode.PERMISSION_DENIED.value,
    )


def login_required_error() -> ValidationError:
    return permission_denied(_("Log in first."))


def not_found(field: str | None = "id", message: str | None = None) -> ValidationError:
    """The same answer for an id that does not exist and one the user may not see."""
    error = ValidationError(
        message or _("Nothing with this ID was found."), code=MutationErrorCode.NOT_FOUND.value
    )
    return ValidationError({field: error}) if field else error


def decode_input_id(value: Any, *, expected_type: str, field: str = "id") -> int:
    """The primary key in a Relay global id ("Product:42" in base64), or a field error with
    code ``invalid_id`` for anything else, including the id of another type."""
    text = ""
    if isinstance(value, str) and value.isascii():
        try:
            text = b64decode(value.encode("ascii"), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            text = ""
    type_name, _sep, raw = text.partition(":")
    if type_name != expected_type or not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_DB_ID:
        raise ValidationError({field: ValidationError(
            _("Invalid ID: expected the ID of a %(type)s.") % {"type": expected_type},
            code=MutationErrorCode.INVALID_ID.value,
        )})
    return int(raw)


def refuse_invalid_text(data: dict[str, Any]) -> None:
    """A field error for every text argument with a control character or a lone surrogate
    (``shop.graphql.core.text``); ``input.`` is dropped from the paths (the fields of an
    ``input`` argument are named on their own)."""
    paths = [p.removeprefix("input.") for p in invalid_text_paths(data)]
    if paths:
        raise ValidationError({
            path: ValidationError(invalid_text_message(), code=MutationErrorCode.INVALID_CHARACTERS.value)
            for path in paths
        })


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
    def perform(cls, *args: Any, **data: Any) -> dict[str, Any]:
        """Call the one service this mutation wraps; return the payload's other fields.

        Called as ``perform(info, **arguments)``; the open signature lets each subclass name
        its own keyword-only arguments."""
        raise NotImplementedError

    @classmethod
    def map_error_field(cls, field: str, data: dict[str, Any]) -> str:
        """The API name of a service's error field (``data``: the mutation's arguments)."""
        return cls.field_map.get(field) or camel_path(field)

    @classmethod
    def mutate(cls, root: Any, info: graphene.ResolveInfo, **data: Any) -> "BaseMutation":
        # Rows change below: values a previous mutation of the same document loaded are stale.
        clear_loaders(info)
        try:
            refuse_invalid_text(data)
            payload = cls.perform(info, **data)
        except ValidationError as exc:
            errors = validation_error_to_errors(
                exc, error_type=cls._meta.error_type, codes=cls._meta.error_codes,
                rename=lambda field: cls.map_error_field(field, data),
            )
            return cls(errors=errors)
        return cls(errors=[], **payload)
