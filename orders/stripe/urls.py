"""Stripe webhook URL."""

urlpatterns: list = []
