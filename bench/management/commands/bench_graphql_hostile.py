"""``manage.py bench_graphql_hostile [--repeat 50]``: how long the GraphQL endpoint takes to
refuse the hostile documents of issue 11 (a fan-out of fragment spreads, a fragment cycle, a
chain of nested fragments, an alias flood), through the whole Django stack as an anonymous
client, and how long the cost check alone takes. A benchmark, not a test: it prints numbers.
Refusals happen before execution, so no database is read."""

import json
import logging
import statistics
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client, override_settings
from graphql import parse

from shop.graphql.validation import limit_errors


def fan_out(levels: int) -> str:
    parts = ["query { products { edges { node { ...G0 } } } }"]
    parts += [f"fragment G{i} on Product {{ ...G{i + 1} ...G{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment G{levels} on Product {{ name }}")
    return "\n".join(parts)


def nested_chain(levels: int) -> str:
    parts = ["{ products { edges { node { ...F0 } } } }"]
    parts += [f"fragment F{i} on Product {{ supplier {{ products {{ ...F{i + 1} }} }} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on Product {{ name }}")
    return "\n".join(parts)


def cycle(levels: int) -> str:
    return fan_out(levels).replace("{ name }", "{ name ...G0 }")


def alias_flood(count: int) -> str:
    fragment = "fragment A on Product { " + " ".join(f"n{i}: name" for i in range(20)) + " }"
    return "{ " + " ".join(f"p{i}: product(slug: \"x\") {{ ...A ...A }}" for i in range(count)) + " } " + fragment


DOCUMENTS: dict[str, Callable[[], str]] = {
    "fan-out, 30 levels (2^30 fields)": lambda: fan_out(30),
    "fan-out, 180 levels (2^180 fields)": lambda: fan_out(180),
    "fragment cycle through a 30-level fan-out": lambda: cycle(30),
    "120 nested fragments (depth 243)": lambda: nested_chain(120),
    "alias flood (40 x 2 x 20 aliases)": lambda: alias_flood(40),
}


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:7.2f} ms   max {max(samples) * 1000:7.2f} ms"


class Command(BaseCommand):
    help = "Time the refusal of hostile GraphQL documents (issue 11)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=50, help="timed requests per document (default 50)")

    def handle(self, *args, repeat: int, **options) -> None:
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # each refusal is a 400
        logging.getLogger("shop.request").setLevel(logging.WARNING)  # and a log line per request
        client = Client()
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
            client.post("/graphql/", json.dumps({"query": "{ __typename }"}), content_type="application/json")
            self.stdout.write(f"Refusal of hostile GraphQL documents, {repeat} requests each (anonymous, full stack):")
            for label, build in DOCUMENTS.items():
                query = build()
                body = json.dumps({"query": query})
                requests, checks = [], []
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = client.post("/graphql/", body, content_type="application/json")
                    requests.append(time.perf_counter() - started)
                    document = parse(query, max_tokens=10_000)
                    started = time.perf_counter()
                    errors = limit_errors(document)
                    checks.append(time.perf_counter() - started)
                code = response.json()["errors"][0]["extensions"]["code"]
                self.stdout.write(
                    f"  {label:44} {len(query.encode()):5d} B  HTTP {response.status_code} {code:26}"
                    f"request {_ms(requests)}   cost check {_ms(checks)}"
                    + ("" if errors else "   (NOT REFUSED by the cost check)")
                )
