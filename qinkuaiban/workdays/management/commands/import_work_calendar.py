"""Load a year's official schedule from a CSV file (`date,kind,name`)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qinkuaiban.core.errors import DomainError
from qinkuaiban.workdays import services
from qinkuaiban.workdays.importing import decode, parse_calendar_csv
from qinkuaiban.workdays.models import CalendarDay, Source


class Command(BaseCommand):
    help = "Import one year's holidays and make-up working days from a CSV file (date,kind,name)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file with the header date,kind,name")
        parser.add_argument("--year", type=int, help="the year (default: from the first date)")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        self.stdout.write(_("Reading %(path)s …") % {"path": path})
        parsed = parse_calendar_csv(decode(path.read_bytes()), year=options["year"])
        for warning in parsed.warnings:
            self.stdout.write(self.style.WARNING(_("Warning: %(message)s")
                                                 % {"message": warning}))
        if not parsed.is_valid:
            for error in parsed.errors:
                self.stderr.write(self.style.ERROR(str(error)))
            raise CommandError(_("%(count)s problem(s) found; nothing was imported.")
                               % {"count": len(parsed.errors)})
        assert parsed.year is not None  # is_valid guarantees it
        summary = {"year": parsed.year, "holidays": parsed.holiday_count,
                   "makeup_days": parsed.makeup_count}
        existing = CalendarDay.objects.filter(year_id=parsed.year).count()
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(_(
                "Dry run: %(year)s has %(holidays)s holidays and %(makeup_days)s make-up working "
                "days; nothing was written."
            ) % summary))
            return
        try:
            services.import_year(actor=None, year=parsed.year, rows=parsed.rows,
                                 source=Source.IMPORT, source_detail=path.name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if existing:
            self.stdout.write(_("Replaced %(count)s days stored before.") % {"count": existing})
        self.stdout.write(self.style.SUCCESS(_(
            "Imported %(year)s: %(holidays)s holidays and %(makeup_days)s make-up working days."
        ) % summary))
