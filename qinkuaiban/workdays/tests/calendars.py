"""Calendars for the pure tests, built straight from the package (no database)."""

import datetime as dt

from qinkuaiban.workdays.package import package_rows
from qinkuaiban.workdays.rules import WorkCalendar


def package_calendar(*years: int) -> WorkCalendar:
    """The official calendar of `years` as the chinesecalendar package has it."""
    holidays: dict[dt.date, str] = {}
    makeup: dict[dt.date, str] = {}
    for year in years:
        for row in package_rows(year):
            (holidays if row.kind == "holiday" else makeup)[row.date] = row.name
    return WorkCalendar.build(official_years=years, holidays=holidays, makeup_days=makeup)
