"""Limits on what one GraphQL document may ask for, checked before any other validation.

``limit_errors`` runs right after parsing. It measures each operation as if every fragment
spread were expanded where it is used, without expanding anything: each fragment is walked
once and its totals (fields, aliases, depth below the spread) are memoized, so a spread
costs a lookup and an addition. A thirty-level doubling fan-out
(``fragment G0 on Product { ...G1 ...G1 }`` …) is measured in linear time as 2^30 fields
and refused. The walks use explicit stacks (no recursion), totals saturate at
``SATURATION``, and a fragment that spreads itself, directly or not, is refused as a cycle
instead of being followed. Only then do graphql-core's standard rules run (they memoize
fragments too) plus ``IntrospectionRule`` when introspection is off.

Depth counts fields below the operation's top-level fields (which are at depth 0), as
graphene's depth validator did; introspection fields (``__schema``, ``__type``) are left out
of the depth, since GraphiQL's own query nests ``ofType`` eight levels, but not of the counts.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from graphql import (
    GraphQLError,
    ValidationRule,
    get_named_type,
    is_introspection_type,
    specified_rules,
)
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.validation import ASTValidationRule

from shop.graphql.core.errors import ApiErrorCode

DEFAULT_MAX_DEPTH = 8
DEFAULT_MAX_FIELDS = 500
DEFAULT_MAX_ALIASES = 30
SATURATION = 10**12  # far above any limit; keeps the sums of a 200-level fan-out small numbers
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def limits() -> dict[str, int]:
    return {
        "depth": int(getattr(settings, "GRAPHQL_MAX_DEPTH", DEFAULT_MAX_DEPTH)),
        "fields": int(getattr(settings, "GRAPHQL_MAX_FIELDS", DEFAULT_MAX_FIELDS)),
        "aliases": int(getattr(settings, "GRAPHQL_MAX_ALIASES", DEFAULT_MAX_ALIASES)),
    }


def introspection_allowed() -> bool:
    """``__schema``/``__type`` queries and "Did you mean …?" suggestions: the setting
    ``GRAPHQL_INTROSPECTION``, or ``DEBUG`` when it is None."""
    value = getattr(settings, "GRAPHQL_INTROSPECTION", None)
    return bool(settings.DEBUG if value is None else value)


@dataclass
class Cost:
    """What a selection set selects once expanded: fields, aliased fields and the depth of
    its deepest field (-1 when it selects none)."""

    fields: int = 0
    aliases: int = 0
    depth: int = -1


@dataclass
class _Shape:
    """One selection set walked without its spreads: its own fields, plus each spread with
    the depth its fragment's top fields sit at (None inside introspection: no depth)."""

    cost: Cost = field(default_factory=Cost)
    spreads: list[tuple[str, int | None]] = field(default_factory=list)


class FragmentCycle(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _shape(selection_set: SelectionSetNode) -> _Shape:
    shape = _Shape()
    stack: list[tuple[SelectionSetNode, int | None]] = [(selection_set, 0)]
    while stack:
        current, depth = stack.pop()
        for selection in current.selections:
            if isinstance(selection, FieldNode):
                shape.cost.fields += 1
                shape.cost.aliases += selection.alias is not None
                if depth is not None:
                    shape.cost.depth = max(shape.cost.depth, depth)
                if selection.selection_set is not None:
                    below = None if depth is None or selection.name.value in INTROSPECTION_FIELDS else depth + 1
                    stack.append((selection.selection_set, below))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, depth))
            elif isinstance(selection, FragmentSpreadNode):
                shape.spreads.append((selection.name.value, depth))
    return shape


def _combine(shape: _Shape, costs: dict[str, Cost]) -> Cost:
    total = Cost(shape.cost.fields, shape.cost.aliases, shape.cost.depth)
    for name, depth in shape.spreads:
        cost = costs.get(name)
        if cost is None:  # an unknown fragment: the standard rules report it
            continue
        total.fields = min(SATURATION, total.fields + cost.fields)
        total.aliases = min(SATURATION, total.aliases + cost.aliases)
        if depth is not None and cost.depth >= 0:
            total.depth = max(total.depth, depth + cost.depth)
    return total


