"""Organization registration at /account/register/: one transaction, field errors, and a
pending organization cannot order until staff verify it."""

import pytest
from django.core.exceptions import ValidationError

from orders.services.cart import ordering_member_organization
from shop.accounts.models import (
    BuyerOrganization,
    DeliveryAddress,
    MemberRole,
    Membership,
    OrganizationStatus,
    User,
)
from shop.accounts.services import organization_verify
from shop.common.models import AuditEvent
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/account/register/"


@pytest.fixture
def street(db):
    return OrganizationFactory(name="宝安区新安街道办事处", is_group=True)


def valid(street, **overrides):
    data = {
        "name": "新安街道海旺社区", "org_type": "community", "parent": street.pk,
        "invoice_title": "深圳市宝安区新安街道海旺社区居民委员会", "tax_number": "91440300ma5test01x",
        "contact_phone": "0755-27771234", "address_label": "社区食堂", "address_recipient": "陈小红",
        "address_phone": "13800001111", "address_address": "深圳市宝安区新安街道海旺路1号",
        "display_name": "陈小红", "email": "Chen@Haiwang.example", "phone": "13800001111",
        "password1": "Qz7!mango-river", "password2": "Qz7!mango-river",
    }
    data.update(overrides)
    return data


def counts():
    return (BuyerOrganization.objects.count(), User.objects.count(), Membership.objects.count(),
            DeliveryAddress.objects.count())


def test_a_person_registers_an_organization_and_becomes_its_admin(client, street):
    response = client.post(URL, valid(street))
    # Not logged in yet: the same answer whether the address had an account or not.
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/account/status/"
    org = BuyerOrganization.objects.get(name="新安街道海旺社区")
    assert org.status == OrganizationStatus.PENDING
    assert (org.parent, org.tax_number, org.contact_phone) == (street, "91440300MA5TEST01X", "0755-27771234")
    address = org.addresses.get()
    assert (address.label, address.recipient, address.is_default) == ("社区食堂", "陈小红", True)
    membership = Membership.objects.select_related("user").get(organization=org)
    assert membership.role == MemberRole.ADMIN
    assert (membership.user.email, membership.user.phone) == ("Chen@haiwang.example", "13800001111")
    assert AuditEvent.objects.filter(action="buyer_organization.register", object_id=str(org.pk)).exists()
    # Logged in, and the status page says staff will verify the organization.
    client.force_login(membership.user)
    page = client.get("/account/status/")
    assert page.status_code == 200
    assert "新安街道海旺社区" in page.content.decode()
    assert page.context["pending"]


def test_the_registration_form_renders_with_the_streets(client, street):
    body = client.get(URL).content.decode()
    assert 'name="tax_number"' in body and "宝安区新安街道办事处" in body


@pytest.mark.parametrize(("field", "value", "form_field"), [
    ("tax_number", "12345", "tax_number"),
    ("tax_number", "91440300-MA5TEST", "tax_number"),
    ("password1", "12345678", "password1"),  # only digits and too common
    ("phone", "12345", "phone"),
    ("parent", "999999", "parent"),
    ("address_phone", "call me", "address_phone"),
])
def test_bad_input_gets_a_field_error_and_writes_nothing(client, street, field, value, form_field):
    data = valid(street, **{field: value})
    if field == "password1":
        data["password2"] = value
    before = counts()
    response = client.post(URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors[form_field]
    assert counts() == before
    assert "_auth_user_id" not in client.session


def test_a_duplicate_name_is_refused_on_its_field_and_a_taken_email_is_not_told(client, street):
    UserFactory(username="taken", email="chen@haiwang.example")
    OrganizationFactory(name="新安街道海旺社区")
    before = counts()
    response = client.post(URL, valid(street))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "name" in errors and "email" not in errors
    assert counts() == before


def test_a_logged_in_person_registers_without_account_fields(client, street):
    user = UserFactory(username="li")
    client.force_login(user)
    data = {k: v for k, v in valid(street).items()
            if k not in ("display_name", "email", "phone", "password1", "password2")}
    assert client.post(URL, data).status_code == 302
    assert Membership.objects.get(user=user).role == MemberRole.ADMIN


def test_a_pending_organization_cannot_order_until_verified(client, street):
    client.post(URL, valid(street))
    membership = Membership.objects.select_related("user", "organization").get()
    with pytest.raises(ValidationError) as exc:
        ordering_member_organization(user=membership.user, organization_id=membership.organization_id)
    assert exc.value.code == "permission_denied"
    staff = UserFactory(username="staff", is_staff=True)
    organization_verify(organization=membership.organization, actor=staff)
    assert ordering_member_organization(user=membership.user) == membership.organization
    assert AuditEvent.objects.filter(action="buyer_organization.verify", actor=staff).exists()


def test_staff_verify_with_the_admin_action(client, street):
    org = OrganizationFactory(status=OrganizationStatus.PENDING)
    staff = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post("/admin/accounts/buyerorganization/", {
        "action": "verify", "_selected_action": [org.pk],
    })
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == OrganizationStatus.VERIFIED
    assert AuditEvent.objects.get(action="buyer_organization.verify").actor == staff
