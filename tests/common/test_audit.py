"""Staff read the audit trail: the read-only AuditEvent list and each supplier's and
product's trail on its change page."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.common.audit import audit_events_for, audit_record, diff, snapshot
from shop.common.models import AuditEvent
from tests.admin.conftest import change_form_data
from tests.factories import ProductFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db
EVENTS = reverse("admin:common_auditevent_changelist")


@pytest.fixture
def superuser(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True, display_name="平台运营小王")


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def staff(superuser) -> Client:
    return client_for(superuser)


def price_change(variant, actor, new_price: str) -> AuditEvent:
    before = snapshot(variant, ["price"])
    variant.price = Decimal(new_price)
    variant.save(update_fields=["price"])
    return audit_record(actor=actor, instance=variant, action="variant.update", changes=diff(before, variant))


def test_the_list_shows_who_what_which_object_and_old_to_new(staff, superuser, regions):
    product = ProductFactory(name="都安山羊肉")
    variant = product.variants.get()
    price_change(variant, superuser, "99.00")
    audit_record(actor=None, instance=product.supplier, action="supplier.suspend", reason="资质过期",
                 changes={"status": ["approved", "suspended"]})

    html = staff.get(EVENTS).content.decode()
    assert "平台运营小王" in html and "system" in html
    assert "variant changed (variant.update)" in html
    assert "price (CNY): 88.00 → 99.00" in html
    assert "status: approved → suspended" in html and "资质过期" in html
    supplier_url = reverse("admin:suppliers_supplier_change", args=[product.supplier.pk])
    assert f'href="{supplier_url}"' in html


def test_filters_and_search(staff, superuser, regions):
    product = ProductFactory(name="七百弄鸡")
    price_change(product.variants.get(), superuser, "150.00")
    audit_record(actor=superuser, instance=product, action="product.approve")
    audit_record(actor=superuser, instance=product.supplier, action="supplier.approve")

    def actions(**params) -> set[str]:
        return {e.action for e in staff.get(EVENTS, params).context["cl"].result_list}

    assert actions(action="product.approve") == {"product.approve"}
    supplier_type = audit_events_for(product.supplier).get().content_type_id
    assert actions(content_type=supplier_type) == {"supplier.approve"}
    assert actions(q="七百弄鸡") == {"product.approve"}
    assert actions(q=product.supplier.legal_name) == {"supplier.approve"}
    filters = staff.get(EVENTS).content.decode()
    assert "product approved (product.approve)" in filters  # the action filter names it


def test_events_cannot_be_added_changed_or_deleted(staff, superuser, regions):
    product = ProductFactory()
    event = audit_record(actor=superuser, instance=product, action="product.approve",
                         changes={"status": ["submitted", "approved"]})
    change_url = reverse("admin:common_auditevent_change", args=[event.pk])

    assert staff.get(reverse("admin:common_auditevent_add")).status_code == 403
    page = staff.get(change_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and "status: submitted → approved" in html
    assert staff.post(change_url, {"action": "x", "reason": "forged"}).status_code == 403
    assert staff.post(reverse("admin:common_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    listing = staff.get(EVENTS)
    assert "delete_selected" not in listing.content.decode()
    event.refresh_from_db()
    assert (event.action, event.reason) == ("product.approve", "")


def test_only_staff_with_the_view_permission_read_the_trail(regions):
    supplier = SupplierFactory()
    audit_record(actor=None, instance=supplier, action="supplier.approve")
    buyer = client_for(UserFactory(username="buyer"))
    response = buyer.get(EVENTS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    clerk = UserFactory(username="clerk", is_staff=True)
    assert client_for(clerk).get(EVENTS).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    assert client_for(clerk).get(EVENTS).status_code == 200


def record_events(product, actor, n: int) -> None:
    """``n`` events on the product, its variant and its supplier, by a user or the system."""
    variant = product.variants.get()
    for i in range(n):
        who = actor if i % 2 else None
        target = (variant, product, product.supplier)[i % 3]
        audit_record(actor=who, instance=target, action="product.update" if target is product else "x.update",
                     changes={"price" if target is variant else "name": [str(i), str(i + 1)]})


def test_the_list_runs_a_constant_number_of_queries(staff, superuser, regions):
    product = ProductFactory()
    record_events(product, superuser, 3)
    staff.get(EVENTS)
    with CaptureQueriesContext(connection) as few:
        staff.get(EVENTS)
    record_events(product, UserFactory(username="another"), 27)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(EVENTS)
    assert len(response.context["cl"].result_list) == 30
    assert len(many) == len(few)


def test_a_supplier_change_page_shows_its_trail_and_links_to_the_full_history(staff, superuser, regions):
    supplier = SupplierFactory(legal_name="大化七百弄鸡养殖场")
    other = SupplierFactory()
    audit_record(actor=superuser, instance=supplier, action="supplier.recommend")
    audit_record(actor=superuser, instance=supplier, action="supplier.approve")
    audit_record(actor=superuser, instance=other, action="supplier.suspend", reason="别家的事")

    change_url = reverse("admin:suppliers_supplier_change", args=[supplier.pk])
    html = staff.get(change_url).content.decode()
    assert "Audit trail" in html
    assert html.index("supplier.approve") < html.index("supplier.recommend")
    assert "别家的事" not in html
    history_url = reverse("admin:suppliers_supplier_audit", args=[supplier.pk])
    assert html.count(f'href="{history_url}"') == 2  # in the object tools and under the trail

    history = staff.get(history_url)
    assert history.status_code == 200
    assert [e.action for e in history.context["page"].object_list] == ["supplier.approve", "supplier.recommend"]
    assert "History of changes" in history.content.decode()
    assert staff.get(reverse("admin:suppliers_supplier_audit", args=[999999])).status_code == 404


def test_saving_the_supplier_form_records_old_and_new_values(staff, superuser, regions):
    supplier = SupplierFactory(contact_phone="13800000000")
    change_url = reverse("admin:suppliers_supplier_change", args=[supplier.pk])
    data = change_form_data(staff.get(change_url))
    data["contact_phone"] = "13900000000"
    response = staff.post(change_url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    row = audit_events_for(supplier).get()
    assert (row.action, row.actor, row.changes) == (
        "supplier.update", superuser, {"contact_phone": ["13800000000", "13900000000"]}
    )
    assert "13800000000 → 13900000000" in staff.get(change_url).content.decode()


def test_the_product_trail_and_history_pages_run_constant_queries(staff, superuser, regions):
    product = ProductFactory()
    urls = [reverse("admin:catalog_product_change", args=[product.pk]),
            reverse("admin:catalog_product_audit", args=[product.pk])]

    def measure() -> list[int]:
        counts = []
        for target in urls:
            with CaptureQueriesContext(connection) as queries:
                assert staff.get(target).status_code == 200
            counts.append(len(queries))
        return counts

    record_events(product, superuser, 3)
    measure()
    few = measure()
    record_events(product, UserFactory(username="another"), 27)
    many = measure()
    assert many == few
    history = staff.get(urls[1]).context["rows"]
    assert len(history) == 20  # the product's and its variant's events, not the supplier's


def test_a_users_page_links_to_the_changes_they_made(staff, superuser, regions):
    clerk = UserFactory(username="clerk", is_staff=True)
    supplier = SupplierFactory()
    audit_record(actor=clerk, instance=supplier, action="supplier.approve")
    audit_record(actor=superuser, instance=supplier, action="supplier.suspend")

    html = staff.get(reverse("admin:accounts_user_change", args=[clerk.pk])).content.decode()
    link = f"{EVENTS}?actor__id__exact={clerk.pk}"
    assert f'href="{link}"' in html
    events = staff.get(link).context["cl"].result_list
    assert [(e.action, e.actor) for e in events] == [("supplier.approve", clerk)]


def test_odd_query_strings_get_no_server_error(staff, regions):
    product = ProductFactory()
    record_events(product, None, 3)
    assert staff.get(EVENTS, {"content_type": "abc"}).status_code == 200
    assert staff.get(EVENTS, {"action": "no.such"}).context["cl"].result_count == 0
    assert staff.get(EVENTS, {"actor__id__exact": "abc"}).status_code in (200, 302)
    history = reverse("admin:catalog_product_audit", args=[product.pk])
    assert staff.get(history, {"p": "abc"}).status_code == 200
    assert staff.get(reverse("admin:catalog_product_audit", args=["abc"])).status_code == 404
