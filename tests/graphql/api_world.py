"""Helpers that call the API as one of the people of a test world (``tests.world``; the
mutation tests use ``build_api_world``): JSON requests and GraphQL multipart requests, and a
snapshot of what a refused mutation must not change."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.test import Client
from graphql_relay import to_global_id

from catalog.models import Product, ProductImage, ProductVariant
from shop.common.models import AuditEvent
from suppliers.models import Certification, Supplier, SupplierMember


def gid(kind: str, obj: Any) -> str:
    return to_global_id(kind, obj.pk if hasattr(obj, "pk") else obj)


# --- Calling the API ----------------------------------------------------------------------


def client_for(user: Any = None, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, query: str, variables: dict[str, Any] | None = None, *, status: int = 200) -> dict:
    response = client.post(
        "/graphql/", data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
    )
    assert response.status_code == status, response.content.decode()
    return response.json()


def post_multipart(
    client: Client, query: str, variables: dict[str, Any], files: dict[str, Any], *, status: int = 200,
) -> dict:
    """A GraphQL multipart request: ``files`` maps a variable path (``variables.images.0``)
    to an uploaded file; that variable must be null in ``variables``."""
    file_map = {str(i): [path] for i, path in enumerate(files)}
    data: dict[str, Any] = {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps(file_map),
    }
    for i, upload in enumerate(files.values()):
        data[str(i)] = upload
    response = client.post("/graphql/", data=data)
    assert response.status_code == status, response.content.decode()
    return response.json()


def payload(result: dict, name: str) -> dict:
    assert "errors" not in result, result
    return result["data"][name]


def codes(result: dict, name: str) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload(result, name)["errors"]]


# --- What must not change -----------------------------------------------------------------

SNAPSHOT_MODELS = (Supplier, SupplierMember, Certification, Product, ProductVariant, ProductImage, AuditEvent)


def database_snapshot() -> dict[str, list[dict]]:
    """Every row of the tables a mutation of issue 3 may touch, and the stored files."""
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS}
    rows["files"] = []
    for media in (Path(settings.MEDIA_ROOT), Path(storages["private"].location)):
        rows["files"] += sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return rows
