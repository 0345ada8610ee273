from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qinkuaiban.audit.review import problem_label
from qinkuaiban.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exit 1 naming the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                _("Audit trail broken at entry #%(sequence)s: %(problem)s (%(checked)s entries "
                  "verified before it).")
                % {"sequence": report.broken_sequence, "problem": problem_label(report.problem),
                   "checked": report.checked}
            )
        self.stdout.write(
            self.style.SUCCESS(_("Audit trail intact: %(count)s entries verified.")
                               % {"count": report.checked})
        )
