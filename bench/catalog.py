"""The catalog benchmark behind ``manage.py bench_catalog`` (a measurement, not a test).

For each size it builds a fresh database — a temporary SQLite file, or ``<name>_bench`` on
PostgreSQL — migrates it, seeds the demo so that exactly ``size`` products are visible, and
times the catalog page, a product page and the GraphQL product list with the test client,
counting SQL queries. Endpoints that do not answer 200 are reported, not fatal. For the sizes
asked, a throughput phase then serves the same database with gunicorn and compares it with
Saleor or a static file (see ``bench.compare``).
"""

import json
import logging
import math
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from graphene_django.settings import graphene_settings
from graphql import get_named_type, is_leaf_type, is_non_null_type
from graphql.pyutils import Undefined

from bench.compare import PRICE_MAX, Comparison, LoadOptions, measure_comparison
from bench.database import bench_database
from catalog.models import Product
from shop.celery import app as celery_app
from shop.demo.plan import RegionIndex, demo_plan
from shop.demo.services import demo_seed, limit_products

SPEC: list[str | tuple[str, list]] = [
    "name", "slug", "minPrice",
    ("variants", ["sku", "price"]),
    ("images", ["url"]),
    ("supplier", ["name"]),
    ("county", ["name"]),
]


@dataclass
class Measurement:
    size: int
    endpoint: str
    status: str  # "200", "404", "error: …"
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None


@dataclass
class BenchReport:
    latency: list[Measurement]
    throughput: list[Comparison]


def build_catalog(*, size: int, seed: int) -> int:
    """Seed the demo with ``size`` visible products; returns the visible count."""
    summary_plan = demo_plan(seed=seed, regions=RegionIndex.from_csv())
    approved = {s.slug for s in summary_plan.suppliers if s.status == "approved"}
    planned = limit_products(summary_plan.products, size)
    visible = sum(1 for p in planned if p.is_visible and p.supplier in approved)
    demo_seed(seed=seed, product_limit=size, scale=max(0, size - visible))
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics after the bulk load, as autovacuum would gather
    return Product.objects.visible().count()


def graphql_products_query() -> str | None:
    """A ``products(first: 24)`` query selecting what exists of SPEC in the current schema."""

    schema = graphene_settings.SCHEMA.graphql_schema
    field = schema.query_type.fields.get("products") if schema.query_type else None
    if field is None:
        return None

    def callable_without_args(f) -> bool:
        return not any(is_non_null_type(a.type) and a.default_value is Undefined for a in f.args.values())

    def select(gtype, spec: list) -> str:
        fields = getattr(gtype, "fields", {})
        if "edges" in fields:  # a connection: select its nodes
            node = get_named_type(get_named_type(fields["edges"].type).fields["node"].type)
            return f"edges {{ node {{ {select(node, spec)} }} }}"
        parts = []
        for item in spec:
            name, sub = (item, None) if isinstance(item, str) else item
            f = fields.get(name)
            if f is None or not callable_without_args(f):
                continue
            target = get_named_type(f.type)
            if sub is None and is_leaf_type(target):
                parts.append(name)
            elif sub is None:  # an object such as Money: take its plain fields
                leaves = [n for n, g in target.fields.items()
                          if is_leaf_type(get_named_type(g.type)) and callable_without_args(g)]
                parts.append(f"{name} {{ {' '.join(leaves) or '__typename'} }}")
            elif sub is not None and not is_leaf_type(target):
                args = "(first: 10)" if "first" in f.args else ""
                parts.append(f"{name}{args} {{ {select(target, sub)} }}")
        return " ".join(parts) or "__typename"

    args = "(first: 24)" if "first" in field.args else ""
    return f"query BenchProducts {{ products{args} {{ {select(get_named_type(field.type), SPEC)} }} }}"


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(*, size: int, endpoint: str, request: Callable[[], object], repeat: int, warmup: int) -> Measurement:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        for _ in range(max(1, warmup)):
            response = request()
        status = response.status_code  # type: ignore[attr-defined]
        if status != 200:
            return Measurement(size, endpoint, str(status))
        if endpoint == "graphql":
            errors = json.loads(response.content).get("errors")  # type: ignore[attr-defined]
            if errors:
                return Measurement(size, endpoint, f"200 with errors: {errors[0].get('message', '')[:60]}")
        samples, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                request()
                samples.append((time.perf_counter() - started) * 1000)
            queries = len(ctx.captured_queries)
    except Exception as exc:  # a broken page must not stop the benchmark
        return Measurement(size, endpoint, f"error: {type(exc).__name__}: {str(exc)[:60]}")
    return Measurement(size, endpoint, "200", statistics.median(samples), _p95(samples), queries)


