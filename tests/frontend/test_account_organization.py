"""/account/organization/: administrators manage delivery addresses and invoice details,
purchasers read them, other organizations get 404s; /account/ pages run a constant number
of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.accounts.models import DeliveryAddress, MemberRole, Membership
from tests.factories import UserFactory
from tests.frontend import account_world
from tests.frontend.account_world import login

pytestmark = pytest.mark.django_db

world = account_world.world  # the fixture

ORG = "/account/organization/"
ADD = "/account/organization/addresses/new/"


def address_data(**overrides):
    data = {"label": "党群服务中心", "recipient": "赵六", "phone": "0755-27770000",
            "address": "深圳市宝安区新安街道测试路9号", "once": "t1"}
    data.update(overrides)
    return data


def test_an_admin_adds_edits_makes_default_and_deletes_addresses(client, world):
    login(client, world.admin_a)
    assert client.post(ADD, address_data()).status_code == 302
    assert client.post(ADD, address_data()).status_code == 302  # double post: one address
    new = DeliveryAddress.objects.get(organization=world.org_a, label="党群服务中心")
    assert not new.is_default
    url = f"/account/organization/addresses/{new.pk}/"
    assert client.post(url, address_data(label="党群中心", is_default="on")).status_code == 302
    new.refresh_from_db()
    world.address_a.refresh_from_db()
    assert (new.label, new.is_default, world.address_a.is_default) == ("党群中心", True, False)
    assert client.post(f"{url}delete/").status_code == 302
    world.address_a.refresh_from_db()
    assert world.address_a.is_default  # the remaining address becomes the default
    assert list(DeliveryAddress.objects.filter(organization=world.org_a)) == [world.address_a]


def test_a_bad_phone_is_a_field_error(client, world):
    login(client, world.admin_a)
    response = client.post(ADD, address_data(phone="abc", once="t2"))
    assert response.status_code == 400 and response.context["form"].errors["phone"]
    assert DeliveryAddress.objects.filter(organization=world.org_a).count() == 1


def test_an_admin_edits_the_invoice_details(client, world):
    login(client, world.admin_a)
    response = client.post(ORG, {"invoice_title": "新抬头", "tax_number": "bad", "contact_phone": "0755-27771234"})
    assert response.status_code == 400 and response.context["form"].errors["tax_number"]
    assert client.post(ORG, {"invoice_title": "新抬头", "tax_number": "914403001234567890",
                             "contact_phone": "0755-27771234"}).status_code == 302
    world.org_a.refresh_from_db()
    assert (world.org_a.invoice_title, world.org_a.tax_number) == ("新抬头", "914403001234567890")


def test_a_purchaser_reads_but_cannot_change(client, world):
    login(client, world.purchaser_a)
    page = client.get(ORG)
    assert page.status_code == 200
    text = page.content.decode()
    assert world.address_a.address in text and "91440300MA5TEST01X" in text and 'name="tax_number"' not in text
    assert client.post(ORG, {"invoice_title": "x", "tax_number": "914403001234567890",
                             "contact_phone": "13800000000"}).status_code == 403
    assert client.post(ADD, address_data()).status_code == 403
    assert client.post(f"/account/organization/addresses/{world.address_a.pk}/delete/").status_code == 403
    world.org_a.refresh_from_db()
    assert world.org_a.invoice_title == "宝安区新安街道测试社区"


def test_another_organizations_admin_cannot_see_or_edit_our_addresses(client, world):
    Membership.objects.filter(user=world.purchaser_b).update(role=MemberRole.ADMIN)
    login(client, world.purchaser_b)
    assert world.address_a.address not in client.get(ORG).content.decode()
    base = f"/account/organization/addresses/{world.address_a.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base, address_data(label="hacked")).status_code == 404
    assert client.post(f"{base}delete/").status_code == 404
    assert client.post(f"{base}default/").status_code == 404
    world.address_a.refresh_from_db()
    assert world.address_a.label == "社区食堂"


def test_a_person_without_an_organization_is_sent_to_registration(client, world):
    client.force_login(UserFactory(username="loner"))
    for url in ("/account/", ORG, "/account/members/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/account/register/"


@pytest.mark.parametrize("url", ["/account/", ORG, "/account/members/"])
def test_account_pages_run_a_constant_number_of_queries(client, world, url):
    login(client, world.admin_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(8):
        DeliveryAddress.objects.create(organization=world.org_a, label=f"食堂{i}", recipient="甲",
                                       phone="13800000000", address=f"测试路{i}号")
        Membership.objects.create(organization=world.org_a, user=UserFactory(username=f"m{i}"),
                                  role=MemberRole.PURCHASER)
        other = Membership.objects.create(organization=world.org_b, user=world.admin_a,
                                          role=MemberRole.PURCHASER) if i == 0 else None
        assert other is None or other.pk
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
