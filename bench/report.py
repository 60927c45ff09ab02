"""The printed form of a ``bench.compare.Comparison``."""

import os

from bench.compare import Comparison, Row
from bench.load import Figures

RSS_TARGET_MB = 150


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _cells(figures: Figures | None) -> str:
    if figures is None:
        return f"{'-':>8} {'-':>7} {'-':>7} {'-':>6}"
    return (f"{_num(figures.per_second):>8} {_num(figures.percentile(0.5)):>7} "
            f"{_num(figures.percentile(0.95)):>7} {figures.failed:>6}")


def _row(row: Row) -> str:
    notes = "; ".join(n for n in (row.shop.note(), row.other.note() if row.other else "") if n)
    ratio = _num(row.ratio, 2) + ("x" if row.ratio is not None else "")
    return f"{row.name:<24} {row.shop.ops:>6} {_cells(row.shop)}   {_cells(row.other)} {ratio:>7}  {notes}".rstrip()


def comparison_lines(c: Comparison, *, vendor: str) -> list[str]:
    o = c.options
    lines = [
        f"Throughput under gunicorn at size {c.size}: {o.workers} sync workers, DEBUG off, {vendor}, "
        f"{o.concurrency} clients on 127.0.0.1, {o.requests} operations per workload and side in {o.rounds} "
        f"interleaved rounds (shop, {c.other_label}, shop, ...); clients and servers share {os.cpu_count()} CPU cores",
        f"Compared with: {c.other}",
    ]
    if c.notes:
        return [*lines, *c.notes]
    other = c.other_label
    lines += [
        f"{'workload':<24} {'ops':>6} {'shop/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'failed':>6}   "
        f"{other + '/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'failed':>6} {'ratio':>7}  note",
        *(_row(r) for r in c.rows),
        "ratio: shop rate / " + ("Saleor rate" if other == "saleor" else "static-file rate (the server's ceiling)")
        + "; order placement is cartLineAdd + checkoutComplete (2 requests, logged in) per shop order"
        + (", checkoutCreate (1 request, anonymous) per Saleor order" if other == "saleor" else ""),
    ]
    if c.load_averages:
        loads = c.load_averages
        lines.append(f"1-minute load average during the run: {min(loads):.2f} to {max(loads):.2f} "
                     f"(at each round and at the end: {' '.join(f'{x:.2f}' for x in loads)})")
    rss = c.worker_rss_mb
    if rss:
        worst = max((v for v in rss.values() if v is not None), default=None)
        verdict = "-" if worst is None else ("OK" if worst <= RSS_TARGET_MB else "OVER")
        lines.append("gunicorn worker RSS after the load: "
                     + ", ".join(f"pid {pid} {_num(mb)} MB" for pid, mb in sorted(rss.items()))
                     + f" (target <= {RSS_TARGET_MB} MB: {verdict})")
    return lines
