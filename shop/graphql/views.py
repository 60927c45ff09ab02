"""The public GraphQL endpoint: graphene-django's view, hardened.

Differences from ``GraphQLView``: queries only as a JSON ``POST`` (``application/json``)
or, for file uploads, by the GraphQL multipart request spec (``shop.graphql.core.uploads``,
with its own size cap); any other method is a 405 and any other content type a 415, each
with a GraphQL error body. GraphiQL (a ``GET`` for an HTML page) only when ``DEBUG``. A
request-size cap (413), strict JSON, a token cap at parse time, then the depth, field and
alias limits of ``shop.graphql.validation`` measured before any other validation rule (with
fragments memoized, so no nesting of spreads can make validation slow), documents that pass
cached per process by their text (``shop.graphql.documents``), no batching, request
parameters type-checked (400 rather than a crash), loaders run by ``ShopExecutionContext``
(graphql-sync-dataloaders), UTF-8 JSON output, and unexpected resolver exceptions reported as a generic, logged error instead of leaking their text.
Introspection and graphql-core's "Did you mean …?" suggestions are off unless
``GRAPHQL_INTROSPECTION`` (default: ``DEBUG``) allows them; the schema is published as
``schema.graphql`` anyway.

Authentication is Django's session (the API serves the same site). The view is exempt from
``CsrfViewMiddleware`` so that anonymous requests need no token, but a request made with a
logged-in session must pass the same CSRF check as a form (``shop.graphql.core.csrf``).
"""

import json
import logging
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, execute, validate_schema

from shop.graphql.core.csrf import csrf_failure
from shop.graphql.core.errors import ApiErrorCode
from shop.graphql.core.execution import ShopExecutionContext
from shop.graphql.core.uploads import (
    UploadRequestError,
    is_multipart,
    max_upload_bytes,
    operations_from_multipart,
)
from shop.graphql.documents import checked_document
from shop.graphql.validation import introspection_allowed, without_suggestions

logger = logging.getLogger(__name__)

ACCEPTED_CONTENT_TYPES = ("application/json", "multipart/form-data")


def _json_error(status: int, message: str, code: ApiErrorCode) -> HttpResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code.name}}]}
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


def _content_type(request: HttpRequest) -> str:
    return (request.META.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()


def _transport_error(request: HttpRequest, *, graphiql: bool) -> HttpResponse | None:
    """405 for anything but POST (and the GraphiQL page when allowed), 415 for a POST that
    is neither JSON nor a multipart upload; None when the request may go on."""
    if request.method != "POST":
        if graphiql:
            return None
        response = _json_error(
            405, _("Send GraphQL requests as POST with a JSON body (Content-Type: application/json)."),
            ApiErrorCode.METHOD_NOT_ALLOWED,
        )
        response["Allow"] = "POST"
        return response
    if _content_type(request) not in ACCEPTED_CONTENT_TYPES:
        response = _json_error(
            415, _("Send GraphQL requests as application/json (file uploads as multipart/form-data)."),
            ApiErrorCode.UNSUPPORTED_MEDIA_TYPE,
        )
        response["Accept-Post"] = ", ".join(ACCEPTED_CONTENT_TYPES)
        return response
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_file(value: Any) -> None:
    """Uploaded files among the variables (multipart requests) are not text to check."""
    return None


def _with_code(errors: list[GraphQLError], code: ApiErrorCode) -> list[GraphQLError]:
    for error in errors:
        if isinstance(error, GraphQLError) and not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code.name}
    return errors


