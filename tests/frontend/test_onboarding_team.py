"""The team page /portal/team/ (the owner invites and removes) and the invitation link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from shop.accounts.models import User
from suppliers.models import SupplierInvitation, SupplierMember, SupplierStatus
from suppliers.services.team import supplier_invite
from tests.factories import MembershipFactory, SupplierFactory, UserFactory
from tests.suppliers.onboarding_data import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(regions):
    supplier = SupplierFactory(legal_name="龙川县义都镇山茶油专业合作社")
    owner, member = UserFactory(email="owner@example.com"), UserFactory(email="member@example.com")
    SupplierMember.objects.create(supplier=supplier, user=owner, role="owner")
    SupplierMember.objects.create(supplier=supplier, user=member, role="member")
    other = SupplierFactory()
    other_owner = UserFactory(email="other.owner@example.com")
    SupplierMember.objects.create(supplier=other, user=other_owner, role="owner")
    return {"supplier": supplier, "owner": owner, "member": member, "other_owner": other_owner}


def invitation_for(team, email="new.hand@example.com") -> SupplierInvitation:
    return supplier_invite(supplier=team["supplier"], email=email, actor=team["owner"])


def test_the_owner_invites_a_member_by_email(client, team, django_capture_on_commit_callbacks):
    client.force_login(team["owner"])
    page = client.get("/portal/team/")
    assert page.status_code == 200 and page.context["is_owner"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/team/", {"email": "new.hand@example.com"})
    assert response.status_code == 302 and response["Location"] == "/portal/team/"
    invitation = SupplierInvitation.objects.get()
    assert [m.to for m in mail.outbox] == [["new.hand@example.com"]]
    assert f"/invite/{invitation.token}/" in mail.outbox[0].body
    assert "new.hand@example.com" in client.get("/portal/team/").content.decode()


def test_a_bad_address_is_a_field_error(client, team):
    client.force_login(team["owner"])
    response = client.post("/portal/team/", {"email": "not an address"})
    assert response.status_code == 400 and "email" in response.context["form"].errors
    response = client.post("/portal/team/", {"email": "MEMBER@example.com"})
    assert response.status_code == 400 and "email" in response.context["form"].errors
    assert not SupplierInvitation.objects.exists()


def test_a_member_sees_the_team_but_cannot_manage_it(client, team):
    invitation = invitation_for(team)
    client.force_login(team["member"])
    page = client.get("/portal/team/")
    assert page.status_code == 200 and not page.context["is_owner"]
    assert 'name="email"' not in page.content.decode()
    assert client.post("/portal/team/", {"email": "x@example.com"}).status_code == 403
    assert client.post(f"/portal/team/invitations/{invitation.pk}/revoke/").status_code == 403
    owner = SupplierMember.objects.get(user=team["owner"])
    assert client.post(f"/portal/team/members/{owner.pk}/remove/").status_code == 403
    assert SupplierInvitation.objects.count() == 1 and SupplierMember.objects.count() == 3


def test_the_owner_of_another_supplier_gets_404_on_this_team(client, team):
    invitation = invitation_for(team)
    member = SupplierMember.objects.get(user=team["member"])
    client.force_login(team["other_owner"])
    assert client.post(f"/portal/team/invitations/{invitation.pk}/revoke/").status_code == 404
    assert client.post(f"/portal/team/members/{member.pk}/remove/").status_code == 404
    assert "member@example.com" not in client.get("/portal/team/").content.decode()
    assert SupplierInvitation.objects.filter(pk=invitation.pk).exists()
    assert SupplierMember.objects.filter(pk=member.pk).exists()


def test_the_owner_removes_a_member_and_withdraws_an_invitation(client, team):
    invitation = invitation_for(team)
    member = SupplierMember.objects.get(user=team["member"])
    client.force_login(team["owner"])
    assert client.post(f"/portal/team/members/{member.pk}/remove/").status_code == 302
    assert client.post(f"/portal/team/invitations/{invitation.pk}/revoke/").status_code == 302
    assert not SupplierMember.objects.filter(pk=member.pk).exists()
    assert not SupplierInvitation.objects.filter(pk=invitation.pk).exists()


def test_who_may_open_the_team_page(client, team, regions):
    assert client.get("/portal/team/")["Location"] == "/accounts/login/?next=/portal/team/"
    client.force_login(MembershipFactory().user)
    assert client.get("/portal/team/").status_code == 403
    applicant = UserFactory()
    SupplierMember.objects.create(supplier=SupplierFactory(status=SupplierStatus.APPLIED), user=applicant, role="owner")
    client.force_login(applicant)
    assert client.get("/portal/team/")["Location"] == "/join/status/"


def test_an_invited_person_creates_an_account_and_joins(client, team):
    invitation = invitation_for(team)
    link = f"/invite/{invitation.token}/"
    page = client.get(link)
    assert page.status_code == 200 and page.context["form"].initial["email"] == "new.hand@example.com"
    response = client.post(link, {"email": "New.Hand@example.com", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    user = User.objects.get(email="new.hand@example.com")
    assert SupplierMember.objects.get(user=user).supplier == team["supplier"]
    assert client.session["_auth_user_id"] == str(user.pk)
    again = client.get(link)
    assert again.status_code == 410


def test_the_account_must_use_the_invited_address(client, team):
    invitation = invitation_for(team)
    link = f"/invite/{invitation.token}/"
    response = client.post(link, {"email": "someone@example.com", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 403
    assert "email" in response.context["form"].errors
    assert not User.objects.filter(email="someone@example.com").exists()
    other = UserFactory(email="someone@example.com")
    client.force_login(other)
    assert client.get(link).context["email_matches"] is False
    assert client.post(link).status_code == 403
    assert not SupplierMember.objects.filter(user=other).exists()


def test_a_logged_in_user_with_the_invited_address_joins(client, team):
    user = UserFactory(email="new.hand@example.com")
    invitation = invitation_for(team)
    client.force_login(user)
    assert client.post(f"/invite/{invitation.token}/").status_code == 302
    assert SupplierMember.objects.get(user=user).role == "member"


def test_expired_and_unknown_links(client, team):
    invitation = invitation_for(team)
    SupplierInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    expired = client.get(f"/invite/{invitation.token}/")
    assert expired.status_code == 410 and expired.context["problem"]
    posted = client.post(f"/invite/{invitation.token}/", {"email": "new.hand@example.com",
                                                        "password1": PASSWORD, "password2": PASSWORD})
    assert posted.status_code == 410
    assert not User.objects.filter(email="new.hand@example.com").exists()
    assert client.get("/invite/not-a-real-token/").status_code == 404
    assert client.get(f"/invite/{'x' * 200}/").status_code == 404
