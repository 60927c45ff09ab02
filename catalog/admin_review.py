"""The review side of the product admin: the review panel on the change page (approve and
publish, reject with a reason, accept a flagged price) and the review actions of the list.
Every write goes through ``catalog.services.review`` with ``actor=request.user``; staff status is
checked by the admin site and the change permission here."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from catalog.models import Product, ProductStatus, ProductVariant
from catalog.services.review import (
    flagged_variants,
    needs_price_review_condition,
    price_alert_multiple,
    price_ratio,
    product_review_approve,
    product_review_reject,
    product_review_unpublish,
    variant_price_accept,
)
from shop.common.adminactions import ReasonForm, apply_per_row, reason_action, validation_error_text


class ProductReviewMixin(admin.ModelAdmin):
    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/review/approve/", wrap(self.review_approve_view),
                 name=f"{info[0]}_{info[1]}_review_approve"),
            path("<path:object_id>/review/reject/", wrap(self.review_reject_view),
                 name=f"{info[0]}_{info[1]}_review_reject"),
            path("<path:object_id>/variants/<int:variant_id>/accept-price/", wrap(self.accept_price_view),
                 name=f"{info[0]}_{info[1]}_accept_price"),
            *super().get_urls(),
        ]

    def _url(self, name: str, *args: Any) -> str:
        info = (self.opts.app_label, self.opts.model_name)
        return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=args, current_app=self.admin_site.name)

    def _product_for_review(self, request: HttpRequest, object_id: str) -> Product:
        product = self.get_object(request, unquote(object_id))
        if product is None:
            raise Http404
        if not self.has_change_permission(request, product):
            raise PermissionDenied
        return product

    def _back(self, product: Product) -> HttpResponseRedirect:
        return HttpResponseRedirect(self._url("change", product.pk))

    # --- the panel -----------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["review"] = self._review_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _review_context(self, request: HttpRequest, product: Product) -> dict[str, Any]:
        flagged = getattr(product, "_flagged_variants", None)
        if flagged is None:  # not loaded through get_queryset
            flagged = list(flagged_variants().filter(product=product))
        rows = [
            {
                "variant": v,
                "ratio": price_ratio(v),
                "needs_review": v.needs_price_review,
                "accept_url": self._url("accept_price", product.pk, v.pk),
            }
            for v in flagged
        ]
        blocked = any(row["needs_review"] for row in rows)
        status = product.status
        return {
            "product": product,
            "status_label": ProductStatus(status).label,
            "multiple": price_alert_multiple(),
            "rows": rows,
            "blocked": blocked,
            "can_change": self.has_change_permission(request, product),
            "can_approve": status == ProductStatus.SUBMITTED
            or (status == ProductStatus.APPROVED and not product.is_published),
            "can_reject": status == ProductStatus.SUBMITTED,
            "approve_url": self._url("review_approve", product.pk),
            "reject_url": self._url("review_reject", product.pk),
            "reason_form": ReasonForm(),
        }

    # --- the panel's buttons ---------------------------------------------------------------------

    def review_approve_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        product = self._product_for_review(request, object_id)
        try:
            product = product_review_approve(product=product, actor=request.user, publish=True)
        except ValidationError as exc:
            self.message_user(request, validation_error_text(exc), messages.ERROR)
        else:
            self.log_change(request, product, _("Approved and published"))
            self.message_user(
                request, _("“%(product)s” approved and published.") % {"product": product}, messages.SUCCESS
            )
        return self._back(product)

    def review_reject_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        product = self._product_for_review(request, object_id)
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                product = product_review_reject(product=product, actor=request.user, reason=reason)
            except ValidationError as exc:
                self.message_user(request, validation_error_text(exc), messages.ERROR)
            else:
                self.log_change(request, product, f"{_('Rejected')}: {reason}")
                self.message_user(request, _("“%(product)s” rejected.") % {"product": product}, messages.SUCCESS)
            return self._back(product)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject “%(product)s”") % {"product": product},
            "opts": self.opts,
            "original": product,
            "form": form,
            "change_url": self._url("change", product.pk),
        }
        # An empty reason is refused with the field error (400); the first display is a 200.
        return TemplateResponse(
            request, "admin/catalog/product/review_reject.html", context, status=400 if form.is_bound else 200
        )

    def accept_price_view(self, request: HttpRequest, object_id: str, variant_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        product = self._product_for_review(request, object_id)
        variant = ProductVariant.objects.filter(product=product, pk=variant_id).first()
        if variant is None:
            raise Http404
        try:
            variant = variant_price_accept(variant=variant, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, validation_error_text(exc), messages.ERROR)
        else:
            message = _("Price of %(variant)s accepted at ¥%(price)s.") % {"variant": variant, "price": variant.price}
            self.log_change(request, product, message)
            self.message_user(request, message, messages.SUCCESS)
        return self._back(product)

    # --- list actions --------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Approve and publish the selected products"), permissions=["change"])
    def approve_and_publish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        apply_per_row(
            self, request, queryset,
            action=lambda p: product_review_approve(product=p, actor=request.user, publish=True),
            done_message=lambda n: ngettext(
                "%(count)d product approved and published.",
                "%(count)d products approved and published.", n,
            ) % {"count": n},
            log_message=_("Approved and published"),
        )

    @admin.action(description=gettext_lazy("Reject the selected products…"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Product]) -> TemplateResponse | None:
        return reason_action(
            self, request, queryset,
            title=_("Reject products"),
            action=lambda p, reason: product_review_reject(product=p, actor=request.user, reason=reason),
            done_message=lambda n: ngettext(
                "%(count)d product rejected.", "%(count)d products rejected.", n
            ) % {"count": n},
            log_message=_("Rejected"),
        )

    @admin.action(description=gettext_lazy("Unpublish the selected products"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        apply_per_row(
            self, request, queryset,
            action=lambda p: product_review_unpublish(product=p, actor=request.user),
            done_message=lambda n: ngettext(
                "%(count)d product unpublished.", "%(count)d products unpublished.", n
            ) % {"count": n},
            log_message=_("Unpublished"),
        )

    @admin.action(
        description=gettext_lazy("Accept the flagged prices of the selected products"), permissions=["change"]
    )
    def accept_flagged_prices(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        ids = list(queryset.order_by().values_list("pk", flat=True))
        variants = (
            ProductVariant.objects.filter(Q(product_id__in=ids) & needs_price_review_condition())
            .select_related("product")
            .order_by("product_id", "pk")
        )
        accepted: dict[int, Product] = {}
        count = 0
        for variant in variants:
            try:
                variant_price_accept(variant=variant, actor=request.user)
            except ValidationError as exc:
                self.message_user(
                    request, _("%(object)s: %(error)s") % {"object": variant, "error": validation_error_text(exc)},
                    messages.ERROR,
                )
                continue
            count += 1
            accepted[variant.product_id] = variant.product
        for product in accepted.values():
            self.log_change(request, product, _("Flagged prices accepted"))
        if count:
            self.message_user(
                request,
                ngettext("%(count)d price accepted.", "%(count)d prices accepted.", count) % {"count": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, _("None of the selected products has a price awaiting acceptance."), messages.WARNING
            )
