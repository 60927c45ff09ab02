"""E-mails to buyers: the member invitation link."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from shop.accounts.models import BuyerInvitation
from shop.accounts.services_invitations import invitation_url
from shop.common.effects import effect_once


def invitation_email_send(*, invitation_id: int) -> bool:
    invitation = (
        BuyerInvitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True).first()
    )
    if invitation is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "url": invitation_url("frontend:account_invitation", invitation),
        }
        subject = render_to_string("frontend/account/email/invitation_subject.txt", context).strip()
        body = render_to_string("frontend/account/email/invitation.txt", context)
    with effect_once(f"buyer-invitation:{invitation.pk}") as first:  # a duplicate delivery sends nothing
        if not first:
            return False
        send_mail(subject, body, None, [invitation.email])
    return True
