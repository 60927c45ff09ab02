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
    endpoints = {m[1].strip() for m in re.finditer(r"^\s*20  (.{16})  200 ", out, re.M)}
    assert endpoints == {"catalog", "product", "catalog filtered", "catalog rendered", "product rendered", "graphql"}, out
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


WORKLOADS = ["list (GraphQL)", "detail (GraphQL)", "order placement", "catalog page (HTML)",
             "catalog filtered (HTML)", "product page (HTML)"]


def test_bench_catalog_compares_with_a_static_file_under_gunicorn_and_stops_it(tmp_path):
    """Without Saleor (here: --against an address where nothing answers) every workload is
    compared with a static file from the same server, in interleaved rounds."""
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    env = {**os.environ, "MEDIA_ROOT": str(tmp_path / "media")}
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_catalog", "--sizes", "20", "--repeat", "1", "--warmup", "0",
         "--requests", "8", "--rounds", "2", "--concurrency", "2",
         "--against", f"http://127.0.0.1:{dead}/graphql/"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert f"Saleor at http://127.0.0.1:{dead}/graphql/ not usable" in out
    address = re.search(r"gunicorn answering on http://(127\.0\.0\.1):(\d+)/", out)
    assert address, out[-2000:]
    assert f"gunicorn on 127.0.0.1:{address[2]} stopped" in out
    assert "round 1/2 done" in out and "round 2/2 done" in out
    assert re.search(r"Compared with: static file /static/\S+\.css from the same server", out), out[-2000:]
    assert "static/s" in out and "ratio" in out
    for name in WORKLOADS:  # every operation answered well by the production-like server
        line = next((line for line in out.splitlines() if line.startswith(name)), None)
        assert line is not None, (name, out[-2000:])
        ops, rate, p50, p95, failed, other_rate, _p50, _p95, other_failed, ratio = line[len(name):].split()[:10]
        assert ops == "8" and failed == "0" and other_failed == "0", line
        assert float(rate) > 0 and float(p95) >= float(p50) > 0 and float(other_rate) > 0, line
        assert ratio.endswith("x") and float(ratio[:-1]) > 0, line
    assert re.search(r"1-minute load average during the run: [\d.]+ to [\d.]+", out)
    rss = re.search(r"gunicorn worker RSS after the load: pid \d+ [\d.]+ MB, pid \d+ [\d.]+ MB "
                    r"\(target <= 150 MB: (OK|OVER)\)", out)
    assert rss, out[-2000:]
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
    assert "--concurrency, --requests, --rounds and --workers must each be at least 1" in result.stderr


def test_bench_catalog_refuses_a_port_out_of_range():
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_catalog", "--sizes", "20", "--port", "70000"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "--port takes a port number" in result.stderr


def test_bench_catalog_refuses_bad_sizes():
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_catalog", "--sizes", "ten"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "--sizes takes comma-separated whole numbers" in result.stderr
