"""The daily staff e-mail while no active campaign covers today.

Payments are recorded whether or not a campaign covers them, but a payment that no campaign
covers moves no tally. While no active campaign's dates include today, every active staff
member with an address gets one e-mail a day saying so, with the amount recorded outside
every campaign and what to do (create or extend a campaign, then take the payments over).

Once a day per recipient, in the database: a ``LedgerAlert`` (kind, day, recipient) row is
inserted before sending (unique, so a rerun, a retried task or a second beat finds it and
sends nothing); if sending fails the row is deleted so the next run sends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.models import LedgerAlert
from orders.selectors.uncovered import campaign_covering, uncovered_summary
from shop.accounts.models import User
from shop.common.money import format_yuan

logger = logging.getLogger(__name__)
KIND = "no_campaign_today"
ALERT_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class CoverageReport:
    covered: bool
    sent_to: list[str]


def _staff_addresses() -> list[str]:
    return sorted({
        e.strip().lower() for e in User.objects.filter(is_active=True, is_staff=True).exclude(email="")
        .values_list("email", flat=True)
    })


def _claim(day: date, recipient: str) -> LedgerAlert | None:
    try:
        with transaction.atomic():
            return LedgerAlert.objects.create(kind=KIND, day=day, recipient=recipient[:254])
    except IntegrityError:
        return None


def _message(day: date) -> tuple[str, str]:
    uncovered = uncovered_summary()
    with translation.override(ALERT_LANGUAGE):
        subject = _("No active campaign covers %(date)s: payments count in no tally") % {"date": day.isoformat()}
        body = "\n\n".join([
            _("No active campaign's dates include today (%(date)s). Orders paid today are recorded in the ledger "
              "outside every campaign: the tally, the leaderboard, pledge completion, the big screen and the "
              "reports do not move.") % {"date": day.isoformat()},
            _("Recorded outside every campaign so far: %(amount)s in %(n)s payments.") % {
                "amount": format_yuan(uncovered.amount_fen), "n": uncovered.payments},
            _("Create or extend a campaign in the admin (Campaigns), then use its action “Take over payments "
              "outside every campaign…” to count them."),
        ])
    return subject, body + "\n"


def coverage_check(*, today: date | None = None) -> CoverageReport:
    """E-mail staff once today if no active campaign covers today."""
    day = today or timezone.localdate()
    if campaign_covering(on=day):
        return CoverageReport(covered=True, sent_to=[])
    logger.warning("no active campaign covers %s: payments are recorded outside every campaign", day)
    sent = []
    subject, body = _message(day)
    for recipient in _staff_addresses():
        claim = _claim(day, recipient)
        if claim is None:
            continue
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        except BaseException:
            claim.delete()
            raise
        sent.append(recipient)
    return CoverageReport(covered=False, sent_to=sent)
