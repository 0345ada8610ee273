"""Periodic: deemed acceptance, 容缺 terminations, transfer escalation, deadline warnings."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qinkuaiban.cases.sweep import sweep_case_clocks


class Command(BaseCommand):
    help = "Sweep the case clocks: deemed acceptance, 容缺 deadlines, transfers, warnings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        summary = sweep_case_clocks(batch_size=options["batch_size"])
        for line in summary.lines():
            self.stdout.write(line)
