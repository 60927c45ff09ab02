"""Effect-once on the worker side: a member invitation delivered twice (a lost acknowledgement,
a redelivery after a worker died) e-mails the invitee once; a failed send gives the claim back
so that the retry sends it."""

import pytest
from celery.exceptions import Retry
from django.core import mail

from shop.accounts.models import MemberRole
from shop.accounts.services_members import member_invite
from shop.accounts.tasks import invitation_send
from shop.common.effects import effect_once
from shop.common.models import EffectClaim
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def admin_membership(regions):
    return MembershipFactory(role=MemberRole.ADMIN)


def test_an_invitation_delivered_twice_is_emailed_once(admin_membership, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = member_invite(organization=admin_membership.organization, email="new.hand@example.com",
                                   role=MemberRole.PURCHASER, actor=admin_membership.user)
    assert [m.to for m in mail.outbox] == [["new.hand@example.com"]]
    assert invitation_send.apply(args=(invitation.pk,)).get() is False  # the duplicate
    assert len(mail.outbox) == 1


def test_a_failed_invitation_email_is_sent_by_the_retry(admin_membership, settings):
    invitation = member_invite(organization=admin_membership.organization, email="new.hand@example.com",
                               role=MemberRole.PURCHASER, actor=admin_membership.user)  # not committed: not sent
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(Retry):  # the task's autoretry: the mail server is down
        invitation_send.apply(args=(invitation.pk,), throw=True).get()
    assert not EffectClaim.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert invitation_send.apply(args=(invitation.pk,)).get() is True
    assert invitation_send.apply(args=(invitation.pk,)).get() is False
    assert [m.to for m in mail.outbox] == [["new.hand@example.com"]]


def test_claims_are_kept_a_month_then_pruned_with_the_outbox(db, settings):
    from datetime import timedelta

    from django.utils import timezone

    from shop.common.outbox import outbox_prune

    settings.EFFECT_CLAIM_KEEP_DAYS = 30
    with effect_once("mail:old") as first:
        assert first
    with effect_once("mail:recent") as first:
        assert first
    EffectClaim.objects.filter(key="mail:old").update(created_at=timezone.now() - timedelta(days=31))
    EffectClaim.objects.filter(key="mail:recent").update(created_at=timezone.now() - timedelta(days=29))
    assert outbox_prune() == 1
    assert list(EffectClaim.objects.values_list("key", flat=True)) == ["mail:recent"]
    with effect_once("mail:recent") as first:  # still claimed: a redelivered task sends nothing
        assert not first
