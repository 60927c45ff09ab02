"""A localstripe server for tests: a stateful fake Stripe API that signs its webhooks.

Started in a subprocess bound to 127.0.0.1 on a free port (its own CLI would listen on
every interface), with its pickle-to-/tmp persistence turned off so that parallel test runs
do not share state. Used by the Stripe tests and the browser test:

    server = LocalStripe.start()
    stripe_settings(settings, server, webhook_url=f"{live_server.url}/stripe/webhook/")
    live_server_reload_middleware(live_server)
    ...
    server.pay(payment_intent_id)   # a test card pays: localstripe sends payment_intent.succeeded
    server.stop()

The payment page can load localstripe's Stripe.js copy from ``<server.url>/js.stripe.com/v3/``.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SECRET_KEY = "sk_test_localstripe"
PUBLISHABLE_KEY = "pk_test_localstripe"
WEBHOOK_ID = "shop"
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000341"  # attaches, then the charge is declined

_SERVER_CODE = """
import logging, socket, sys
import localstripe.resources as resources
resources.Store.dump_to_disk = lambda self: None  # no shared /tmp/localstripe.pickle
from aiohttp import web
from localstripe.server import app, api_create, api_list_all, api_retrieve, api_update
from localstripe.errors import UserError
from localstripe.resources import Charge, PaymentIntent, Refund, StripeObject, store, try_convert_to_int


