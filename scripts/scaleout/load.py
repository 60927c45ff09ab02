"""Bounded load of full buyer journeys through nginx while one app host is killed and
restarted, then the checks of the scale-out test. Run by scripts/scaleout-test, which passes
the addresses and commands in the environment; prints the figures and exits non-zero when a
check fails.

A journey: home, catalog and product pages (their images are fetched), login, cart, checkout
(idempotency key), bank-transfer payment recorded by staff, shipping by the supplier,
acceptance by the buyer. A step that meets a 5xx or a dropped connection is sent again as
it was (same idempotency key, same bank reference), as a browser or client would.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

BASE = os.environ["SCALEOUT_BASE"]  # https://127.0.0.1:<port> (nginx)
WORLD = json.loads(Path(os.environ["SCALEOUT_WORLD"]).read_text())
DURATION = float(os.environ.get("SCALEOUT_SECONDS", "60"))
THREADS = len(WORLD["buyers"])
KILL_AT, RESTART_AFTER = DURATION * 0.3, 8.0
ERR = "errors { field code message }"

lock = threading.Lock()
statuses: collections.Counter[int] = collections.Counter()
server_errors: list[tuple[float, int, str]] = []  # (time, status, path)
requests_total = 0
placed: dict[str, str] = {}  # idempotency key -> order id
completed = 0
journey_failures: list[str] = []
dropped: list[str] = []  # requests that got no answer at all
image_urls: set[str] = set()
window = {"kill": float("inf"), "ready": float("inf")}


def record(status: int, path: str) -> None:
    global requests_total
    with lock:
        requests_total += 1
        statuses[status] += 1
        if status >= 500 or status == 0:
            server_errors.append((time.monotonic(), status, path))


class Client:
    def __init__(self, address: str) -> None:
        self.http = requests.Session()
        self.http.verify = os.environ["SCALEOUT_CA"]  # nginx's throwaway certificate
        self.http.headers["X-Forwarded-For"] = address  # the client's own address (see nginx's realip)

    def send(self, method: str, path: str, *, retry: bool = True, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else BASE + path
        kwargs.setdefault("headers", {})["Referer"] = BASE + "/"
        for attempt in range(8 if retry else 1):
            try:
                response = self.http.request(method, url, timeout=30, allow_redirects=False,
                                             verify=self.http.verify, **kwargs)
            except requests.RequestException as exc:
                record(0, path)
                with lock:
                    dropped.append(f"{path}: {str(exc)[:200]}")
                    if len(dropped) < 3:
                        print(f"  dropped {method} {path}: {exc}", file=sys.stderr)
            else:
                record(response.status_code, path)
                if response.status_code >= 500 and len(server_errors) < 3:
                    print(f"  (answer {response.status_code} to {method} {path}: sent again)", file=sys.stderr)
                if response.status_code < 500:
                    return response
            if not retry:
                break
            time.sleep(0.5 * (attempt + 1))
        raise RuntimeError(f"{method} {path}: no answer below 500")

    def login(self, email: str) -> int:
        self.send("GET", "/accounts/login/")
        token = self.http.cookies.get("csrftoken", "")
        response = self.send("POST", "/accounts/login/", data={
            "username": email, "password": WORLD["password"], "csrfmiddlewaretoken": token,
        })
        return response.status_code

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        token = self.http.cookies.get("csrftoken", "")
        response = self.send("POST", "/graphql/", json={"query": query, "variables": variables or {}},
                             headers={"X-CSRFToken": token})
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL: {body['errors']}")
        return body["data"]


def browse(client: Client) -> None:
    for path in ("/", "/products/", *(f"/products/{slug}/" for slug in WORLD["products"])):
        html = client.send("GET", path).text
        found = re.findall(r'(?:src|href)="(/media/[^"]+)"', html)
        found += [u for s in re.findall(r'srcset="([^"]+)"', html) for u in re.findall(r"(/media/\S+)", s)]
        with lock:
            image_urls.update(found)


def journey(n: int, buyer: Client, staff: Client, owners: dict[str, Client]) -> None:
    global completed
    browse(buyer)
    variant = WORLD["variants"][n % 2]
    data = buyer.graphql(f"""mutation($v: ID!, $o: ID) {{ cartLineAdd(variantId: $v, quantity: {1 + n % 3},
        organizationId: $o) {{ {ERR} }} }}""", {"v": variant, "o": WORLD["organization"]})
    assert not data["cartLineAdd"]["errors"], data
    key = uuid.uuid4().hex
    checkout = buyer.graphql(f"""mutation($i: CheckoutCompleteInput!) {{ checkoutComplete(input: $i) {{
        order {{ id paymentReference total {{ amount }} fulfilments {{ id supplierName }} }} {ERR} }} }}""",
        {"i": {"addressId": WORLD["address"], "fundingChannel": "CANTEEN", "idempotencyKey": key}})
    order = checkout["checkoutComplete"]["order"]
    assert order, checkout
    with lock:
        placed[key] = order["id"]
    buyer.graphql(f"""mutation($o: ID!) {{ paymentCreate(orderId: $o, method: BANK_TRANSFER) {{ {ERR} }} }}""",
                  {"o": order["id"]})
    receipt = staff.graphql(f"""mutation($i: PaymentReceiptRecordInput!) {{ paymentReceiptRecord(input: $i) {{
        receipt {{ status }} {ERR} }} }}""", {"i": {
            "bankReference": f"BANK-{key[:20]}", "paymentReference": order["paymentReference"],
            "amount": order["total"]["amount"], "receivedOn": dt.date.today().isoformat(),
        }})["paymentReceiptRecord"]
    assert not receipt["errors"] or receipt["errors"][0]["code"] == "duplicate_receipt", receipt
    owner = owners[str(WORLD["suppliers"][n % 2])]
    for fulfilment in order["fulfilments"]:
        owner.graphql(f"""mutation($f: ID!) {{ fulfilmentConfirm(fulfilmentId: $f) {{ {ERR} }} }}""",
                      {"f": fulfilment["id"]})
        owner.graphql(f"""mutation($f: ID!) {{ fulfilmentCreate(fulfilmentId: $f, carrier: "顺丰",
            trackingNumber: "SF{key[:10]}") {{ {ERR} }} }}""", {"f": fulfilment["id"]})
    accepted = buyer.graphql(f"""mutation($o: ID!) {{ orderAccept(orderId: $o, rating: 5) {{
        order {{ status }} {ERR} }} }}""", {"o": order["id"]})["orderAccept"]
    assert accepted["order"] and accepted["order"]["status"] == "ACCEPTED", accepted
    with lock:
        completed += 1


def worker(n: int, deadline: float) -> None:
    address = f"10.20.{n}.7"
    buyer, staff = Client(address), Client(f"10.30.{n}.9")
    assert buyer.login(WORLD["buyers"][n]) == 302, "buyer login"
    assert staff.login(WORLD["staff"]) == 302, "staff login"
    owners = {}
    for supplier, email in WORLD["owners"].items():
        owners[supplier] = Client(f"10.40.{n}.{len(owners) + 1}")
        assert owners[supplier].login(email) == 302, "owner login"
    rounds = 0
    while time.monotonic() < deadline:
        try:
            journey(n + THREADS * rounds, buyer, staff, owners)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            with lock:
                journey_failures.append(f"{type(exc).__name__}: {str(exc)[:300]}")
        rounds += 1


def kill_and_restart(start: float) -> None:
    time.sleep(KILL_AT)
    pid = int(Path(os.environ["SCALEOUT_APP1_PIDFILE"]).read_text())
    window["kill"] = time.monotonic()
    os.killpg(os.getpgid(pid), signal.SIGKILL)  # the whole host: master and workers at once
    print(f"  t={time.monotonic() - start:5.1f}s killed app host 1 (kill -9)", flush=True)
    time.sleep(RESTART_AFTER)
    subprocess.Popen(["bash", "-c", os.environ["SCALEOUT_APP1_START"]])
    health = os.environ["SCALEOUT_APP1_URL"] + "/healthz"
    while True:
        try:
            if requests.get(health, timeout=1, headers={"Host": "127.0.0.1"}).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.2)
    window["ready"] = time.monotonic()
    print(f"  t={time.monotonic() - start:5.1f}s app host 1 back (healthz 200)", flush=True)


def check_throttle() -> tuple[bool, str]:
    limit = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
    noisy, quiet = Client("10.99.0.1"), Client("10.99.0.2")
    codes = []
    for attempt in range(limit + 1):
        noisy.send("GET", "/accounts/login/")
        codes.append(noisy.send("POST", "/accounts/login/", retry=False, data={
            "username": f"nobody{attempt}@example.com", "password": "wrong-password",
            "csrfmiddlewaretoken": noisy.http.cookies.get("csrftoken", "")}).status_code)
    quiet.send("GET", "/accounts/login/")
    other = quiet.send("POST", "/accounts/login/", retry=False, data={
        "username": "someone@example.com", "password": "wrong-password",
        "csrfmiddlewaretoken": quiet.http.cookies.get("csrftoken", "")}).status_code
    ok = codes[-1] == 429 and 429 not in codes[:limit] and other != 429
    return ok, f"client A: {limit} failures then {codes[-1]}; client B: {other}"


def main() -> int:
    start = time.monotonic()
    deadline = start + DURATION
    threads = [threading.Thread(target=worker, args=(n, deadline)) for n in range(THREADS)]
    killer = threading.Thread(target=kill_and_restart, args=(start,), daemon=True)
    for thread in threads:
        thread.start()
    killer.start()
    for thread in threads:
        thread.join()
    killer.join(timeout=60)
    elapsed = time.monotonic() - start

    probe = Client("10.50.0.1")
    images_bad = [u for u in sorted(image_urls) if probe.send("GET", u).status_code != 200]
    thumbs = [u for u in image_urls if "/thumbs/" in u]
    outside = [e for e in server_errors if not (window["kill"] <= e[0] <= window["ready"] + 3)]
    throttle_ok, throttle_text = check_throttle()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from graphql_relay import from_global_id

    from orders.models import Order

    keys = list(placed)
    found = Order.objects.filter(idempotency_key__in=keys).count() if keys else 0
    doubled = len(keys) - len({placed[k] for k in keys})
    in_db = Order.objects.filter(organization_id=int(from_global_id(WORLD["organization"])[1])).count()
    reconcile = subprocess.run([sys.executable, "manage.py", "tally_reconcile"], capture_output=True, text=True)
    verify = subprocess.run([sys.executable, "manage.py", "ledger_verify"], capture_output=True, text=True)

    print(f"== figures ({elapsed:.0f} s of load, {THREADS} buyers, timings on a shared 2-core machine)")
    print(f"  requests through nginx: {requests_total}; by status: "
          + ", ".join(f"{code or 'no answer'}: {count}" for code, count in sorted(statuses.items())))
    kill_len = window["ready"] - window["kill"]
    print(f"  5xx/dropped during the kill window ({kill_len:.1f} s): {len(server_errors) - len(outside)}; outside it: {len(outside)}")
    print(f"  journeys completed: {completed}; failed: {len(journey_failures)}")
    for failure in dropped[:3] + journey_failures[:5]:
        print(f"    {failure}")
    print(f"  orders placed (client side): {len(keys)}; found in the database: {found}; "
          f"orders of the organization in the database: {in_db}; doubled: {doubled}")
    print(f"  image URLs fetched through nginx: {len(image_urls)} ({len(thumbs)} thumbnails); not 200: {len(images_bad)}")
    print(f"  throttle sees distinct clients: {throttle_ok} ({throttle_text})")
    print(f"  tally_reconcile: exit {reconcile.returncode}: {reconcile.stdout.strip().splitlines()[-1:]}")
    print(f"  ledger_verify: exit {verify.returncode}: {verify.stdout.strip().splitlines()[-1:]}")
    checks = {
        "journeys completed": completed > 0 and not journey_failures,
        "no order lost or doubled": found == len(keys) == in_db and doubled == 0,
        "no 5xx outside the kill window": not outside,
        "every image answers 200": bool(image_urls) and not images_bad and bool(thumbs),
        "throttle sees distinct clients": throttle_ok,
        "tally reconciles": reconcile.returncode == 0 and verify.returncode == 0,
    }
    Path(os.environ["SCALEOUT_RESULT"]).write_text(json.dumps(checks))
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
