"""Platform staff move suppliers through admission with changelist actions."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suppliers.models import SupplierStatus
from tests.admin.conftest import change_form_data, messages_of
from tests.factories import DAHUA, SupplierFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:suppliers_supplier_changelist")
S = SupplierStatus


def act(client, action, suppliers, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [s.pk for s in suppliers], **extra}
    return client.post(CHANGELIST, data)


def status_of(supplier):
    supplier.refresh_from_db()
    return supplier.status


def test_recommend_then_approve_moves_an_application_through_the_pipeline(staff, regions):
    supplier = SupplierFactory(status=S.APPLIED)
    response = act(staff, "recommend", [supplier])
    assert response.status_code == 302
    assert status_of(supplier) == S.RECOMMENDED
    assert "1 supplier recommended." in messages_of(response)
    act(staff, "approve", [supplier])
    assert status_of(supplier) == S.APPROVED
    assert LogEntry.objects.filter(object_id=str(supplier.pk)).count() == 2  # in its history


def test_an_invalid_transition_is_reported_per_row_and_changes_nothing(staff, regions):
    applied = SupplierFactory(status=S.APPLIED, legal_name="都安申请中合作社")
    recommended = SupplierFactory(status=S.RECOMMENDED)
    response = act(staff, "approve", [applied, recommended])
    assert status_of(applied) == S.APPLIED
    assert status_of(recommended) == S.APPROVED
    texts = messages_of(response)
    assert any(t.startswith("都安申请中合作社:") and "cannot go from" in t for t in texts)
    assert "1 supplier approved." in texts


def test_reject_asks_for_a_reason_on_an_intermediate_page(staff, regions):
    supplier = SupplierFactory(status=S.APPLIED)
    page = act(staff, "reject", [supplier])
    assert page.status_code == 200
    assert page.templates[0].name == "admin/status_reason.html"
    assert str(supplier) in page.content.decode()
    assert status_of(supplier) == S.APPLIED

    refused = act(staff, "reject", [supplier], apply="1", reason="   ")
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"] == ["Give a reason."]
    assert status_of(supplier) == S.APPLIED

    done = act(staff, "reject", [supplier], apply="1", reason="营业执照已过期")
    assert done.status_code == 302
    supplier.refresh_from_db()
    assert (supplier.status, supplier.status_reason) == (S.REJECTED, "营业执照已过期")


def test_suspend_with_a_reason_then_reinstate(staff, regions):
    supplier = SupplierFactory(status=S.APPROVED)
    assert act(staff, "suspend", [supplier], apply="1", reason="").status_code == 400
    assert status_of(supplier) == S.APPROVED
    act(staff, "suspend", [supplier], apply="1", reason="农残抽检不合格")
    assert status_of(supplier) == S.SUSPENDED
    act(staff, "reinstate", [supplier])
    assert status_of(supplier) == S.APPROVED


def test_reinstate_only_lifts_a_suspension(staff, regions):
    supplier = SupplierFactory(status=S.RECOMMENDED)
    response = act(staff, "reinstate", [supplier])
    assert status_of(supplier) == S.RECOMMENDED
    assert any("Only a suspended supplier can be reinstated." in t for t in messages_of(response))


def test_a_rejected_supplier_cannot_be_suspended(staff, regions):
    supplier = SupplierFactory(status=S.REJECTED, status_reason="资料不全")
    response = act(staff, "suspend", [supplier], apply="1", reason="重复申请")
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert (supplier.status, supplier.status_reason) == (S.REJECTED, "资料不全")
    assert any("cannot go from" in t for t in messages_of(response))


def test_search_by_name_and_credit_code_and_filter_by_county_and_status(staff, regions):
    goat = SupplierFactory(legal_name="都安山羊养殖专业合作社", status=S.APPLIED)
    chicken = SupplierFactory(legal_name="七百弄鸡养殖场", county_code=DAHUA)
    found = staff.get(CHANGELIST, {"q": "山羊"}).context["cl"].result_list
    assert list(found) == [goat]
    found = staff.get(CHANGELIST, {"q": chicken.credit_code}).context["cl"].result_list
    assert list(found) == [chicken]
    found = staff.get(CHANGELIST, {"county__code__exact": DAHUA}).context["cl"].result_list
    assert list(found) == [chicken]
    found = staff.get(CHANGELIST, {"status__exact": S.APPLIED}).context["cl"].result_list
    assert list(found) == [goat]


def test_a_wrong_credit_code_is_refused_with_a_clear_message(staff, regions):
    supplier = SupplierFactory()
    url = reverse("admin:suppliers_supplier_change", args=[supplier.pk])
    data = change_form_data(staff.get(url))
    good = data["credit_code"]
    data["credit_code"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = staff.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["credit_code"] == [
        "The check character of the unified social credit code is wrong."
    ]
    supplier.refresh_from_db()
    assert supplier.credit_code == good


def test_changelist_query_count_does_not_grow_with_rows(staff, regions):
    for _ in range(3):
        SupplierFactory()
    staff.get(CHANGELIST)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        assert staff.get(CHANGELIST).status_code == 200
    for _ in range(27):
        SupplierFactory(county_code=DAHUA)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(CHANGELIST)
    assert response.context["cl"].result_count == 30
    assert len(many) == len(few)
