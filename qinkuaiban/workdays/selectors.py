"""Reads of the working-day calendar, and the deadline helpers other apps call.

The calendar is public to every signed-in user, so nothing here depends on who asks. Each process
keeps the whole calendar (a few dozen rows a year) in memory, keyed on the stamp of the single
`CalendarVersion` row that every write changes: a warm call costs one tiny query, a cold one two,
and a change made by any process is seen by all the others on their next call.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.workdays.models import (
    CalendarChange,
    CalendarDay,
    CalendarVersion,
    CalendarYear,
    DayKind,
)
from qinkuaiban.workdays.rules import DayNote, Deadline, Pause, WorkCalendar

# The State Council publishes next year's schedule in November; from then on its absence is news.
NEXT_YEAR_WARNING_MONTH = 11

_cache: tuple[str, WorkCalendar] | None = None


def _current_stamp() -> str:
    return CalendarVersion.objects.filter(id=1).values_list("stamp", flat=True).first() or ""


def _read_calendar() -> WorkCalendar:
    # One query: the LEFT JOIN keeps official years that have no exceptional day at all.
    years: set[int] = set()
    holidays: dict[dt.date, str] = {}
    makeup: dict[dt.date, str] = {}
    for year, date, kind, name in CalendarYear.objects.values_list(
        "year", "days__date", "days__kind", "days__name"
    ):
        years.add(year)
        if date is None:
            continue
        (holidays if kind == DayKind.HOLIDAY else makeup)[date] = name
    return WorkCalendar.build(official_years=years, holidays=holidays, makeup_days=makeup)


def load_calendar(*, start: dt.date, end: dt.date) -> WorkCalendar:
    """The official calendar, covering at least `start`..`end` (in fact every stored year)."""
    global _cache
    if end < start:
        raise ValueError(f"end ({end}) is before start ({start})")
    # The stamp is read before the data: data newer than its stamp only causes one more reload.
    stamp = _current_stamp()
    cached = _cache
    if cached is not None and cached[0] == stamp:
        return cached[1]
    calendar = _read_calendar()
    # One assignment of an immutable pair: threads racing here at worst both read the database.
    _cache = (stamp, calendar)
    return calendar


def add_workdays(start: dt.date, n: int, *, pauses: Sequence[Pause] = ()) -> Deadline:
    """The n-th working day after `start`, days in `pauses` (clock stops) not counted."""
    return load_calendar(start=start, end=start).add_workdays(start, n, pauses=pauses)


def explain_workdays(start: dt.date, n: int, *, pauses: Sequence[Pause] = ()) -> list[DayNote]:
    """Day by day, why the n-th working day after `start` is the due date."""
    return load_calendar(start=start, end=start).explain(start, n, pauses=pauses)


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days after `a` up to and including `b` (negative when `b` is earlier)."""
    return load_calendar(start=min(a, b), end=max(a, b)).workdays_between(a, b)


def official_years() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.select_related("imported_by").order_by("year")


def days_of_year(year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(year_id=year).order_by("date"))


def changes_of_year(year: int, *, limit: int = 50) -> list[CalendarChange]:
    return list(
        CalendarChange.objects.filter(year_id=year).select_related("actor")[:limit]
    )


def calendar_warnings(today: dt.date | None = None) -> list[str]:
    """What the system administrator must do about missing years, translated; [] when nothing."""
    today = today or timezone.localdate()
    wanted = [today.year]
    if today.month >= NEXT_YEAR_WARNING_MONTH:
        wanted.append(today.year + 1)
    present = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    warnings = []
    if today.year not in present:
        warnings.append(_(
            "There is no official working-day calendar for %(year)s: deadlines in %(year)s are "
            "provisional (Monday to Friday). Import the State Council's schedule for %(year)s."
        ) % {"year": today.year})
    if today.year + 1 in wanted and today.year + 1 not in present:
        warnings.append(_(
            "The State Council publishes the holiday schedule for %(year)s in November: import "
            "it before 1 January so deadlines running into %(year)s are final."
        ) % {"year": today.year + 1})
    return warnings


@dataclass(frozen=True)
class YearSummary:
    year: int
    calendar_year: CalendarYear | None
    holidays: int
    makeup_days: int
    working_days: int

    @property
    def is_official(self) -> bool:
        return self.calendar_year is not None


def year_summaries() -> list[YearSummary]:
    """Every official year with its counts (two queries on a cold cache, one more for years)."""
    years = list(official_years())
    calendar = load_calendar(start=dt.date.today(), end=dt.date.today())
    return [year_summary(y.year, calendar=calendar, calendar_year=y) for y in years]


def year_summary(
    year: int, *, calendar: WorkCalendar, calendar_year: CalendarYear | None
) -> YearSummary:
    holidays = sum(1 for d in calendar.holidays if d.year == year)
    makeup = sum(1 for d in calendar.makeup_days if d.year == year)
    working = calendar.workdays_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31))
    return YearSummary(year, calendar_year, holidays, makeup, working)