class ShopGraphQLView(GraphQLView):
    graphiql = True  # rendered only when settings.DEBUG, see can_display_graphiql
    batch = False
    execution_context_class = ShopExecutionContext

    def __init__(self, **kwargs: Any) -> None:
        # graphene-django adds its SQL-recording DjangoDebugMiddleware when DEBUG; the schema
        # has no `_debug` field, so it would only slow every resolver down.
        kwargs.setdefault("middleware", [])
        super().__init__(**kwargs)

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        # Exempt from the middleware; csrf_failure() checks session-authenticated requests.
        return csrf_exempt(super().as_view(**initkwargs))

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        graphiql = request.method == "GET" and self.can_display_graphiql(request, {})
        refused = _transport_error(request, graphiql=graphiql)
        if refused is not None:
            return refused
        multipart = request.method == "POST" and is_multipart(request)
        limit = max_upload_bytes() if multipart else int(getattr(settings, "GRAPHQL_MAX_BODY_BYTES", 64 * 1024))
        if self._request_size(request, read_body=not multipart) > limit:
            return _json_error(
                413, _("The request is larger than %(n)d bytes.") % {"n": limit},
                ApiErrorCode.REQUEST_TOO_LARGE,
            )
        try:
            reason = csrf_failure(request)
        except RequestDataTooBig:  # the token is looked for in a form body too
            return _json_error(413, _("The request is too large."), ApiErrorCode.REQUEST_TOO_LARGE)
        except (SuspiciousOperation, MultiPartParserError):
            return _json_error(400, _("The multipart request could not be read."), ApiErrorCode.BAD_REQUEST)
        if reason:
            return _json_error(
                403, _("CSRF verification failed: send the csrftoken cookie's value in the X-CSRFToken header."),
                ApiErrorCode.CSRF_FAILED,
            )
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _request_size(request: HttpRequest, *, read_body: bool = True) -> int:
        """The larger of the query string, the declared and (unless a multipart upload,
        which Django streams to disk) the actual body length."""
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        size = max(len(request.META.get("QUERY_STRING", "")), declared)
        if request.method == "POST" and read_body:
            try:
                size = max(size, len(request.body))
            except RequestDataTooBig:  # above DATA_UPLOAD_MAX_MEMORY_SIZE
                size = max(size, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
            except RawPostDataException:
                pass
        return size

    def can_display_graphiql(self, request: HttpRequest, data: Any) -> bool:
        return bool(settings.DEBUG) and super().can_display_graphiql(request, data)

    def parse_body(self, request: HttpRequest) -> Any:
        if request.method != "POST":
            return {}  # the GraphiQL page, which runs nothing itself
        if self.get_content_type(request) == "multipart/form-data":
            try:
                return operations_from_multipart(request)
            except UploadRequestError as exc:
                raise HttpError(HttpResponse(status=exc.status), exc.message) from None
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(HttpResponseBadRequest(_("The request body is not valid UTF-8."))) from None
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except ValueError:
            raise HttpError(HttpResponseBadRequest(_("The request body is not valid JSON."))) from None
        if not isinstance(data, dict):
            # A list would be a batch; batching is disabled.
            raise HttpError(HttpResponseBadRequest(
                _("Send one JSON object with “query” (and optionally “variables”, “operationName”).")
            ))
        return data

    @staticmethod
    def get_graphql_params(request: HttpRequest, data: Any) -> tuple[Any, Any, Any, Any]:
        query, variables, operation_name, id_ = GraphQLView.get_graphql_params(request, data)
        if query is not None and not isinstance(query, str):
            raise HttpError(HttpResponseBadRequest(_("“query” must be a string.")))
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(HttpResponseBadRequest(_("“variables” must be a JSON object.")))
        if operation_name is not None and not isinstance(operation_name, str):
            raise HttpError(HttpResponseBadRequest(_("“operationName” must be a string.")))
        try:  # JSON escapes can smuggle in lone surrogates, which no database or response can encode
            json.dumps([query, variables, operation_name], ensure_ascii=False, default=_no_file).encode("utf-8")
        except UnicodeEncodeError:
            raise HttpError(HttpResponseBadRequest(_("The request contains text that is not valid Unicode."))) from None
        return query, variables, operation_name, id_

    def execute_graphql_request(
        self, request: HttpRequest, data: Any, query: str | None, variables: Any,
        operation_name: str | None, show_graphiql: bool = False,
    ) -> ExecutionResult | None:
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest(_("Must provide query string.")))

        schema = self.schema.graphql_schema
        schema_errors = validate_schema(schema)
        if schema_errors:
            return ExecutionResult(data=None, errors=list(schema_errors))
        # One parse and one validation pass per new document; a repeated one comes from the cache.
        checked = checked_document(schema, query)
        if checked.document is None:
            return ExecutionResult(data=None, errors=_with_code(checked.errors, checked.code))  # type: ignore[arg-type]  # set whenever document is None
        document = checked.document

        try:
            result = cast(ExecutionResult, execute(  # sync resolvers: never an awaitable
                schema, document,
                root_value=self.get_root_value(request),
                context_value=self.get_context(request),
                variable_values=variables,
                operation_name=operation_name,
                middleware=self.get_middleware(request),
                execution_context_class=self.execution_context_class,
            ))
        except Exception as exc:  # noqa: BLE001 - reported as a request error, never a 500
            logger.exception("GraphQL execution failed")
            return ExecutionResult(errors=[GraphQLError(
                _("Internal server error."), original_error=exc,
                extensions={"code": ApiErrorCode.INTERNAL_ERROR.name},
            )])
        # Request-level problems (unknown operation, bad variables): no path, no code yet.
        _with_code([e for e in result.errors or [] if not e.path], ApiErrorCode.BAD_REQUEST)
        return result

    def json_encode(self, request: HttpRequest, d: Any, pretty: bool = False) -> str:
        """UTF-8 rather than \\u escapes: Chinese text is half the size and readable."""
        if pretty or self.pretty or request.GET.get("pretty"):
            return json.dumps(d, sort_keys=True, indent=2, separators=(",", ": "), ensure_ascii=False)
        return json.dumps(d, separators=(",", ":"), ensure_ascii=False)

    def format_error(self, error: Exception) -> dict[str, Any]:
        if not isinstance(error, GraphQLError):
            return {"message": str(error), "extensions": {"code": ApiErrorCode.BAD_REQUEST.name}}
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            formatted = dict(error.formatted)
            if not introspection_allowed():
                formatted["message"] = without_suggestions(str(formatted["message"]))
            return formatted
        logger.error("GraphQL resolver failed: %s", error.path, exc_info=original)
        formatted = {
            "message": str(error.message) if settings.DEBUG else _("Internal server error."),
            "extensions": {"code": ApiErrorCode.INTERNAL_ERROR.name},
        }
        if error.locations:
            formatted["locations"] = [loc._asdict() for loc in error.locations]
        if error.path:
            formatted["path"] = error.path
        return formatted
