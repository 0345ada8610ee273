"""Register the applications received through the queued intake as cases, oldest first. Run
beside the web server (`--loop`, as scripts/serve.sh does); safe to run any number of times,
also as several processes at once (each application is taken by one of them)."""

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.translation import gettext as _

from qinkuaiban.cases import intake
from qinkuaiban.cases.models import Intake, IntakeStatus

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Register received applications (queued intake) as cases, in the order received."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--loop", action="store_true",
                            help="Keep registering, waiting --interval seconds when idle.")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds to wait when nothing is queued (default 1).")
        parser.add_argument("--batch-size", type=int, default=50,
                            help="Applications taken per round (default 50).")

    def handle(self, *args: Any, **options: Any) -> None:
        batch, loop = max(1, options["batch_size"]), options["loop"]
        total = 0
        while True:
            try:
                done = intake.process_queued(batch=batch)
                left = Intake.objects.filter(status=IntakeStatus.QUEUED).count() if done else 0
            except (OperationalError, InterfaceError) as exc:
                if not loop:
                    raise
                # The database is away: wait for it rather than exit (nothing to restart).
                logger.warning("Database unavailable, next intake run in %ss: %s",
                               options["interval"], exc)
                connections.close_all()
                time.sleep(options["interval"])
                continue
            total += done
            if done:
                self.stdout.write(_("Registered %(total)s received applications, %(left)s waiting")
                                  % {"total": total, "left": left})
            if not done:
                if not loop:
                    waiting = Intake.objects.filter(status=IntakeStatus.QUEUED).count()
                    style = self.style.WARNING if waiting else self.style.SUCCESS
                    message = _("Registered %(total)s received applications; %(waiting)s "
                                "waiting") % {"total": total, "waiting": waiting}
                    if waiting:
                        message += _(" (they failed this run and are tried again on the next)")
                    self.stdout.write(style(message))
                    return
                close_old_connections()
                time.sleep(options["interval"])
