"""Signal receivers of the cases app, connected in CasesConfig.ready."""

import datetime as dt
from typing import Any

from qinkuaiban.workdays.signals import calendar_changed


def recompute_on_calendar_change(
    sender: Any, *, start: dt.date, end: dt.date, **kwargs: Any
) -> None:
    """A corrected calendar moves the due dates of open cases whose clock runs through it."""
    from qinkuaiban.cases.services import recompute_due_dates

    recompute_due_dates(start=start, end=end)


def connect() -> None:
    calendar_changed.connect(
        recompute_on_calendar_change, dispatch_uid="cases.recompute_on_calendar_change"
    )
