"""Periodic: deemed acceptance, 容缺 terminations, transfer escalation, deadline warnings.
Idempotent: a scheduler runs it every 15 minutes, or it runs itself with `--loop`
(scripts/serve.sh does, beside the web server)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from qinkuaiban.cases.sweep import sweep_case_clocks
from qinkuaiban.core.loops import run_until_idle


class Command(BaseCommand):
    help = "Sweep the case clocks: deemed acceptance, 容缺 deadlines, transfers, warnings."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--loop", action="store_true",
                            help="Keep sweeping, pausing --interval seconds between runs.")
        parser.add_argument("--interval", type=float, default=900.0,
                            help="Seconds between runs with --loop (default 900).")

    def handle(self, *args: Any, **options: Any) -> None:
        def sweep() -> bool:
            summary = sweep_case_clocks(batch_size=options["batch_size"])
            # In a loop, only sweeps that changed something are worth lines in the server log.
            if not options["loop"] or summary.changed:
                for line in summary.lines():
                    self.stdout.write(line)
            return False  # the next sweep is due in --interval seconds

        run_until_idle(step=sweep, loop=options["loop"], interval=options["interval"],
                       name="sweep_case_clocks")
