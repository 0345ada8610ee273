"""Loading the calendar (cached per process, keyed on the version) and the administrator's
warnings about missing years."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from qinkuaiban.identity.models import User
from qinkuaiban.workdays import selectors, services
from qinkuaiban.workdays.models import CalendarVersion, CalendarYear

D = dt.date.fromisoformat


def test_a_cold_load_takes_two_queries_and_a_warm_one_one(
    db: None, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        calendar = selectors.load_calendar(start=D("2026-01-01"), end=D("2026-12-31"))
    with django_assert_num_queries(1):
        assert selectors.load_calendar(start=D("2026-01-01"), end=D("2026-12-31")) is calendar
    assert calendar.official_years >= {2025, 2026}


def test_a_change_made_elsewhere_is_picked_up_through_the_version(db: None) -> None:
    first = selectors.load_calendar(start=D("2026-01-01"), end=D("2026-01-01"))
    # Another process changed the calendar: only the shared version row tells us.
    CalendarYear.objects.create(year=2030, source="manual", imported_at=timezone.now())
    CalendarVersion.objects.filter(id=1).update(number=99, stamp="elsewhere")
    second = selectors.load_calendar(start=D("2026-01-01"), end=D("2026-01-01"))
    assert second is not first and 2030 in second.official_years


def test_an_official_year_without_any_exception_is_still_official(db: None) -> None:
    CalendarYear.objects.create(year=2031, source="manual", imported_at=timezone.now())
    CalendarVersion.objects.filter(id=1).update(stamp="2031")
    calendar = selectors.load_calendar(start=D("2031-01-01"), end=D("2031-12-31"))
    assert calendar.is_official(D("2031-06-01"))


def test_add_workdays_reads_the_stored_calendar(db: None) -> None:
    deadline = selectors.add_workdays(D("2026-09-30"), 3)
    assert (deadline.date, deadline.provisional) == (D("2026-10-10"), False)
    assert selectors.add_workdays(D("2026-12-30"), 3).provisional


def test_explain_and_count_read_the_stored_calendar(db: None) -> None:
    notes = selectors.explain_workdays(D("2026-09-30"), 3)
    assert notes[-1].date == D("2026-10-10")
    assert selectors.workdays_between(D("2026-09-30"), D("2026-10-10")) == 3


def test_a_load_with_the_end_before_the_start_is_refused(db: None) -> None:
    with pytest.raises(ValueError):
        selectors.load_calendar(start=D("2026-02-01"), end=D("2026-01-01"))


def test_no_warning_while_this_year_is_loaded_before_november(db: None) -> None:
    assert selectors.calendar_warnings(D("2026-10-31")) == []


def test_from_november_a_missing_next_year_is_announced(db: None) -> None:
    warnings = selectors.calendar_warnings(D("2026-11-01"))
    assert len(warnings) == 1 and "2027" in warnings[0]


def test_a_missing_current_year_is_announced(db: None) -> None:
    warnings = selectors.calendar_warnings(D("2027-03-01"))
    assert len(warnings) == 1 and "2027" in warnings[0]
    assert len(selectors.calendar_warnings(D("2027-12-01"))) == 2


def test_no_warning_once_the_next_year_is_imported(sysadmin: User) -> None:
    services.seed_year(actor=sysadmin, year=2024)
    assert selectors.calendar_warnings(D("2024-11-20")) == []


def test_the_warnings_are_in_chinese(db: None) -> None:
    assert "国务院" in selectors.calendar_warnings(D("2026-11-01"))[0]


def test_year_summaries_count_working_days(db: None) -> None:
    summaries = {s.year: s for s in selectors.year_summaries()}
    assert (summaries[2026].working_days, summaries[2026].holidays,
            summaries[2026].makeup_days) == (248, 33, 6)
