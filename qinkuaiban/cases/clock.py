"""The case clock on top of the official calendar (workdays.rules). Pure: every function takes
the calendar and the case's clock data; only `explain_due_date` loads them when not given.

Rules:
- The promised limit counts from the working day after acceptance (民法典 第二百零一条); the due
  date is the (promised + extension)-th working day after the day of acceptance.
- Clock stops (补正, and the special procedures of 行政许可法 第四十五条) are not counted: a stop
  that starts on day S and ends on day E leaves S counted and excludes S+1 … E, so the clock
  runs again from the day after the stop ends, as it does after acceptance. A stop still open
  is treated as running through today.
- Without a one-time notice within 5 working days of receiving the materials, the application
  counts as accepted from the day they were received (行政许可法 第三十二条 for a licence, the
  platform's practice for every other item: legal.py).
- Warning levels: red once the due date has passed; yellow when at most N working days are left
  or at least P % of the limit has been used (settings, see conf.py); normal otherwise. A clock
  that has not used a day of its limit is never yellow: a one-day promise would otherwise be
  "near its deadline" from the moment it was accepted, and a warning on every case is noise.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qinkuaiban.workdays.rules import DayNote, Deadline, Pause, WorkCalendar

ONE_DAY = dt.timedelta(days=1)
# Source: 行政许可法 第三十二条 — the one-time notice is due within 5 working days.
NOTICE_DAYS = 5


@dataclass(frozen=True)
class Stop:
    """One clock stop as the clock sees it."""

    started_on: dt.date
    ended_on: dt.date | None
    kind: str = ""
    label: str = ""


def pauses_for(stops: Iterable[Stop], *, today: dt.date) -> list[Pause]:
    """The calendar days the stops exclude from the count (both ends inclusive)."""
    pauses: list[Pause] = []
    for stop in stops:
        end = stop.ended_on if stop.ended_on is not None else max(today, stop.started_on)
        if end > stop.started_on:
            pauses.append((stop.started_on + ONE_DAY, end))
    return pauses


def due_date(
    calendar: WorkCalendar,
    *,
    accepted_on: dt.date,
    limit_days: int,
    stops: Sequence[Stop] = (),
    today: dt.date,
) -> Deadline:
    """The due date of a limit of `limit_days` working days counted after `accepted_on`."""
    return calendar.add_workdays(
        accepted_on, limit_days, pauses=pauses_for(stops, today=today)
    )


def notice_deadline(calendar: WorkCalendar, *, received_on: dt.date) -> Deadline:
    """The last day for the one-time notice (or a decision) on materials received that day."""
    return calendar.add_workdays(received_on, NOTICE_DAYS)


def is_deemed_accepted(calendar: WorkCalendar, *, received_on: dt.date, today: dt.date) -> bool:
    """Whether the notice period ran out before today without a notice."""
    return today > notice_deadline(calendar, received_on=received_on).date


def warning_level(
    calendar: WorkCalendar,
    *,
    due_on: dt.date,
    limit_days: int,
    today: dt.date,
    yellow_days_left: int = 1,
    yellow_used_percent: int = 80,
) -> str:
    """normal, yellow or red for a running clock (see the module's rules)."""
    if today > due_on:
        return "red"
    left = calendar.workdays_between(today, due_on)
    if left <= yellow_days_left and (limit_days <= 0 or left < limit_days):
        return "yellow"
    if limit_days > 0 and (limit_days - left) * 100 >= yellow_used_percent * limit_days:
        return "yellow"
    return "normal"


@dataclass(frozen=True)
class ClockExplanation:
    """Why a case is due when it is: the inputs and every calendar day of the count."""

    accepted_on: dt.date | None
    is_deemed_accepted: bool
    promised_days: int
    extension_days: int
    stops: tuple[Stop, ...]
    days: tuple[DayNote, ...] = field(default=())
    due_on: dt.date | None = None
    provisional: bool = False
    running: bool = False

    @property
    def limit_days(self) -> int:
        return self.promised_days + self.extension_days

    @property
    def skipped(self) -> list[DayNote]:
        return [note for note in self.days if not note.is_counted]


def explain(
    calendar: WorkCalendar,
    *,
    accepted_on: dt.date | None,
    promised_days: int,
    extension_days: int = 0,
    stops: Sequence[Stop] = (),
    today: dt.date,
    is_deemed_accepted: bool = False,
    running: bool = False,
) -> ClockExplanation:
    """The explanation of a due date; an unaccepted case has inputs but no days yet."""
    if accepted_on is None:
        return ClockExplanation(None, False, promised_days, extension_days, tuple(stops))
    limit = promised_days + extension_days
    pauses = pauses_for(stops, today=today)
    days = calendar.explain(accepted_on, limit, pauses=pauses)
    deadline = calendar.add_workdays(accepted_on, limit, pauses=pauses)
    return ClockExplanation(
        accepted_on, is_deemed_accepted, promised_days, extension_days, tuple(stops),
        tuple(days), deadline.date, deadline.provisional, running,
    )


def explain_due_date(
    case: Any, *, calendar: WorkCalendar | None = None, today: dt.date | None = None
) -> ClockExplanation:
    """The day-by-day explanation of a case's due date (loads the calendar and stops if needed)."""
    from django.utils import timezone

    from qinkuaiban.cases.workflow import CLOCK_RUNNING_STATUSES
    from qinkuaiban.workdays.selectors import load_calendar

    today = today or timezone.localdate()
    accepted_on = timezone.localdate(case.accepted_at) if case.accepted_at else None
    stops = tuple(stops_of(case))
    if calendar is None:
        start = accepted_on or today
        calendar = load_calendar(start=min(start, today), end=max(start, today))
    return explain(
        calendar, accepted_on=accepted_on, promised_days=case.promised_days or 0,
        extension_days=case.extension_days, stops=stops, today=today,
        is_deemed_accepted=case.is_deemed_accepted,
        running=case.status in CLOCK_RUNNING_STATUSES,
    )


def stops_of(case: Any) -> list[Stop]:
    """The case's clock stops as `Stop` values (uses a prefetch of `clock_stops` if present)."""
    return [
        Stop(stop.started_on, stop.ended_on, stop.kind,
             str(stop.get_procedure_display() or stop.get_kind_display()))
        for stop in case.clock_stops.all()
    ]
