"""The Stripe webhook URL (included at /stripe/)."""

from django.urls import path

from orders.webhooks import stripe_webhook

urlpatterns = [
    path("webhook/", stripe_webhook, name="stripe_webhook"),
]
