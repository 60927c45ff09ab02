"""Users, buyer organizations (采购单位) and their memberships."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.accounts.choices import InvoiceType
from shop.accounts.invoice_profile import invoice_profile_clean
from shop.common.money import MoneyField

phone_validator = RegexValidator(r"^1[3-9][0-9]{9}$", _("Enter a valid mainland mobile number."))


class User(AbstractUser):
    """A person. Email is unique and is the login name; phone is an optional second login."""

    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(
        _("mobile phone"), max_length=11, unique=True, null=True, blank=True,
        validators=[phone_validator],
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")  # type: ignore[assignment]  # stubs: str; Django takes lazy text
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.display_name or self.email or self.username


class OrganizationType(models.TextChoices):
    GOVERNMENT = "government", _("Government unit")
    COMMUNITY = "community", _("Community")
    ENTERPRISE = "enterprise", _("Enterprise")
    SOCIAL = "social", _("Social organization")


class OrganizationStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")


class BuyerOrganization(models.Model):
    """A buyer (采购单位). Streets and district departments are organizations too and
    act as ``parent`` of communities and units under them."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    org_type = models.CharField(
        _("type"), max_length=16, choices=OrganizationType.choices, db_index=True
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent (street or department)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    is_group = models.BooleanField(
        _("is a street or department"), default=False,
        help_text=_("Streets and departments group the organizations under them."),
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("location (street or community)"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="+",
    )
    paired_villages = models.ManyToManyField(
        "regions.Region", verbose_name=_("paired villages"), blank=True, related_name="paired_organizations",
    )
    is_pairing_entity = models.BooleanField(_("pairing entity (结对帮扶主体)"), default=False)
    annual_pledge = MoneyField(_("annual pledge (认购任务, CNY)"), default=0)
    approval_threshold = MoneyField(
        _("approval threshold (CNY)"), null=True, blank=True,
        help_text=_("Orders above this amount wait for an approver. Empty: no approval needed."),
    )
    invoice_title = models.CharField(_("invoice title (抬头)"), max_length=128, blank=True)
    tax_number = models.CharField(_("tax number (税号)"), max_length=20, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    # The invoice profile (开票信息): what checkout proposes. The two 专票 lines are kept as
    # the invoice prints them: "地址、电话" and "开户行及账号".
    invoice_type = models.CharField(
        _("default invoice type"), max_length=8, choices=InvoiceType.choices, default=InvoiceType.NORMAL,
    )
    invoice_address_phone = models.CharField(_("registered address and phone"), max_length=200, blank=True)
    invoice_bank_account = models.CharField(_("bank and account number"), max_length=200, blank=True)
    invoice_email = models.EmailField(_("e-mail for electronic invoices"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OrganizationStatus.choices,
        default=OrganizationStatus.PENDING, db_index=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("buyer organization")
        verbose_name_plural = _("buyer organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The invoice profile's rules, field by field (the admin shows them on the fields)."""
        cleaned = invoice_profile_clean(
            invoice_type=self.invoice_type, invoice_title=self.invoice_title, tax_number=self.tax_number,
            invoice_address_phone=self.invoice_address_phone, invoice_bank_account=self.invoice_bank_account,
            invoice_email=self.invoice_email, require_title=False,
        )
        for name, value in cleaned.items():
            setattr(self, name, value)


class MemberRole(models.TextChoices):
    PURCHASER = "purchaser", _("Purchaser (经办人)")
    APPROVER = "approver", _("Approver (负责人)")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        BuyerOrganization, verbose_name=_("organization"), on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique_user_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"


class DeliveryAddress(models.Model):
    organization = models.ForeignKey(
        BuyerOrganization, verbose_name=_("organization"), on_delete=models.CASCADE,
        related_name="addresses",
    )
    label = models.CharField(_("label (e.g. canteen)"), max_length=64)
    recipient = models.CharField(_("recipient"), max_length=64)
    phone = models.CharField(_("phone"), max_length=20)
    address = models.CharField(_("address"), max_length=255)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")

    def __str__(self) -> str:
        return f"{self.label}: {self.address}"




class Invitation(models.Model):
    """An invitation by e-mail to join a group (a buyer organization, a supplier's team): the
    token in the link is single-use and expires (``shop.accounts.services_invitations``)."""

    email = models.EmailField(_("email"))
    token = models.CharField(_("token"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class BuyerInvitation(Invitation):
    """An organization's administrator invites a person by e-mail with a role; the token in
    the link is single-use and expires (``settings.BUYER_INVITATION_DAYS``, default 7)."""

    organization = models.ForeignKey(
        BuyerOrganization, verbose_name=_("organization"), on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)

    class Meta(Invitation.Meta):
        verbose_name = _("member invitation")
        verbose_name_plural = _("member invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"


class LockoutScope(models.TextChoices):
    ACCOUNT = "account", _("Account (login name)")
    ADDRESS = "address", _("Client address")
    RESET_MAIL = "reset-mail", _("Password-reset e-mails to one address")


class LoginLockout(models.Model):
    """A login throttle limit that was exceeded (``shop.accounts.throttle``). The counters
    live in the cache; this row shows staff who is locked out until when, and deleting it
    (unlock) clears the counter."""

    key = models.CharField(_("throttle key"), max_length=80, unique=True)
    scope = models.CharField(_("scope"), max_length=16, choices=LockoutScope.choices)
    value = models.CharField(_("login name or address"), max_length=254)
    locked_at = models.DateTimeField(_("locked at"))
    locked_until = models.DateTimeField(_("locked until"))

    class Meta:
        verbose_name = _("login lockout")
        verbose_name_plural = _("login lockouts")
        ordering = ["-locked_at"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.value}"
