"""A smoke test of ``manage.py bench_orders``: with tiny parameters it builds its own scratch
database, runs both phases with real buyer processes and prints its figures. No timing is
asserted; the oversell count and the stock bookkeeping are."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_orders_prints_throughput_latency_and_no_oversell(tmp_path):
    env = {**os.environ, "MEDIA_ROOT": str(tmp_path / "media")}
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_orders", "--buyers", "3", "--seconds", "2", "--lines", "2",
         "--shared-stock", "4"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "Order benchmark on" in out and "3 buyer processes" in out
    rows = {row[0]: row for row in (line.split() for line in out.splitlines()) if row and row[0] in ("distinct", "shared")}
    assert set(rows) == {"distinct", "shared"}, out[-2000:]
    for name, row in rows.items():
        buyers, placed, seconds, per_second, p50, p95, stock, sold, left, oversell = row[1:11]
        assert buyers == "3" and int(placed) > 0, (name, row)
        assert float(per_second) > 0 and float(p50) > 0 and float(p95) >= float(p50), (name, row)
        assert oversell == "0" and int(stock) == int(sold) + int(left), (name, row)
    # shared: two variants of 4 units, each order takes one of each: 4 orders, then sold out
    shared = rows["shared"]
    assert (shared[2], shared[7], shared[8], shared[9]) == ("4", "8", "8", "0"), shared
    assert "sold out" in " ".join(shared[11:]) or "insufficient_stock" in " ".join(shared[11:]), shared
    assert "error" not in " ".join(shared[11:] + rows["distinct"][11:])
    assert "Oversell (units sold beyond the initial stock): 0" in out
    assert "Units unaccounted for (stock - sold - left): 0" in out
    assert re.search(r"Order placement: [\d.]+ orders/s on distinct variants, [\d.]+ orders/s on shared", out)
    assert "target 5x = 68/s" in out