# localstripe has no disputes: a small stateful resource with Stripe's shape (id dp_,
# charge, payment_intent, amount, currency, reason, status). Real Stripe opens and closes
# disputes itself; here POST /v1/disputes opens one and POST /v1/disputes/{id} with a
# status (won, lost...) plays the card network's decision.
class Dispute(StripeObject):

    object = "dispute"
    _id_prefix = "dp_"

    def __init__(self, charge=None, payment_intent=None, amount=None, reason="fraudulent",
                 status="needs_response", metadata=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        if payment_intent is not None:
            charge_obj = PaymentIntent._api_retrieve(payment_intent).latest_charge
            if charge_obj is None:
                raise UserError(400, "This PaymentIntent has no charge")
        else:
            charge_obj = Charge._api_retrieve(charge)
        amount = try_convert_to_int(amount)
        if _disputes_of(charge_obj.id):
            raise UserError(400, "This charge is already disputed")
        left = charge_obj.amount - charge_obj.amount_refunded
        if amount is not None and (type(amount) is not int or not 0 < amount <= left):
            raise UserError(400, f"A dispute of {amount} on a charge with {left} left")
        super().__init__()
        self.charge = charge_obj.id
        self.payment_intent = charge_obj.payment_intent
        self.amount = left if amount is None else amount
        self.currency = charge_obj.currency
        self.reason = reason
        self.status = status
        self.metadata = metadata or {}

    @classmethod
    def _api_list_all(cls, url, charge=None, payment_intent=None, limit=None, starting_after=None):
        li = super()._api_list_all(url, limit=limit, starting_after=starting_after)
        li._list = [d for d in li._list if (charge is None or d.charge == charge)
                    and (payment_intent is None or d.payment_intent == payment_intent)]
        li._list.sort(key=lambda d: d.created, reverse=True)
        return li


# Stripe refuses what localstripe lets through: refunding more than is left on a charge,
# refunding a charge under dispute or lost ("charge_disputed"), a second dispute of one charge.
_refund_init = Refund.__init__


def _charge_id(charge, payment_intent):
    if charge is None and isinstance(payment_intent, str):
        latest = PaymentIntent._api_retrieve(payment_intent).latest_charge
        return latest.id if latest is not None else None
    return charge


def _disputes_of(charge_id):
    return [d for k, d in store.items() if k.startswith("dispute:") and d.charge == charge_id]


def _checked_refund_init(self, charge=None, payment_intent=None, amount=None, metadata=None, **kwargs):
    charge_id = _charge_id(charge, payment_intent)
    if isinstance(charge_id, str) and charge_id.startswith("ch_"):
        charge_obj = Charge._api_retrieve(charge_id)
        if any(d.status != "won" for d in _disputes_of(charge_id)):
            raise UserError(400, "The charge has been disputed (charge_disputed)")
        left = charge_obj.amount - charge_obj.amount_refunded
        wanted = left if amount is None else try_convert_to_int(amount)
        if type(wanted) is int and (left <= 0 or wanted > left):
            raise UserError(400, f"Refund amount ({wanted}) is greater than unrefunded amount on charge ({left})")
        amount = wanted
    _refund_init(self, charge=charge, payment_intent=payment_intent, amount=amount, metadata=metadata, **kwargs)


Refund.__init__ = _checked_refund_init
app.router.add_route("POST", "/v1/disputes", api_create(Dispute, "/v1/disputes"))
app.router.add_route("GET", "/v1/disputes/{id}", api_retrieve(Dispute, "/v1/disputes/{id}"))
app.router.add_route("POST", "/v1/disputes/{id}", api_update(Dispute, "/v1/disputes/{id}"))
app.router.add_route("GET", "/v1/disputes", api_list_all(Dispute, "/v1/disputes"))
# Webhook outcomes ('webhook "<type>" successfully delivered' / 'failed ...') go to the log file.
delivery_log = logging.getLogger("aiohttp.access")
delivery_log.setLevel(logging.INFO)
delivery_log.addHandler(logging.StreamHandler(sys.stderr))
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", 0))
sock.listen(128)
print(sock.getsockname()[1], flush=True)
web.run_app(app, sock=sock, print=None, access_log=None, handle_signals=True)
"""


@dataclass
class LocalStripe:
    process: subprocess.Popen
    port: int
    log_path: Path
    webhook_secret: str = field(default_factory=lambda: "whsec_" + secrets.token_hex(16))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, timeout: float = 20.0) -> LocalStripe:
        log = Path(tempfile.mkstemp(prefix="localstripe-", suffix=".log")[1])
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVER_CODE], stdout=subprocess.PIPE, stderr=log.open("wb"), text=True
        )
        line = process.stdout.readline() if process.stdout else ""
        if not line.strip().isdigit():
            process.kill()
            raise RuntimeError(f"localstripe did not start: {log.read_text()[-2000:]}")
        server = cls(process=process, port=int(line), log_path=log)
        deadline = time.monotonic() + timeout
        while True:
            try:
                server._request("GET", "/v1/events?limit=1", auth=True)
                return server
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    server.stop()
                    raise RuntimeError(f"localstripe is not answering: {log.read_text()[-2000:]}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()

    def _request(self, method: str, path: str, data: dict | None = None, auth: bool = False) -> bytes:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, method=method)
        if auth:
            request.add_header("Authorization", f"Bearer {SECRET_KEY}")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
            return response.read()

    def register_webhook(self, url: str | None, secret: str | None = None) -> None:
        """Send signed events to ``url``; ``None`` stops deliveries (tests that post events
        themselves), by accepting only an event type that never happens."""
        data: dict = {"url": url or "http://127.0.0.1:9/", "secret": secret or self.webhook_secret}
        if url is None:
            data["events[0]"] = "none.never"
        self._request("POST", f"/_config/webhooks/{WEBHOOK_ID}", data)

    def deliveries(self) -> list[str]:
        """One line per webhook delivery attempt so far, e.g.
        'webhook "payment_intent.succeeded" successfully delivered'."""
        text = self.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if line.startswith('webhook "')]

    def wait_for_deliveries(self, count: int, timeout: float = 15.0) -> list[str]:
        """Wait until ``count`` deliveries have been answered (the receiving view has
        returned, so its transaction is committed); returns them all."""
        deadline = time.monotonic() + timeout
        while len(found := self.deliveries()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return found

    def settle(self) -> None:
        """Wait until events made so far have been sent. localstripe sends each event about
        a second after making it, to whatever webhook is registered *then*: without this, a
        previous test's event would reach the next test's server."""
        recent = self.client().v1.events.list(params={"created": {"gt": int(time.time()) - 5}, "limit": 100}).data
        if recent:
            left = max(e.created for e in recent) + 2.5 - time.time()
            if left > 0:
                time.sleep(left)

    def client(self):
        import stripe

        return stripe.StripeClient(SECRET_KEY, base_addresses={"api": self.url})

    def pay(self, payment_intent_id: str, card: str = CARD_OK) -> str:
        """Pay the intent with a test card, as Stripe.js would; returns the intent's status.
        localstripe then emits payment_intent.succeeded (or payment_failed)."""
        import stripe

        client = self.client()
        pm = client.v1.payment_methods.create(
            params={"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
        )
        client.v1.payment_intents.update(payment_intent_id, params={"payment_method": pm.id})
        try:
            return client.v1.payment_intents.confirm(payment_intent_id).status
        except stripe.CardError:
            return client.v1.payment_intents.retrieve(payment_intent_id).status

    def dispute_open(self, payment_intent_id: str, amount: int | None = None, reason: str = "fraudulent") -> dict:
        """The cardholder disputes the intent's charge (status needs_response)."""
        data = {"payment_intent": payment_intent_id, "reason": reason, **({"amount": amount} if amount else {})}
        return json.loads(self._request("POST", "/v1/disputes", data, auth=True))

    def dispute_close(self, dispute_id: str, status: str) -> dict:
        """The card network decides: ``won`` or ``lost``."""
        return json.loads(self._request("POST", f"/v1/disputes/{dispute_id}", {"status": status}, auth=True))

    def refund_count(self) -> int:
        """How many refunds localstripe holds in all (it ignores idempotency keys, so a
        double call shows here)."""
        return len(list(self.client().v1.refunds.list(params={"limit": 100}).auto_paging_iter()))

    def event(self, type: str, obj: dict) -> dict:
        """An event localstripe cannot make itself (charge.refunded, charge.dispute.*,
        payment_intent.canceled), shaped like Stripe's; sign it with ``signed``."""
        return {"id": "evt_" + secrets.token_hex(12), "object": "event", "type": type, "api_version": "2020-08-27",
                "created": int(time.time()), "livemode": False, "data": {"object": obj}}

    def events_for(self, payment_intent_id: str, type: str | None = None) -> list[dict]:
        """The events localstripe made for an intent (newest first), as plain dicts."""
        params = {"limit": 100, **({"type": type} if type else {})}
        events = self.client().v1.events.list(params=params).auto_paging_iter()
        found = [e.to_dict() for e in events]
        mine = [e for e in found if e["data"]["object"].get("id") == payment_intent_id]
        return sorted(mine, key=lambda e: e["created"], reverse=True)


def stripe_settings(settings, server: LocalStripe, *, webhook_url: str | None = None) -> None:
    """Point Django at ``server`` (all three keys set: card payment enabled) and route its
    webhooks to ``webhook_url`` (None: no deliveries)."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = server.webhook_secret
    settings.STRIPE_API_BASE = server.url
    server.register_webhook(webhook_url)


def live_server_reload_middleware(live_server) -> None:
    """Make the session-wide live server read the current settings.

    pytest-django starts it (and builds its middleware) before the per-test settings of
    ``tests/conftest.py`` apply; in the PostgreSQL run ``SECURE_SSL_REDIRECT`` is then still
    on and localstripe's webhook would be redirected to https. Browsers follow with a
    header they can set; localstripe cannot, so the middleware is loaded again."""
    app = live_server.thread.httpd.get_app()  # static files → media files → the WSGI handler
    while getattr(app, "application", None) is not None:
        app = app.application
    app.load_middleware()


def signed(payload: dict | str, secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
    """A body and its ``Stripe-Signature`` header, computed by stripe's own helper."""
    import stripe

    body = payload if isinstance(payload, str) else json.dumps(payload, indent=2, sort_keys=True)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return body.encode("utf-8"), header
