"""Supplier portal: a listing's photos. Upload several at once (all or nothing, a message
per refused file), move one to a position, make one the main photo, delete one.

Every form of the page carries a one-time token: a repeated POST (a double click) is
recognised and only shows the photos again. Moving names the target position.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Product, ProductImage
from catalog.selectors_portal import portal_image
from catalog.services.images import (
    product_image_delete,
    product_image_set_main,
    product_images_add,
    product_images_reorder,
)
from frontend.once import once_claim, once_token
from frontend.portal.access import portal_view
from frontend.portal.product_views import _own_product

UPLOAD_FIELD = "photos"
MAX_FILES_PER_UPLOAD = 12


def _page(request: HttpRequest, product: Product, *, file_errors: list[tuple[str, list[str]]] | None = None,
          general: list[str] | None = None, status: int = 200) -> HttpResponse:
    images = product.ordered_images
    return render(
        request,
        "frontend/portal/images.html",
        {
            "portal": request.portal,  # type: ignore[attr-defined]
            "product": product,
            "images": images,
            "positions": range(1, len(images) + 1),
            "file_errors": file_errors or [],
            "general_errors": general or [],
            "once": once_token(),
            "upload_field": UPLOAD_FIELD,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@portal_view
def product_images(request: HttpRequest, pk: int) -> HttpResponse:
    product = _own_product(request, pk)
    if request.method != "POST":
        return _page(request, product)
    if not once_claim(request):
        messages.info(request, _("These photos were already uploaded."))
        return redirect("frontend:portal:product_images", pk=product.pk)
    uploads = request.FILES.getlist(UPLOAD_FIELD)
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        return _page(
            request, product, status=400,
            general=[_("Upload at most %(n)d photos at a time.") % {"n": MAX_FILES_PER_UPLOAD}],
        )
    try:
        added = product_images_add(product=product, uploads=uploads, actor=request.user)
    except ValidationError as exc:
        file_errors, general = [], []
        if hasattr(exc, "error_dict"):
            for key, errors in exc.error_dict.items():
                messages_ = [m for e in errors for m in e.messages]
                if key.isdigit() and int(key) < len(uploads):
                    file_errors.append((uploads[int(key)].name or "?", messages_))
                else:
                    general.extend(messages_)
        else:
            general = exc.messages
        if file_errors:
            general.insert(0, _("No photo was added. Remove or replace the files below and upload again."))
        return _page(request, product, file_errors=file_errors, general=general, status=400)
    messages.success(request, _("%(n)d photos added.") % {"n": len(added)})
    return redirect("frontend:portal:product_images", pk=product.pk)


def _action(request: HttpRequest, pk: int, image_pk: int) -> tuple[Product, ProductImage | None]:
    """The product and the photo, or (product, None) for a repeated POST of the same page
    (already done: just show the photos). A photo that is not this product's: 404."""
    product = _own_product(request, pk)
    if not once_claim(request):
        return product, None
    image = portal_image(supplier=request.portal.supplier, product_pk=product.pk, pk=image_pk)  # type: ignore[attr-defined]
    if image is None:
        raise Http404(_("No such photo."))
    return product, image


@require_POST
@portal_view
def image_move(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    product, image = _action(request, pk, image_pk)
    if image is not None:
        order = [img.pk for img in product.ordered_images]
        raw = request.POST.get("position", "").strip()
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw[:6]) <= len(order):
            return _page(
                request, product, status=400,
                general=[_("Choose a position between 1 and %(n)d.") % {"n": len(order)}],
            )
        order.remove(image.pk)
        order.insert(int(raw) - 1, image.pk)
        try:
            product_images_reorder(product=product, image_ids=order, actor=request.user)
        except ValidationError:
            messages.info(request, _("The photos changed meanwhile; please try again."))
    return redirect("frontend:portal:product_images", pk=product.pk)


@require_POST
@portal_view
def image_main(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    product, image = _action(request, pk, image_pk)
    if image is not None:
        try:
            product_image_set_main(image=image, actor=request.user)
            messages.success(request, _("Main photo chosen."))
        except ValidationError:
            messages.info(request, _("This photo no longer exists."))
    return redirect("frontend:portal:product_images", pk=product.pk)


@require_POST
@portal_view
def image_delete(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    product, image = _action(request, pk, image_pk)
    if image is not None:
        product_image_delete(image=image, actor=request.user)
        messages.success(request, _("Photo deleted."))
    return redirect("frontend:portal:product_images", pk=product.pk)
