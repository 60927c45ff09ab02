"""A renamed supplier's products are found by the new name's pinyin. Suppliers sit below the
catalog, so the rename (the supplier admin's change form, ``supplier_rename``) queues the
catalog's refresh by task name through the outbox, after commit; no signal is involved."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from catalog.models import SearchTerm
from shop.celery import app as celery_app
from shop.common.models import AuditEvent, OutboxMessage
from suppliers.services.names import CATALOG_SEARCH_REFRESH_TASK, supplier_rename
from tests.admin.conftest import change_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_NAME = "瑶山生态合作社"  # yaoshanshengtaihezuoshe, initials yssthzs


def catalog_names(client: Client, q: str) -> list[str]:
    response = client.get("/products/", {"q": q})
    assert response.status_code == 200
    page = response.context["page"]
    return [p.name for p in page] if page is not None else []


def test_renaming_a_supplier_in_the_admin_finds_its_products_by_the_new_pinyin(
    products, suppliers, django_capture_on_commit_callbacks,
):
    supplier = suppliers["duan"]
    anonymous = Client()
    assert catalog_names(anonymous, "yssthzs") == []
    staff = Client()
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    staff.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    url = reverse("admin:suppliers_supplier_change", args=[supplier.pk])
    data = change_form_data(staff.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {**data, "short_name": NEW_NAME})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(task=CATALOG_SEARCH_REFRESH_TASK)
    assert message.args == [supplier.pk] and message.sent_at is not None
    assert catalog_names(anonymous, "yssthzs") == ["都安山羊肉"]
    assert catalog_names(anonymous, "yaoshanshengtai") == ["都安山羊肉"]
    assert SearchTerm.objects.get(supplier=supplier).label == NEW_NAME
    # Saving the change form without touching a name does not queue a refresh.
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {**change_form_data(staff.get(url)), "contact_phone": "13900000000"})
    assert OutboxMessage.objects.filter(task=CATALOG_SEARCH_REFRESH_TASK).count() == 1


def test_the_rename_service_is_audited_queued_once_and_idempotent(products, suppliers, django_capture_on_commit_callbacks):
    supplier = suppliers["duan"]
    with django_capture_on_commit_callbacks(execute=True):
        supplier_rename(supplier=supplier, legal_name="都安瑶族自治县瑶山生态农业专业合作社", short_name=NEW_NAME)
    event = AuditEvent.objects.get(action="supplier.update", object_id=str(supplier.pk))
    assert event.changes["short_name"][1] == NEW_NAME
    assert catalog_names(Client(), "yssthzs") == ["都安山羊肉"]
    with django_capture_on_commit_callbacks(execute=True):
        supplier_rename(supplier=supplier, legal_name="都安瑶族自治县瑶山生态农业专业合作社", short_name=NEW_NAME)
    assert OutboxMessage.objects.filter(task=CATALOG_SEARCH_REFRESH_TASK).count() == 1  # nothing changed
    with pytest.raises(Exception) as exc:
        supplier_rename(supplier=supplier, legal_name="", short_name=NEW_NAME)
    assert "legal_name" in exc.value.message_dict


def test_the_task_name_is_a_registered_catalog_task():
    celery_app.loader.import_default_modules()
    assert CATALOG_SEARCH_REFRESH_TASK in celery_app.tasks
    assert celery_app.tasks[CATALOG_SEARCH_REFRESH_TASK].run.__module__ == "catalog.tasks"


def test_suppliers_import_no_catalog_and_the_catalog_has_no_signals():
    """The domain code of suppliers (its GraphQL types belong to the API layer on top)."""
    root = Path(__file__).resolve().parents[2]
    for path in (root / "suppliers").rglob("*.py"):
        if "graphql" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "catalog" or n.startswith("catalog.") for n in names), path
    assert not (root / "catalog" / "signals.py").exists()
