from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and benchmarks: builds a realistic shop through the apps' services."""

    name = "shop.demo"
    label = "demo"
