"""The official working-day calendar stored as data (DESIGN.md rule 3: deadlines come from data).

A year is official once the State Council's schedule for it is loaded (`CalendarYear`). Only the
exceptions are stored (`CalendarDay`): holidays and make-up working days; every other day of an
official year is a working day from Monday to Friday and a rest day at the weekend.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from qinkuaiban.core.models import TimeStampedModel


class YearOf(ExtractYear):
    """The year of a date using only built-in SQL, so a CHECK constraint can use it.

    Django's SQLite EXTRACT calls a function it registers per connection, which a constraint
    must not depend on; SQLite stores dates as ISO text, so the year is the first four characters.
    """

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(SUBSTR({sql}, 1, 4) AS INTEGER)", params


class Source(models.TextChoices):
    PACKAGE = "package", _("Seeded from the chinesecalendar package")
    IMPORT = "import", _("Imported from a file")
    MANUAL = "manual", _("Entered by hand")


class CalendarYear(TimeStampedModel):
    """A year whose official schedule is loaded; days of other years are only provisional."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_detail = models.CharField(
        _("source detail"), max_length=200, blank=True,
        help_text=_("The package version, file name or notice the data came from."),
    )
    imported_at = models.DateTimeField(_("loaded at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1949) & Q(year__lte=2200), name="workdays_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def source_label(self) -> str:
        label = str(self.get_source_display())
        return f"{label} · {self.source_detail}" if self.source_detail else label


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")


class Correction(models.TextChoices):
    """What an administrator can make of one day of an official year."""

    HOLIDAY = DayKind.HOLIDAY.value, _("Holiday")
    WORKDAY = DayKind.WORKDAY.value, _("Make-up working day")
    ORDINARY = "ordinary", _("Ordinary day (Monday to Friday work, weekend rest)")


class CalendarDay(TimeStampedModel):
    """One exceptional day of an official year: a holiday or a make-up working day."""

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days",
        db_column="year",
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(
        _("name"), max_length=40, blank=True,
        help_text=_("The holiday, or the holiday a make-up working day makes up for."),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            # The day belongs to the official year it is filed under, so no exception can exist
            # for a year without official data.
            models.CheckConstraint(
                condition=Q(year=YearOf("date")), name="workdays_day_in_its_year"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DayKind.values), name="workdays_day_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=DayKind.HOLIDAY) | ~Q(name=""),
                name="workdays_holiday_has_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class CalendarVersion(models.Model):
    """A single row changed by every calendar write, so each process knows when its cached
    calendar is stale. `stamp` is random, not a counter alone: a change rolled back and another
    committed would otherwise reuse the same number."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.PositiveBigIntegerField(default=0)
    stamp = models.CharField(max_length=32, default="")
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="workdays_version_singleton")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class ChangeAction(models.TextChoices):
    SEEDED = "seeded", _("Seeded from the package")
    IMPORTED = "imported", _("Imported")
    CORRECTED = "corrected", _("Day corrected")


class CalendarChange(models.Model):
    """Append-only history of the calendar, shown on the calendar page with each reason."""

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.PROTECT, related_name="changes",
        db_column="year",
    )
    action = models.CharField(_("action"), max_length=12, choices=ChangeAction.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    old_kind = models.CharField(_("before"), max_length=10, blank=True)
    old_name = models.CharField(_("name before"), max_length=40, blank=True)
    new_kind = models.CharField(_("after"), max_length=10, blank=True)
    new_name = models.CharField(_("name after"), max_length=40, blank=True)
    # An import or a seed: what the year held afterwards, and how many days it replaced.
    holiday_count = models.PositiveIntegerField(_("holidays"), null=True, blank=True)
    makeup_count = models.PositiveIntegerField(_("make-up working days"), null=True, blank=True)
    replaced_count = models.PositiveIntegerField(_("days replaced"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year_id} {self.action} {self.date or ''}".strip()

    @property
    def old_kind_label(self) -> str:
        return _kind_label(self.old_kind)

    @property
    def new_kind_label(self) -> str:
        return _kind_label(self.new_kind)


def _kind_label(kind: str) -> str:
    return str(dict(Correction.choices).get(kind, kind))
