"""A smoke test of the benchmark command: it builds its own database and prints a table.
No timing is asserted."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_catalog_prints_a_result_table(tmp_path):
    env = {**os.environ, "MEDIA_ROOT": str(tmp_path / "media")}
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_catalog", "--sizes", "20", "--repeat", "2", "--warmup", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "size 20: 20 visible products" in out
    assert "median ms" in out and "queries" in out
    rows = [line.split() for line in out.splitlines() if line.strip().startswith("20 ")]
    assert {row[1] for row in rows} == {"catalog", "product", "graphql"}
    assert "Query counts identical across sizes" in out


def test_bench_catalog_refuses_bad_sizes():
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_catalog", "--sizes", "ten"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "--sizes takes comma-separated whole numbers" in result.stderr
