"""The calendar pages: a year for every signed-in user; corrections and imports for the system
administrator only."""

import calendar as monthcalendar
import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.core.dates import parse_iso_date
from qinkuaiban.core.errors import DomainError
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import has_role
from qinkuaiban.workdays import selectors, services
from qinkuaiban.workdays.forms import CalendarImportForm, DayCorrectionForm
from qinkuaiban.workdays.importing import FIRST_YEAR, LAST_YEAR, decode, parse_calendar_csv
from qinkuaiban.workdays.models import CalendarYear, Correction, Source
from qinkuaiban.workdays.rules import NoteKind, WorkCalendar


@dataclass(frozen=True)
class Cell:
    date: dt.date
    kind: str
    name: str
    is_today: bool


@dataclass(frozen=True)
class Month:
    first: dt.date
    weeks: list[list[Cell | None]]


@dataclass
class HolidayGroup:
    """A run of consecutive days off under one name, with the make-up days for it."""

    name: str
    first: dt.date
    last: dt.date
    days: int = 1
    makeup_days: list[dt.date] = field(default_factory=list)


def _month(year: int, month: int, calendar: WorkCalendar, today: dt.date) -> Month:
    first = dt.date(year, month, 1)
    cells: list[Cell | None] = [None] * first.weekday()
    for number in range(1, monthcalendar.monthrange(year, month)[1] + 1):
        day = dt.date(year, month, number)
        cells.append(Cell(day, calendar.note_kind(day).value, calendar.name_of(day),
                          day == today))
    cells += [None] * (-len(cells) % 7)
    return Month(first, [cells[i:i + 7] for i in range(0, len(cells), 7)])


def _holiday_groups(year: int, calendar: WorkCalendar) -> list[HolidayGroup]:
    groups: list[HolidayGroup] = []
    for day in sorted(d for d in calendar.holidays if d.year == year):
        name = calendar.holidays[day]
        last = groups[-1] if groups else None
        if last and last.name == name and last.last + dt.timedelta(days=1) == day:
            last.last, last.days = day, last.days + 1
        else:
            groups.append(HolidayGroup(name, day, day))
    for day in sorted(d for d in calendar.makeup_days if d.year == year):
        # Attach a make-up day to the nearest run bearing its name (国庆 and 中秋 sometimes
        # share one run under one name), or to the nearest run when no name matches.
        named = [g for g in groups if g.name == calendar.makeup_days[day]] or groups
        if named:
            min(named, key=lambda g: abs((g.first - day).days)).makeup_days.append(day)
    return groups


def _is_calendar_admin(request: HttpRequest) -> bool:
    return has_role(request.user, Role.SYSTEM_ADMIN)  # type: ignore[arg-type]


def _require_calendar_admin(request: HttpRequest) -> None:
    if not _is_calendar_admin(request):
        raise PermissionDenied


@login_required
def year_view(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """One year: holidays and make-up days by name, and a month grid."""
    today = timezone.localdate()
    year = year or today.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    calendar = selectors.load_calendar(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    years = list(selectors.official_years())
    calendar_year = next((y for y in years if y.year == year), None)
    is_admin = _is_calendar_admin(request)
    return render(request, "workdays/year.html", {
        "year": year,
        "calendar_year": calendar_year,
        "summary": selectors.year_summary(year, calendar=calendar, calendar_year=calendar_year),
        "groups": _holiday_groups(year, calendar),
        "months": [_month(year, m, calendar, today) for m in range(1, 13)],
        "years": years,
        "changes": selectors.changes_of_year(year) if calendar_year else [],
        "warnings": selectors.calendar_warnings(today) if is_admin else [],
        "is_admin": is_admin,
    })


@login_required
def correct_day_view(request: HttpRequest) -> HttpResponse:
    """Make one day a holiday, a make-up working day or an ordinary day, with a reason."""
    _require_calendar_admin(request)
    current = None
    if request.method == "POST":
        form = DayCorrectionForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["date"]
            try:
                services.correct_day(
                    actor=request.user,  # type: ignore[arg-type]
                    date=day, kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"], reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("%(date)s has been corrected.")
                                 % {"date": day.isoformat()})
                return redirect("workdays:year", year=day.year)
    else:
        current = _day_state(request.GET.get("date", ""))
        form = DayCorrectionForm(initial=current.initial() if current else {})
    return render(request, "workdays/correct.html", {"form": form, "current": current})


@dataclass(frozen=True)
class DayState:
    """How the calendar records one day now, shown above the correction form."""

    date: dt.date
    kind: str
    name: str
    is_official: bool

    def initial(self) -> dict[str, object]:
        initial: dict[str, object] = {"date": self.date, "name": self.name}
        if self.kind == NoteKind.HOLIDAY:
            initial["kind"] = Correction.HOLIDAY
        elif self.kind == NoteKind.MAKEUP_WORKDAY:
            initial["kind"] = Correction.WORKDAY
        else:
            initial["kind"] = Correction.ORDINARY
        return initial


def _day_state(value: str) -> DayState | None:
    try:
        day = parse_iso_date(value)
    except ValueError:
        return None
    calendar = selectors.load_calendar(start=day, end=day)
    return DayState(day, calendar.note_kind(day).value, calendar.name_of(day),
                    calendar.is_official(day))


@login_required
def import_year_view(request: HttpRequest) -> HttpResponse:
    """Upload a year's schedule as CSV; every bad line is listed and nothing is written."""
    _require_calendar_admin(request)
    parsed = None
    if request.method == "POST":
        form = CalendarImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            parsed = parse_calendar_csv(decode(upload.read()), year=form.cleaned_data["year"])
            if parsed.is_valid:
                assert parsed.year is not None  # is_valid guarantees it
                exists = CalendarYear.objects.filter(year=parsed.year).exists()
                if exists and not form.cleaned_data["replace"]:
                    form.add_error("replace", _(
                        "%(year)s is already loaded: tick this box to replace it."
                    ) % {"year": parsed.year})
                elif not form.cleaned_data["check_only"]:
                    try:
                        services.import_year(
                            actor=request.user,  # type: ignore[arg-type]
                            year=parsed.year, rows=parsed.rows, source=Source.IMPORT,
                            source_detail=upload.name,
                        )
                    except DomainError as exc:
                        form.add_error(None, exc.message)
                    else:
                        for warning in parsed.warnings:
                            messages.warning(request, str(warning))
                        messages.success(request, _(
                            "%(year)s imported: %(holidays)s holidays and %(makeup_days)s "
                            "make-up working days."
                        ) % {"year": parsed.year, "holidays": parsed.holiday_count,
                             "makeup_days": parsed.makeup_count})
                        return redirect("workdays:year", year=parsed.year)
    else:
        form = CalendarImportForm()
    return render(request, "workdays/import.html", {"form": form, "parsed": parsed})
