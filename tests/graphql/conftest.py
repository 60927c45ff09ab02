"""Fixtures for the GraphQL tests: a small catalog across the three counties, with
products that must stay hidden (``tests.world_catalog.build_catalog_world``), and a helper that
posts queries to /graphql/."""

import json
from typing import Any

import pytest

from tests.world_catalog import CatalogWorld, build_catalog_world


@pytest.fixture
def gql(client):
    """Post a query; assert the HTTP status; return the decoded JSON body."""

    def run(query: str, variables: dict[str, Any] | None = None, *, status: int = 200) -> dict:
        response = client.post(
            "/graphql/", data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
        )
        assert response.status_code == status, response.content.decode()
        return response.json()

    return run


@pytest.fixture
def catalog(regions) -> CatalogWorld:
    return build_catalog_world()


def names(result: dict, field: str = "products") -> list[str]:
    assert "errors" not in result, result
    return [edge["node"]["name"] for edge in result["data"][field]["edges"]]
