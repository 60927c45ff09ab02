"""The timed reads of ``manage.py bench_tally``: the tally, the leaderboard, the public pages
that exist, reconciliation and verification over the ledger ``bench.tally`` built. Median and
p95 are printed, never asserted."""

from __future__ import annotations

import cProfile
import io
import math
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from catalog.models import Product
from orders.integrity import ledger_verify, tally_reconcile
from orders.models import Campaign
from orders.selectors.tally import leaderboard, tally_for_campaign

Log = Callable[[str], None]


@dataclass
class Timing:
    name: str
    status: str  # "ok", or why it was not measured
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    runs: int = 0


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def time_call(name: str, call: Callable[[], object], *, repeat: int, warmup: int = 2) -> Timing:

    try:
        for _ in range(warmup):
            call()
        samples, queries = [], 0
        for _ in range(repeat):
            connection.queries_log.clear()  # the capture counts from the log, which holds 9000 queries
            with CaptureQueriesContext(connection) as ctx:
                began = time.perf_counter()
                call()
                samples.append((time.perf_counter() - began) * 1000)
            queries = len(ctx.captured_queries)
    except Exception as exc:  # noqa: BLE001 - a broken read is reported, not fatal
        return Timing(name, f"error: {type(exc).__name__}: {str(exc)[:80]}")
    return Timing(name, "ok", statistics.median(samples), _p95(samples), queries, repeat)


def time_page(name: str, path: str, *, repeat: int) -> Timing:

    client = Client(raise_request_exception=False)
    response = client.get(path)
    if response.status_code == 404:
        return Timing(name, f"skipped: {path} does not exist yet (404)")
    if response.status_code != 200:
        return Timing(name, f"skipped: {path} answered {response.status_code}")

    def get() -> None:
        status = client.get(path).status_code
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")

    return time_call(name, get, repeat=repeat)


def time_once(name: str, call: Callable[[], list], *, profile: bool, log: Log) -> tuple[Timing, list]:
    """Time one run; with ``profile``, run it a second time under cProfile (whose overhead
    would distort the figure) and print where the time goes."""
    began = time.perf_counter()
    result = call()
    elapsed = (time.perf_counter() - began) * 1000
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        call()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        log(f"Profile of {name} (a second run, under cProfile):\n" + "\n".join(out.getvalue().splitlines()[:45]))
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        log(f"Own time of {name}:\n" + "\n".join(out.getvalue().splitlines()[6:30]))
    return Timing(name, "ok" if not result else f"{len(result)} differences", elapsed, elapsed, None, 1), result


def measure_all(*, repeat: int, profile: bool, log: Log) -> tuple[list[Timing], dict[str, list]]:


    campaign = Campaign.objects.filter(is_active=True).order_by("-start_date", "-pk").first()  # the pages' one
    assert campaign is not None  # the bench seeds one before measuring
    month = f"{campaign.start_date:%Y}-06"
    timings = [
        time_call("tally (tally_for_campaign)", lambda: tally_for_campaign(campaign=campaign), repeat=repeat),
        time_call("leaderboard: organizations, page 1",
                  lambda: leaderboard(campaign=campaign, dimension="organization"), repeat=repeat),
        time_call("leaderboard: enterprises, page 1",
                  lambda: leaderboard(campaign=campaign, dimension="organization", buyer_type="enterprise"),
                  repeat=repeat),
        time_call(f"leaderboard: organizations, {month}, page 1",
                  lambda: leaderboard(campaign=campaign, dimension="organization", period=month), repeat=repeat),
        time_call("leaderboard: organizations, page 50",
                  lambda: leaderboard(campaign=campaign, dimension="organization", offset=980), repeat=repeat),
        time_call("leaderboard: streets and departments",
                  lambda: leaderboard(campaign=campaign, dimension="parent"), repeat=repeat),
        time_call("leaderboard: suppliers", lambda: leaderboard(campaign=campaign, dimension="supplier"),
                  repeat=repeat),
    ]
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False,
                           STORAGES={**settings.STORAGES, "staticfiles": {
                               "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        timings += [
            time_page("page: progress /tally/", "/tally/", repeat=repeat),
            time_page("page: leaderboard /tally/leaderboard/", "/tally/leaderboard/", repeat=repeat),
            time_page("page: home / (campaign progress)", "/", repeat=repeat),
            time_page("page: catalog /products/", "/products/", repeat=repeat),
            time_page("page: catalog by sales", "/products/?sort=sales", repeat=repeat),
        ]
        best_seller = Product.objects.visible().order_by("-sales_units", "pk").first()
        if best_seller is not None:
            timings.append(time_page("page: product (best seller)", f"/products/{best_seller.slug}/", repeat=repeat))
    problems: dict[str, list] = {}
    timing, problems["reconcile"] = time_once("reconcile (tally_reconcile)", tally_reconcile, profile=profile, log=log)
    timings.append(timing)
    timing, problems["verify"] = time_once("verify the chain (ledger_verify)", ledger_verify, profile=profile, log=log)
    timings.append(timing)
    return timings, problems
