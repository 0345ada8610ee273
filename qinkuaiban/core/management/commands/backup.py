from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qinkuaiban.core.backups import BackupError, create_backup, default_backup_name


class Command(BaseCommand):
    help = ("Back up the database and the media files, with a manifest of row counts and "
            "checksums, into a new directory.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=None,
            help="A new or empty directory (default: var/backups/qkb-backup-<time>).",
        )
        parser.add_argument("--database", default="default", help="The database alias.")
        parser.add_argument("--media-root", type=Path, default=None,
                            help="The media directory (default: MEDIA_ROOT).")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or (
            Path(settings.VAR_DIR) / "backups" / default_backup_name()
        )
        media_root: Path = options["media_root"] or Path(settings.MEDIA_ROOT)
        try:
            manifest = create_backup(output=output.resolve(), media_root=media_root,
                                     using=options["database"], progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            _("Backup written to %(path)s in %(seconds)s s: %(rows)s rows, %(files)s media "
              "files, audit trail up to entry #%(sequence)s.")
            % {"path": output, "seconds": manifest["seconds"],
               "rows": sum(manifest["counts"].values()), "files": manifest["media"]["files"],
               "sequence": manifest["audit"]["sequence"]}
        ))
        self.stdout.write(_("Keep SECRET_KEY and QKB_FIELD_KEY safe separately: the backup "
                            "does not contain them, and encrypted ID numbers cannot be read "
                            "without QKB_FIELD_KEY."))
