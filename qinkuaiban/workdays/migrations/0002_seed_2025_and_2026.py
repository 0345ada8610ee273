"""Seed the official schedules of 2025 and 2026 from the chinesecalendar package, so every
database (test databases too) starts with them. The rows come from the package, not from this
file; the tests compare them with the State Council's notices (domain.md §3)."""

import uuid

from django.db import migrations
from django.utils import timezone

from qinkuaiban.workdays.package import package_label, package_rows

SEEDED_YEARS = (2025, 2026)


def seed(apps, schema_editor):
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarChange = apps.get_model("workdays", "CalendarChange")
    CalendarVersion = apps.get_model("workdays", "CalendarVersion")
    now = timezone.now()
    label = package_label()
    for year in SEEDED_YEARS:
        if CalendarYear.objects.filter(year=year).exists():
            continue
        rows = package_rows(year)
        calendar_year = CalendarYear.objects.create(
            year=year, source="package", source_detail=label, imported_at=now
        )
        CalendarDay.objects.bulk_create(
            CalendarDay(year=calendar_year, date=row.date, kind=row.kind, name=row.name)
            for row in rows
        )
        holidays = sum(1 for row in rows if row.kind == "holiday")
        CalendarChange.objects.create(
            year=calendar_year, action="seeded", holiday_count=holidays,
            makeup_count=len(rows) - holidays, replaced_count=0, reason=label,
        )
    version, _ = CalendarVersion.objects.get_or_create(id=1)
    version.number += 1
    version.stamp = uuid.uuid4().hex
    version.changed_at = now
    version.save()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_working_day_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
