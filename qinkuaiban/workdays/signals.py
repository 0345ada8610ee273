"""Signals of the working-day calendar.

`calendar_changed` is sent after a calendar change has been committed (never inside the
transaction, so a receiver always sees the new data), with `sender` the `CalendarDay` model and
two keyword arguments:

- `start` (datetime.date): the first day whose status may have changed;
- `end` (datetime.date): the last such day (inclusive).

A correction sends the one corrected day; an import or a seed sends the whole year. The cases app
connects a receiver that recomputes the due dates of open cases whose clock runs through
`start`..`end`:

    from qinkuaiban.workdays.signals import calendar_changed

    @receiver(calendar_changed)
    def recompute_due_dates(sender, *, start, end, **kwargs): ...

Receivers are called synchronously after commit; one that does heavy work should enqueue a task.
"""

from django.dispatch import Signal

calendar_changed = Signal()
