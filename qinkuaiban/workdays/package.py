"""The official schedules shipped in the `chinesecalendar` package, as rows we can store.

Pure (no database), so the seeding migration, the seed command and the tests read the package
the same way.
"""

import datetime as dt
from dataclasses import dataclass
from importlib.metadata import version

from chinese_calendar import constants


@dataclass(frozen=True, order=True)
class CalendarRow:
    """One exceptional day: `kind` is "holiday" or "workday" (a make-up working day)."""

    date: dt.date
    kind: str
    name: str


class YearNotInPackage(LookupError):
    """The installed package has no official schedule for the year."""


def package_label() -> str:
    return f"chinesecalendar {version('chinesecalendar')}"


def package_years() -> list[int]:
    """Years the installed package has a schedule for."""
    return sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})


def _chinese_name(english: str) -> str:
    """The package names days by the English value of its Holiday enum; we keep the Chinese."""
    for holiday in constants.Holiday:
        if holiday.value == english:
            return str(holiday.chinese)
    return english


def package_rows(year: int) -> list[CalendarRow]:
    """Holidays and make-up working days of `year`, sorted by date."""
    if year not in package_years():
        raise YearNotInPackage(year)
    rows = [
        CalendarRow(day, "holiday", _chinese_name(name))
        for day, name in constants.holidays.items() if day.year == year
    ] + [
        CalendarRow(day, "workday", _chinese_name(name))
        for day, name in constants.workdays.items() if day.year == year
    ]
    return sorted(rows)
