"""Password reset by e-mail with Django's views. The "sent" page is the same whether or not
an account has the address; requests are throttled per client address."""

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy

from frontend.account.throttling import throttled_response
from shop.accounts.forms import ShopPasswordResetForm
from shop.accounts.throttle import reset_request_allowed
from shop.common.links import absolute_url


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "frontend/account/password_reset.html"
    form_class = ShopPasswordResetForm
    email_template_name = "frontend/account/email/password_reset.txt"
    subject_template_name = "frontend/account/email/password_reset_subject.txt"
    success_url = reverse_lazy("frontend:account_password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        """The link starts with SITE_URL, not with whatever Host the request named."""
        site_url = absolute_url("/", request=self.request).rstrip("/")
        return {"site_url": site_url, "site_name": urlsplit(site_url).netloc}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not reset_request_allowed(request):
            return throttled_response(request, self.template_name, {"form": self.form_class()})
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: ShopPasswordResetForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "frontend/account/password_reset_confirm.html"
    success_url = reverse_lazy("frontend:account_password_reset_complete")

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="frontend/account/password_reset_done.html")
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="frontend/account/password_reset_complete.html"
)
