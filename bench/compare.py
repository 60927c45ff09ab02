"""The throughput phase of ``bench_catalog``: the shop under gunicorn against Saleor (``--against
URL``) or, without it, against a static file from the same server, in interleaved rounds.

Each round runs every workload on the shop, then the same workload on the other side, with
the same clients: a machine that gets busier or quieter during the run slows both sides
alike, and the ratio (shop rate / other rate) is what to read. The load average is sampled
at each round; the RSS of each gunicorn worker is read after the load.
"""

import os
import secrets
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections

from bench.load import Address, Figures, MakeOp, hammer, request_op
from bench.saleor import (
    SaleorDemo,
    SaleorUnavailable,
    saleor_checkout,
    saleor_demo,
    saleor_detail,
    saleor_list,
)
from bench.server import HOST, Server, ServerError, gunicorn, rss_mb
from bench.shop_http import make_purchasers, shop_detail, shop_list, shop_order, shop_page

Log = Callable[[str], None]
PRICE_MAX = 1_000_000  # yuan: above every price, so the page lists what /products/ lists


@dataclass(frozen=True)
class LoadOptions:
    concurrency: int = 8
    requests: int = 400  # per workload and side, over all rounds
    workers: int = 2
    rounds: int = 4
    port: int = 0  # 0: a free port
    against: str | None = None  # a Saleor GraphQL endpoint


@dataclass(frozen=True)
class Workload:
    name: str
    shop: MakeOp
    other: MakeOp | None  # None: the shop only (Saleor has no HTML pages)
    other_address: Address | None = None


@dataclass
class Row:
    name: str
    shop: Figures = field(default_factory=Figures)
    other: Figures | None = None

    @property
    def ratio(self) -> float | None:
        mine, theirs = self.shop.per_second, self.other.per_second if self.other else None
        return mine / theirs if mine and theirs else None


@dataclass
class Comparison:
    size: int
    other: str  # "Saleor at <url>", or "static file <path>"
    other_label: str  # the table's column: "saleor" or "static"
    options: LoadOptions
    rows: list[Row] = field(default_factory=list)
    load_averages: list[float] = field(default_factory=list)  # 1-minute, before each round and after
    worker_rss_mb: dict[int, float | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _against(options: LoadOptions, log: Log) -> SaleorDemo | None:
    if not options.against:
        return None

    try:
        demo = saleor_demo(options.against)
    except (SaleorUnavailable, ValueError) as exc:
        log(f"Saleor at {options.against} not usable ({exc}): comparing with a static file instead")
        return None
    log(f"Saleor at {options.against}: product {demo.product_slug}, variant {demo.variant_id}")
    return demo


def workloads(server: Server, *, graphql_query: str | None, product_slug: str, purchasers: list,
              saleor: SaleorDemo | None) -> list[Workload]:
    shop = Address(HOST, server.port, "/graphql/")
    if saleor is not None:
        others: list[MakeOp | None] = [saleor_list(saleor), saleor_detail(saleor), saleor_checkout(saleor)]
        other_address = saleor.address
    else:
        static = server.static_path()
        if static is None:
            raise ServerError("no collected stylesheet to compare with")
        others = [request_op(shop, path=static)] * 3
        other_address = shop
    found = []
    if graphql_query is not None:
        found.append(Workload("list (GraphQL)", shop_list(shop, graphql_query), others[0], other_address))
    found += [
        Workload("detail (GraphQL)", shop_detail(shop, product_slug), others[1], other_address),
        Workload("order placement", shop_order(shop, purchasers), others[2], other_address),
        Workload("catalog page (HTML)", shop_page(shop, "/products/"),
                 None if saleor else others[0], other_address),
        # a price filter is never kept whole (frontend.page_cache): the page is drawn every
        # time, from kept cards (each keyed by what it shows) and a kept count
        Workload("catalog filtered (HTML)", shop_page(shop, f"/products/?price_max={PRICE_MAX}"),
                 None if saleor else others[0], other_address),
        Workload("product page (HTML)", shop_page(shop, f"/products/{product_slug}/"),
                 None if saleor else others[0], other_address),
    ]
    return found


def run_rounds(server: Server, work: list[Workload], options: LoadOptions, log: Log) -> tuple[list[Row], list[float]]:
    """A warm-up of each side, then ``options.rounds`` rounds of shop, other, shop, other..."""
    shop = Address(HOST, server.port, "/graphql/")
    per_round = max(1, -(-options.requests // options.rounds))
    warmup = 2 * max(options.workers, options.concurrency)
    for w in work:
        hammer(shop, w.shop, requests=warmup, concurrency=options.concurrency)
        if w.other is not None and w.other_address is not None:
            hammer(w.other_address, w.other, requests=warmup, concurrency=options.concurrency)
    rows = [Row(w.name, other=Figures() if w.other is not None else None) for w in work]
    loads = []
    for n in range(options.rounds):
        loads.append(os.getloadavg()[0])
        for w, row in zip(work, rows, strict=True):
            row.shop.add(hammer(shop, w.shop, requests=per_round, concurrency=options.concurrency))
            if w.other is not None and w.other_address is not None and row.other is not None:
                row.other.add(hammer(w.other_address, w.other, requests=per_round, concurrency=options.concurrency))
        log(f"round {n + 1}/{options.rounds} done (1-minute load average {loads[-1]:.2f})")
    loads.append(os.getloadavg()[0])
    return rows, loads


def measure_comparison(*, size: int, options: LoadOptions, media_root: str, graphql_query: str | None,
                       product_slug: str, log: Log = print) -> Comparison:
    saleor = _against(options, log)
    secret_key = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
    purchasers = make_purchasers(count=options.concurrency, secret_key=secret_key)
    connections[DEFAULT_DB_ALIAS].close()  # the server has the database now
    report = Comparison(size=size, options=options,
                        other=f"Saleor at {options.against}" if saleor else "a static file from the same server",
                        other_label="saleor" if saleor else "static")
    try:
        with gunicorn(workers=options.workers, media_root=media_root, port=options.port,
                      secret_key=secret_key) as server:
            log(f"size {size}: gunicorn answering on http://{HOST}:{server.port}/ ({options.workers} workers; "
                f"1-minute load average before the load: {os.getloadavg()[0]:.2f})")
            work = workloads(server, graphql_query=graphql_query, product_slug=product_slug,
                             purchasers=purchasers, saleor=saleor)
            if saleor is None:
                report.other = f"static file {server.static_path()} from the same server"
            report.rows, report.load_averages = run_rounds(server, work, options, log)
            report.worker_rss_mb = {pid: rss_mb(pid) for pid in server.worker_pids()}
        log(f"size {size}: gunicorn on {HOST}:{server.port} stopped")
    except (ServerError, OSError, subprocess.SubprocessError) as exc:
        log(f"size {size}: throughput not measured: {exc}"[:400])
        report.notes.append("not measured (see above)")
    return report
