"""The clock: worked examples over the official 2025/2026 calendars and properties that hold
for any limit and any clock stops."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from qinkuaiban.cases import clock
from qinkuaiban.workdays.package import package_rows
from qinkuaiban.workdays.rules import WorkCalendar

D = dt.date


def official() -> WorkCalendar:
    rows = package_rows(2025) + package_rows(2026)
    return WorkCalendar.build(
        official_years=[2025, 2026],
        holidays={r.date: r.name for r in rows if r.kind == "holiday"},
        makeup_days={r.date: r.name for r in rows if r.kind == "workday"},
    )


CALENDAR = official()


def due(accepted_on: dt.date, days: int, stops: list[clock.Stop] | None = None) -> dt.date:
    return clock.due_date(CALENDAR, accepted_on=accepted_on, limit_days=days,
                          stops=stops or [], today=D(2026, 12, 31)).date


def test_three_working_days_after_30_september_2026_end_on_the_make_up_saturday():
    assert due(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_five_working_days_after_13_february_2026_skip_the_spring_festival():
    assert due(D(2026, 2, 13), 5) == D(2026, 2, 27)


def test_five_working_days_after_24_january_2025_skip_the_spring_festival():
    assert due(D(2025, 1, 24), 5) == D(2025, 2, 7)


def test_a_special_procedure_moves_the_due_date_by_the_working_days_it_covered():
    # Accepted Monday 2026-03-02, 5 days → Monday 03-09; an expert review from Tuesday to
    # Thursday excludes Wednesday and Thursday, so two more working days are needed.
    stop = clock.Stop(D(2026, 3, 3), D(2026, 3, 5))
    assert due(D(2026, 3, 2), 5) == D(2026, 3, 9)
    assert due(D(2026, 3, 2), 5, [stop]) == D(2026, 3, 11)


def test_a_stop_that_ends_the_day_it_starts_excludes_nothing():
    assert clock.pauses_for([clock.Stop(D(2026, 3, 3), D(2026, 3, 3))], today=D(2026, 3, 9)) == []


def test_an_open_stop_runs_through_today():
    pauses = clock.pauses_for([clock.Stop(D(2026, 3, 3), None)], today=D(2026, 3, 6))
    assert pauses == [(D(2026, 3, 4), D(2026, 3, 6))]


def test_the_notice_period_is_five_working_days_and_then_the_case_is_deemed_accepted():
    received = D(2026, 9, 30)
    assert clock.notice_deadline(CALENDAR, received_on=received).date == D(2026, 10, 13)
    assert not clock.is_deemed_accepted(CALENDAR, received_on=received, today=D(2026, 10, 13))
    assert clock.is_deemed_accepted(CALENDAR, received_on=received, today=D(2026, 10, 14))


def test_warning_levels_follow_days_left_and_share_used():
    due_on = D(2026, 3, 20)  # a Friday
    level = clock.warning_level
    assert level(CALENDAR, due_on=due_on, limit_days=10, today=D(2026, 3, 10)) == "normal"
    assert level(CALENDAR, due_on=due_on, limit_days=10, today=D(2026, 3, 18)) == "yellow"
    assert level(CALENDAR, due_on=due_on, limit_days=10, today=D(2026, 3, 19)) == "yellow"
    assert level(CALENDAR, due_on=due_on, limit_days=10, today=D(2026, 3, 20)) == "yellow"
    assert level(CALENDAR, due_on=due_on, limit_days=10, today=D(2026, 3, 23)) == "red"
    assert level(CALENDAR, due_on=due_on, limit_days=10, today=D(2026, 3, 16),
                 yellow_days_left=0, yellow_used_percent=100) == "normal"


def test_a_short_promise_turns_yellow_on_its_last_day_not_when_it_is_accepted():
    level = clock.warning_level
    # Accepted on Thursday 2026-03-19, one working day: due Friday the 20th.
    assert level(CALENDAR, due_on=D(2026, 3, 20), limit_days=1, today=D(2026, 3, 19)) == "normal"
    assert level(CALENDAR, due_on=D(2026, 3, 20), limit_days=1, today=D(2026, 3, 20)) == "yellow"
    # Accepted on a Friday: the weekend is not a used day either.
    assert level(CALENDAR, due_on=D(2026, 3, 23), limit_days=1, today=D(2026, 3, 20)) == "normal"
    assert level(CALENDAR, due_on=D(2026, 3, 23), limit_days=1, today=D(2026, 3, 21)) == "normal"
    assert level(CALENDAR, due_on=D(2026, 3, 23), limit_days=1, today=D(2026, 3, 23)) == "yellow"
    # Two days: yellow once one is used.
    assert level(CALENDAR, due_on=D(2026, 3, 20), limit_days=2, today=D(2026, 3, 18)) == "normal"
    assert level(CALENDAR, due_on=D(2026, 3, 20), limit_days=2, today=D(2026, 3, 19)) == "yellow"


def test_the_explanation_lists_every_day_and_why_it_counted_or_not():
    explanation = clock.explain(CALENDAR, accepted_on=D(2026, 9, 30), promised_days=3,
                                today=D(2026, 9, 30))
    assert explanation.due_on == D(2026, 10, 10)
    assert [note.counted for note in explanation.days if note.is_counted] == [1, 2, 3]
    assert len(explanation.skipped) == 7  # the National Day week and 10-08/10-09 holidays
    assert all(note.describe() for note in explanation.days)


days_2026 = st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 9, 30))


@st.composite
def stops(draw: st.DrawFn, start: dt.date) -> list[clock.Stop]:
    result = []
    for _i in range(draw(st.integers(0, 3))):
        begin = start + dt.timedelta(days=draw(st.integers(0, 40)))
        result.append(clock.Stop(begin, begin + dt.timedelta(days=draw(st.integers(0, 15)))))
    return result


@settings(max_examples=150, deadline=None)
@given(data=st.data(), accepted_on=days_2026, limit=st.integers(1, 30),
       extension=st.integers(0, 10))
def test_stops_and_extensions_never_shorten_a_deadline(data, accepted_on, limit, extension):
    some_stops = data.draw(stops(accepted_on))
    plain = due(accepted_on, limit)
    assert due(accepted_on, limit, some_stops) >= plain
    assert due(accepted_on, limit + extension, some_stops) >= due(accepted_on, limit, some_stops)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), accepted_on=days_2026, limit=st.integers(1, 30))
def test_a_due_date_never_falls_on_a_non_working_day(data, accepted_on, limit):
    result = due(accepted_on, limit, data.draw(stops(accepted_on)))
    assert CALENDAR.is_workday(result)
    assert result > accepted_on
