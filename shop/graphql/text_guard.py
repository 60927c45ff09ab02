"""Invalid characters in text arguments are refused once, for the whole schema.

``guard_text_arguments`` wraps the resolver of every field that takes text (a ``String``,
``ID`` or custom scalar argument, directly or inside an input object or a list), so that
its coerced arguments, from literals, variables and defaults alike, are checked with
``shop.graphql.core.text`` before the resolver, and the database, sees them. A query field
then fails with ``INVALID_CHARACTERS`` (its path and the argument in ``extensions.field``);
a mutation built on ``BaseMutation`` is left to answer ``errors { field code message }``
itself, which it does before calling its service. Fields without text arguments are not
wrapped and cost nothing.
"""

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
    is_enum_type,
)
from graphql.type import GraphQLBoolean, GraphQLFloat, GraphQLInt

from shop.graphql.core.errors import ApiErrorCode, api_error
from shop.graphql.core.mutations import BaseMutation, camel_path
from shop.graphql.core.text import invalid_text_message, invalid_text_paths

NOT_TEXT = (GraphQLInt, GraphQLFloat, GraphQLBoolean)


def _takes_text(type_: GraphQLInputType, seen: set[str]) -> bool:
    named = get_named_type(type_)
    if named in NOT_TEXT or is_enum_type(named):
        return False
    if isinstance(named, GraphQLInputObjectType):
        if named.name in seen:
            return False
        seen.add(named.name)
        return any(_takes_text(field.type, seen) for field in named.fields.values())
    return True  # String, ID, or a custom scalar that may be given a string


def _is_base_mutation(field: GraphQLField) -> bool:
    graphene_type = getattr(get_named_type(field.type), "graphene_type", None)
    return isinstance(graphene_type, type) and issubclass(graphene_type, BaseMutation)


def _guarded(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def resolver(root: Any, info: Any, **args: Any) -> Any:
        paths = invalid_text_paths(args)
        if paths:
            raise api_error(invalid_text_message(), code=ApiErrorCode.INVALID_CHARACTERS, field=camel_path(paths[0]))
        return resolve(root, info, **args)

    resolver.text_guarded = True  # type: ignore[attr-defined]
    return resolver


def guard_text_arguments(schema: GraphQLSchema) -> GraphQLSchema:
    """Wrap, in place, the resolvers of the fields that take text; returns the schema."""
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for field in type_.fields.values():
            if getattr(field.resolve, "text_guarded", False) or _is_base_mutation(field):
                continue
            if any(_takes_text(arg.type, set()) for arg in field.args.values()):
                field.resolve = _guarded(field.resolve or default_field_resolver)
    return schema
