from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark commands (``bench_catalog``, ``bench_orders``, ``bench_tally``,
    ``bench_graphql_hostile``): dev-only, installed with the demo (``SHOP_DEMO``)."""

    name = "bench"
    label = "bench"
