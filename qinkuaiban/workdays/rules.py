"""Working-day arithmetic over the official calendar. Pure: no database, readable by a policy owner.

Source: 行政许可法 第八十二条 — limits in the law are counted in working days, statutory holidays
excluded. Source: 民法典 第二百零一条 — the starting day is not counted, so "N working days from
acceptance" ends on the N-th working day after the day of acceptance; 第二百零三条 (a period ending
on a holiday runs to the next day) holds by construction, because only working days are counted.

A day is a working day when the State Council's schedule makes it one: Monday to Friday unless it
is a holiday (法定节假日 / 调休放假), plus the make-up working days (调休上班), which are usually a
Saturday or Sunday. In a year without official data the walk carries on Monday to Friday, and
every answer that touched such a year is marked provisional, never silently final.

A limit of zero working days (即办件, 当场办结) is due on the day itself when that is a working
day, and on the first working day after it when the case arrives on a day off. Clock stops
(`pauses`: 补正, the special procedures of 行政许可法 第四十五条) are closed ranges of calendar
days, both ends inclusive, none of which counts; which days a stop covers is the caller's rule.

Every walk starts at the given day and moves forward one calendar day at a time, so its cost is
proportional to the limit (and the clock stops inside it), never to the distance from an epoch.
"""

import bisect
import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils.translation import gettext as _

ONE_DAY = dt.timedelta(days=1)
SATURDAY = 5

# A clock stop (补正, 特别程序 …): both ends inclusive; none of its days is counted.
Pause = tuple[dt.date, dt.date]


class NoteKind(enum.StrEnum):
    WORKDAY = "workday"
    MAKEUP_WORKDAY = "makeup_workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    PAUSED = "paused"


@dataclass(frozen=True)
class Deadline:
    """A due date; `provisional` when the count ran through a year without official data."""

    date: dt.date
    provisional: bool


@dataclass(frozen=True)
class DayNote:
    """Why one calendar day counted towards a limit, or why it did not."""

    date: dt.date
    kind: NoteKind
    # The ordinal k of a counted working day; None for a skipped day (and for the due day of a
    # zero limit, which is reached but not counted).
    counted: int | None = None
    holiday_name: str = ""
    provisional: bool = False

    @property
    def is_counted(self) -> bool:
        return self.counted is not None

    def describe(self) -> str:
        """One translated sentence for the explanation shown to staff and applicants."""
        if self.kind == NoteKind.PAUSED:
            return _("Not counted: the clock was stopped")
        if self.kind == NoteKind.HOLIDAY:
            return _("Not counted: holiday (%(name)s)") % {"name": self.holiday_name}
        if self.kind == NoteKind.WEEKEND:
            return _("Not counted: weekend")
        if self.counted is None:
            return _("Due: the first working day after a day off")
        if self.kind == NoteKind.MAKEUP_WORKDAY:
            return _("Make-up working day (%(name)s), counted as working day %(k)s") % {
                "name": self.holiday_name, "k": self.counted,
            }
        return _("Working day %(k)s") % {"k": self.counted}


def _merge_pauses(pauses: Iterable[Pause]) -> tuple[Pause, ...]:
    """Sorted, non-overlapping stops; touching or overlapping stops become one."""
    ordered = sorted(pauses)
    merged: list[Pause] = []
    for begin, end in ordered:
        if begin > end:
            raise ValueError(f"A clock stop cannot end ({end}) before it begins ({begin})")
        if merged and begin <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return tuple(merged)


