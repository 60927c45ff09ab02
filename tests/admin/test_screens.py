"""Every staff screen renders, in Chinese by default, and only for staff."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.models import EntryKind, LedgerEntry
from suppliers.models import CountyCoordinator
from tests.factories import (
    DUAN,
    CampaignFactory,
    CertificationFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each(regions, superuser):
    product = ProductFactory()
    CertificationFactory(supplier=product.supplier)
    membership = MembershipFactory()
    campaign = CampaignFactory()
    entry = LedgerEntry.objects.create(
        campaign=campaign, kind=EntryKind.OFFLINE, amount_fen=1_090_000_000, county_id=DUAN,
        organization=membership.organization, occurred_at=timezone.now(),
    )
    coordinator = CountyCoordinator.objects.create(user=UserFactory(), county_id=DUAN)
    return {
        "regions.region": DUAN,
        "accounts.user": superuser.pk,
        "accounts.buyerorganization": membership.organization.pk,
        "suppliers.supplier": product.supplier.pk,
        "suppliers.countycoordinator": coordinator.pk,
        "suppliers.certification": product.supplier.certifications.first().pk,
        "catalog.category": product.category.pk,
        "catalog.product": product.pk,
        "orders.campaign": campaign.pk,
        "orders.ledgerentry": entry.pk,
    }


MODELS = [
    "regions.region", "accounts.user", "accounts.buyerorganization", "suppliers.supplier",
    "suppliers.countycoordinator", "suppliers.certification", "catalog.category",
    "catalog.product", "orders.campaign", "orders.ledgerentry",
]
ADDABLE = [m for m in MODELS if m not in ("regions.region", "orders.ledgerentry")]


def _url(model: str, view: str, *args) -> str:
    app, name = model.split(".")
    return reverse(f"admin:{app}_{name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_change_page_render(staff, one_of_each, model):
    assert staff.get(_url(model, "changelist")).status_code == 200
    assert staff.get(_url(model, "change", one_of_each[model])).status_code == 200


@pytest.mark.parametrize("model", ADDABLE)
def test_add_page_renders(staff, one_of_each, model):
    assert staff.get(_url(model, "add")).status_code == 200


def test_admin_speaks_chinese_by_default(superuser, one_of_each):
    client = Client()
    client.force_login(superuser)
    response = client.get(_url("suppliers.supplier", "changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "选择" in html  # Django's "Select %s to change", translated


@pytest.mark.parametrize("model", MODELS)
def test_non_staff_user_is_sent_to_the_login_page(one_of_each, model):
    client = Client()
    client.force_login(UserFactory(username="buyer"))
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitor_is_sent_to_the_login_page(db):
    response = Client().get(reverse("admin:catalog_product_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_dates_render_in_the_ledger_date_hierarchy(staff, one_of_each):
    year = timezone.localdate().year
    response = staff.get(_url("orders.ledgerentry", "changelist"), {"occurred_at__year": year})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = staff.get(
        _url("orders.ledgerentry", "changelist"), {"occurred_at__year": year - 1}
    )
    assert response.context["cl"].result_count == 0
