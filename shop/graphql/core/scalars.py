"""Custom scalars. GraphQL ``Int`` is a signed 32-bit integer: a ¥30,000,000 target is
3,000,000,000 fen and would overflow it, so 64-bit integers travel as strings."""

from typing import Any

import graphene
from graphql import GraphQLError, Undefined
from graphql.language.ast import IntValueNode, StringValueNode, ValueNode

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _to_int64(value: Any) -> int:
    if isinstance(value, bool):
        raise GraphQLError("Int64 cannot represent a boolean.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) <= 21:
        number = int(value.strip())
    else:
        raise GraphQLError(f"Int64 cannot represent {value!r}: use a whole number in a string.")
    if not INT64_MIN <= number <= INT64_MAX:
        raise GraphQLError("Int64 is out of the 64-bit range.")
    return number


class Int64(graphene.Scalar):
    """A signed 64-bit integer, serialized as a decimal string (GraphQL `Int` is 32-bit)."""

    @staticmethod
    def serialize(value: Any) -> str:
        return str(_to_int64(value))

    @staticmethod
    def parse_value(value: Any) -> int:
        return _to_int64(value)

    @classmethod
    def parse_literal(cls, node: ValueNode, _variables: Any = None) -> Any:
        if isinstance(node, (IntValueNode, StringValueNode)):
            return _to_int64(node.value)
        return Undefined


class Yuan(graphene.Scalar):
    """An amount in yuan given as a string with at most two decimals ("58.50") or a whole
    number. JSON floats are refused: they cannot hold every amount in fen exactly."""

    @staticmethod
    def serialize(value: Any) -> str:
        return str(value)

    @staticmethod
    def parse_value(value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise GraphQLError('Yuan must be a string such as "58.50" (or a whole number).')

    @classmethod
    def parse_literal(cls, node: ValueNode, _variables: Any = None) -> Any:
        if isinstance(node, (IntValueNode, StringValueNode)):
            return node.value
        return Undefined
