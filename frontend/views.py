"""Public storefront pages. Views stay thin: they call selectors and render templates."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalog.models import Product
from catalog.selectors import (
    category_all,
    category_tree,
    counties_with_product_counts,
    featured_products,
    product_detail,
    product_filter_parse,
    product_list,
    products_of_county,
    products_of_supplier,
    townships_with_product_counts,
)
from catalog.selectors_suggestions import search_suggestions
from frontend.forms import catalog_filter_form, filter_params
from frontend.page_cache import KeptCountPaginator, PagePart
from frontend.qr import QR_CACHE_SECONDS, qr_etag, qr_svg, trace_url
from frontend.templatetags.storefront import lname
from orders.selectors.campaigns import campaign_progress_current
from shop.regions.selectors import county_by_slug
from suppliers.selectors import supplier_public_profile, suppliers_public

PAGE_SIZE = 24
HOME_PRODUCTS = 8
COUNTY_PRODUCTS = 12
_PAGE_NUMBER = re.compile(r"[0-9]+")
_PAGE_BEYOND_ANY = 10**18


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    products = list(featured_products(limit=HOME_PRODUCTS))
    if not products:
        products = list(product_list()[:HOME_PRODUCTS])
    return render(
        request,
        "frontend/home.html",
        {
            "progress": campaign_progress_current(),
            "counties": list(counties_with_product_counts()),
            "products": products,
            "categories": category_tree(),
        },
    )


def _page_number(raw: str) -> int | None:
    """The requested page, or ``None`` when it is not a whole number."""
    raw = (raw or "").strip() or "1"
    if not _PAGE_NUMBER.fullmatch(raw):
        return None
    return int(raw) if len(raw) <= 18 else _PAGE_BEYOND_ANY


# Filters whose values are free-form: each value would be an entry of its own, so a page
# with one of them is rendered every time (search text, prices, a supplier's slug). The other
# filters take a known set of values (anything else is a 400, never kept).
_UNKEPT_FILTERS = ("q", "price_min", "price_max", "supplier")


@require_safe
def catalog(request: HttpRequest) -> HttpResponse:
    values = filter_params(request.GET)
    raw_page = request.GET.get("page", "")
    part = None
    number = _page_number(raw_page)
    if number is not None and number < _PAGE_BEYOND_ANY and not any(values.get(name) for name in _UNKEPT_FILTERS):
        part = PagePart("catalog", *sorted(values.items()), number)
        content = part.get()
        if content is not None:
            return render(request, "frontend/catalog.html", {"content": content, "values": values})
    context, status = _catalog_context(values, raw_page)
    content = render_to_string("frontend/includes/catalog_content.html", context, request=request)
    if part is not None and status == 200:
        part.put(content)
    return render(request, "frontend/catalog.html", {"content": content, "values": values}, status=status)


def _catalog_context(values: dict[str, str], raw_page: str) -> tuple[dict[str, Any], int]:
    """The filters and results of the catalog, and the page's status (400: a bad filter)."""
    errors: dict[str, str] = {}
    filters = None
    categories = category_all()  # the filter's choices, and the check of a category slug
    try:
        filters = product_filter_parse(values, categories=categories)
    except ValidationError as exc:
        errors = {name: " ".join(messages) for name, messages in exc.message_dict.items()}

    status = 200
    page_error = ""
    number = _page_number(raw_page)
    if number is None:
        page_error = _("The page number must be a whole number, such as 2.")
        number = 1
        status = 400

    page: Page | None = None
    if errors:
        status = 400
    else:
        paginator = KeptCountPaginator(
            product_list(filters=filters), PAGE_SIZE, part=PagePart("catalog-count", repr(filters))
        )
        try:
            page = paginator.page(number)
        except EmptyPage as exc:
            raise Http404(_("There is no page %(n)s of this list.") % {"n": number}) from exc

    context = {
        "form": catalog_filter_form(values=values, errors=errors, categories=categories),
        "page": page,
        "page_range": (
            list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
            if page is not None
            else []
        ),
        "page_error": page_error,
        "errors": errors,
    }
    return context, status


