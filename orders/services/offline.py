"""Offline purchase records, maker–checker.

One staff member records a purchase made outside the shop with its evidence; a second
staff member approves it, and only then does it append one ledger entry. The maker can
never approve their own record; a rejected record never counts; approving twice counts
once (the record row is locked and the entry is one-to-one with the record).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import (
    EntryKind,
    FundingChannel,
    LedgerEntry,
    OfflineEvidence,
    OfflineRecord,
    OfflineRecordStatus,
)
from orders.services.ledger import campaign_for, ledger_append
from shop.accounts.models import BuyerOrganization, User
from shop.common.documents import normalize_document
from shop.common.money import yuan_to_fen
from shop.regions.models import Region
from suppliers.models import Supplier

E = OrderErrorCode
MAX_OFFLINE_FEN = 10**13  # ¥100 billion: far above any real purchase, far below 2^63


def _staff(actor: User) -> None:
    if not getattr(actor, "is_staff", False):
        raise ValidationError(_("Only platform staff can do this."), code=E.PERMISSION_DENIED.value)


def _amount_fen(raw: object, errors: dict[str, Any]) -> int | None:
    """Yuan with at most two decimals (Decimal, int or text); never a float."""
    amount = None
    if not isinstance(raw, (float, bool)) and raw is not None:
        try:
            amount = Decimal(str(raw).strip())
        except InvalidOperation:
            amount = None
    # A finite Decimal's exponent is an int (only NaN and infinity have a letter).
    if amount is None or not amount.is_finite() or cast(int, amount.as_tuple().exponent) < -2:
        errors["amount"] = ValidationError(_("Enter an amount in yuan, e.g. 1234.50."), code=E.INVALID_AMOUNT.value)
        return None
    if amount <= 0:
        errors["amount"] = ValidationError(_("The amount must be positive."), code=E.INVALID_AMOUNT.value)
        return None
    if amount * 100 > MAX_OFFLINE_FEN:
        errors["amount"] = ValidationError(_("The amount is too large."), code=E.INVALID_AMOUNT.value)
        return None
    return yuan_to_fen(amount)


def _date(raw: object, errors: dict[str, Any]) -> date | None:
    value = raw if isinstance(raw, date) else parse_date(str(raw or "")) if _is_iso(raw) else None
    if value is None:
        errors["occurred_on"] = ValidationError(_("Enter a date like 2020-06-30."), code=E.INVALID.value)
    elif value > timezone.localdate():
        errors["occurred_on"] = ValidationError(_("The date cannot be in the future."), code=E.INVALID.value)
        return None
    return value


def _is_iso(raw: object) -> bool:
    try:
        return isinstance(raw, str) and parse_date(raw) is not None
    except ValueError:
        return False


def _pk(raw: object) -> int | None:
    try:
        pk = int(str(raw))
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**31 else None


def offline_record_create(
    *, actor: User, county_code: object, amount: object, occurred_on: object, description: str,
    organization_id: object = None, supplier_id: object = None,
    funding_channel: str = FundingChannel.OTHER, evidence: Iterable[IO[bytes]] = (),
) -> OfflineRecord:
    """Record a purchase (the maker's step). It does not count until a second staff
    member approves it."""
    _staff(actor)
    errors: dict[str, ValidationError] = {}
    county = Region.objects.filter(code=str(county_code or ""), level="county").first()
    if county is None:
        errors["county"] = ValidationError(_("Choose one of the counties."), code=E.INVALID.value)
    fen = _amount_fen(amount, errors)
    on = _date(occurred_on, errors)
    description = (description or "").strip()
    if not description:
        errors["description"] = ValidationError(_("Describe the purchase (e.g. the fair and its date)."), code=E.REQUIRED.value)
    elif len(description) > 255:
        errors["description"] = ValidationError(_("At most %(n)s characters.") % {"n": 255}, code=E.INVALID.value)
    organization = None
    if organization_id not in (None, ""):
        organization_pk = _pk(organization_id)
        organization = BuyerOrganization.objects.filter(pk=organization_pk).first() if organization_pk else None
        if organization is None:
            errors["organization"] = ValidationError(_("Unknown buyer organization."), code=E.NOT_FOUND.value)
    supplier = None
    if supplier_id not in (None, ""):
        supplier_pk = _pk(supplier_id)
        supplier = Supplier.objects.filter(pk=supplier_pk).first() if supplier_pk else None
        if supplier is None:
            errors["supplier"] = ValidationError(_("Unknown supplier."), code=E.NOT_FOUND.value)
        elif county is not None and supplier.county_id != county.code:
            errors["supplier"] = ValidationError(_("This supplier is in another county."), code=E.INVALID.value)
    if funding_channel not in FundingChannel.values:
        errors["funding_channel"] = ValidationError(_("Choose a funding channel."), code=E.INVALID_FUNDING_CHANNEL.value)
    campaign = None
    if county is not None and on is not None:
        campaign = campaign_for(county_id=county.code, on=on)
        if campaign is None:
            errors["occurred_on"] = ValidationError(
                _("No campaign covers this date for this county."), code=E.INVALID.value
            )
    documents = []
    for upload in evidence:
        try:
            documents.append((normalize_document(upload), getattr(upload, "name", "") or ""))
        except ValidationError as exc:
            errors["evidence"] = ValidationError(exc.messages[0], code=exc.code or E.INVALID.value)
            break
    if errors:
        raise ValidationError(errors)
    # Each of these missing is an error above.
    assert county is not None and fen is not None and on is not None and campaign is not None
    with transaction.atomic():
        record = OfflineRecord.objects.create(
            campaign=campaign, organization=organization, county=county, supplier=supplier,
            amount_fen=fen, occurred_on=on, funding_channel=funding_channel,
            description=description, created_by=actor,
        )
        for doc, original in documents:
            item = OfflineEvidence(record=record, original_name=original[:255])
            item.file.save(f"{secrets.token_hex(16)}{doc.extension}", doc.content, save=False)
            item.save()
    return record


@transaction.atomic
def offline_record_approve(*, actor: User, record: OfflineRecord) -> OfflineRecord:
    """The checker's step: append the ledger entry. Never by the record's maker."""
    _staff(actor)
    locked = OfflineRecord.objects.select_for_update().get(pk=record.pk)
    if locked.status == OfflineRecordStatus.APPROVED:
        return locked
    if locked.status != OfflineRecordStatus.PENDING:
        raise ValidationError(_("A rejected record cannot be approved."), code=E.INVALID_TRANSITION.value)
    if locked.created_by_id == actor.pk:
        raise ValidationError(
            _("A second staff member must approve this record; you recorded it."), code=E.PERMISSION_DENIED.value
        )
    locked.status = OfflineRecordStatus.APPROVED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    org = locked.organization
    occurred = timezone.make_aware(datetime.combine(locked.occurred_on, time(12)))
    ledger_append(entries=[LedgerEntry(
        campaign_id=locked.campaign_id, kind=EntryKind.OFFLINE, amount_fen=locked.amount_fen,
        county_id=locked.county_id, supplier_id=locked.supplier_id, organization=org,
        organization_parent_id=org.parent_id if org else None, buyer_type=org.org_type if org else "",
        funding_channel=locked.funding_channel, occurred_at=occurred, offline_record=locked,
        note=locked.description[:255],
    )])
    return locked


@transaction.atomic
def offline_record_reject(*, actor: User, record: OfflineRecord, reason: str) -> OfflineRecord:
    _staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code=E.REQUIRED.value)})
    locked = OfflineRecord.objects.select_for_update().get(pk=record.pk)
    if locked.status == OfflineRecordStatus.REJECTED:
        return locked
    if locked.status != OfflineRecordStatus.PENDING:
        raise ValidationError(_("An approved record already counts and cannot be rejected."), code=E.INVALID_TRANSITION.value)
    locked.status = OfflineRecordStatus.REJECTED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_reason = reason[:255]
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
    return locked
