"""Deliver every due notification: the safety net run by a scheduler (every minute or so) and
the way abandoned claims are recovered. Safe to run any number of times, also concurrently."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from qinkuaiban.core.loops import run_until_idle
from qinkuaiban.notifications import outbox


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
        def deliver() -> bool:
            summary = outbox.deliver_all_due(batch_size=options["batch_size"])
            # In a loop, only runs that did something are worth a line in the server log.
            if not options["loop"] or summary.attempted:
                self._report(summary)
            return False  # what is not due yet waits for the next run

        run_until_idle(step=deliver, loop=options["loop"], interval=options["interval"],
                       name="deliver_notifications")

    def _report(self, summary: outbox.RunSummary) -> None:
        line = (
            f"sent {summary.sent}, retrying {summary.retrying}, dead {summary.dead}, "
            f"lost claims {summary.lost_claim}"
        )
        if summary.next_retry_at is not None:
            line += f", next retry at {summary.next_retry_at.isoformat(timespec='seconds')}"
        style = self.style.WARNING if summary.dead else self.style.SUCCESS
        self.stdout.write(style(line))
