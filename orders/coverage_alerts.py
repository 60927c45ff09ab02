"""The daily staff e-mail while no active campaign covers today.

Payments are recorded whether or not a campaign covers them, but a payment that no campaign
covers moves no tally. While no active campaign's dates include today, every active staff
member with an address gets one e-mail a day saying so, with the amount recorded outside
every campaign and what to do (create or extend a campaign, then take the payments over).

Once a day per recipient, in the database: the e-mail is claimed with
``shop.common.effects.effect_once`` under ``ledger-alert:<kind>:<day>:<recipient>`` before
it is sent (a rerun, a retried task or a second beat finds the claim and sends nothing, and a
cache flush changes nothing); if sending fails the claim is given back so the next run sends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.selectors.uncovered import campaign_covering, uncovered_summary
from shop.accounts.models import User
from shop.common.effects import effect_once
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


def alert_key(day: date, recipient: str) -> str:
    """The once-a-day claim of this alert to ``recipient`` (``shop.common.effects``)."""
    return f"ledger-alert:{KIND}:{day.isoformat()}:{recipient}"


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
        with effect_once(alert_key(day, recipient)) as first:
            if not first:
                continue
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        sent.append(recipient)
    return CoverageReport(covered=False, sent_to=sent)