SUGGEST_MAX_LENGTH = 64


@require_safe
def suggest(request: HttpRequest) -> HttpResponse:
    """Suggestions as the buyer types (an HTML fragment the catalog search box shows):
    products, suppliers and places whose name, pinyin or initials match."""
    q = request.GET.get("q", "").replace("\x00", "").strip()[:SUGGEST_MAX_LENGTH]
    found = search_suggestions(q=q)
    response = render(request, "frontend/includes/suggestions.html", {"q": q, **found})
    response["Cache-Control"] = "private, max-age=60"
    return response


def _visible_product_or_404(slug: str) -> Product:
    product = product_detail(slug=slug)
    if product is None:
        raise Http404(_("No product is listed at this address."))
    return product


def _price_range(product: Product) -> tuple[object, object]:
    prices = [v.price for v in product.active_variants]
    return (min(prices), max(prices)) if prices else (None, None)


@require_safe
def product(request: HttpRequest, slug: str) -> HttpResponse:
    part = None if request.user.is_authenticated else PagePart("product", slug)  # a buyer's has a cart form
    kept = part.get() if part is not None else None
    if kept is None:
        item = _visible_product_or_404(slug)
        low, high = _price_range(item)
        body = render_to_string(
            "frontend/includes/product_body.html",
            {
                "product": item,
                "images": item.ordered_images,
                "main_image": item.ordered_images[0] if item.ordered_images else None,
                "variants": item.active_variants,
                "price_low": low,
                "price_high": high,
                "certifications": list(item.certifications.all()),
                "today": timezone.localdate(),
            },
            request=request,
        )
        kept = {"page_title": lname(item), "page_description": item.summary or item.name, "body": body}
        if part is not None:
            part.put(kept)
    return render(request, "frontend/product.html", kept)


@require_safe
def trace(request: HttpRequest, slug: str) -> HttpResponse:
    item = _visible_product_or_404(slug)
    url = trace_url(request=request, slug=item.slug)
    return render(
        request,
        "frontend/trace.html",
        {
            "product": item,
            "main_image": item.ordered_images[0] if item.ordered_images else None,
            "variants": item.active_variants,
            "certifications": list(item.certifications.all()),
            "trace_url": url,
            "qr_svg": qr_svg(url),
            "today": timezone.localdate(),
        },
    )


@require_safe
def trace_qr(request: HttpRequest, slug: str) -> HttpResponse:
    if not product_list().filter(slug=slug).exists():
        raise Http404(_("No product is listed at this address."))
    url = trace_url(request=request, slug=slug)
    etag = qr_etag(url)
    cache_control = f"public, max-age={QR_CACHE_SECONDS}"
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(qr_svg(url), content_type="image/svg+xml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="trace-{slug}.svg"'
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


@require_safe
def supplier(request: HttpRequest, slug: str) -> HttpResponse:
    profile = supplier_public_profile(slug=slug)
    if profile is None:
        raise Http404(_("No supplier is listed at this address."))
    return render(
        request,
        "frontend/supplier.html",
        {
            "supplier": profile,
            "certifications": list(profile.certifications.all()),
            "products": list(products_of_supplier(supplier_slug=profile.slug, limit=PAGE_SIZE)),
            "today": timezone.localdate(),
        },
    )


@require_safe
def county(request: HttpRequest, slug: str) -> HttpResponse:
    region = county_by_slug(slug=slug)
    if region is None or not region.program:
        raise Http404(_("No county is listed at this address."))
    townships = list(townships_with_product_counts(county_code=region.code))
    return render(
        request,
        "frontend/county.html",
        {
            "county": region,
            "townships": townships,
            "product_total": sum(t.product_count for t in townships),  # type: ignore[attr-defined]  # annotated
            "suppliers": list(suppliers_public(county_code=region.code, public_only=True)),
            "products": list(products_of_county(county_code=region.code, limit=COUNTY_PRODUCTS)),
        },
    )
