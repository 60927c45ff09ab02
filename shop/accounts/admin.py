"""Staff screens for users and buyer organizations."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shop.accounts.models import (
    BuyerInvitation,
    BuyerOrganization,
    DeliveryAddress,
    MemberRole,
    Membership,
    User,
)
from shop.accounts.services import organization_suspend, organization_verify
from shop.common.adminactions import apply_per_row
from shop.regions.models import RegionLevel

admin.site.site_header = _("Consumption assistance platform")
admin.site.site_title = _("Platform administration")
admin.site.index_title = _("Platform operations")


class ShopUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "phone", "display_name")


class ShopUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = ShopUserChangeForm
    add_form = ShopUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "email", "phone", "first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username", "email", "phone", "display_name",
                    "usable_password", "password1", "password2",
                ),
            },
        ),
    )
    list_display = ("username", "email", "phone", "display_name", "is_staff", "is_active")
    search_fields = ("username", "email", "phone", "display_name", "first_name", "last_name")
    ordering = ("username",)


class MembershipFormSet(BaseInlineFormSet):
    """An organization that has an administrator keeps one, whoever edits it (the same
    rule as /account/members/)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        had_admin = self.instance.pk and self.instance.memberships.filter(role=MemberRole.ADMIN).exists()
        if had_admin and not any(data.get("role") == MemberRole.ADMIN for data in kept):
            raise ValidationError(
                _("The organization needs at least one administrator: make someone else an administrator first.")
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Membership]:
        return super().get_queryset(request).select_related("user")


class BuyerInvitationInline(admin.TabularInline):
    """Invitations are sent by the organization's administrators (/account/members/); staff
    see them here and may delete one (its link stops working)."""

    model = BuyerInvitation
    extra = 0
    fields = ("email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by")
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[BuyerInvitation]:
        return super().get_queryset(request).select_related("invited_by", "accepted_by")


class DeliveryAddressInline(admin.TabularInline):
    model = DeliveryAddress
    extra = 0
    fields = ("label", "recipient", "phone", "address", "is_default")


@admin.register(BuyerOrganization)
class BuyerOrganizationAdmin(admin.ModelAdmin):
    list_display = (
        "name", "org_type", "parent", "status", "annual_pledge", "is_pairing_entity", "is_group",
    )
    list_filter = (
        "org_type", "status", "is_pairing_entity", "is_group",
        ("parent", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("parent",)
    search_fields = ("name", "slug", "invoice_title", "tax_number")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent", "region", "paired_villages")
    inlines = (MembershipInline, DeliveryAddressInline, BuyerInvitationInline)
    readonly_fields = ("created_at", "updated_at")
    actions = ("verify", "suspend")
    fieldsets = (
        (None, {"fields": ("name", "slug", "org_type", "status", "parent", "is_group", "region")}),
        (
            _("Pairing and pledge"),
            {"fields": ("is_pairing_entity", "paired_villages", "annual_pledge", "approval_threshold")},
        ),
        (_("Invoice and contact"), {"fields": (
            "invoice_title", "tax_number", "contact_phone", "invoice_type", "invoice_address_phone",
            "invoice_bank_account", "invoice_email",
        )}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: BuyerOrganization | None = None) -> tuple[str, ...]:
        """The status of an existing organization changes only through the verify and
        suspend actions (they check the transition and write the audit trail)."""
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "status") if obj is not None else fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "paired_villages":
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(level=RegionLevel.VILLAGE)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(
                level__in=(RegionLevel.STREET, RegionLevel.COMMUNITY)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Verify the selected organizations"))
    def verify(self, request: HttpRequest, queryset: models.QuerySet[BuyerOrganization]) -> None:
        apply_per_row(
            self, request, queryset,
            action=lambda org: organization_verify(organization=org, actor=request.user),
            done_message=lambda n: ngettext(
                "%(count)d organization verified.", "%(count)d organizations verified.", n
            ) % {"count": n},
            log_message=str(_("Verified")),
        )

    @admin.action(description=_("Suspend the selected organizations"))
    def suspend(self, request: HttpRequest, queryset: models.QuerySet[BuyerOrganization]) -> None:
        apply_per_row(
            self, request, queryset,
            action=lambda org: organization_suspend(organization=org, actor=request.user),
            done_message=lambda n: ngettext(
                "%(count)d organization suspended.", "%(count)d organizations suspended.", n
            ) % {"count": n},
            log_message=str(_("Suspended")),
        )

from shop.accounts import admin_login as _admin_login  # noqa: E402,F401  (registers the lockouts screen)
