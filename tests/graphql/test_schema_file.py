"""The committed schema.graphql is what the code produces (clients and reviewers read it)."""

from pathlib import Path

from django.utils import translation
from graphql import print_schema

from shop.graphql.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_is_up_to_date():
    generated = print_schema(schema.graphql_schema)
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed.rstrip("\n") == generated.rstrip("\n"), (
        "schema.graphql is out of date: run `make schema` and commit the result."
    )


def test_printed_schema_does_not_depend_on_the_language():
    with translation.override("zh-hans"):
        chinese = print_schema(schema.graphql_schema)
    with translation.override("en"):
        english = print_schema(schema.graphql_schema)
    assert chinese == english
