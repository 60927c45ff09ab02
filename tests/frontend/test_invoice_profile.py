"""The organization's invoice profile (开票信息): administrators edit it on the account page
and in the Django admin, checkout proposes it and can save what was typed as the default;
the rules (专票 needs the address/phone and bank lines) are the order's rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from orders.models import Order
from orders.services.invoices import invoice_details_clean
from shop.accounts.invoice_profile import invoice_profile_clean
from shop.accounts.models import InvoiceType
from shop.accounts.services import organization_invoice_update
from tests.admin.conftest import change_form_data
from tests.frontend.buying_world import checkout_key, login, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ORG = "/account/organization/"
ADDRESS_PHONE = "深圳市宝安区新安街道测试路1号 0755-27771234"
BANK = "中国银行深圳宝安支行 7440 0000 1111 2222"
PROFILE = {
    "invoice_title": "宝安区新安街道测试社区股份合作公司", "tax_number": "91440300 ma5test01x",
    "contact_phone": "0755-27771234", "invoice_type": "special", "invoice_address_phone": ADDRESS_PHONE,
    "invoice_bank_account": BANK, "invoice_email": "caiwu@example.cn",
}


def test_an_admin_saves_a_special_invoice_profile_and_members_read_it(client, world):
    login(client, world.admin_a)
    assert client.post(ORG, PROFILE).status_code == 302
    org = world.org_a
    org.refresh_from_db()
    assert (org.invoice_type, org.tax_number, org.invoice_address_phone, org.invoice_bank_account,
            org.invoice_email) == (InvoiceType.SPECIAL, "91440300MA5TEST01X", ADDRESS_PHONE, BANK, "caiwu@example.cn")
    client.logout()
    login(client, world.purchaser_a)
    html = client.get(ORG).content.decode()
    assert BANK in html and ADDRESS_PHONE in html and 'name="invoice_bank_account"' not in html
    assert client.post(ORG, {**PROFILE, "invoice_email": "x@example.cn"}).status_code == 403
    org.refresh_from_db()
    assert org.invoice_email == "caiwu@example.cn"


def test_a_special_profile_needs_the_address_phone_and_bank_lines_field_by_field(client, world):
    login(client, world.admin_a)
    response = client.post(ORG, {**PROFILE, "invoice_address_phone": "深圳市宝安区新安街道测试路1号",
                                 "invoice_bank_account": "", "invoice_email": "not-an-address"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert set(errors) == {"invoice_address_phone", "invoice_bank_account", "invoice_email"}
    assert errors["invoice_bank_account"] == ["增值税专用发票需要填写此项。"]
    assert "电话" in errors["invoice_address_phone"][0]
    world.org_a.refresh_from_db()
    assert world.org_a.invoice_bank_account == ""
    # A 普票 profile does not need them.
    assert client.post(ORG, {**PROFILE, "invoice_type": "normal", "invoice_bank_account": "",
                             "invoice_address_phone": ""}).status_code == 302


def test_the_service_files_english_messages_under_each_field(world):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        organization_invoice_update(organization=world.org_a, actor=world.admin_a, **{
            **PROFILE, "invoice_bank_account": "中国银行宝安支行", "tax_number": "123"})
    errors = exc.value.message_dict
    assert errors["tax_number"] == [
        "A tax number is 15 to 20 digits or capital letters (a unified social credit code has 18)."]
    assert errors["invoice_bank_account"][0].startswith("Write the bank's name followed by the account number")
    with pytest.raises(ValidationError) as denied:
        organization_invoice_update(organization=world.org_a, actor=world.purchaser_a, **PROFILE)
    assert denied.value.code == "forbidden"


def test_orders_and_profiles_share_the_rules():
    line = {"invoice_type": "special", "invoice_title": "某单位", "tax_number": "91440300MA5TEST01X",
            "invoice_address_phone": ADDRESS_PHONE, "invoice_bank_account": "中国银行宝安支行"}
    for check in (invoice_details_clean, invoice_profile_clean):
        with pytest.raises(ValidationError) as exc:
            check(**line)
        assert list(exc.value.error_dict) == ["invoice_bank_account"]
    assert invoice_details_clean(**{**line, "invoice_bank_account": BANK})["invoice_bank_account"] == BANK


def test_checkout_proposes_the_profile_and_the_name_when_no_title_is_stored(client, world):
    org = world.org_a
    org.invoice_title, org.invoice_type, org.invoice_address_phone, org.invoice_bank_account = "", "special", ADDRESS_PHONE, BANK
    org.save()
    login(client, world.purchaser_a)
    client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "1"})
    form = client.get("/checkout/").context["form"]
    assert form.initial["invoice_title"] == org.name
    assert (form.initial["invoice_type"], form.initial["invoice_bank_account"]) == ("special", BANK)
    assert 'name="save_invoice_default"' not in client.get("/checkout/").content.decode()  # purchasers


def _checkout(client, world, **invoice):
    client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "1"})
    html = client.get("/checkout/").content.decode()
    data = {"address": world.address_a.pk, "funding_channel": "union", "idempotency_key": checkout_key(html),
            "invoice_type": "special", "invoice_title": "宝安区新安街道测试社区", "tax_number": "91440300MA5TEST01X",
            "invoice_address_phone": ADDRESS_PHONE, "invoice_bank_account": BANK, **invoice}
    return html, client.post("/checkout/", data)


def test_an_admin_saves_the_checkout_invoice_as_the_default(client, world):
    login(client, world.admin_a)
    html, response = _checkout(client, world, save_invoice_default="on", invoice_email="fapiao@example.cn")
    assert 'name="save_invoice_default"' in html
    assert response.status_code == 302 and Order.objects.count() == 1
    world.org_a.refresh_from_db()
    assert (world.org_a.invoice_type, world.org_a.invoice_bank_account, world.org_a.invoice_email) == (
        "special", BANK, "fapiao@example.cn")


def test_a_purchaser_cannot_save_the_default_by_posting_the_box(client, world):
    login(client, world.purchaser_a)
    _html, response = _checkout(client, world, save_invoice_default="on")
    assert response.status_code == 302 and Order.objects.count() == 1
    world.org_a.refresh_from_db()
    assert (world.org_a.invoice_type, world.org_a.invoice_bank_account) == ("normal", "")


def test_the_django_admin_edits_the_profile_with_the_same_rules(client, world, django_user_model):
    staff = django_user_model.objects.create_superuser("ops", "ops@example.cn", "pw-ops-12345")
    client.force_login(staff)
    url = reverse("admin:accounts_buyerorganization_change", args=[world.org_a.pk])
    data = change_form_data(client.get(url))
    bad = client.post(url, {**data, "invoice_type": "special", "invoice_bank_account": ""})
    assert bad.status_code == 200 and "invoice_bank_account" in bad.context["adminform"].form.errors
    assert client.post(url, {**data, "invoice_type": "special", "invoice_address_phone": ADDRESS_PHONE,
                             "invoice_bank_account": BANK}).status_code == 302
    world.org_a.refresh_from_db()
    assert (world.org_a.invoice_type, world.org_a.invoice_bank_account) == ("special", BANK)
