"""Limits on what one GraphQL document may ask for.

Run after graphql-core's standard rules have passed, so fragments are known to exist and
to be acyclic (graphene's depth validator crashes on unknown fragments and loops forever
on fragment cycles otherwise).
"""

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _
from graphene.validation import depth_limit_validator
from graphql import GraphQLError, ValidationContext, ValidationRule
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from shop.graphql.core.errors import ApiErrorCode

DEFAULT_MAX_FIELDS = 500
DEFAULT_MAX_ALIASES = 30


def limits() -> dict[str, int]:
    return {
        "depth": int(getattr(settings, "GRAPHQL_MAX_DEPTH", 8)),
        "fields": int(getattr(settings, "GRAPHQL_MAX_FIELDS", DEFAULT_MAX_FIELDS)),
        "aliases": int(getattr(settings, "GRAPHQL_MAX_ALIASES", DEFAULT_MAX_ALIASES)),
    }


def _field_count(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    memo: dict[str, int],
    visiting: frozenset[str] = frozenset(),
) -> int:
    """Fields selected, with every fragment spread expanded where it is used."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += 1 + _field_count(selection.selection_set, fragments, memo, visiting)
        elif isinstance(selection, InlineFragmentNode):
            total += _field_count(selection.selection_set, fragments, memo, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visiting:
                continue
            if name not in memo:
                memo[name] = _field_count(fragment.selection_set, fragments, memo, visiting | {name})
            total += memo[name]
    return total


def _alias_count(document: DocumentNode) -> int:
    count = 0
    stack: list[SelectionSetNode | None] = [
        d.selection_set for d in document.definitions if hasattr(d, "selection_set")
    ]
    while stack:
        selection_set = stack.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode) and selection.alias is not None:
                count += 1
            stack.append(getattr(selection, "selection_set", None))
    return count


def size_limit_rule(max_fields: int, max_aliases: int) -> type[ValidationRule]:
    class SizeLimitRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: object) -> None:
            aliases = _alias_count(node)
            if aliases > max_aliases:
                self.report_error(GraphQLError(
                    _("The query uses %(n)d aliases; at most %(max)d are allowed.")
                    % {"n": aliases, "max": max_aliases},
                    extensions={"code": ApiErrorCode.QUERY_TOO_COMPLEX.name},
                ))
            fragments = {
                d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)
            }
            memo: dict[str, int] = {}
            for definition in node.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    fields = _field_count(definition.selection_set, fragments, memo)
                    if fields > max_fields:
                        self.report_error(GraphQLError(
                            _("The query selects %(n)d fields; at most %(max)d are allowed.")
                            % {"n": fields, "max": max_fields},
                            [definition],
                            extensions={"code": ApiErrorCode.QUERY_TOO_COMPLEX.name},
                        ))

    return SizeLimitRule


def limit_rules() -> list[Callable[[ValidationContext], ValidationRule]]:
    """Depth, field-count and alias limits, read from settings on every request."""
    values = limits()
    return [
        depth_limit_validator(max_depth=values["depth"]),
        size_limit_rule(values["fields"], values["aliases"]),
    ]
