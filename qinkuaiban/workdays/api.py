"""Public REST endpoints of the working-day calendar, mounted at /api/v1/workdays.

Anyone may ask for a deadline (applicants plan with it), so the endpoints need no sign-in.
"""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from qinkuaiban.core.dates import parse_iso_date
from qinkuaiban.core.errors import InvalidInput
from qinkuaiban.core.schemas import ErrorOut
from qinkuaiban.workdays import selectors

router = Router(tags=["workdays"])

# Ten years of working days: far beyond any legal limit, and it keeps a request cheap.
MAX_DAYS = 3650


class DeadlineOut(Schema):
    date: dt.date
    provisional: bool


class DayNoteOut(Schema):
    date: dt.date
    kind: str
    counted: int | None
    holiday_name: str
    provisional: bool
    description: str


class ExplanationOut(Schema):
    start: dt.date
    days: int
    date: dt.date
    provisional: bool
    notes: list[DayNoteOut]


class YearOut(Schema):
    year: int
    source: str
    source_detail: str
    imported_at: dt.datetime
    holidays: int
    makeup_days: int
    working_days: int


def _query(start: str, days: str) -> tuple[dt.date, int]:
    try:
        day = parse_iso_date(start)
    except ValueError:
        raise InvalidInput(_("start must be a date written YYYY-MM-DD."),
                           code="invalid_date", field="start") from None
    try:
        n = int(days)
    except ValueError:
        raise InvalidInput(_("days must be a whole number."),
                           code="invalid_days", field="days") from None
    if not 0 <= n <= MAX_DAYS:
        raise InvalidInput(_("days must be between 0 and %(max)s.") % {"max": MAX_DAYS},
                           code="invalid_days", field="days")
    return day, n


@router.get("/add", response={200: DeadlineOut, 422: ErrorOut}, auth=None,
            summary="Add working days to a date")
def add(request: HttpRequest, start: str, days: str) -> dict[str, object]:
    """The `days`-th working day after `start`; `provisional` when a year without data was used."""
    day, n = _query(start, days)
    deadline = selectors.add_workdays(day, n)
    return {"date": deadline.date, "provisional": deadline.provisional}


@router.get("/explain", response={200: ExplanationOut, 422: ErrorOut}, auth=None,
            summary="Explain a deadline")
def explain(request: HttpRequest, start: str, days: str) -> dict[str, object]:
    """Every calendar day from the day after `start` to the due date, and why it counted."""
    day, n = _query(start, days)
    calendar = selectors.load_calendar(start=day, end=day)
    deadline = calendar.add_workdays(day, n)
    return {
        "start": day, "days": n, "date": deadline.date, "provisional": deadline.provisional,
        "notes": [
            {"date": note.date, "kind": note.kind.value, "counted": note.counted,
             "holiday_name": note.holiday_name, "provisional": note.provisional,
             "description": note.describe()}
            for note in calendar.explain(day, n)
        ],
    }


@router.get("/years", response=list[YearOut], auth=None, summary="Official years")
def years(request: HttpRequest) -> list[dict[str, object]]:
    """Years with official data, with their holiday, make-up and working-day counts."""
    return [
        {"year": s.year, "source": s.calendar_year.source,
         "source_detail": s.calendar_year.source_detail,
         "imported_at": s.calendar_year.imported_at, "holidays": s.holidays,
         "makeup_days": s.makeup_days, "working_days": s.working_days}
        for s in selectors.year_summaries() if s.calendar_year is not None
    ]
