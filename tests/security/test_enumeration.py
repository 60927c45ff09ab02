"""No anonymous answer tells whether an e-mail address or a mobile number has an account:
the supplier application (API and /join/), the organization registration, password reset
and login answer the same for an address that exists and one that does not. The holder of
the existing account is e-mailed a link instead, and nobody else gains anything."""

import re

import pytest
from django.core import mail
from django.test import Client

from shop.accounts.models import BuyerInvitation, BuyerOrganization, Membership, User
from suppliers.models import Supplier, SupplierInvitation, SupplierMember, SupplierRole
from suppliers.services.team import supplier_invitation_accept
from tests.factories import OrganizationFactory, UserFactory, credit_code
from tests.graphql.test_mutations_suppliers import application, apply
from tests.suppliers.onboarding_data import join_post

pytestmark = pytest.mark.django_db
TAKEN = "owner@example.com"
IDS = re.compile(r'"id": ?"[^"]+"|\d{4}-\d{2}-\d{2}|csrfmiddlewaretoken" value="[^"]+"|[0-9a-f]{32}')


@pytest.fixture
def victim(db):
    return UserFactory(username="victim", email=TAKEN, phone="13900001111")


def shape(result: dict) -> dict:
    """The answer without what must differ anyway (ids, codes generated per request)."""
    data = result["data"]["supplierApply"]
    return {"errors": data["errors"], "supplier": {k: v for k, v in data["supplier"].items() if k != "id"}}


def test_supplier_apply_over_the_api_answers_alike(regions, victim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        taken = apply(Client(), application(applicantEmail=TAKEN.upper(), creditCode=credit_code()))
    with django_capture_on_commit_callbacks(execute=True):
        fresh = apply(Client(), application(applicantEmail="nobody@example.com", creditCode=credit_code()))
    assert shape(taken) == shape(fresh)
    assert taken["data"]["supplierApply"]["errors"] == []
    # The holder of the existing account got a claim link; nobody got access to the account.
    claim = SupplierInvitation.objects.get()
    assert claim.email.lower() == TAKEN and claim.invited_by is None
    assert not claim.supplier.members.exists() and not victim.supplier_memberships.exists()
    # One e-mail to each address: the claim link to the existing account's holder.
    assert sorted(m.to[0].lower() for m in mail.outbox) == ["nobody@example.com", TAKEN]
    [to_victim] = [m for m in mail.outbox if m.to[0].lower() == TAKEN]
    assert claim.token in to_victim.body


def test_the_claim_link_makes_the_accounts_holder_the_owner(regions, victim):
    apply(Client(), application(applicantEmail=TAKEN, creditCode=credit_code()))
    invitation = SupplierInvitation.objects.get(email=TAKEN)
    member = supplier_invitation_accept(token=invitation.token, user=victim)
    assert member.role == SupplierRole.OWNER and member.supplier == invitation.supplier


def test_a_weak_password_is_refused_alike_for_both(regions, victim):
    weak = [apply(Client(), application(applicantEmail=email, password="12345678"))["data"]["supplierApply"]["errors"]
            for email in (TAKEN, "nobody@example.com")]
    assert weak[0] == weak[1] and {e["code"] for e in weak[0]} == {"INVALID_PASSWORD"}
    assert not Supplier.objects.exists()


def clean(response) -> tuple:
    body = IDS.sub("", response.content.decode()) if response.status_code == 200 else ""
    return response.status_code, response.get("Location"), body, "_auth_user_id" in response.wsgi_request.session


def test_join_answers_alike(regions, victim):
    answers = []
    for email in (TAKEN, "nobody@example.com"):
        client = Client()
        response = client.post("/join/", join_post(email=email, credit_code=credit_code()))
        messages = [str(m) for m in response.wsgi_request._messages]
        answers.append((response.status_code, response["Location"], "_auth_user_id" in client.session,
                        [m.replace(email, "…") for m in messages]))
    assert answers[0] == answers[1]
    assert answers[0][:3] == (302, "/accounts/login/?next=/join/status/", False)
    assert SupplierMember.objects.filter(user__email="nobody@example.com", role=SupplierRole.OWNER).exists()
    assert not SupplierMember.objects.filter(user=victim).exists()


def register(street, **overrides):
    from tests.frontend.test_account_register import valid

    client = Client()
    response = client.post("/account/register/", valid(street, **overrides))
    messages = [str(m).replace(overrides.get("email", ""), "…") for m in response.wsgi_request._messages]
    return response.status_code, response.get("Location"), "_auth_user_id" in client.session, messages


def test_organization_registration_answers_alike_for_a_taken_email_or_mobile(victim, django_capture_on_commit_callbacks):
    street = OrganizationFactory(name="宝安区新安街道办事处", is_group=True)
    with django_capture_on_commit_callbacks(execute=True):
        taken_email = register(street, name="海旺社区甲", email=TAKEN, phone="13800002222")
    fresh = register(street, name="海旺社区乙", email="new1@example.com", phone="13800003333")
    taken_phone = register(street, name="海旺社区丙", email="new2@example.com", phone=victim.phone)
    assert taken_email == fresh == taken_phone
    assert fresh[:3] == (302, "/accounts/login/?next=/account/status/", False)
    # The address's holder is invited as administrator; the mobile number stays the victim's.
    org = BuyerOrganization.objects.get(name="海旺社区甲")
    assert not Membership.objects.filter(organization=org).exists()
    assert BuyerInvitation.objects.get(organization=org).email == TAKEN
    assert [m.to for m in mail.outbox] == [[TAKEN]]
    assert User.objects.get(email="new2@example.com").phone in (None, "")
    assert User.objects.get(pk=victim.pk).phone == victim.phone


def test_password_reset_answers_alike(victim):
    answers = []
    for email in (TAKEN, "nobody@example.com"):
        response = Client().post("/account/password-reset/", {"email": email})
        answers.append((response.status_code, response.get("Location")))
    assert answers[0] == answers[1] and answers[0][0] == 302
    assert [m.to for m in mail.outbox] == [[TAKEN]]


@pytest.mark.parametrize("username", [TAKEN, "13900001111"])
def test_a_wrong_password_answers_alike_for_an_account_and_for_none(victim, username):
    def attempt(name: str) -> tuple:
        response = Client().post("/accounts/login/", {"username": name, "password": "wrong-password-1"})
        return response.status_code, IDS.sub("", response.content.decode()).replace(name, "…")

    unknown = "nobody@example.com" if "@" in username else "13700009999"
    assert attempt(username) == attempt(unknown)
