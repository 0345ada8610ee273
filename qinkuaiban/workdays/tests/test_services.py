"""Calendar writes: one transaction, history, audit, version bump and the signal after commit."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.identity.models import User
from qinkuaiban.workdays import selectors, services
from qinkuaiban.workdays.models import (
    CalendarChange,
    CalendarDay,
    CalendarVersion,
    CalendarYear,
    ChangeAction,
    DayKind,
    Source,
)
from qinkuaiban.workdays.package import CalendarRow, package_rows
from qinkuaiban.workdays.rules import Deadline
from qinkuaiban.workdays.signals import calendar_changed

D = dt.date.fromisoformat


@pytest.fixture
def received() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        calls.append(kwargs)

    calendar_changed.connect(receiver, weak=False)
    yield calls
    calendar_changed.disconnect(receiver)


def test_correcting_a_day_makes_it_a_holiday_with_history_and_audit(
    sysadmin: User, received: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        day = services.correct_day(actor=sysadmin, date=D("2026-03-02"), kind="holiday",
                                   name="特别假日", reason="国办发明电〔2026〕1号")
        assert received == []  # nothing is announced before the commit
    assert len(callbacks) == 1
    assert day is not None and (day.kind, day.name) == (DayKind.HOLIDAY, "特别假日")
    assert received == [{"signal": calendar_changed, "start": D("2026-03-02"),
                         "end": D("2026-03-02")}]
    change = CalendarChange.objects.get(action=ChangeAction.CORRECTED)
    assert (change.old_kind, change.new_kind, change.actor) == ("ordinary", "holiday", sysadmin)
    entry = AuditEntry.objects.get(action="workdays.day_corrected")
    assert entry.actor == sysadmin
    assert entry.changes["reason"] == "国办发明电〔2026〕1号"
    assert entry.changes["after"] == {"kind": "holiday", "name": "特别假日"}
    assert selectors.add_workdays(D("2026-02-28"), 1).date == D("2026-03-03")


def test_a_correction_is_seen_by_the_next_calendar_load(sysadmin: User) -> None:
    before = selectors.load_calendar(start=D("2026-10-10"), end=D("2026-10-10"))
    assert before.is_workday(D("2026-10-10"))
    services.correct_day(actor=sysadmin, date=D("2026-10-10"), kind="ordinary", name="",
                         reason="调休取消")
    after = selectors.load_calendar(start=D("2026-10-10"), end=D("2026-10-10"))
    assert not after.is_workday(D("2026-10-10"))
    assert not CalendarDay.objects.filter(date=D("2026-10-10")).exists()


def test_every_change_bumps_the_calendar_version(sysadmin: User) -> None:
    before = CalendarVersion.objects.get()
    services.correct_day(actor=sysadmin, date=D("2026-03-07"), kind="workday", name="春节",
                         reason="测试")
    after = CalendarVersion.objects.get()
    assert after.number == before.number + 1
    assert after.stamp != before.stamp


def test_renaming_a_holiday_keeps_it_a_holiday(sysadmin: User) -> None:
    services.correct_day(actor=sysadmin, date=D("2026-10-01"), kind="holiday", name="国庆",
                         reason="统一名称")
    assert CalendarDay.objects.get(date=D("2026-10-01")).name == "国庆"


@pytest.mark.parametrize("name", ["zhangsan", "lisi", "wangwu", "secadmin", "auditor"])
def test_only_the_system_administrator_may_correct_a_day(
    cast: dict[str, User], name: str
) -> None:
    with pytest.raises(NotPermitted):
        services.correct_day(actor=cast[name], date=D("2026-03-02"), kind="holiday",
                             name="x", reason="x")
    assert not CalendarDay.objects.filter(date=D("2026-03-02")).exists()


@pytest.mark.parametrize(
    ("date", "kind", "name", "reason", "code"),
    [
        ("2026-03-02", "holiday", "x", "  ", "reason_required"),
        ("2026-03-02", "holiday", "", "r", "name_required"),
        ("2026-03-02", "holiday", "长" * 41, "r", "name_too_long"),
        ("2026-03-02", "workday", "", "r", "makeup_on_weekday"),
        ("2026-03-02", "vacation", "", "r", "invalid_kind"),
        ("2027-03-06", "workday", "", "r", "year_not_official"),
    ],
)
def test_a_bad_correction_is_refused_with_a_reason(
    sysadmin: User, date: str, kind: str, name: str, reason: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        services.correct_day(actor=sysadmin, date=D(date), kind=kind, name=name, reason=reason)
    assert error.value.code == code
    assert not CalendarChange.objects.filter(action=ChangeAction.CORRECTED).exists()


def test_a_correction_that_changes_nothing_is_a_conflict(sysadmin: User) -> None:
    with pytest.raises(Conflict):
        services.correct_day(actor=sysadmin, date=D("2026-03-02"), kind="ordinary", name="",
                             reason="r")
    with pytest.raises(Conflict):
        services.correct_day(actor=sysadmin, date=D("2026-10-01"), kind="holiday",
                             name="国庆节", reason="r")


def test_importing_a_year_replaces_its_exceptions_atomically(
    sysadmin: User, received: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    rows = [CalendarRow(D("2026-01-01"), "holiday", "元旦"),
            CalendarRow(D("2026-01-04"), "workday", "元旦")]
    with django_capture_on_commit_callbacks(execute=True):
        services.import_year(actor=sysadmin, year=2026, rows=rows, source=Source.IMPORT,
                             source_detail="2026.csv")
    assert list(CalendarDay.objects.filter(year_id=2026).values_list("date", "kind")) == [
        (D("2026-01-01"), "holiday"), (D("2026-01-04"), "workday"),
    ]
    year = CalendarYear.objects.get(year=2026)
    assert (year.source, year.source_detail, year.imported_by) == (
        Source.IMPORT, "2026.csv", sysadmin)
    entry = AuditEntry.objects.get(action="workdays.year_imported")
    assert entry.changes["replaced"] == len(package_rows(2026))
    assert received == [{"signal": calendar_changed, "start": D("2026-01-01"),
                         "end": D("2026-12-31")}]


def test_importing_a_new_year_makes_it_official(sysadmin: User) -> None:
    assert selectors.add_workdays(D("2026-12-30"), 3).provisional
    services.import_year(actor=sysadmin, year=2027,
                         rows=[CalendarRow(D("2027-01-01"), "holiday", "元旦")],
                         source=Source.MANUAL)
    assert selectors.add_workdays(D("2026-12-30"), 3) == Deadline(D("2027-01-05"), False)


def test_an_import_with_a_bad_row_writes_nothing(sysadmin: User) -> None:
    rows = [CalendarRow(D("2026-01-01"), "holiday", "元旦"),
            CalendarRow(D("2025-01-04"), "workday", "元旦")]
    with pytest.raises(InvalidInput):
        services.import_year(actor=sysadmin, year=2026, rows=rows, source=Source.IMPORT)
    assert CalendarDay.objects.filter(year_id=2026).count() == len(package_rows(2026))


def test_an_import_with_a_date_twice_writes_nothing(sysadmin: User) -> None:
    rows = [CalendarRow(D("2027-01-01"), "holiday", "元旦"),
            CalendarRow(D("2027-01-01"), "holiday", "元旦")]
    with pytest.raises(InvalidInput):
        services.import_year(actor=sysadmin, year=2027, rows=rows, source=Source.IMPORT)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_only_the_system_administrator_may_import_a_year(lisi: User) -> None:
    with pytest.raises(NotPermitted):
        services.import_year(actor=lisi, year=2027, rows=[], source=Source.IMPORT)


def test_seeding_a_year_the_package_lacks_is_a_clear_error(db: None) -> None:
    with pytest.raises(InvalidInput) as error:
        services.seed_year(actor=None, year=2099)
    assert error.value.code == "year_not_in_package"
