"""Every link in an e-mail is absolute: SITE_URL in production (required there), the request's
own address or the development address otherwise."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.accounts.models import BuyerInvitation, MemberRole
from shop.accounts.notifications import invitation_email_send
from shop.common.models import EffectClaim
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_password_reset_link_starts_with_site_url_whatever_host_the_request_named(settings):
    settings.SITE_URL = "https://shop.example.cn"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    UserFactory(email="buyer@example.com")
    response = Client(HTTP_HOST="evil.example").post(
        reverse("frontend:account_password_reset"), {"email": "buyer@example.com"}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert re.search(r"https://shop\.example\.cn/account/\S+", message.body), message.body
    assert "evil.example" not in message.body


def test_an_invitation_mail_has_an_absolute_link_even_without_site_url_in_development(settings):
    settings.SITE_URL = ""
    invitation = BuyerInvitation.objects.create(
        organization=OrganizationFactory(), email="new@example.com", role=MemberRole.PURCHASER,
        token="tok-123", expires_at=timezone.now() + dt.timedelta(days=7),
    )
    assert invitation_email_send(invitation_id=invitation.pk)
    (message,) = mail.outbox
    assert re.search(r"http://127\.0\.0\.1:8000/\S*tok-123", message.body), message.body
    settings.SITE_URL = "https://shop.example.cn/"
    mail.outbox.clear()
    EffectClaim.objects.all().delete()  # each delivery is sent once; this is a second invitation mail
    assert invitation_email_send(invitation_id=invitation.pk)
    assert re.search(r"https://shop\.example\.cn/\S*tok-123", mail.outbox[0].body)
