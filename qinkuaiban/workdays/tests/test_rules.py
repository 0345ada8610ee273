"""The pure working-day rules (workdays.rules), table-driven and by property."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinkuaiban.workdays.rules import Deadline, NoteKind, Pause, WorkCalendar
from qinkuaiban.workdays.tests.calendars import package_calendar

D = dt.date.fromisoformat
CALENDAR = package_calendar(2025, 2026)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # The worked examples of domain.md §3.
        ("2026-09-30", 3, "2026-10-10"),  # 国庆 skipped, the make-up Saturday counts
        ("2026-02-13", 5, "2026-02-27"),  # make-up Saturday 2-14 counts, 春节 skipped
        ("2025-01-24", 5, "2025-02-07"),  # make-up Sunday 1-26 counts, 春节 skipped
        # The start day never counts (民法典 第二百零一条).
        ("2026-03-02", 1, "2026-03-03"),
        ("2026-03-06", 1, "2026-03-09"),  # Friday → Monday
        ("2026-03-02", 20, "2026-03-30"),
        ("2025-12-31", 1, "2026-01-04"),  # 元旦 off 1-01..1-03, Sunday 1-04 is a make-up day
        ("2026-04-30", 1, "2026-05-06"),  # 劳动节 5-01..5-05
        ("2026-05-08", 1, "2026-05-09"),  # make-up Saturday 5-09
        ("2025-09-30", 1, "2025-10-09"),  # 国庆+中秋 10-01..10-08
        ("2025-10-09", 2, "2025-10-11"),  # make-up Saturday 10-11
    ],
)
def test_add_workdays_matches_the_worked_examples(start: str, n: int, due: str) -> None:
    assert CALENDAR.add_workdays(D(start), n) == Deadline(D(due), provisional=False)


def test_a_zero_limit_is_due_the_same_working_day() -> None:
    assert CALENDAR.add_workdays(D("2026-03-02"), 0) == Deadline(D("2026-03-02"), False)
    assert CALENDAR.explain(D("2026-03-02"), 0) == []


def test_a_zero_limit_received_on_a_day_off_is_due_the_next_working_day() -> None:
    assert CALENDAR.add_workdays(D("2026-02-16"), 0) == Deadline(D("2026-02-24"), False)
    notes = CALENDAR.explain(D("2026-02-16"), 0)
    assert [n.date for n in notes] == [D("2026-02-17") + dt.timedelta(days=i) for i in range(8)]
    assert notes[-1].kind == NoteKind.WORKDAY and notes[-1].counted is None


def test_a_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_workdays(D("2026-03-02"), -1)


def test_every_2026_holiday_is_a_day_off_and_every_make_up_day_a_working_day() -> None:
    for day in CALENDAR.holidays:
        assert not CALENDAR.is_workday(day), day
    for day in CALENDAR.makeup_days:
        assert CALENDAR.is_workday(day), day
        assert day.weekday() >= 5, day


def test_ordinary_days_follow_monday_to_friday() -> None:
    assert CALENDAR.is_workday(D("2026-03-06"))  # Friday
    assert not CALENDAR.is_workday(D("2026-03-07"))  # Saturday
    assert not CALENDAR.is_workday(D("2026-03-08"))  # Sunday


def test_both_official_years_have_248_working_days() -> None:
    assert CALENDAR.workdays_between(D("2024-12-31"), D("2025-12-31")) == 248
    assert CALENDAR.workdays_between(D("2025-12-31"), D("2026-12-31")) == 248


def test_workdays_between_is_negative_when_the_end_is_earlier() -> None:
    assert CALENDAR.workdays_between(D("2026-10-10"), D("2026-09-30")) == -3
    assert CALENDAR.workdays_between(D("2026-09-30"), D("2026-09-30")) == 0


def test_explain_names_every_day_up_to_the_due_date() -> None:
    notes = CALENDAR.explain(D("2026-09-30"), 3)
    assert [(n.date.day, n.kind, n.counted) for n in notes] == [
        *[(day, NoteKind.HOLIDAY, None) for day in range(1, 8)],
        (8, NoteKind.WORKDAY, 1),
        (9, NoteKind.WORKDAY, 2),
        (10, NoteKind.MAKEUP_WORKDAY, 3),
    ]
    assert {n.holiday_name for n in notes[:7]} == {"国庆节"}
    assert notes[-1].holiday_name == "国庆节"


def test_explain_says_why_a_weekend_is_skipped() -> None:
    notes = CALENDAR.explain(D("2026-03-06"), 1)
    assert [n.kind for n in notes] == [NoteKind.WEEKEND, NoteKind.WEEKEND, NoteKind.WORKDAY]


def test_a_year_without_official_data_counts_monday_to_friday_and_is_provisional() -> None:
    # 2027-01-01 is a Friday: counted here, although the real schedule will surely free it.
    assert CALENDAR.add_workdays(D("2026-12-30"), 3) == Deadline(D("2027-01-04"), True)
    assert CALENDAR.add_workdays(D("2028-03-01"), 5) == Deadline(D("2028-03-08"), True)
    notes = CALENDAR.explain(D("2026-12-30"), 3)
    assert [n.provisional for n in notes] == [False, True, True, True, True]


def test_a_limit_ending_before_a_missing_year_stays_final() -> None:
    assert CALENDAR.add_workdays(D("2026-12-29"), 2) == Deadline(D("2026-12-31"), False)
    # The start day's year does not matter when the start day is not counted.
    assert CALENDAR.add_workdays(D("2024-12-31"), 1) == Deadline(D("2025-01-02"), False)


def test_a_zero_limit_in_a_year_without_data_is_provisional() -> None:
    assert CALENDAR.add_workdays(D("2028-03-01"), 0) == Deadline(D("2028-03-01"), True)


def test_paused_days_are_not_counted() -> None:
    pauses: list[Pause] = [(D("2026-03-04"), D("2026-03-05"))]
    assert CALENDAR.add_workdays(D("2026-03-02"), 5) == Deadline(D("2026-03-09"), False)
    assert CALENDAR.add_workdays(D("2026-03-02"), 5, pauses=pauses) == Deadline(
        D("2026-03-11"), False
    )
    kinds = [n.kind for n in CALENDAR.explain(D("2026-03-02"), 5, pauses=pauses)]
    assert kinds[1:3] == [NoteKind.PAUSED, NoteKind.PAUSED]


def test_overlapping_and_touching_pauses_count_once() -> None:
    pauses = [(D("2026-03-04"), D("2026-03-05")), (D("2026-03-05"), D("2026-03-06")),
              (D("2026-03-07"), D("2026-03-09"))]
    assert CALENDAR.add_workdays(D("2026-03-02"), 2, pauses=pauses).date == D("2026-03-10")


def test_a_pause_before_the_start_changes_nothing() -> None:
    pauses = [(D("2026-02-01"), D("2026-03-02"))]
    assert CALENDAR.add_workdays(D("2026-03-02"), 1, pauses=pauses).date == D("2026-03-03")


def test_a_pause_that_ends_before_it_begins_is_refused() -> None:
    with pytest.raises(ValueError, match="before it begins"):
        CALENDAR.add_workdays(D("2026-03-02"), 1, pauses=[(D("2026-03-05"), D("2026-03-04"))])


def test_a_day_cannot_be_both_holiday_and_make_up_day() -> None:
    with pytest.raises(ValueError, match="both"):
        WorkCalendar.build(official_years=[2026], holidays={D("2026-01-01"): "元旦"},
                           makeup_days=[D("2026-01-01")])


def test_exceptions_outside_the_official_years_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        WorkCalendar.build(official_years=[2026], holidays={D("2027-01-01"): "元旦"},
                           makeup_days=[])


def test_the_calendar_is_immutable() -> None:
    with pytest.raises(TypeError):
        CALENDAR.holidays[D("2026-03-02")] = "x"  # type: ignore[index]


# --- properties ------------------------------------------------------------------------------

starts = st.dates(min_value=dt.date(2024, 10, 1), max_value=dt.date(2027, 3, 31))
limits = st.integers(min_value=0, max_value=120)
pause_lists = st.lists(
    st.tuples(starts, st.integers(min_value=0, max_value=40)).map(
        lambda p: (p[0], p[0] + dt.timedelta(days=p[1]))
    ),
    max_size=4,
)


@given(start=starts, n=st.integers(min_value=1, max_value=120), pauses=pause_lists)
def test_a_due_date_is_always_a_working_day_outside_any_pause(
    start: dt.date, n: int, pauses: list[Pause]
) -> None:
    due = CALENDAR.add_workdays(start, n, pauses=pauses).date
    assert due > start
    assert CALENDAR.is_workday(due)
    assert not any(begin <= due <= end for begin, end in pauses)


@given(start=starts, n=limits, pauses=pause_lists)
def test_pauses_never_make_the_due_date_earlier(
    start: dt.date, n: int, pauses: list[Pause]
) -> None:
    assert CALENDAR.add_workdays(start, n, pauses=pauses).date >= CALENDAR.add_workdays(
        start, n
    ).date


@given(start=starts, n=limits, more=st.integers(min_value=1, max_value=60))
def test_add_workdays_is_monotonic_in_n(start: dt.date, n: int, more: int) -> None:
    earlier = CALENDAR.add_workdays(start, n).date
    later = CALENDAR.add_workdays(start, n + more).date
    assert later >= earlier
    if n >= 1:
        assert later > earlier


@given(start=starts, n=limits, pauses=pause_lists)
def test_explain_counts_exactly_n_working_days_day_by_day(
    start: dt.date, n: int, pauses: list[Pause]
) -> None:
    notes = CALENDAR.explain(start, n, pauses=pauses)
    deadline = CALENDAR.add_workdays(start, n, pauses=pauses)
    assert [note.counted for note in notes if note.is_counted] == list(range(1, n + 1))
    assert [note.date for note in notes] == [
        start + dt.timedelta(days=i) for i in range(1, len(notes) + 1)
    ]
    assert (notes[-1].date if notes else start) == deadline.date
    assert deadline.provisional == (
        any(note.provisional for note in notes) or (n == 0 and not CALENDAR.is_official(start))
    )


@given(start=starts, n=st.integers(min_value=1, max_value=300))
def test_workdays_between_inverts_add_workdays(start: dt.date, n: int) -> None:
    assert CALENDAR.workdays_between(start, CALENDAR.add_workdays(start, n).date) == n


@given(a=starts, b=starts)
def test_workdays_between_agrees_with_counting_day_by_day(a: dt.date, b: dt.date) -> None:
    lo, hi = min(a, b), max(a, b)
    counted = sum(
        1 for i in range(1, (hi - lo).days + 1) if CALENDAR.is_workday(lo + dt.timedelta(days=i))
    )
    assert CALENDAR.workdays_between(a, b) == (counted if b >= a else -counted)
