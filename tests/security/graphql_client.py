"""Helpers of the hostile-client tests of the GraphQL endpoint."""

import json
from typing import Any

from django.test import Client

JSON = "application/json"


def post_query(client: Client, query: str, variables: dict[str, Any] | None = None, **extra: Any):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return client.post("/graphql/", data=json.dumps(body), content_type=JSON, **extra)


def fan_out_query(levels: int = 30) -> str:
    """The attack of issue 11: each fragment spreads the next one twice, so the document
    stands for 2**levels ``name`` fields in about 40 bytes a level."""
    parts = ["query { products { edges { node { ...G0 } } } }"]
    parts += [f"fragment G{i} on Product {{ ...G{i + 1} ...G{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment G{levels} on Product {{ name }}")
    return "\n".join(parts)


def error_codes(response) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in response.json()["errors"]]