def fragment_costs(fragments: dict[str, FragmentDefinitionNode]) -> dict[str, Cost]:
    """Each fragment's expanded cost, every fragment walked once (depth-first, iteratively,
    finishing a fragment after all it spreads); raises ``FragmentCycle``."""
    shapes = {name: _shape(node.selection_set) for name, node in fragments.items()}
    costs: dict[str, Cost] = {}
    for root in shapes:
        if root in costs:
            continue
        path: list[str] = [root]
        on_path = {root}
        pending: list[Iterator[tuple[str, int | None]]] = [iter(shapes[root].spreads)]
        while pending:
            name = next((n for n, _d in pending[-1] if n in shapes and n not in costs), None)
            if name is None:
                done = path.pop()
                on_path.discard(done)
                pending.pop()
                costs[done] = _combine(shapes[done], costs)
            elif name in on_path:
                raise FragmentCycle(name)
            else:
                path.append(name)
                on_path.add(name)
                pending.append(iter(shapes[name].spreads))
    return costs


def operation_costs(document: DocumentNode) -> dict[OperationDefinitionNode, Cost]:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    costs = fragment_costs(fragments)
    return {
        d: _combine(_shape(d.selection_set), costs)
        for d in document.definitions if isinstance(d, OperationDefinitionNode)
    }


def _too_complex(message: str, nodes: list | None = None) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": ApiErrorCode.QUERY_TOO_COMPLEX.name})


def limit_errors(document: DocumentNode) -> list[GraphQLError]:
    """Why the document asks for too much (depth, fields, aliases, a fragment cycle), or []."""
    try:
        costs = operation_costs(document)
    except FragmentCycle as cycle:
        return [GraphQLError(
            _("The fragment “%(name)s” spreads itself; fragments may not form a cycle.") % {"name": cycle.name},
            extensions={"code": ApiErrorCode.GRAPHQL_VALIDATION_FAILED.name},
        )]
    values = limits()
    errors: list[GraphQLError] = []
    for operation, cost in costs.items():
        name = operation.name.value if operation.name else "anonymous"
        if cost.depth > values["depth"]:
            errors.append(_too_complex(
                _("The operation “%(name)s” is %(n)d levels deep; the maximum operation depth is %(max)d.")
                % {"name": name, "n": cost.depth, "max": values["depth"]}, [operation],
            ))
        if cost.fields > values["fields"]:
            errors.append(_too_complex(
                _("The query selects %(n)d fields; at most %(max)d are allowed.")
                % {"n": cost.fields, "max": values["fields"]}, [operation],
            ))
        if cost.aliases > values["aliases"]:
            errors.append(_too_complex(
                _("The query uses %(n)d aliases; at most %(max)d are allowed.")
                % {"n": cost.aliases, "max": values["aliases"]}, [operation],
            ))
    return errors


class IntrospectionRule(ValidationRule):
    """Refuses ``__schema`` and ``__type`` (``__typename`` stays allowed)."""

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        field_def = self.context.get_field_def()
        if field_def is not None and is_introspection_type(get_named_type(field_def.type)):
            self.report_error(GraphQLError(
                _("Introspection is disabled; the schema is published as schema.graphql."),
                node, extensions={"code": ApiErrorCode.INTROSPECTION_DISABLED.name},
            ))


def validation_rules() -> list[type[ASTValidationRule]]:
    """graphql-core's standard rules, plus ``IntrospectionRule`` when introspection is off."""
    rules: list[type[ASTValidationRule]] = list(specified_rules)
    if not introspection_allowed():
        rules.append(IntrospectionRule)
    return rules


_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    """graphql-core's messages less their "Did you mean …?" (which lets a client rebuild a
    hidden schema from guesses)."""
    return _SUGGESTION.sub("", message)

