"""Errors the API reports.

Queries raise ``GraphQLError`` with ``extensions {code, field}``. Mutations (one file per
mutation, see ``shop.graphql.core.mutations``) return ``errors { field code message }``
built by ``validation_error_to_errors``.
"""

from collections.abc import Callable
from enum import Enum, StrEnum
from typing import Any

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from graphql import GraphQLError


class ApiErrorCode(StrEnum):
    """Codes of errors raised by the GraphQL layer itself (arguments, limits, requests)."""

    INVALID_ARGUMENT = "invalid_argument"
    INVALID_CURSOR = "invalid_cursor"
    INVALID_ID = "invalid_id"
    INVALID_CHARACTERS = "invalid_characters"
    PAGE_SIZE_TOO_LARGE = "page_size_too_large"
    REQUIRED = "required"
    GRAPHQL_PARSE_FAILED = "graphql_parse_failed"
    GRAPHQL_VALIDATION_FAILED = "graphql_validation_failed"
    QUERY_TOO_COMPLEX = "query_too_complex"
    INTROSPECTION_DISABLED = "introspection_disabled"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    REQUEST_TOO_LARGE = "request_too_large"
    BAD_REQUEST = "bad_request"
    CSRF_FAILED = "csrf_failed"
    INTERNAL_ERROR = "internal_error"


class MutationErrorCode(StrEnum):
    """Codes every domain's mutation error enum has besides its own (see
    ``shop.graphql.core.enums.enum_from_error_codes``): who may act, which ids exist, and text no
    field may hold (control characters)."""

    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    INVALID_ID = "invalid_id"
    INVALID_CHARACTERS = "invalid_characters"


def api_error(message: str, *, code: Enum | str, field: str | None = None, **extra: Any) -> GraphQLError:
    """A GraphQL error with ``extensions {code, field}``; codes are upper-case like GraphQL enums."""
    code_name = code.name if isinstance(code, Enum) else str(code).upper()
    extensions: dict[str, Any] = {"code": code_name}
    if field is not None:
        extensions["field"] = field
    extensions.update(extra)
    return GraphQLError(str(message), extensions=extensions)


def validation_error_items(
    exc: ValidationError, *, field_map: dict[str, str] | None = None, default_code: str = "invalid"
) -> list[tuple[str | None, str, str]]:
    """(field, code, message) for each message of a Django ``ValidationError``.

    ``field_map`` renames model/service field names to the API's argument names;
    non-field errors get ``field = None``.
    """
    field_map = field_map or {}
    items: list[tuple[str | None, str, str]] = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = None if name == NON_FIELD_ERRORS else field_map.get(name, name)
            for error in errors:
                items.append((field, _code(error, default_code), _message(error)))
    else:
        for error in exc.error_list:
            items.append((None, _code(error, default_code), _message(error)))
    return items


def _code(error: ValidationError, default: str) -> str:
    """The code as a plain string (a service may pass a ``StrEnum`` member)."""
    code = error.code or default
    return str(code.value) if isinstance(code, Enum) else str(code)


def _message(error: ValidationError) -> str:
    message = error.message
    return str(message % error.params) if error.params else str(message)


def validation_error_to_graphql_error(
    exc: ValidationError, *, field_map: dict[str, str] | None = None
) -> GraphQLError:
    """One ``GraphQLError`` for a query argument problem: the first message, its field and code,
    and every problem under ``extensions.errors`` when there are several."""
    items = validation_error_items(exc, field_map=field_map)
    field, code, message = items[0]
    extra: dict[str, Any] = {}
    if len(items) > 1:
        extra["errors"] = [{"field": f, "code": c.upper(), "message": m} for f, c, m in items]
        message = " ".join(m for _, _, m in items)
    return api_error(message, code=code, field=field, **extra)


class Error(graphene.ObjectType):
    """Base of the per-domain error types that mutations return in `errors`."""

    field = graphene.String(
        description="The input field the error is about, or null when it concerns the whole input."
    )
    message = graphene.String(required=True, description="A human-readable message in the active language.")


def validation_error_to_errors(
    exc: ValidationError,
    *,
    error_type: type[Error],
    codes: type[Enum],
    field_map: dict[str, str] | None = None,
    rename: Callable[[str], str] | None = None,
) -> list[Error]:
    """Map a service's ``ValidationError`` to ``[error_type(field, code, message)]``.

    Codes neither in the domain enum ``codes`` nor in ``MutationErrorCode`` (e.g. Django's
    own ``max_length``) become ``invalid``. ``rename`` maps each field name after ``field_map``.
    """
    known = {member.value for member in codes} | {member.value for member in MutationErrorCode}
    return [
        error_type(
            field=rename(field) if rename is not None and field is not None else field,
            code=code if code in known else "invalid", message=message,
        )
        for field, code, message in validation_error_items(exc, field_map=field_map)
    ]
