"""Periodic: delete uploaded files under cases/ that no attachment refers to (left by a process
killed between writing a file and committing its row, or held for an application form nobody
sent again: cases/held.py), once they are older than a grace period."""

import datetime as dt
import math
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qinkuaiban.cases import held
from qinkuaiban.cases.uploads import stored_uploads

DEFAULT_GRACE_HOURS = 24
PROGRESS_EVERY = 1000


class Command(BaseCommand):
    help = (
        "Delete files under cases/ in the media storage that no attachment refers to and that "
        "are older than the grace period. Idempotent; --dry-run only lists them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours", type=int, default=DEFAULT_GRACE_HOURS,
            help="Grace period in hours: a younger file may belong to a transaction still "
                 "running or be held for an application form (default %(default)s, at least "
                 "the lifetime of a held file).",
        )
        parser.add_argument("--dry-run", action="store_true",
                            help="List the orphaned files; delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        hours: int = options["older_than_hours"]
        dry_run: bool = options["dry_run"]
        if hours < 1:
            # A file written a moment ago is unreferenced until its transaction commits.
            raise CommandError(_("The grace period must be at least one hour."))
        held_hours = math.ceil(held.max_age() / 3600)
        if hours < held_hours:
            # Files an applicant chose are held, unreferenced, while the form's token lives.
            raise CommandError(ngettext(
                "The grace period must be at least %(hours)s hour: files kept for an "
                "application form sent back with an error live that long.",
                "The grace period must be at least %(hours)s hours: files kept for an "
                "application form sent back with an error live that long.", held_hours)
                % {"hours": held_hours})
        checked = referenced = recent = orphans = 0
        for upload in stored_uploads(older_than=dt.timedelta(hours=hours)):
            checked += 1
            if checked % PROGRESS_EVERY == 0:
                self.stdout.write(_("Files checked so far: %(count)s") % {"count": checked})
            referenced += upload.is_referenced
            recent += upload.is_recent
            if not upload.is_orphan:
                continue
            orphans += 1
            if dry_run:
                self.stdout.write(_("Would delete %(name)s") % {"name": upload.name})
            else:
                default_storage.delete(upload.name)
                self.stdout.write(_("Deleted %(name)s") % {"name": upload.name})
        counts = {"checked": checked, "referenced": referenced, "recent": recent,
                  "orphans": orphans, "hours": hours}
        self.stdout.write(
            ngettext("Files checked: %(checked)s; referenced by an attachment: %(referenced)s; "
                     "younger than %(hours)s hour: %(recent)s.",
                     "Files checked: %(checked)s; referenced by an attachment: %(referenced)s; "
                     "younger than %(hours)s hours: %(recent)s.", hours) % counts
        )
        self.stdout.write(
            (_("Orphaned files that would be deleted: %(orphans)s (dry run, nothing deleted).")
             if dry_run else _("Orphaned files deleted: %(orphans)s.")) % counts
        )
