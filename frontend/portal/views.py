"""Supplier portal: dashboard, listing overview and the stock page. Product editing is in
``product_views``, photos in ``image_views``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from catalog.forms import ProductFilterForm
from catalog.models import ProductStatus
from catalog.selectors_portal import (
    LOW_STOCK_FLOOR,
    portal_low_stock_variants,
    portal_products,
    portal_rejected_products,
    portal_status_counts,
    portal_stock_variants,
)
from catalog.services.listings import stock_update_many
from frontend.portal.access import is_status_refusal, portal_view, suspended_page

PRODUCTS_PER_PAGE = 50
STOCK_PREFIX = "stock-"
WAS_PREFIX = "was-"


@require_safe
@portal_view
def dashboard(request: HttpRequest) -> HttpResponse:
    supplier = request.portal.supplier  # type: ignore[attr-defined]
    counts = portal_status_counts(supplier=supplier)
    return render(
        request,
        "frontend/portal/dashboard.html",
        {
            "portal": request.portal,  # type: ignore[attr-defined]
            "status_counts": [(s, label, counts[s]) for s, label in ProductStatus.choices],
            "total": sum(counts.values()),
            "low_stock": list(portal_low_stock_variants(supplier=supplier)),
            "low_stock_floor": LOW_STOCK_FLOOR,
            "rejected": list(portal_rejected_products(supplier=supplier)),
        },
    )


@require_safe
@portal_view
def product_list(request: HttpRequest) -> HttpResponse:
    supplier = request.portal.supplier  # type: ignore[attr-defined]
    form = ProductFilterForm(request.GET)
    status = 200
    filters = {"status": "", "q": ""}
    if form.is_valid():
        filters = {"status": form.cleaned_data["status"], "q": form.cleaned_data["q"].strip()}
    else:
        status = 400
    paginator = Paginator(portal_products(supplier=supplier, **filters), PRODUCTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/portal/products.html",
        {
            "portal": request.portal,  # type: ignore[attr-defined]
            "form": form,
            "page": page,
            "products": list(page.object_list),
            "filtered": any(filters.values()),
        },
        status=status,
    )


def _stock_changes(post: dict[str, str]) -> dict[str, str]:
    """Submitted ``stock-<id>`` values that differ from the ``was-<id>`` value the page was
    rendered with, so that a stale page does not overwrite stock it did not touch."""
    changes = {}
    for key in post:
        if key.startswith(STOCK_PREFIX):
            pk = key[len(STOCK_PREFIX):]
            value = post[key].strip()
            if value != post.get(WAS_PREFIX + pk, "").strip():
                changes[pk] = value
    return changes


@require_http_methods(["GET", "HEAD", "POST"])
@portal_view
def stock(request: HttpRequest) -> HttpResponse:
    supplier = request.portal.supplier  # type: ignore[attr-defined]
    errors: dict[str, str] = {}
    submitted: dict[str, str] = {}
    general_error = ""
    if request.method == "POST":
        submitted = {k: request.POST[k] for k in request.POST if k.startswith((STOCK_PREFIX, WAS_PREFIX))}
        changes = _stock_changes(submitted)
        try:
            changed = stock_update_many(supplier=supplier, actor=request.user, changes=changes)
        except ValidationError as exc:
            if is_status_refusal(exc):
                return suspended_page(request, exc)
            if not hasattr(exc, "error_dict"):
                raise Http404(" ".join(exc.messages)) from None
            errors = {pk: " ".join(e.messages[0] for e in errs) for pk, errs in exc.error_dict.items()}
            general_error = _("Nothing was saved. Correct the quantities marked below.")
        else:
            if changed:
                messages.success(
                    request, _("Stock saved for %(n)d specifications.") % {"n": len(changed)}
                )
            else:
                messages.info(request, _("No stock was changed."))
            return redirect("frontend:portal:stock")
    rows = []
    for variant in portal_stock_variants(supplier=supplier):
        key = str(variant.pk)
        rows.append({
            "variant": variant,
            "value": submitted.get(STOCK_PREFIX + key, variant.stock),
            "was": submitted.get(WAS_PREFIX + key, variant.stock),
            "error": errors.get(key, ""),
        })
    return render(
        request,
        "frontend/portal/stock.html",
        {
            "portal": request.portal,  # type: ignore[attr-defined]
            "rows": rows,
            "general_error": general_error,
            "error_count": len(errors),
        },
        status=400 if errors else 200,
    )