def _product_slug() -> str:
    return Product.objects.visible().order_by("id").values_list("slug", flat=True).first() or "none"


def _graphql_query_or_none() -> str | None:
    try:
        return graphql_products_query()
    except Exception:  # reported by the latency phase
        return None


def quiet_request_logs() -> None:
    """No log line per timed request (DEBUG off logs each one), and no 404/500 report (the
    table shows the status). Set after seeding: celery's Django fix-up runs django.setup(),
    and with it the logging configuration, again on the first eager task."""
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("shop.request").setLevel(logging.WARNING)


def measure_size(*, size: int, repeat: int, warmup: int) -> list[Measurement]:
    quiet_request_logs()
    client = Client(raise_request_exception=False)
    slug = _product_slug()
    results = [
        measure(size=size, endpoint="catalog", request=lambda: client.get("/products/"),
                repeat=repeat, warmup=warmup),
        measure(size=size, endpoint="product", request=lambda: client.get(f"/products/{slug}/"),
                repeat=repeat, warmup=warmup),
        # a price filter: the page is drawn every time, its cards and its count are kept
        measure(size=size, endpoint="catalog filtered", request=lambda: client.get(f"/products/?price_max={PRICE_MAX}"),
                repeat=repeat, warmup=warmup),
    ]
    with override_settings(LISTING_PAGE_CACHE_SECONDS=0):  # what a page costs when it is not kept
        results += [
            measure(size=size, endpoint="catalog rendered", request=lambda: client.get("/products/"),
                    repeat=repeat, warmup=warmup),
            measure(size=size, endpoint="product rendered", request=lambda: client.get(f"/products/{slug}/"),
                    repeat=repeat, warmup=warmup),
        ]
    try:
        query = graphql_products_query()
    except Exception as exc:
        query, note = None, f"schema unavailable: {type(exc).__name__}"
    else:
        note = "no products field in the schema"
    if query is None:
        results.append(Measurement(size, "graphql", note))
    else:
        body = json.dumps({"query": query})
        results.append(measure(
            size=size, endpoint="graphql", repeat=repeat, warmup=warmup,
            request=lambda: client.post("/graphql/", body, content_type="application/json"),
        ))
    return results


def run_benchmark(*, sizes: list[int], repeat: int, warmup: int = 3, seed: int = 2020,
                  load: LoadOptions | None = None, load_sizes: frozenset[int] = frozenset(),
                  log: Callable[[str], None] = print) -> BenchReport:
    """Latency at every size; throughput (with ``load``) at each size in ``load_sizes``."""

    media = tempfile.mkdtemp(prefix="bench-media-")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # thumbnails in-process, whatever the broker
    logging.getLogger("celery").setLevel(logging.WARNING)
    overrides = override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False,
        MEDIA_ROOT=media,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",  # seeding may notify
        STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    )
    report = BenchReport(latency=[], throughput=[])
    try:
        with overrides:
            for size in sizes:
                with bench_database(command="bench_catalog", suffix="_bench") as name:
                    started = time.monotonic()
                    visible = build_catalog(size=size, seed=seed)
                    log(f"size {size}: {visible} visible products in {name} "
                        f"(built in {time.monotonic() - started:.1f} s)")
                    report.latency += measure_size(size=size, repeat=repeat, warmup=warmup)
                    if load is not None and size in load_sizes:
                        log(f"size {size}: throughput under gunicorn ({load.workers} workers, "
                            f"{load.concurrency} clients, {load.requests} requests per endpoint and side "
                            f"in {load.rounds} interleaved rounds)")
                        query, slug = _graphql_query_or_none(), _product_slug()
                        report.throughput.append(measure_comparison(
                            size=size, options=load, media_root=media, graphql_query=query,
                            product_slug=slug, log=log,
                        ))
    finally:
        celery_app.conf.task_always_eager = eager
        shutil.rmtree(media, ignore_errors=True)
    return report
