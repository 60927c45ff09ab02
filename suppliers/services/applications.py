"""A supplier applies to join (供应商入驻申请): ``supplier_apply``.

Everything is checked before anything is written; the writes (account, supplier, owner
membership, certifications and their documents) happen in one transaction, and the files
saved in it are deleted again if it fails, so a refused or failed application leaves
nothing behind. Documents are stored under random names: they are served only through a
view that checks who asks (see ``frontend.onboarding.documents``).
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.hashers import make_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shop.accounts.selectors import username_for_email
from shop.accounts.services_invitations import invitation_create
from shop.common.audit import audit_record
from shop.common.documents import NormalizedDocument, normalize_document
from shop.common.storage import private_storage
from shop.regions.models import Region, RegionLevel
from suppliers.errors import SupplierErrorCode as Code
from suppliers.models import (
    Certification,
    Supplier,
    SupplierInvitation,
    SupplierMember,
    SupplierRole,
    SupplierStatus,
)
from suppliers.notifications import notify_after_commit

MAX_CERTIFICATIONS = 5
_KNOWN_CODES = {c.value for c in Code}
# Django's own validation codes -> ours (the GraphQL error enum knows only ours).
_CODE_MAP = {"required": Code.REQUIRED, "blank": Code.REQUIRED, "null": Code.REQUIRED,
             "credit_code_length": Code.INVALID_CREDIT_CODE,
             "credit_code_chars": Code.INVALID_CREDIT_CODE,
             "credit_code_check": Code.INVALID_CREDIT_CODE, "unique": Code.DUPLICATE}


@dataclass(frozen=True)
class SupplierApplicationData:
    """What the entity declares about itself; region codes are national statistical codes."""

    legal_name: str
    credit_code: str
    supplier_type: str
    county_code: str
    township_code: str
    contact_name: str
    contact_phone: str
    linkage_mechanism: str
    bank_name: str
    bank_account_name: str
    bank_account_number: str
    short_name: str = ""
    village_code: str = ""
    address: str = ""
    description: str = ""
    contact_email: str = ""
    linkage_description: str = ""
    poor_households: int = 0


@dataclass(frozen=True)
class CertificationData:
    kind: str
    number: str
    title: str = ""
    issuer: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    document: "File[Any] | None" = field(default=None, compare=False)


class _Errors:
    """Collects field errors so the applicant sees every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, name: str, message: str, code: str) -> None:
        self.errors.setdefault(name, []).append(ValidationError(message, code=code))

    def add_exc(self, exc: ValidationError, prefix: str = "") -> None:
        """Merge a model's ``full_clean`` errors under our codes."""
        items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.error_list)]
        for name, errors in items:
            key = f"{prefix}{name}" if name != NON_FIELD_ERRORS or not prefix else prefix.rstrip(".")
            for error in errors:
                code = _CODE_MAP.get(error.code or "", error.code)
                code = code if code in _KNOWN_CODES else Code.INVALID.value
                text = error.message % error.params if error.params else error.message
                self.errors.setdefault(key, []).append(ValidationError(str(text), code=str(code)))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _clean_regions(data: SupplierApplicationData, errors: _Errors) -> tuple[Region | None, ...]:
    wanted = [c for c in (data.county_code, data.township_code, data.village_code) if c]
    regions = Region.objects.in_bulk(wanted)
    county = regions.get(data.county_code)
    if county is None or county.level != RegionLevel.COUNTY or not county.program:
        errors.add("county", _("Choose one of the three supply counties."), Code.INVALID_REGION)
        return None, None, None
    township = regions.get(data.township_code)
    if township is None or township.level != RegionLevel.TOWNSHIP or township.parent_id != county.pk:
        errors.add("township", _("Choose a township of %(county)s.") % {"county": county.name},
                   Code.INVALID_REGION)
        return county, None, None
    village = None
    if data.village_code:
        village = regions.get(data.village_code)
        if village is None or village.level != RegionLevel.VILLAGE or village.parent_id != township.pk:
            errors.add("village", _("Choose a village of %(township)s.") % {"township": township.name},
                       Code.INVALID_REGION)
    return county, township, village


