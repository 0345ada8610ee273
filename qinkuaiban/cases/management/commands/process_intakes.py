"""Register the applications received through the queued intake as cases, oldest first. Run
beside the web server (`--loop`, as scripts/serve.sh does), where it waits while applications
pour in (intake.Pacing); safe to run any number of times, also as several processes at once
(each application is taken by one of them)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from qinkuaiban.cases import intake
from qinkuaiban.cases.models import Intake, IntakeStatus
from qinkuaiban.core.loops import run_until_idle


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
        batch = max(1, options["batch_size"])
        total = 0
        # Beside the web server, registering waits while a peak of applications arrives; a
        # single run registers what is there.
        pacing = intake.Pacing() if options["loop"] else None

        def register() -> bool:
            nonlocal total
            if pacing is not None and pacing.should_wait():
                return False
            done = intake.process_queued(batch=batch)
            if done:
                total += done
                left = Intake.objects.filter(status=IntakeStatus.QUEUED).count()
                self.stdout.write(ngettext(
                    "Registered %(total)s received application, %(left)s waiting",
                    "Registered %(total)s received applications, %(left)s waiting", total)
                    % {"total": total, "left": left})
            return bool(done)

        run_until_idle(step=register, loop=options["loop"], interval=options["interval"],
                       name="process_intakes")
        waiting = Intake.objects.filter(status=IntakeStatus.QUEUED).count()
        if waiting:
            self.stdout.write(self.style.WARNING(
                ngettext("Registered %(total)s received application; %(waiting)s still waiting "
                         "(due later, after a failed attempt, or taken by another worker)",
                         "Registered %(total)s received applications; %(waiting)s still waiting "
                         "(due later, after a failed attempt, or taken by another worker)", total)
                % {"total": total, "waiting": waiting}))
        else:
            self.stdout.write(self.style.SUCCESS(
                ngettext("Registered %(total)s received application; none waiting",
                         "Registered %(total)s received applications; none waiting", total)
                % {"total": total}))
