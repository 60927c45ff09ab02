"""File uploads: the GraphQL multipart request spec
(https://github.com/jaydenseric/graphql-multipart-request-spec) and the ``Upload`` scalar.

A client posts ``multipart/form-data`` with an ``operations`` part (the usual JSON request,
each file variable set to ``null``), a ``map`` part (``{"0": ["variables.images.0"], …}``)
and one part per file named by the map's keys. ``operations_from_multipart`` puts each file
(a Django ``UploadedFile``) where the map says, so that the ``Upload`` scalar receives it
as the variable's value. Every malformed request is an ``UploadRequestError`` (a 400 or a
413 with a message), never a crash; what the files contain is checked by the services
(``shop.common.images``, ``shop.common.documents``).
"""

import json
from typing import Any

import graphene
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from graphql import GraphQLError, Undefined
from graphql.language.ast import ValueNode

DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PATH_SEGMENTS = 8


class UploadRequestError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def max_upload_bytes() -> int:
    """The largest multipart request (all files together)."""
    return int(getattr(settings, "GRAPHQL_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def is_multipart(request: HttpRequest) -> bool:
    return (request.content_type or "").lower() == "multipart/form-data"


class Upload(graphene.Scalar):
    """A file sent with the GraphQL multipart request spec: set the variable to null in
    `operations` and name the file part in `map`. Input only."""

    @staticmethod
    def serialize(value: Any) -> None:
        return None

    @staticmethod
    def parse_value(value: Any) -> UploadedFile:
        if isinstance(value, UploadedFile):
            return value
        raise GraphQLError(
            _("Send the file as a part of a multipart request (GraphQL multipart request spec).")
        )

    @classmethod
    def parse_literal(cls, node: ValueNode, _variables: Any = None) -> Any:
        return Undefined  # a file cannot be written in the query text


def _json_part(value: str, name: str) -> Any:
    def reject(constant: str) -> Any:
        raise ValueError(constant)

    try:
        return json.loads(value, parse_constant=reject)
    except ValueError:
        raise UploadRequestError(_("The “%(name)s” part is not valid JSON.") % {"name": name}) from None


def _set_path(operations: dict[str, Any], path: Any, upload: UploadedFile) -> None:
    """Put ``upload`` at ``variables.a.0.b`` (the only place files may go)."""
    invalid = UploadRequestError(
        _("The “map” part names a path that is not a null variable: %(path)s.") % {"path": str(path)[:100]}
    )
    if not isinstance(path, str):
        raise invalid
    parts = path.split(".")
    if parts[0] != "variables" or not 2 <= len(parts) <= MAX_PATH_SEGMENTS:
        raise invalid
    container: Any = operations
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(container, dict) and part in container:
            key: Any = part
        elif isinstance(container, list) and part.isascii() and part.isdigit() and int(part) < len(container):
            key = int(part)
        else:
            raise invalid
        if last:
            if container[key] is not None:
                raise invalid
            container[key] = upload
        else:
            container = container[key]


def operations_from_multipart(request: HttpRequest) -> dict[str, Any]:
    """The request's operations with its files in place of their null variables."""
    try:
        post, files = request.POST, request.FILES
    except RequestDataTooBig:
        raise UploadRequestError(_("The request is too large."), status=413) from None
    except (SuspiciousOperation, MultiPartParserError):
        raise UploadRequestError(_("The multipart request could not be read.")) from None
    if "operations" not in post or "map" not in post:
        raise UploadRequestError(_(
            "A multipart request needs the “operations” and “map” parts "
            "(GraphQL multipart request spec)."
        ))
    operations_text = post["operations"]
    limit = int(getattr(settings, "GRAPHQL_MAX_BODY_BYTES", 64 * 1024))
    if len(operations_text.encode("utf-8", "surrogatepass")) > limit:
        raise UploadRequestError(
            _("The request is larger than %(n)d bytes.") % {"n": limit}, status=413
        )
    operations = _json_part(operations_text, "operations")
    if not isinstance(operations, dict):
        raise UploadRequestError(_("“operations” must be one JSON object; batching is disabled."))
    if not isinstance(operations.get("variables"), dict):
        raise UploadRequestError(_("“operations” must have “variables” holding the files."))
    mapping = _json_part(post["map"], "map")
    if not isinstance(mapping, dict):
        raise UploadRequestError(_("“map” must be a JSON object."))
    for key, paths in mapping.items():
        upload = files.get(key)
        if upload is None:
            raise UploadRequestError(_("The file part “%(key)s” is missing.") % {"key": str(key)[:50]})
        if not isinstance(paths, list) or not paths:
            raise UploadRequestError(_("“map” must list the paths of each file."))
        for path in paths:
            _set_path(operations, path, upload)
    return operations
