"""The 2025 and 2026 schedules seeded into every database, checked against the State Council's
notices as summarised in domain.md §3 (the reference table lives here, not in the migration)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from qinkuaiban.workdays.models import CalendarDay, CalendarYear, DayKind, Source
from qinkuaiban.workdays.package import package_label
from qinkuaiban.workdays.selectors import load_calendar
from qinkuaiban.workdays.tests.factories import CalendarDayFactory

D = dt.date.fromisoformat

# holiday: (first day off, last day off, make-up working days)
REFERENCE = {
    2026: {
        "元旦": ("2026-01-01", "2026-01-03", ["2026-01-04"]),
        "春节": ("2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
        "清明": ("2026-04-04", "2026-04-06", []),
        "劳动节": ("2026-05-01", "2026-05-05", ["2026-05-09"]),
        "端午": ("2026-06-19", "2026-06-21", []),
        "中秋": ("2026-09-25", "2026-09-27", []),
        "国庆": ("2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"]),
    },
    2025: {
        "元旦": ("2025-01-01", "2025-01-01", []),
        "春节": ("2025-01-28", "2025-02-04", ["2025-01-26", "2025-02-08"]),
        "清明": ("2025-04-04", "2025-04-06", []),
        "劳动节": ("2025-05-01", "2025-05-05", ["2025-04-27"]),
        "端午": ("2025-05-31", "2025-06-02", []),
        # 国庆 and 中秋 share one run this year; the package names 10-06 中秋.
        "国庆": ("2025-10-01", "2025-10-08", ["2025-09-28", "2025-10-11"]),
    },
}


def _days(first: str, last: str) -> set[dt.date]:
    start, end = D(first), D(last)
    return {start + dt.timedelta(days=i) for i in range((end - start).days + 1)}


@pytest.mark.parametrize("year", [2025, 2026])
def test_seeded_holidays_and_make_up_days_match_the_state_councils_notice(
    db: None, year: int
) -> None:
    stored = {d.date: d for d in CalendarDay.objects.filter(year_id=year)}
    holidays = {day for day, row in stored.items() if row.kind == DayKind.HOLIDAY}
    makeup = {day for day, row in stored.items() if row.kind == DayKind.WORKDAY}
    expected_holidays: set[dt.date] = set()
    expected_makeup: set[dt.date] = set()
    for name, (first, last, makeup_days) in REFERENCE[year].items():
        run = _days(first, last)
        expected_holidays |= run
        expected_makeup |= {D(day) for day in makeup_days}
        if year == 2025 and name == "国庆":
            assert {stored[day].name for day in run} == {"国庆节", "中秋"}
        else:
            assert all(stored[day].name.startswith(name) for day in run), name
    assert holidays == expected_holidays
    assert makeup == expected_makeup
    assert all(day.weekday() >= 5 for day in makeup)


@pytest.mark.parametrize("year", [2025, 2026])
def test_both_seeded_years_have_248_working_days(db: None, year: int) -> None:
    calendar = load_calendar(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    assert calendar.workdays_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31)) == 248


def test_seeded_years_name_the_package_they_came_from(db: None) -> None:
    years = CalendarYear.objects.filter(year__in=[2025, 2026])
    assert {(y.year, y.source, y.source_detail) for y in years} == {
        (2025, Source.PACKAGE, package_label()), (2026, Source.PACKAGE, package_label()),
    }


def test_a_date_can_be_stored_only_once(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(year_id=2026, date=D("2026-01-01"), kind="holiday", name="x")


def test_a_day_must_belong_to_the_official_year_it_is_filed_under(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(year_id=2026, date=D("2025-03-01"), kind="holiday", name="x")


def test_a_day_cannot_exist_for_a_year_without_official_data(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(year_id=2027, date=D("2027-01-01"), kind="holiday", name="x")
        # The foreign key is checked at commit; ask for the check now.
        connection.check_constraints(table_names=[CalendarDay._meta.db_table])


def test_a_holiday_must_have_a_name(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDayFactory(date=D("2026-03-02"), kind=DayKind.HOLIDAY, name="")


def test_a_make_up_day_may_go_without_a_name(db: None) -> None:
    CalendarDayFactory(date=D("2030-01-05"), kind=DayKind.WORKDAY, name="")
    assert CalendarDay.objects.get(date=D("2030-01-05")).year_id == 2030
