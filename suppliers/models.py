"""Suppliers (供应商) in the three counties, their teams, county coordinators and certifications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import Invitation
from shop.common.storage import private_storage
from suppliers.validators import validate_credit_code


class SupplierType(models.TextChoices):
    COOPERATIVE = "cooperative", _("Farmers' cooperative (农民专业合作社)")
    ENTERPRISE = "enterprise", _("Enterprise (企业)")
    FAMILY_FARM = "family_farm", _("Family farm (家庭农场)")


class SupplierStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    RECOMMENDED = "recommended", _("Recommended by county")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class LinkageMechanism(models.TextChoices):
    """How the supplier links poor households to its business (联农带农 / 带贫)."""

    WAGE = "wage", _("Wage income (employment)")
    ASSET = "asset", _("Asset income (dividends, land rent)")
    BUSINESS = "business", _("Business income (purchase of their produce)")


class SupplierQuerySet(models.QuerySet):
    def approved(self) -> "SupplierQuerySet":
        return self.filter(status=SupplierStatus.APPROVED)


class Supplier(models.Model):
    legal_name = models.CharField(_("legal name"), max_length=128)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True,
        validators=[validate_credit_code],
    )
    supplier_type = models.CharField(_("type"), max_length=16, choices=SupplierType.choices)
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "county"},
    )
    township = models.ForeignKey(
        "regions.Region", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "township"},
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": "village"},
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_email = models.EmailField(_("contact email"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=64, blank=True)
    bank_account_name = models.CharField(_("account name"), max_length=128, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=32, blank=True)
    linkage_mechanism = models.CharField(
        _("farmer linkage (联农带农)"), max_length=16, choices=LinkageMechanism.choices
    )
    linkage_description = models.TextField(_("how poor households benefit"), blank=True)
    poor_households = models.PositiveIntegerField(
        _("registered poor households supported (建档立卡贫困户)"), default=0
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SupplierStatus.choices,
        default=SupplierStatus.APPLIED, db_index=True,
    )
    status_reason = models.CharField(_("reason for the last status change"), max_length=255, blank=True)
    license_document = models.FileField(
        _("business licence (PDF or image)"), upload_to="suppliers/licences/%Y/%m/", blank=True,
        storage=private_storage,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["legal_name"]
        indexes = [models.Index(fields=["county", "status"])]

    def __str__(self) -> str:
        return self.short_name or self.legal_name

    @property
    def display_name(self) -> str:
        return self.short_name or self.legal_name

    @property
    def is_approved(self) -> bool:
        return self.status == SupplierStatus.APPROVED


class SupplierInvitation(Invitation):
    """An owner invites a team member by e-mail; the token in the link is single-use."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="invitations"
    )

    class Meta(Invitation.Meta):
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.supplier}"


class SupplierRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class SupplierMember(models.Model):
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="supplier_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=SupplierRole.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier member")
        verbose_name_plural = _("supplier members")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "user"], name="supplier_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.supplier}"


class CountyCoordinator(models.Model):
    """A county official who recommends (or rejects) supplier applications from the county."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="county_coordinations",
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "county"},
    )

    class Meta:
        verbose_name = _("county coordinator")
        verbose_name_plural = _("county coordinators")
        constraints = [
            models.UniqueConstraint(fields=["user", "county"], name="county_coordinator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.county})"


class CertificationKind(models.TextChoices):
    GEOGRAPHICAL_INDICATION = "gi", _("Geographical indication (地理标志)")
    GREEN = "green", _("Green food (绿色食品)")
    ORGANIC = "organic", _("Organic (有机)")
    COMPLIANCE = "compliance", _("Edible produce compliance certificate (食用农产品承诺达标合格证)")
    POVERTY_PRODUCT = "poverty", _("Poverty-alleviation product (扶贫产品认定)")
    SHENZHEN_STANDARD = "szstandard", _("Shenzhen Standard (圳品)")


class Certification(models.Model):
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="certifications"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CertificationKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=128, blank=True)
    number = models.CharField(_("certificate number"), max_length=64)
    issuer = models.CharField(_("issued by"), max_length=128, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to="certifications/%Y/%m/", blank=True,
                                storage=private_storage)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "kind", "number"], name="certification_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="certification_validity_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.number}"
