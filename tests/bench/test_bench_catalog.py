"""A smoke test of the benchmark command: it builds its own database and prints a table.
No timing is asserted."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_catalog_prints_a_result_table(tmp_path):
    env = {**os.environ, "MEDIA_ROOT": str(tmp_path / "media")}
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_catalog", "--sizes", "20", "--repeat", "2", "--warmup", "1",
         "--no-throughput"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "size 20: 20 visible products" in out
    assert "median ms" in out and "queries" in out
    rows = [line.split() for line in out.splitlines() if line.strip().startswith("20 ")]
    assert {row[1] for row in rows} == {"catalog", "product", "graphql"}
    assert "Query counts identical across sizes" in out
    assert "gunicorn" not in out and "req/s" not in out


def _processes_mentioning(needle: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and needle in (proc / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_bench_catalog_measures_throughput_under_gunicorn_and_stops_it(tmp_path):
    env = {**os.environ, "MEDIA_ROOT": str(tmp_path / "media")}
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_catalog", "--sizes", "20", "--repeat", "1", "--warmup", "0",
         "--requests", "20", "--concurrency", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    address = re.search(r"gunicorn answering on http://(127\.0\.0\.1):(\d+)/", out)
    assert address, out[-2000:]
    assert f"gunicorn on 127.0.0.1:{address[2]} stopped" in out
    assert "req/s" in out
    # one row per endpoint: every request answered 200 by the production-like server
    rows = {row[1]: row for row in (line.split() for line in out.split("req/s", 1)[1].splitlines())
            if len(row) >= 7 and row[0] == "20"}
    assert set(rows) == {"graphql", "catalog", "product"}, out[-2000:]
    assert all(row[2] == "20" and row[3] == "0" for row in rows.values()), out[-2000:]
    assert "Saleor reference: 23 req/s at 14 queries; target 5x = 115 req/s" in out
    # nothing left behind: no process bound to that address, nothing listening on it
    assert _processes_mentioning(f"127.0.0.1:{address[2]}") == []
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", int(address[2]))) != 0


def test_bench_catalog_refuses_a_zero_concurrency():
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_catalog", "--sizes", "20", "--concurrency", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "--concurrency, --requests and --workers must each be at least 1" in result.stderr


def test_bench_catalog_refuses_bad_sizes():
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_catalog", "--sizes", "ten"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "--sizes takes comma-separated whole numbers" in result.stderr
