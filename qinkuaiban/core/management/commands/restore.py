from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qinkuaiban.audit.verification import verify_chain
from qinkuaiban.core.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup made by `backup` into an empty database and media directory, "
            "after checking its checksums; then compare the result with the manifest.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="The backup directory.")
        parser.add_argument("--database", default="default", help="The database alias.")
        parser.add_argument("--media-root", type=Path, default=None,
                            help="The media directory (default: MEDIA_ROOT).")
        parser.add_argument(
            "--force", action="store_true",
            help="Replace the contents of a database that is not empty.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        media_root: Path = options["media_root"] or Path(settings.MEDIA_ROOT)
        try:
            report = restore_backup(
                directory=options["directory"], media_root=media_root,
                using=options["database"], force=options["force"],
                progress=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        problems = [
            _("%(table)s: %(expected)s rows in the manifest, %(found)s restored")
            % {"table": table, "expected": expected, "found": found}
            for table, (expected, found) in report.count_differences.items()
        ]
        problems += [_("missing file: %(name)s") % {"name": name}
                     for name in report.media.missing]
        problems += [_("file does not match its checksum: %(name)s") % {"name": name}
                     for name in report.media.mismatched]
        if problems:
            raise CommandError(_("The restored data differs from the backup:\n%(problems)s")
                               % {"problems": "\n".join(problems)})
        self.stdout.write(self.style.SUCCESS(
            _("Restored %(rows)s rows in %(tables)s tables and %(files)s files, all matching "
              "the manifest.")
            % {"rows": sum(report.counts.values()), "tables": len(report.counts),
               "files": report.media.checked}
        ))
        if options["database"] != "default":
            self.stdout.write(_("Run verify_audit_trail against that database to check the "
                                "audit trail."))
            return
        chain = verify_chain()
        if not chain.ok or chain.checked != report.audit_head["sequence"]:
            raise CommandError(
                _("The restored audit trail is broken at entry #%(sequence)s.")
                % {"sequence": chain.broken_sequence or chain.checked + 1}
            )
        self.stdout.write(self.style.SUCCESS(
            _("Audit trail intact: %(count)s entries verified.") % {"count": chain.checked}
        ))
