"""Supplier portal: create and edit a listing with its specifications (variants), submit it
for review, archive and restore it.

The product form and the variant rows are saved in one transaction: if any service refuses
any part, nothing is saved and the page comes back with every message (status 400).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.forms import ProductForm, VariantForm, VariantFormSet
from catalog.models import Product, ProductStatus
from catalog.selectors_portal import portal_product
from catalog.services.listings import (
    product_archive,
    product_create,
    product_restore,
    product_submit,
    product_update,
    variant_archive,
    variant_create,
    variant_update,
)
from frontend.once import once_claim, once_token
from frontend.portal.access import apply_errors, portal_view

VARIANTS_PREFIX = "variants"


class _Refused(Exception):
    """Raised inside the transaction to undo everything when a service refused a part."""


def _own_product(request: HttpRequest, pk: int) -> Product:
    product = portal_product(supplier=request.portal.supplier, pk=pk)  # type: ignore[attr-defined]
    if product is None:
        raise Http404(_("No such product."))
    return product


def _render(request: HttpRequest, *, product: Product | None, form: ProductForm, formset: Any, status: int = 200) -> HttpResponse:
    flagged = []
    if product is not None:
        flagged = [v for v in product.active_variants if v.needs_price_review]
    return render(
        request,
        "frontend/portal/product_form.html",
        {
            "portal": request.portal,  # type: ignore[attr-defined]
            "product": product,
            "form": form,
            "formset": formset,
            "once": once_token(),
            "flagged": flagged,
            "can_submit": product is not None and product.status in (ProductStatus.DRAFT, ProductStatus.REJECTED),
        },
        status=status,
    )


def _guarded(form: Any, call: Callable[[], Any]) -> bool:
    """Run a service call; on refusal put its errors on ``form`` and return False."""
    try:
        call()
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    return True


def _save_variants(request: HttpRequest, product: Product, formset: Any) -> bool:
    variants = {v.pk: v for v in product.active_variants} if product.pk and hasattr(product, "active_variants") else {}
    ok = True
    for vform in formset.forms:
        if not vform.has_changed():
            continue
        data = vform.cleaned_data
        variant = variants.get(data.get("id")) if data.get("id") else None
        if data.get("archive"):
            if variant is not None:
                ok &= _guarded(vform, lambda v=variant: variant_archive(variant=v, actor=request.user))
        elif variant is not None:
            ok &= _guarded(vform, lambda v=variant, f=vform: variant_update(variant=v, actor=request.user, **f.service_fields()))
        else:
            ok &= _guarded(vform, lambda f=vform: variant_create(product=product, actor=request.user, **f.service_fields()))
    return ok


def _check_variant_ids(product: Product | None, formset: Any) -> None:
    """A row naming a variant that is not an active one of this product: 404 (it may be
    another supplier's)."""
    own = {v.pk for v in product.active_variants} if product is not None else set()
    for vform in formset.forms:
        pk = vform.cleaned_data.get("id") if hasattr(vform, "cleaned_data") else None
        if pk and pk not in own:
            raise Http404(_("No such specification."))


@require_http_methods(["GET", "HEAD", "POST"])
@portal_view
def product_new(request: HttpRequest) -> HttpResponse:
    supplier = request.portal.supplier  # type: ignore[attr-defined]
    if request.method != "POST":
        form = ProductForm(supplier=supplier)
        formset = VariantFormSet(prefix=VARIANTS_PREFIX)
        return _render(request, product=None, form=form, formset=formset)
    if not once_claim(request):
        messages.info(request, _("This form was already sent; the product was created once."))
        return redirect("frontend:portal:products")
    form = ProductForm(request.POST, supplier=supplier)
    formset = VariantFormSet(request.POST, prefix=VARIANTS_PREFIX)
    if form.is_valid() and formset.is_valid():
        _check_variant_ids(None, formset)
        created: list[Product] = []
        try:
            with transaction.atomic():
                if not _guarded(form, lambda: created.append(
                    product_create(supplier=supplier, actor=request.user, **form.service_fields())
                )):
                    raise _Refused
                if not _save_variants(request, created[0], formset):
                    raise _Refused
        except _Refused:
            pass
        else:
            messages.success(request, _("Product saved as a draft. Now add photos, then submit it for review."))
            return redirect("frontend:portal:product_images", pk=created[0].pk)
    return _render(request, product=None, form=form, formset=formset, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@portal_view
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = request.portal.supplier  # type: ignore[attr-defined]
    product = _own_product(request, pk)
    if request.method != "POST":
        form = ProductForm(supplier=supplier, initial=ProductForm.initial_for(product))
        formset = VariantFormSet(
            prefix=VARIANTS_PREFIX, initial=[VariantForm.initial_for(v) for v in product.active_variants]
        )
        return _render(request, product=product, form=form, formset=formset)
    form = ProductForm(request.POST, supplier=supplier, initial=ProductForm.initial_for(product))
    formset = VariantFormSet(
        request.POST, prefix=VARIANTS_PREFIX,
        initial=[VariantForm.initial_for(v) for v in product.active_variants],
    )
    if form.is_valid() and formset.is_valid():
        _check_variant_ids(product, formset)
        try:
            with transaction.atomic():
                ok = _guarded(form, lambda: product_update(
                    product=product, actor=request.user, **form.service_fields()
                ))
                ok &= _save_variants(request, product, formset)
                if not ok:
                    raise _Refused
        except _Refused:
            pass
        else:
            product.refresh_from_db(fields=["status"])
            if product.status == ProductStatus.SUBMITTED and product.status_reason:
                messages.warning(request, _("Saved. The product goes back to staff review before it is shown again."))
            else:
                messages.success(request, _("Saved."))
            return redirect("frontend:portal:product_edit", pk=product.pk)
    return _render(request, product=product, form=form, formset=formset, status=400)


def _status_action(request: HttpRequest, pk: int, action: Callable[..., Product], done: str) -> HttpResponse:
    product = _own_product(request, pk)
    try:
        action(product=product, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        form = ProductForm(supplier=request.portal.supplier, initial=ProductForm.initial_for(product))  # type: ignore[attr-defined]
        formset = VariantFormSet(
            prefix=VARIANTS_PREFIX, initial=[VariantForm.initial_for(v) for v in product.active_variants]
        )
        return _render(request, product=product, form=form, formset=formset, status=400)
    messages.success(request, done)
    return redirect("frontend:portal:product_edit", pk=product.pk)


@require_POST
@portal_view
def product_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(request, pk, product_submit, _("Submitted for review. Staff will check it soon."))


@require_POST
@portal_view
def product_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(request, pk, product_archive, _("Archived: the product is no longer shown."))


@require_POST
@portal_view
def product_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(request, pk, product_restore, _("Restored as a draft."))
