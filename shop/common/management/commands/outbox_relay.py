"""``manage.py outbox_relay``: publish the Celery tasks a broker outage left in the outbox.

Runs in a loop (``--interval`` seconds) for deployments that want a relay process of their
own besides the beat task; ``--once`` publishes what is pending and exits. Several relays may
run at once: each row is claimed before it is published."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from shop.common.outbox import outbox_pending_count, outbox_prune, outbox_relay

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Publish the pending outbox rows to the Celery broker (loop, or --once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="publish what is pending and exit")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between two passes")

    def handle(self, *args, **options):
        while True:
            try:
                sent = outbox_relay()
                outbox_prune()
            except Exception:  # the database is away for a moment: try again next pass
                if options["once"]:
                    raise
                logger.exception("outbox relay pass failed")
                sent = 0
            if sent or options["verbosity"] > 1:
                self.stdout.write(f"outbox: {sent} sent, {outbox_pending_count()} pending")
            if options["once"]:
                return
            time.sleep(options["interval"])
            close_old_connections()  # a long-running loop: drop connections past CONN_MAX_AGE
