"""The throughput comparison's parts, without a shop server or Saleor (a second or two): the
load generator against a tiny local HTTP server, the interleaving of the rounds, the printed
table, and the process figures read from /proc."""

import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.compare import Comparison, LoadOptions, Row, Workload, run_rounds
from bench.load import Address, Figures, graphql_problem, hammer, request_op
from bench.report import comparison_lines
from bench.server import Server, child_pids, rss_mb


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn and Saleor answer
    seen: list[str] = []

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.seen.append(self.path)
        self._answer(404 if self.path == "/missing" else 200, b"{}")

    def do_POST(self) -> None:  # noqa: N802
        self.seen.append(self.path)
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/graphql-broken/":
            self._answer(200, json.dumps({"errors": [{"message": "Cannot query field"}]}).encode())
        else:
            self._answer(200, json.dumps({"data": {"products": {"edges": []}}}).encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    _Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_hammer_counts_good_answers_and_says_why_the_others_failed(server):
    address = Address("127.0.0.1", server, "/graphql/")
    good = hammer(address, request_op(address, method="POST", body=b"{}", check_graphql=True),
                  requests=12, concurrency=3)
    assert (good.ops, good.failed, len(good.latencies_ms)) == (12, 0, 12)
    assert good.per_second and good.per_second > 0 and good.percentile(0.95) >= good.percentile(0.5) > 0
    broken = hammer(address, request_op(address, method="POST", path="/graphql-broken/", body=b"{}",
                                        check_graphql=True), requests=4, concurrency=2)
    assert (broken.ops, broken.failed, broken.per_second) == (4, 4, None)
    assert broken.note() == "4x error: Cannot query field"
    missing = hammer(address, request_op(address, path="/missing"), requests=3, concurrency=1)
    assert missing.failed == 3 and missing.note() == "3x HTTP 404"


def test_graphql_problem_reads_statuses_errors_and_mutation_errors():
    assert graphql_problem(200, b'{"data": {"checkoutCreate": {"errors": []}}}', "checkoutCreate") is None
    assert graphql_problem(502, b"") == "HTTP 502"
    assert graphql_problem(200, b"<html>") == "not JSON"
    assert graphql_problem(200, b'{"data": null}') == "no data"
    problem = graphql_problem(200, json.dumps({"data": {"checkoutComplete": {"errors": [
        {"field": "addressId", "code": "invalid_id", "message": "Invalid ID"}]}}}).encode(), "checkoutComplete")
    assert problem == "checkoutComplete: invalid_id addressId Invalid ID"


def test_rounds_interleave_the_shop_and_the_other_side(server, tmp_path):
    address = Address("127.0.0.1", server, "/graphql/")
    work = [Workload("detail (GraphQL)", request_op(address, path="/shop"), request_op(address, path="/other"),
                     address),
            Workload("catalog page (HTML)", request_op(address, path="/page"), None)]
    options = LoadOptions(concurrency=1, requests=4, workers=1, rounds=2)
    rows, loads = run_rounds(Server(server, os.getpid(), tmp_path), work, options, log=lambda _line: None)
    timed = _Handler.seen[2 * 3:]  # after the warm-up: 2 requests of each of the three operations
    assert timed == ["/shop", "/shop", "/other", "/other", "/page", "/page"] * 2
    assert [r.shop.ops for r in rows] == [4, 4] and rows[0].other.ops == 4 and rows[1].other is None
    assert rows[0].ratio is not None and rows[1].ratio is None
    assert len(loads) == 3  # before each round and at the end


def _figures(rate: float, *, ops: int = 100, failed: int = 0) -> Figures:
    return Figures(ops=ops, failed=failed, seconds=(ops - failed) / rate, latencies_ms=[10.0, 20.0, 30.0])


def test_the_table_gives_both_rates_and_their_ratio_and_the_process_figures():
    comparison = Comparison(
        size=100, other="Saleor at http://127.0.0.1:8190/graphql/", other_label="saleor",
        options=LoadOptions(against="http://127.0.0.1:8190/graphql/"),
        rows=[Row("list (GraphQL)", _figures(120.0), _figures(40.0)),
              Row("order placement", _figures(30.0, failed=2), _figures(15.0)),
              Row("catalog page (HTML)", _figures(80.0), None)],
        load_averages=[1.5, 2.25, 1.75], worker_rss_mb={41: 120.4, 42: 151.0},
    )
    lines = comparison_lines(comparison, vendor="postgresql")
    text = "\n".join(lines)
    assert "2 sync workers, DEBUG off, postgresql, 8 clients" in text and "4 interleaved rounds" in text
    list_row = next(line for line in lines if line.startswith("list (GraphQL)")).split()
    assert list_row[2:4] == ["100", "120.0"] and list_row[7] == "40.0" and list_row[-1] == "3.00x"
    order_row = next(line for line in lines if line.startswith("order placement")).split()
    assert order_row[6] == "2" and order_row[-1] == "2.00x"
    html_row = next(line for line in lines if line.startswith("catalog page (HTML)")).split()
    assert html_row[-5:] == ["-", "-", "-", "-", "-"]
    assert "checkoutCreate (1 request, anonymous) per Saleor order" in text
    assert "1-minute load average during the run: 1.50 to 2.25" in text
    assert "pid 41 120.4 MB, pid 42 151.0 MB (target <= 150 MB: OVER)" in text


def test_process_figures_come_from_proc(tmp_path):
    child = subprocess.Popen(["sleep", "5"])
    try:
        assert child.pid in child_pids(os.getpid())
        assert (rss_mb(os.getpid()) or 0) > 1
    finally:
        child.kill()
        child.wait()
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {
        "admin/css/base.css": "admin/css/base.1.css", "frontend/shop.css": "frontend/shop.2.css",
        "frontend/app.js": "frontend/app.3.js"}}))
    assert Server(1, 1, tmp_path).static_path() == "/static/frontend/shop.2.css"
    assert Server(1, 1, Path(tmp_path / "none")).static_path() is None
