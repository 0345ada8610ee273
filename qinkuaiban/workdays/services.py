"""Every write to the working-day calendar. Each is one transaction with its history row and audit
entry; each bumps the calendar version (so every process drops its cached calendar) and, after
commit, sends `calendar_changed` so open cases can recompute their due dates.

Lock order: the version row first, then the year, then the day. The version row is one row, so
calendar writes are serialised; they are rare, and two administrators must never interleave.
"""

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.audit.services import record
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import has_role
from qinkuaiban.workdays.importing import FIRST_YEAR, LAST_YEAR, NAME_MAX_LENGTH, row_error
from qinkuaiban.workdays.models import (
    CalendarChange,
    CalendarDay,
    CalendarVersion,
    CalendarYear,
    ChangeAction,
    Correction,
    DayKind,
    Source,
)
from qinkuaiban.workdays.package import (
    CalendarRow,
    YearNotInPackage,
    package_label,
    package_rows,
)
from qinkuaiban.workdays.signals import calendar_changed

SATURDAY = 5


def _check_actor(actor: User | None) -> None:
    # None is the command line or a migration, run by whoever operates the server.
    if actor is not None and not has_role(actor, Role.SYSTEM_ADMIN):
        raise NotPermitted(
            _("Only the system administrator may change the working-day calendar."),
            code="not_permitted",
        )


def _bump_version() -> CalendarVersion:
    version, _created = CalendarVersion.objects.select_for_update().get_or_create(id=1)
    version.number += 1
    version.stamp = uuid.uuid4().hex
    version.changed_at = timezone.now()
    version.save(update_fields=["number", "stamp", "changed_at"])
    return version


def _announce(start: dt.date, end: dt.date) -> None:
    transaction.on_commit(
        lambda: calendar_changed.send(sender=CalendarDay, start=start, end=end)
    )


def _actor_or_none(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


@transaction.atomic
def correct_day(
    *, actor: User | None, date: dt.date, kind: str, name: str, reason: str
) -> CalendarDay | None:
    """Make one day of an official year a holiday, a make-up working day or an ordinary day."""
    _check_actor(actor)
    name, reason = name.strip(), reason.strip()
    if kind not in Correction.values:
        raise InvalidInput(_("Choose holiday, make-up working day or ordinary day."),
                           code="invalid_kind", field="kind")
    if not reason:
        raise InvalidInput(_("Give the reason for the correction (for example the notice)."),
                           code="reason_required", field="reason")
    if kind == Correction.HOLIDAY and not name:
        raise InvalidInput(_("A holiday needs a name (for example 春节)."),
                           code="name_required", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(_("The name is longer than %(max)s characters.")
                           % {"max": NAME_MAX_LENGTH}, code="name_too_long", field="name")
    if kind == Correction.WORKDAY and date.weekday() < SATURDAY:
        raise InvalidInput(
            _("%(date)s is a weekday and a working day anyway; make-up working days fall on a "
              "Saturday or Sunday.") % {"date": date.isoformat()},
            code="makeup_on_weekday", field="date",
        )
    if kind == Correction.ORDINARY:
        name = ""
    _bump_version()
    year = CalendarYear.objects.select_for_update().filter(year=date.year).first()
    if year is None:
        raise InvalidInput(
            _("There is no official calendar for %(year)s: import the year first.")
            % {"year": date.year},
            code="year_not_official", field="date",
        )
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    old_kind, old_name = (day.kind, day.name) if day else (Correction.ORDINARY.value, "")
    if (old_kind, old_name) == (kind, name):
        raise Conflict(_("The day is already recorded this way."), code="no_change")
    if kind == Correction.ORDINARY:
        assert day is not None  # an ordinary day is only "unchanged" when no row exists
        day.delete()
        day = None
    elif day is None:
        day = CalendarDay.objects.create(year=year, date=date, kind=kind, name=name)
    else:
        day.kind, day.name = kind, name
        day.save(update_fields=["kind", "name", "updated_at"])
    CalendarChange.objects.create(
        year=year, action=ChangeAction.CORRECTED, date=date, old_kind=old_kind,
        old_name=old_name, new_kind=kind, new_name=name, reason=reason,
        actor=_actor_or_none(actor),
    )
    record(
        action="workdays.day_corrected", actor=actor, target=year,
        target_repr=date.isoformat(),
        changes={"date": date.isoformat(), "before": {"kind": old_kind, "name": old_name},
                 "after": {"kind": kind, "name": name}, "reason": reason},
    )
    _announce(date, date)
    return day


def _check_rows(year: int, rows: Sequence[CalendarRow]) -> None:
    seen: set[dt.date] = set()
    for row in rows:
        problem = row_error(row, year)
        if problem is None and row.date in seen:
            problem = _("%(date)s is listed twice.") % {"date": row.date.isoformat()}
        if problem:
            raise InvalidInput(problem, code="invalid_row")
        seen.add(row.date)


@transaction.atomic
def import_year(
    *,
    actor: User | None,
    year: int,
    rows: Sequence[CalendarRow],
    source: str,
    source_detail: str = "",
) -> CalendarYear:
    """Make `year` official with exactly these holidays and make-up days, replacing any before."""
    _check_actor(actor)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(_("The year must be between %(first)s and %(last)s.")
                           % {"first": FIRST_YEAR, "last": LAST_YEAR}, code="invalid_year")
    if source not in Source.values:
        raise InvalidInput(_("Unknown source of calendar data."), code="invalid_source")
    _check_rows(year, rows)
    _bump_version()
    now = timezone.now()
    by = _actor_or_none(actor)
    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    if calendar_year is None:
        calendar_year = CalendarYear.objects.create(
            year=year, source=source, source_detail=source_detail[:200], imported_at=now,
            imported_by=by,
        )
    else:
        calendar_year.source, calendar_year.source_detail = source, source_detail[:200]
        calendar_year.imported_at, calendar_year.imported_by = now, by
        calendar_year.save(
            update_fields=["source", "source_detail", "imported_at", "imported_by", "updated_at"]
        )
    replaced, _deleted = CalendarDay.objects.filter(year=calendar_year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(year=calendar_year, date=row.date, kind=row.kind, name=row.name)
        for row in rows
    )
    holidays = sum(1 for row in rows if row.kind == DayKind.HOLIDAY)
    counts = {"holidays": holidays, "makeup_days": len(rows) - holidays, "replaced": replaced}
    CalendarChange.objects.create(
        year=calendar_year,
        action=ChangeAction.SEEDED if source == Source.PACKAGE else ChangeAction.IMPORTED,
        holiday_count=holidays, makeup_count=len(rows) - holidays, replaced_count=replaced,
        reason=source_detail, actor=by,
    )
    record(
        action="workdays.year_imported", actor=actor, target=calendar_year,
        changes={"year": year, "source": source, "source_detail": source_detail, **counts},
    )
    _announce(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return calendar_year


def seed_year(*, actor: User | None, year: int) -> CalendarYear:
    """Load `year` from the installed chinesecalendar package."""
    try:
        rows = package_rows(year)
    except YearNotInPackage as exc:
        raise InvalidInput(
            _("The installed chinesecalendar package has no schedule for %(year)s; import it "
              "from a file instead.") % {"year": year},
            code="year_not_in_package",
        ) from exc
    return import_year(actor=actor, year=year, rows=rows, source=Source.PACKAGE,
                       source_detail=package_label())
