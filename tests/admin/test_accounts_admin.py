"""Users and buyer organizations in the staff screens."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.accounts.models import BuyerOrganization, OrganizationStatus, User
from shop.regions.models import Region, RegionLevel
from tests.admin.conftest import change_form_data, messages_of
from tests.factories import LONGCHUAN, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
ORGS = reverse("admin:accounts_buyerorganization_changelist")
OS = OrganizationStatus


def test_verify_and_suspend_actions(staff, db):
    pending = OrganizationFactory(status=OS.PENDING)
    response = staff.post(ORGS, {"action": "verify", ACTION_CHECKBOX_NAME: [pending.pk]})
    assert "1 organization verified." in messages_of(response)
    pending.refresh_from_db()
    assert pending.status == OS.VERIFIED
    staff.post(ORGS, {"action": "suspend", ACTION_CHECKBOX_NAME: [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == OS.SUSPENDED


def test_filters_and_search(staff, db):
    street = OrganizationFactory(name="新安街道办事处", is_group=True, org_type="government")
    community = OrganizationFactory(name="上合社区", parent=street, org_type="community", is_pairing_entity=True)
    OrganizationFactory(name="宝安区某企业", status=OS.PENDING)

    def names(**params):
        return {o.name for o in staff.get(ORGS, params).context["cl"].result_list}

    assert names(q="上合") == {community.name}
    assert names(parent__id__exact=street.pk) == {community.name}
    assert names(is_pairing_entity__exact="1") == {community.name}
    assert names(org_type__exact="government") == {street.name}
    assert names(status__exact=OS.PENDING) == {"宝安区某企业"}


def test_paired_village_autocomplete_offers_only_villages(staff, regions):
    url = reverse("admin:autocomplete")
    params = {
        "app_label": "accounts", "model_name": "buyerorganization", "field_name": "paired_villages",
        "term": "村",
    }
    results = staff.get(url, params).json()["results"]
    assert results
    assert set(Region.objects.filter(code__in=[r["id"] for r in results]).values_list("level", flat=True)) == {
        RegionLevel.VILLAGE
    }
    # Searching for a county by name finds nothing here.
    params["term"] = "龙川"
    codes = [r["id"] for r in staff.get(url, params).json()["results"]]
    assert LONGCHUAN not in codes


def test_a_county_cannot_be_saved_as_a_paired_village(staff, regions):
    org = OrganizationFactory()
    MembershipFactory(organization=org)
    url = reverse("admin:accounts_buyerorganization_change", args=[org.pk])
    data = change_form_data(staff.get(url))
    village = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=LONGCHUAN).first()
    data["paired_villages"] = [LONGCHUAN]
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "paired_villages" in response.context["adminform"].form.errors
    data["paired_villages"] = [village.code]
    assert staff.post(url, data).status_code == 302
    assert list(org.paired_villages.all()) == [village]


def test_changelist_query_count_does_not_grow_with_rows(staff, db):
    street = OrganizationFactory(is_group=True)
    for _ in range(3):
        OrganizationFactory(parent=street)
    staff.get(ORGS)
    with CaptureQueriesContext(connection) as few:
        assert staff.get(ORGS).status_code == 200
    for i in range(27):
        OrganizationFactory(parent=OrganizationFactory(is_group=True) if i % 3 else street)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(ORGS)
    assert response.context["cl"].result_count == BuyerOrganization.objects.count()
    assert len(many) == len(few)


def test_user_search_by_email_phone_and_name(staff, db):
    user = UserFactory(username="wang", phone="13912345678", display_name="王经办")
    url = reverse("admin:accounts_user_changelist")
    for term in ("wang@example.com", "13912345678", "王经办"):
        assert list(staff.get(url, {"q": term}).context["cl"].result_list) == [user]


def test_staff_create_a_user_with_email_and_phone(staff, db):
    url = reverse("admin:accounts_user_add")
    response = staff.post(url, {
        "username": "li", "email": "li@example.com", "phone": "", "display_name": "李四",
        "usable_password": "true", "password1": "Xq7!long-pass", "password2": "Xq7!long-pass",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="li")
    assert (user.email, user.phone, user.display_name) == ("li@example.com", None, "李四")
    # A second user with the same email is refused on the field.
    response = staff.post(url, {
        "username": "li2", "email": "li@example.com", "usable_password": "true",
        "password1": "Xq7!long-pass", "password2": "Xq7!long-pass",
    })
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors


def test_staff_cannot_demote_or_remove_the_last_administrator_in_the_admin(staff, db):
    from shop.accounts.models import MemberRole, Membership

    org = OrganizationFactory()
    admin_membership = MembershipFactory(organization=org, role=MemberRole.ADMIN)
    MembershipFactory(organization=org, role=MemberRole.PURCHASER)
    url = reverse("admin:accounts_buyerorganization_change", args=[org.pk])
    data = change_form_data(staff.get(url))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and k.startswith("memberships")).removesuffix("-TOTAL_FORMS")
    index = next(i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if str(data.get(f"{prefix}-{i}-id")) == str(admin_membership.pk))
    demoted = {**data, f"{prefix}-{index}-role": MemberRole.PURCHASER}
    response = staff.post(url, demoted)
    assert response.status_code == 200 and "at least one administrator" in response.content.decode()
    removed = {**data, f"{prefix}-{index}-DELETE": "on"}
    assert staff.post(url, removed).status_code == 200
    assert Membership.objects.get(pk=admin_membership.pk).role == MemberRole.ADMIN
    data[f"{prefix}-{1 - index}-role"] = MemberRole.ADMIN  # promote the other one first
    data[f"{prefix}-{index}-role"] = MemberRole.PURCHASER
    assert staff.post(url, data).status_code == 302
    assert Membership.objects.get(pk=admin_membership.pk).role == MemberRole.PURCHASER