def _clean_applicant(
    *, user: Any, email: str, password: str, errors: _Errors
) -> str:
    """The e-mail of the applicant who is not logged in (empty when a logged-in user
    applies). Whether an account already has it is not said: see ``supplier_apply``."""
    User = get_user_model()
    if user is not None and getattr(user, "is_authenticated", False):
        if SupplierMember.objects.filter(user=user).exists():
            errors.add(NON_FIELD_ERRORS, _("Your account already belongs to a supplier."),
                       Code.ALREADY_MEMBER)
        return ""
    email = BaseUserManager.normalize_email((email or "").strip())
    if not email:
        errors.add("applicant_email", _("Enter your e-mail address."), Code.REQUIRED)
        return ""
    try:
        validate_email(email)
    except ValidationError:
        errors.add("applicant_email", _("Enter a valid e-mail address."), Code.INVALID)
        return ""
    try:
        password_validation.validate_password(password or "", user=User(email=email, username=email))
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", message, Code.INVALID_PASSWORD)
    return email


def _normalize(upload: "File[Any] | None", name: str, errors: _Errors) -> NormalizedDocument | None:
    if upload is None:
        return None
    try:
        return normalize_document(upload)
    except ValidationError as exc:
        errors.add(name, exc.messages[0], Code.INVALID_DOCUMENT)
        return None


def _clean_certifications(
    certifications: Sequence[CertificationData], errors: _Errors
) -> list[tuple[Certification, NormalizedDocument | None]]:
    if len(certifications) > MAX_CERTIFICATIONS:
        errors.add("certifications", _("Add at most %(count)d certifications.")
                   % {"count": MAX_CERTIFICATIONS}, Code.TOO_MANY_CERTIFICATIONS)
        return []
    cleaned, seen = [], set()
    for index, data in enumerate(certifications):
        prefix = f"certifications.{index}."
        cert = Certification(
            kind=data.kind, number=(data.number or "").strip(), title=(data.title or "").strip(),
            issuer=(data.issuer or "").strip(), valid_from=data.valid_from, valid_until=data.valid_until,
        )
        try:
            cert.full_clean(exclude=["supplier", "document"], validate_constraints=False)
        except ValidationError as exc:
            errors.add_exc(exc, prefix)
        if cert.valid_from and cert.valid_until and cert.valid_until < cert.valid_from:
            errors.add(f"{prefix}valid_until", _("The end of validity is before its start."), Code.INVALID)
        if (cert.kind, cert.number) in seen:
            errors.add(f"{prefix}number", _("This certificate is listed twice."), Code.DUPLICATE)
        seen.add((cert.kind, cert.number))
        cleaned.append((cert, _normalize(data.document, f"{prefix}document", errors)))
    return cleaned


def _duplicate_error() -> ValidationError:
    return ValidationError({"credit_code": ValidationError(
        _("An application with this unified social credit code has already been submitted."),
        code=Code.DUPLICATE.value,
    )})


def _new_slug(county: Region) -> str:
    while True:
        slug = f"{county.slug or county.code}-{secrets.token_hex(3)}"
        if not Supplier.objects.filter(slug=slug).exists():
            return slug


def _save_file(instance: Any, field_name: str, document: NormalizedDocument, saved: list[str]) -> None:
    getattr(instance, field_name).save(
        f"{secrets.token_urlsafe(24)}{document.extension}", document.content, save=False
    )
    saved.append(getattr(instance, field_name).name)


def supplier_apply(
    *,
    data: SupplierApplicationData,
    license_document: "File[Any] | None" = None,
    certifications: Sequence[CertificationData] = (),
    applicant_email: str = "",
    password: str = "",
    user: Any = None,
    actor: Any = None,
) -> Supplier:
    """Create an application (status ``applied``) with its owner and certifications.

    ``user``: the logged-in applicant; otherwise an account is created from
    ``applicant_email`` and ``password``. Raises ``ValidationError`` keyed by field
    (``certifications.<i>.<field>`` for a certification) with ``SupplierErrorCode`` codes;
    a credit code that was already used raises ``duplicate`` on ``credit_code``.
    """
    errors = _Errors()
    county, township, village = _clean_regions(data, errors)
    new_email = _clean_applicant(user=user, email=applicant_email, password=password, errors=errors)
    supplier = _application_supplier(
        data, county=county, township=township, village=village,
        contact_email=(data.contact_email or new_email or getattr(user, "email", "") or "").strip(),
    )
    _check_application_supplier(supplier, errors)
    cleaned_certs = _clean_certifications(certifications, errors)
    if license_document is None:
        errors.add("license_document", _("Upload the business licence."), Code.REQUIRED)
    licence = _normalize(license_document, "license_document", errors)
    errors.raise_if_any()
    assert county is not None and licence is not None

    saved: list[str] = []
    try:
        with transaction.atomic():
            _store_application(
                supplier=supplier, county=county, licence=licence, certifications=cleaned_certs,
                new_email=new_email, password=password, user=user, actor=actor, saved=saved,
            )
    except BaseException as exc:
        for name in saved:
            private_storage().delete(name)
        if isinstance(exc, IntegrityError):
            if Supplier.objects.filter(credit_code=supplier.credit_code).exists():
                raise _duplicate_error() from None
        raise
    return supplier


