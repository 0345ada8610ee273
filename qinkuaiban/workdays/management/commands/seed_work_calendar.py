"""Load official years from the installed chinesecalendar package; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qinkuaiban.core.errors import DomainError
from qinkuaiban.workdays import services
from qinkuaiban.workdays.models import CalendarDay, CalendarYear
from qinkuaiban.workdays.package import CalendarRow, package_label, package_rows, package_years


def _stored_rows(year: int) -> list[CalendarRow]:
    return sorted(
        CalendarRow(d.date, d.kind, d.name) for d in CalendarDay.objects.filter(year_id=year)
    )


class Command(BaseCommand):
    help = "Load official years from the chinesecalendar package (years already loaded are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, nargs="+", required=True)
        parser.add_argument(
            "--replace", action="store_true",
            help="overwrite a stored year that differs from the package (corrections are lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years: list[int] = options["years"]
        available = package_years()
        missing = [year for year in years if year not in available]
        if missing:
            raise CommandError(_(
                "%(package)s has no schedule for %(years)s (it covers %(first)s–%(last)s); "
                "import those years from a file with import_work_calendar."
            ) % {"package": package_label(), "years": ", ".join(map(str, missing)),
                 "first": available[0], "last": available[-1]})
        for year in years:
            rows = package_rows(year)
            if CalendarYear.objects.filter(year=year).exists():
                if _stored_rows(year) == rows:
                    self.stdout.write(_("%(year)s: already loaded, unchanged.") % {"year": year})
                    continue
                if not options["replace"]:
                    self.stdout.write(self.style.WARNING(_(
                        "%(year)s: stored data differs from the package (corrected or imported); "
                        "kept. Use --replace to overwrite it."
                    ) % {"year": year}))
                    continue
            try:
                services.seed_year(actor=None, year=year)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(self.style.SUCCESS(_(
                "%(year)s: loaded %(count)s days from %(package)s."
            ) % {"year": year, "count": len(rows), "package": package_label()}))
