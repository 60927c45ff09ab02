"""E-mails about a supplier's application, status and team.

A service that changes something calls ``notify_after_commit`` with the id of the audit row
it wrote; once the transaction commits, the ``notify_supplier`` task calls
``supplier_notify``, which sends each message at most once: the message is claimed in the
database (``shop.common.effects.effect_once``, key ``notification_key``: supplier, event,
audit row and recipient) before it is sent, so a retried or duplicated task finds the claim
and skips the message, and a failed send gives the claim back so that a retry sends it.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from shop.accounts.services_invitations import invitation_url
from shop.common.effects import effect_once
from shop.common.links import absolute_url
from shop.common.models import AuditEvent
from shop.common.outbox import enqueue_on_commit
from suppliers.models import (
    CountyCoordinator,
    Supplier,
    SupplierInvitation,
    SupplierRole,
)

logger = logging.getLogger(__name__)

# Audit action -> notification event (the name of the e-mail template).
NOTIFIED_ACTIONS: dict[str, str] = {
    "supplier.apply": "applied",
    "supplier.recommend": "recommended",
    "supplier.approve": "approved",
    "supplier.reject": "rejected",
    "supplier.suspend": "suspended",
    "supplier.reinstate": "reinstated",
    "supplier.invite": "invited",
}


@dataclass(frozen=True)
class Message:
    template: str
    recipient: str
    context: dict[str, Any]


def notify_after_commit(*, supplier_id: int, action: str, audit_event_id: int) -> None:
    """Queue the e-mails of an audited event once the transaction commits. ``robust``: a
    broker outage must not undo a committed change (the task can be run again)."""
    event = NOTIFIED_ACTIONS.get(action)
    if event is None:
        return
    # By name: suppliers.tasks imports this module.
    enqueue_on_commit("suppliers.tasks.notify_supplier", supplier_id, event, audit_event_id)



def _owner_emails(supplier: Supplier) -> list[str]:
    emails = [
        m.user.email
        for m in supplier.members.filter(role=SupplierRole.OWNER).select_related("user").order_by("id")
        if m.user.email
    ]
    if not emails and supplier.contact_email:
        emails = [supplier.contact_email]
    return emails


def _messages_for(supplier: Supplier, event: str, audit: AuditEvent) -> list[Message]:
    context: dict[str, Any] = {
        "supplier": supplier,
        "reason": audit.reason or supplier.status_reason,
        "status_url": absolute_url(reverse("frontend:onboarding:join_status")),
        "portal_url": absolute_url("/portal/"),
    }
    if event == "invited":
        invitation_id = (audit.changes.get("invitation") or [None, None])[1]
        invitation = SupplierInvitation.objects.filter(pk=invitation_id, supplier=supplier).first()
        if invitation is None or invitation.accepted_at or invitation.expires_at <= timezone.now():
            return []  # revoked, used or expired before the task ran
        url = invitation_url("frontend:onboarding:invitation", invitation)
        invited = {**context, "invitation": invitation, "invitation_url": url,
                   "inviter": audit.actor}
        return [Message("invited", invitation.email, invited)]
    claim_id = (audit.changes.get("claim_invitation") or [None, None])[1] if event == "applied" else None
    if claim_id is not None:
        # Applied with the address of an existing account, not logged in: that address is
        # asked to claim the application (see ``suppliers.services.applications``).
        claim = SupplierInvitation.objects.filter(pk=claim_id, supplier=supplier).first()
        url = invitation_url("frontend:onboarding:invitation", claim) if claim else ""
        messages = [Message("applied_claim", claim.email, {**context, "invitation": claim, "invitation_url": url})] if claim else []
    else:
        messages = [Message(event, email, context) for email in _owner_emails(supplier)]
    if event == "applied":
        review = {
            **context,
            "review_url": absolute_url(
                reverse("frontend:onboarding:coordinator_detail", args=[supplier.pk])
            ),
        }
        coordinators = (
            CountyCoordinator.objects.filter(county_id=supplier.county_id)
            .select_related("user").order_by("id")
        )
        messages += [
            Message("applied_coordinator", c.user.email, review)
            for c in coordinators if c.user.email and c.user.is_active
        ]
    return messages


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject (the template's first line) and body, in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"suppliers/email/{template}.txt", context)
    subject, _, body = text.strip().partition("\n")
    return " ".join(subject.split()), body.strip() + "\n"


def notification_key(supplier_id: int, event: str, audit_event_id: int, recipient: str) -> str:
    """The claim of one e-mail about one audited event to one recipient."""
    return f"supplier-mail:{supplier_id}:{event}:{audit_event_id}:{recipient}"


def supplier_notify(*, supplier_id: int, event: str, audit_event_id: int) -> int:
    """Send the e-mails of one event that were not sent yet; returns how many were sent."""
    supplier = Supplier.objects.select_related("county").filter(pk=supplier_id).first()
    audit = AuditEvent.objects.select_related("actor").filter(pk=audit_event_id).first()
    if supplier is None or audit is None:
        return 0
    sent = 0
    for message in _messages_for(supplier, event, audit):
        with effect_once(notification_key(supplier.pk, event, audit.pk, message.recipient)) as first:
            if not first:
                continue
            subject, body = _render(message.template, message.context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
        sent += 1
    return sent
