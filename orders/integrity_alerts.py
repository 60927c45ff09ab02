"""The nightly integrity check of the ledger and the alert to staff.

``ledger_integrity_check`` runs ``tally_reconcile`` (ledger against paid orders, refunds and
approved offline records, and the aggregates against the ledger) and ``ledger_verify`` (the
hash chain). On any difference it e-mails every active staff member with an address one
summary listing the differences (the first ``MAX_LISTED``).

Once per day and set of differences: before sending, a key made of the date and a hash of
the differences is claimed in the database (``shop.common.effects.effect_once``, the shop's
one de-duplication of e-mails; unlike a cache key it survives a cache flush), so a second
run the same day with the same differences (a retried task, a manual rerun) does not mail
again, while a new difference, or the next day, does. If sending fails the claim is given
back so the retry sends.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.integrity import ledger_verify, tally_reconcile
from shop.accounts.models import User
from shop.common.effects import effect_once

logger = logging.getLogger(__name__)
MAX_LISTED = 50
ALERT_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class IntegrityReport:
    differences: list[str]
    recipients: list[str]
    mailed: bool


def _staff_addresses() -> list[str]:
    return list(
        User.objects.filter(is_active=True, is_staff=True).exclude(email="")
        .order_by("pk").values_list("email", flat=True).distinct()
    )


def _sent_key(day: date, differences: list[str]) -> str:
    digest = hashlib.sha256("\n".join(differences).encode()).hexdigest()[:32]
    return f"ledger-integrity-alert:{day.isoformat()}:{digest}"


def _message(day: date, reconcile: list[str], chain: list[str]) -> tuple[str, str]:
    differences = [*reconcile, *chain]
    with translation.override(ALERT_LANGUAGE):
        subject = _("Ledger check %(date)s: %(count)s differences") % {
            "date": day.isoformat(), "count": len(differences),
        }
        lines = [
            _("The nightly check of the procurement ledger found %(count)s differences "
              "(reconciliation with orders, refunds and offline records: %(reconcile)s; "
              "hash chain: %(chain)s).") % {
                "count": len(differences), "reconcile": len(reconcile), "chain": len(chain),
            },
            "",
        ]
        lines += [f"{n}. {text}" for n, text in enumerate(differences[:MAX_LISTED], start=1)]
        if len(differences) > MAX_LISTED:
            lines += ["", _("…and %(n)s more.") % {"n": len(differences) - MAX_LISTED}]
        lines += [
            "",
            _("Run “manage.py tally_reconcile” and “manage.py ledger_verify” for the full list. "
              "Until it is explained, treat the published tally with caution."),
        ]
    return subject, "\n".join(lines)


def ledger_integrity_check(*, today: date | None = None) -> IntegrityReport:
    """Check the ledger and alert staff on any difference (at most once per day and set of
    differences). Returns what was found and whether a mail was sent by this call."""
    reconcile = tally_reconcile()
    chain = ledger_verify()
    differences = [*reconcile, *chain]
    if not differences:
        logger.info("ledger integrity check: no differences")
        return IntegrityReport(differences=[], recipients=[], mailed=False)
    logger.error("ledger integrity check: %s differences: %s", len(differences), differences[:MAX_LISTED])
    day = today or timezone.localdate()
    recipients = _staff_addresses()
    if not recipients:
        logger.error("ledger integrity check: no active staff member has an e-mail address")
        return IntegrityReport(differences=differences, recipients=[], mailed=False)
    with effect_once(_sent_key(day, differences)) as first:
        if not first:
            return IntegrityReport(differences=differences, recipients=recipients, mailed=False)
        subject, body = _message(day, reconcile, chain)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return IntegrityReport(differences=differences, recipients=recipients, mailed=True)
