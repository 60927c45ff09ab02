"""/account/organization/: invoice details and delivery addresses. Administrators edit;
the other members see them read-only. Another organization's address is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontend.account.access import apply_errors, forbid_unless, member_view
from frontend.account.views import context_for
from frontend.once import once_claim, once_token
from shop.accounts.forms import AddressForm, InvoiceForm
from shop.accounts.models import DeliveryAddress, MemberRole
from shop.accounts.services import (
    address_delete,
    address_save,
    address_set_default,
    organization_invoice_update,
)


def _is_admin(request: HttpRequest) -> bool:
    return request.membership.role == MemberRole.ADMIN  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@member_view()
def organization(request: HttpRequest) -> HttpResponse:
    org = request.membership.organization  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        forbid_unless(_is_admin(request))
        form = InvoiceForm(request.POST)
        if form.is_valid():
            try:
                organization_invoice_update(organization=org, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The invoice details are saved."))
                return redirect("frontend:account_organization")
        status = 400
    else:
        form = InvoiceForm.for_organization(org)
    addresses = list(DeliveryAddress.objects.filter(organization=org).order_by("-is_default", "label", "pk"))
    return render(request, "frontend/account/organization.html", context_for(
        request, form=form, addresses=addresses, is_admin=_is_admin(request),
    ), status=status)


def _address(request: HttpRequest, pk: int) -> DeliveryAddress:
    found = DeliveryAddress.objects.filter(pk=pk, organization=request.membership.organization).first()  # type: ignore[attr-defined]
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
@member_view(admin=True)
def address_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    address = _address(request, pk) if pk is not None else None
    status = 200
    if request.method == "POST":
        form = AddressForm(request.POST)
        if form.is_valid():
            if address is None and not once_claim(request):
                messages.info(request, _("This form was already sent; the address was added once."))
                return redirect("frontend:account_organization")
            try:
                address_save(
                    organization=request.membership.organization, actor=request.user,  # type: ignore[attr-defined]
                    data=form.address_data(), is_default=form.cleaned_data["is_default"], address=address,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The delivery address is saved."))
                return redirect("frontend:account_organization")
        status = 400
    elif address is not None:
        form = AddressForm(initial={
            "label": address.label, "recipient": address.recipient, "phone": address.phone,
            "address": address.address, "is_default": address.is_default,
        })
    else:
        form = AddressForm()
    return render(request, "frontend/account/address_form.html", context_for(
        request, form=form, address=address, once=once_token(),
    ), status=status)


@require_POST
@member_view(admin=True)
def address_remove(request: HttpRequest, pk: int) -> HttpResponse:
    address = _address(request, pk)
    address_delete(address=address, actor=request.user)
    messages.success(request, _("The delivery address “%(label)s” is deleted.") % {"label": address.label})
    return redirect("frontend:account_organization")


@require_POST
@member_view(admin=True)
def address_default(request: HttpRequest, pk: int) -> HttpResponse:
    address = _address(request, pk)
    address_set_default(address=address, actor=request.user)
    messages.success(request, _("“%(label)s” is now the default delivery address.") % {"label": address.label})
    return redirect("frontend:account_organization")
