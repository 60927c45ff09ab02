"""/account/members/: invitations (single-use, expiring), roles, last-admin protection, and
another organization's administrator gets 404s."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from shop.accounts.models import BuyerInvitation, MemberRole, Membership
from tests.frontend import account_world
from tests.frontend.account_world import login
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db

world = account_world.world  # the fixture

MEMBERS = "/account/members/"


def invite(client, email="new.buyer@example.com", role="approver"):
    """Post the invitation form; the e-mail task runs once the transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(MEMBERS, {"email": email, "role": role})


def link_from_mail() -> str:
    return re.search(r"/account/invite/[^/\s]+/", mail.outbox[-1].body).group(0)


def test_an_admin_invites_and_the_person_creates_an_account_and_joins(client, world):
    login(client, world.admin_a)
    assert invite(client).status_code == 302
    assert invite(client).status_code == 302  # a double click sends one e-mail
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.buyer@example.com"]
    link = link_from_mail()
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and world.org_a.name in page.content.decode()
    response = client.post(link, {
        "display_name": "新同事", "email": "new.buyer@example.com",
        "password1": "Qz7!mango-river", "password2": "Qz7!mango-river",
    })
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new.buyer@example.com")
    assert (membership.organization, membership.role) == (world.org_a, MemberRole.APPROVER)
    assert client.session["acting_organization_id"] == world.org_a.pk
    # The link is single-use.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert Membership.objects.filter(user__email="new.buyer@example.com").count() == 1


def test_an_existing_account_logs_in_and_joins(client, world):
    login(client, world.admin_a)
    invite(client, email=world.purchaser_b.email, role="purchaser")
    link = link_from_mail()
    client.logout()
    login(client, world.purchaser_b)
    assert client.post(link).status_code == 302
    assert set(Membership.objects.filter(user=world.purchaser_b).values_list("organization", flat=True)) == {
        world.org_a.pk, world.org_b.pk,
    }


def test_an_expired_or_unknown_link_is_refused(client, world):
    login(client, world.admin_a)
    invite(client)
    invitation = BuyerInvitation.objects.get()
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    client.logout()
    response = client.post(link_from_mail(), {
        "display_name": "x", "email": "new.buyer@example.com",
        "password1": "Qz7!mango-river", "password2": "Qz7!mango-river",
    })
    assert response.status_code == 410
    assert not Membership.objects.filter(user__email="new.buyer@example.com").exists()
    assert client.get("/account/invite/not-a-token/").status_code == 404


def test_the_invited_address_must_be_used(client, world):
    login(client, world.admin_a)
    invite(client)
    link = link_from_mail()
    client.logout()
    login(client, world.purchaser_b)
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(user=world.purchaser_b, organization=world.org_a).exists()


def test_roles_change_and_the_last_admin_stays(client, world):
    login(client, world.admin_a)
    purchaser = Membership.objects.get(user=world.purchaser_a)
    admin = Membership.objects.get(user=world.admin_a)
    assert client.post(f"/account/members/{purchaser.pk}/role/", {"role": "approver"}).status_code == 302
    purchaser.refresh_from_db()
    assert purchaser.role == MemberRole.APPROVER
    # The only administrator can neither demote nor remove themself.
    client.post(f"/account/members/{admin.pk}/role/", {"role": "purchaser"})
    client.post(f"/account/members/{admin.pk}/remove/")
    admin.refresh_from_db()
    assert admin.role == MemberRole.ADMIN
    page = client.get(MEMBERS).content.decode()
    assert "至少" in page or "at least one administrator" in page
    # With a second administrator, the first may step down.
    client.post(f"/account/members/{purchaser.pk}/role/", {"role": "admin"})
    assert client.post(f"/account/members/{admin.pk}/role/", {"role": "purchaser"}).status_code == 302
    admin.refresh_from_db()
    assert admin.role == MemberRole.PURCHASER
    assert client.post(f"/account/members/{purchaser.pk}/remove/").status_code == 403  # no longer admin


def test_an_admin_removes_a_member(client, world):
    login(client, world.admin_a)
    approver = Membership.objects.get(user=world.approver_a)
    assert client.post(f"/account/members/{approver.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=approver.pk).exists()


def test_a_purchaser_sees_members_but_cannot_manage(client, world):
    login(client, world.purchaser_a)
    page = client.get(MEMBERS)
    assert page.status_code == 200 and world.admin_a.email in page.content.decode()
    assert invite(client).status_code == 403
    admin = Membership.objects.get(user=world.admin_a)
    assert client.post(f"/account/members/{admin.pk}/remove/").status_code == 403
    assert not BuyerInvitation.objects.exists()


def test_another_organizations_admin_gets_404s(client, world):
    Membership.objects.filter(user=world.purchaser_b).update(role=MemberRole.ADMIN)
    login(client, world.admin_a)
    invite(client)
    invitation = BuyerInvitation.objects.get()
    client.logout()
    login(client, world.purchaser_b)
    page = client.get(MEMBERS).content.decode()
    assert world.admin_a.email not in page and "new.buyer@example.com" not in page
    approver = Membership.objects.get(user=world.approver_a)
    assert client.post(f"/account/members/{approver.pk}/role/", {"role": "admin"}).status_code == 404
    assert client.post(f"/account/members/{approver.pk}/remove/").status_code == 404
    assert client.post(f"/account/invitations/{invitation.pk}/withdraw/").status_code == 404
    approver.refresh_from_db()
    assert approver.role == MemberRole.APPROVER
    assert BuyerInvitation.objects.filter(pk=invitation.pk).exists()


def test_a_member_of_two_organizations_chooses_which_one_to_act_for(client, world):
    Membership.objects.create(user=world.purchaser_a, organization=world.org_b, role=MemberRole.PURCHASER)
    login(client, world.purchaser_a)
    from frontend.account.acting import acting_organization  # noqa: F401  (the helper buyer pages use)

    assert client.post("/account/switch/", {"organization": world.org_b.pk}).status_code == 302
    assert client.session["acting_organization_id"] == world.org_b.pk
    page = client.get("/account/organization/").content.decode()
    assert world.address_b.address in page and world.address_a.address not in page
    # An organization one is not a member of cannot be chosen.
    client.post("/account/switch/", {"organization": 999999})
    assert client.session["acting_organization_id"] == world.org_b.pk
    assert PASSWORD