@dataclass(frozen=True)
class WorkCalendar:
    """The official working-day calendar: which years have data, their holidays and make-up days.

    Build it with `WorkCalendar.build(...)`; it is immutable and safe to share between threads.
    """

    official_years: frozenset[int]
    holidays: Mapping[dt.date, str]
    makeup_days: Mapping[dt.date, str]
    _sorted_holidays: tuple[dt.date, ...] = field(repr=False, compare=False, default=())
    _sorted_makeup_days: tuple[dt.date, ...] = field(repr=False, compare=False, default=())

    @classmethod
    def build(
        cls,
        *,
        official_years: Iterable[int],
        holidays: Mapping[dt.date, str],
        makeup_days: Mapping[dt.date, str] | Iterable[dt.date],
    ) -> "WorkCalendar":
        """A calendar from official years, holiday dates with names and make-up dates."""
        years = frozenset(official_years)
        makeup = (
            dict(makeup_days) if isinstance(makeup_days, Mapping)
            else dict.fromkeys(makeup_days, "")
        )
        both = holidays.keys() & makeup.keys()
        if both:
            raise ValueError(f"Days cannot be both holiday and make-up working day: {sorted(both)}")
        stray = sorted(d for d in [*holidays, *makeup] if d.year not in years)
        if stray:
            raise ValueError(f"Days outside the official years: {stray}")
        return cls(
            official_years=years,
            holidays=MappingProxyType(dict(holidays)),
            makeup_days=MappingProxyType(makeup),
            _sorted_holidays=tuple(sorted(holidays)),
            _sorted_makeup_days=tuple(sorted(makeup)),
        )

    # --- single days -----------------------------------------------------------------------

    def is_official(self, day: dt.date) -> bool:
        """Whether the day lies in a year the State Council's schedule has been loaded for."""
        return day.year in self.official_years

    def is_workday(self, day: dt.date) -> bool:
        """Monday to Friday unless a holiday, plus the make-up working days."""
        if day in self.makeup_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < SATURDAY

    def note_kind(self, day: dt.date) -> NoteKind:
        if day in self.makeup_days:
            return NoteKind.MAKEUP_WORKDAY
        if day in self.holidays:
            return NoteKind.HOLIDAY
        return NoteKind.WORKDAY if day.weekday() < SATURDAY else NoteKind.WEEKEND

    def name_of(self, day: dt.date) -> str:
        """The holiday a day belongs to (or that a make-up day makes up for); "" otherwise."""
        return self.holidays.get(day) or self.makeup_days.get(day, "")

    # --- limits ----------------------------------------------------------------------------

    def _walk(
        self, start: dt.date, n: int, pauses: Sequence[Pause]
    ) -> Iterator[tuple[dt.date, NoteKind, int | None, bool]]:
        """Every calendar day after `start` up to the due date: (day, kind, k, provisional).

        The one place the counting rule lives; plain tuples keep `add_workdays` cheap.
        """
        if n < 0:
            raise ValueError(f"A limit cannot be negative: {n}")
        stops = _merge_pauses(pauses)
        # A zero limit (即办件, 当场办结) is due on the day itself when that is a working day;
        # a case received on a day off is due on the first working day after it.
        if n == 0 and self.is_workday(start) and not any(b <= start <= e for b, e in stops):
            return
        holidays, makeup_days, official_years = self.holidays, self.makeup_days, self.official_years
        stop_index, counted, day = 0, 0, start
        year, official = start.year, start.year in official_years
        while True:
            day += ONE_DAY
            if day.year != year:
                year, official = day.year, day.year in official_years
            while stop_index < len(stops) and stops[stop_index][1] < day:
                stop_index += 1
            if stop_index < len(stops) and stops[stop_index][0] <= day:
                yield day, NoteKind.PAUSED, None, not official
                continue
            if day in makeup_days:
                kind = NoteKind.MAKEUP_WORKDAY
            elif day in holidays:
                yield day, NoteKind.HOLIDAY, None, not official
                continue
            elif day.weekday() >= SATURDAY:
                yield day, NoteKind.WEEKEND, None, not official
                continue
            else:
                kind = NoteKind.WORKDAY
            if n == 0:
                yield day, kind, None, not official
                return
            counted += 1
            yield day, kind, counted, not official
            if counted == n:
                return

    def add_workdays(
        self, start: dt.date, n: int, *, pauses: Sequence[Pause] = ()
    ) -> Deadline:
        """The n-th working day after `start`, the days in `pauses` not counted."""
        due, provisional = start, not self.is_official(start) and n == 0
        for day, _kind, _counted, day_provisional in self._walk(start, n, pauses):
            due = day
            provisional = provisional or day_provisional
        return Deadline(due, provisional)

    def explain(
        self, start: dt.date, n: int, *, pauses: Sequence[Pause] = ()
    ) -> list[DayNote]:
        """Every calendar day from the day after `start` to the due date, and why it counted."""
        return [
            DayNote(day, kind, counted, self.name_of(day), provisional)
            for day, kind, counted, provisional in self._walk(start, n, pauses)
        ]

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`.

        The inverse of `add_workdays`: workdays_between(s, add_workdays(s, n).date) == n for
        n >= 1. Counted arithmetically, so the cost does not grow with the distance.
        """
        if b < a:
            return -self.workdays_between(b, a)
        weekdays = _weekdays_in(a, b)
        lo, hi = a + ONE_DAY, b
        holidays_off = sum(
            1 for d in _dates_in(self._sorted_holidays, lo, hi) if d.weekday() < SATURDAY
        )
        makeup_on = sum(
            1 for d in _dates_in(self._sorted_makeup_days, lo, hi) if d.weekday() >= SATURDAY
        )
        return weekdays - holidays_off + makeup_on

    def covers(self, a: dt.date, b: dt.date) -> bool:
        """Whether every year from `a` to `b` has official data."""
        return all(y in self.official_years for y in range(min(a, b).year, max(a, b).year + 1))


def _dates_in(ordered: Sequence[dt.date], lo: dt.date, hi: dt.date) -> Sequence[dt.date]:
    return ordered[bisect.bisect_left(ordered, lo):bisect.bisect_right(ordered, hi)]


def _weekdays_in(a: dt.date, b: dt.date) -> int:
    """Monday-to-Friday days after `a` up to and including `b` (b >= a)."""
    days = (b - a).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    weekday = a.weekday()
    for _step in range(rest):
        weekday = (weekday + 1) % 7
        if weekday < SATURDAY:
            count += 1
    return count
