"""Team invitations: the owner invites by e-mail; the link is single-use, expires and only
works for the invited address."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from shop.accounts.models import User
from shop.common.models import AuditEvent
from suppliers.models import SupplierInvitation, SupplierMember
from suppliers.services.team import (
    supplier_invitation_accept,
    supplier_invitation_revoke,
    supplier_invite,
    supplier_member_remove,
)
from tests.factories import SupplierFactory, UserFactory
from tests.suppliers.onboarding_data import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(regions):
    supplier = SupplierFactory()
    owner = UserFactory(email="owner@example.com")
    member = UserFactory(email="member@example.com")
    SupplierMember.objects.create(supplier=supplier, user=owner, role="owner")
    SupplierMember.objects.create(supplier=supplier, user=member, role="member")
    return {"supplier": supplier, "owner": owner, "member": member}


def invite(team, email="new.hand@example.com", capture=None):
    if capture is None:
        return supplier_invite(supplier=team["supplier"], email=email, actor=team["owner"])
    with capture(execute=True):
        return supplier_invite(supplier=team["supplier"], email=email, actor=team["owner"])


def test_the_owner_invites_and_the_invited_person_joins_with_a_new_account(
    team, django_capture_on_commit_callbacks
):
    invitation = invite(team, capture=django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["new.hand@example.com"]]
    assert f"/invite/{invitation.token}/" in mail.outbox[0].body
    member = supplier_invitation_accept(token=invitation.token, email="New.Hand@example.com", password=PASSWORD)
    assert member.supplier == team["supplier"] and member.role == "member"
    assert member.user.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.accepted_by == member.user
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"supplier.invite", "supplier.member_add"} <= actions


def test_a_logged_in_user_with_the_invited_address_joins(team):
    user = UserFactory(email="New.Hand@Example.com")
    invitation = invite(team)
    member = supplier_invitation_accept(token=invitation.token, user=user, actor=user)
    assert member.user == user


def test_inviting_twice_sends_one_email(team, django_capture_on_commit_callbacks):
    first = invite(team, capture=django_capture_on_commit_callbacks)
    second = invite(team, email="NEW.HAND@example.com", capture=django_capture_on_commit_callbacks)
    assert first == second and len(mail.outbox) == 1


def test_a_used_link_cannot_be_used_again(team):
    invitation = invite(team)
    supplier_invitation_accept(token=invitation.token, email="new.hand@example.com", password=PASSWORD)
    with pytest.raises(ValidationError) as exc:
        supplier_invitation_accept(token=invitation.token, email="new.hand@example.com", password=PASSWORD)
    assert exc.value.code == "invitation_used"


def test_an_expired_link_is_refused(team):
    invitation = invite(team)
    SupplierInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        supplier_invitation_accept(token=invitation.token, email="new.hand@example.com", password=PASSWORD)
    assert exc.value.code == "invitation_expired"
    assert not User.objects.filter(email="new.hand@example.com").exists()


def test_the_email_must_be_the_invited_one(team):
    invitation = invite(team)
    with pytest.raises(ValidationError) as exc:
        supplier_invitation_accept(token=invitation.token, email="someone.else@example.com", password=PASSWORD)
    assert exc.value.message_dict["email"] and exc.value.error_dict["email"][0].code == "email_mismatch"
    other = UserFactory(email="someone.else@example.com")
    with pytest.raises(ValidationError) as exc:
        supplier_invitation_accept(token=invitation.token, user=other)
    assert exc.value.code == "email_mismatch"
    assert SupplierMember.objects.filter(supplier=team["supplier"]).count() == 2


def test_an_unknown_token_is_refused(team):
    with pytest.raises(ValidationError) as exc:
        supplier_invitation_accept(token="no-such-token", email="x@example.com", password=PASSWORD)
    assert exc.value.code == "not_found"


def test_only_the_owner_invites_revokes_and_removes(team, regions):
    outsider = UserFactory()
    SupplierMember.objects.create(supplier=SupplierFactory(), user=outsider, role="owner")
    for actor in (team["member"], outsider, None):
        with pytest.raises(ValidationError) as exc:
            supplier_invite(supplier=team["supplier"], email="x@example.com", actor=actor)
        assert exc.value.code == "forbidden"
    invitation = invite(team)
    with pytest.raises(ValidationError):
        supplier_invitation_revoke(invitation=invitation, actor=team["member"])
    member = SupplierMember.objects.get(user=team["member"])
    with pytest.raises(ValidationError):
        supplier_member_remove(member=member, actor=outsider)
    assert SupplierInvitation.objects.filter(pk=invitation.pk).exists()
    assert SupplierMember.objects.filter(pk=member.pk).exists()


def test_the_owner_removes_a_member_but_not_an_owner(team):
    owner_membership = SupplierMember.objects.get(user=team["owner"])
    with pytest.raises(ValidationError):
        supplier_member_remove(member=owner_membership, actor=team["owner"])
    member = SupplierMember.objects.get(user=team["member"])
    supplier_member_remove(member=member, actor=team["owner"])
    assert not SupplierMember.objects.filter(pk=member.pk).exists()
    event = AuditEvent.objects.get(action="supplier.member_remove")
    assert event.actor == team["owner"] and event.changes == {"member": ["member@example.com", None]}


def test_a_member_of_another_supplier_cannot_join(team, regions):
    busy = UserFactory(email="new.hand@example.com")
    SupplierMember.objects.create(supplier=SupplierFactory(), user=busy, role="member")
    invitation = invite(team)
    with pytest.raises(ValidationError) as exc:
        supplier_invitation_accept(token=invitation.token, user=busy)
    assert exc.value.code == "already_member"


def test_a_revoked_invitation_no_longer_works_and_is_not_emailed(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invite(team)
    supplier_invitation_revoke(invitation=invitation, actor=team["owner"])
    for callback in callbacks:  # the task runs after the revocation
        callback()
    assert mail.outbox == []
    with pytest.raises(ValidationError) as exc:
        supplier_invitation_accept(token=invitation.token, email="new.hand@example.com", password=PASSWORD)
    assert exc.value.code == "not_found"