def _application_supplier(
    data: SupplierApplicationData, *, county: Region | None, township: Region | None,
    village: Region | None, contact_email: str,
) -> Supplier:
    """The unsaved supplier of an application, its text fields stripped."""
    return Supplier(
        legal_name=data.legal_name.strip(), short_name=data.short_name.strip(),
        credit_code=(data.credit_code or "").strip().upper(),
        supplier_type=data.supplier_type, county=county, township=township, village=village,
        address=data.address.strip(), description=data.description.strip(),
        contact_name=data.contact_name.strip(), contact_phone=data.contact_phone.strip(),
        contact_email=contact_email,
        bank_name=data.bank_name.strip(), bank_account_name=data.bank_account_name.strip(),
        bank_account_number=data.bank_account_number.replace(" ", "").strip(),
        linkage_mechanism=data.linkage_mechanism, linkage_description=data.linkage_description.strip(),
        poor_households=data.poor_households, status=SupplierStatus.APPLIED,
        slug="pending",
    )


def _check_application_supplier(supplier: Supplier, errors: _Errors) -> None:
    """The model's own checks, the bank details (required here) and a credit code that was
    already used, collected into ``errors``."""
    exclude = ["license_document", "slug", "county", "township", "village"]
    try:
        supplier.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        errors.add_exc(exc)
    for name in ("bank_name", "bank_account_name", "bank_account_number"):
        if not getattr(supplier, name) and name not in errors.errors:
            errors.add(name, _("This field is required."), Code.REQUIRED)
    if "credit_code" not in errors.errors and Supplier.objects.filter(credit_code=supplier.credit_code).exists():
        errors.errors.setdefault("credit_code", []).extend(_duplicate_error().error_dict["credit_code"])


def _store_application(
    *, supplier: Supplier, county: Region, licence: NormalizedDocument,
    certifications: list[tuple[Certification, NormalizedDocument | None]], new_email: str,
    password: str, user: Any, actor: Any, saved: list[str],
) -> None:
    """Save a validated application in the caller's transaction; the names of the files
    written go to ``saved`` so that the caller can remove them if the transaction fails."""
    supplier.slug = _new_slug(county)
    supplier.save()  # first: a concurrent duplicate fails here, before the account
    claim = None
    if new_email:
        user, claim = _new_account_or_claim(supplier=supplier, email=new_email, password=password)
    actor = actor if getattr(actor, "is_authenticated", False) else user
    _save_file(supplier, "license_document", licence, saved)
    supplier.save(update_fields=["license_document"])
    if claim is None:
        SupplierMember.objects.create(supplier=supplier, user=user, role=SupplierRole.OWNER)
    for cert, document in certifications:
        cert.supplier = supplier
        if document is not None:
            _save_file(cert, "document", document, saved)
        cert.save()
    changes: dict[str, Any] = {"status": [None, SupplierStatus.APPLIED.value]}
    if claim is not None:
        changes["claim_invitation"] = [None, claim.pk]
    event = audit_record(actor=actor, instance=supplier, action="supplier.apply", changes=changes)
    notify_after_commit(supplier_id=supplier.pk, action="supplier.apply", audit_event_id=event.pk)


def _new_account_or_claim(
    *, supplier: Supplier, email: str, password: str
) -> tuple[Any, SupplierInvitation | None]:
    """The account of an applicant who is not logged in: a new one (None is returned), or,
    when the address already has an account, nothing the caller could tell apart: the
    application is kept without an owner and the address is e-mailed a link (an owner
    invitation) that its account's holder, once logged in, uses to claim it. Whoever typed
    someone else's address gains nothing, and learns nothing either: the answer, the e-mails
    sent and the work done (a password hash) are the same. A concurrent registration of the
    same address lands here too (the insert is tried in a savepoint)."""
    User = get_user_model()
    if not User._default_manager.filter(email__iexact=email).exists():
        try:
            with transaction.atomic():
                return User._default_manager.create_user(
                    username=username_for_email(email), email=email, password=password
                ), None
        except IntegrityError:
            pass
    make_password(password)  # the same hashing work as a new account's
    return None, invitation_create(
        SupplierInvitation, email=email, days=settings.SUPPLIER_INVITATION_DAYS, actor=None, supplier=supplier,
    )
