"""Deliver every due notification: the safety net run by a scheduler (every minute or so) and
the way abandoned claims are recovered. Safe to run any number of times, also concurrently."""

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections, connections

from qinkuaiban.notifications import outbox

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send due e-mail and SMS notifications, retrying failed ones with back-off."

    def add_arguments(self, parser: ArgumentParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", default=True,
                          help="Deliver what is due now, then exit (the default).")
        mode.add_argument("--loop", action="store_true",
                          help="Keep delivering, pausing --interval seconds between runs.")
        parser.add_argument("--interval", type=float, default=30.0,
                            help="Seconds between runs with --loop (default 30).")
        parser.add_argument("--batch-size", type=int, default=outbox.BATCH_SIZE,
                            help="Deliveries claimed per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            try:
                summary = outbox.deliver_all_due(batch_size=options["batch_size"])
            except (OperationalError, InterfaceError) as exc:
                if not options["loop"]:
                    raise
                # The database is away (restart, failover): a long-running sweeper waits for it
                # instead of exiting, so nothing needs restarting when it is back.
                logger.warning("Database unavailable, next delivery run in %ss: %s",
                               options["interval"], exc)
                connections.close_all()
                time.sleep(options["interval"])
                continue
            # In a loop, only runs that did something are worth a line in the server log.
            if not options["loop"] or summary.attempted:
                self._report(summary)
            if not options["loop"]:
                return
            close_old_connections()
            time.sleep(options["interval"])

    def _report(self, summary: outbox.RunSummary) -> None:
        line = (
            f"sent {summary.sent}, retrying {summary.retrying}, dead {summary.dead}, "
            f"lost claims {summary.lost_claim}"
        )
        if summary.next_retry_at is not None:
            line += f", next retry at {summary.next_retry_at.isoformat(timespec='seconds')}"
        style = self.style.WARNING if summary.dead else self.style.SUCCESS
        self.stdout.write(style(line))
