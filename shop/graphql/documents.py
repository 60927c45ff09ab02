"""GraphQL documents parsed and validated once per process, then reused by their text.

``checked_document`` parses a query (with the token cap), measures it with
``shop.graphql.validation.limit_errors`` and, within the limits, runs the standard rules
(plus ``IntrospectionRule`` when introspection is off): the one validation pass of a request.
A document that passes is kept in a bounded, least-recently-used cache keyed by the schema,
the query text and the validation configuration (introspection switch, limits, token cap,
error cap; all settings), so the same query sent again skips parsing and validation.
Validation does not depend on variables, the operation name or the user, so nothing else
is in the key. Refused documents are never cached: they are checked again on every send
(their messages are also translated into each request's language).

The cache is bounded twice: at most ``GRAPHQL_DOCUMENT_CACHE_SIZE`` documents (500) and at
most ``GRAPHQL_DOCUMENT_CACHE_TOKENS`` lexer tokens in all (50,000). A parsed document keeps
its token chain for error locations, about 360 bytes a token, so the cache stays under about
18 MB whatever clients send; a document above the token budget is simply not cached. It is
emptied when a GraphQL setting, ``DEBUG`` or ``GRAPHENE`` changes (tests override them).
Written here rather than taken from a library because of the second, token-weighted bound
and the statistics the tests read; it is an ``OrderedDict`` under a lock.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from graphene_django.settings import graphene_settings
from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate

from shop.graphql.core.errors import ApiErrorCode
from shop.graphql.validation import introspection_allowed, limit_errors, limits, validation_rules

DEFAULT_CACHE_SIZE = 500
DEFAULT_CACHE_TOKENS = 50_000
DEFAULT_MAX_TOKENS = 2000


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    validations: int  # documents that went through limit_errors + validate
    documents: int
    tokens: int


@dataclass(frozen=True)
class Checked:
    """A document ready to execute, or the errors (with their code) that refuse it."""

    document: DocumentNode | None
    errors: list[GraphQLError]
    code: ApiErrorCode | None = None


class DocumentCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[Any, tuple[DocumentNode, int]] = OrderedDict()
        self._tokens = 0
        self.hits = self.misses = self.validations = 0

    def get(self, key: Any) -> DocumentNode | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Any, document: DocumentNode, tokens: int) -> None:
        max_documents = int(getattr(settings, "GRAPHQL_DOCUMENT_CACHE_SIZE", DEFAULT_CACHE_SIZE))
        max_tokens = int(getattr(settings, "GRAPHQL_DOCUMENT_CACHE_TOKENS", DEFAULT_CACHE_TOKENS))
        if max_documents < 1 or tokens > max_tokens:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (document, tokens)
            self._tokens += tokens
            while len(self._entries) > max_documents or self._tokens > max_tokens:
                _key, (_document, evicted) = self._entries.popitem(last=False)
                self._tokens -= evicted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._tokens = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self.hits, self.misses, self.validations, len(self._entries), self._tokens)


documents = DocumentCache()


def _max_tokens() -> int:
    return int(getattr(settings, "GRAPHQL_MAX_TOKENS", DEFAULT_MAX_TOKENS))


def rule_configuration() -> tuple:
    """Everything besides the text that decides whether a document passes."""
    return (
        introspection_allowed(), tuple(sorted(limits().items())), _max_tokens(),
        graphene_settings.MAX_VALIDATION_ERRORS,
    )


def _token_count(document: DocumentNode) -> int:
    """The lexer tokens the document keeps alive (its ``loc`` chain), comments included."""
    token = document.loc.start_token if document.loc else None
    count = 0
    while token is not None:
        count += 1
        token = token.next
    return count


def _check(schema: GraphQLSchema, query: str) -> Checked:
    try:
        document = parse(query, max_tokens=_max_tokens())
    except GraphQLError as exc:
        return Checked(None, [exc], ApiErrorCode.GRAPHQL_PARSE_FAILED)
    with documents._lock:
        documents.validations += 1
    # The limits first, in linear time: the standard rules then see only a bounded document.
    errors = limit_errors(document)
    if not errors:
        errors = validate(schema, document, validation_rules(), graphene_settings.MAX_VALIDATION_ERRORS)
    if errors:
        return Checked(None, list(errors), ApiErrorCode.GRAPHQL_VALIDATION_FAILED)
    return Checked(document, [])


def checked_document(schema: GraphQLSchema, query: str) -> Checked:
    """The parsed, validated document of ``query``, from the cache when it passed before."""
    key = (schema, query, rule_configuration())
    document = documents.get(key)
    if document is not None:
        return Checked(document, [])
    checked = _check(schema, query)
    if checked.document is not None:
        documents.put(key, checked.document, _token_count(checked.document))
    return checked


@receiver(setting_changed)
def _clear_on_setting_change(*, setting: str, **_kwargs: Any) -> None:
    if setting.startswith("GRAPHQL_") or setting in ("DEBUG", "GRAPHENE"):
        documents.clear()
