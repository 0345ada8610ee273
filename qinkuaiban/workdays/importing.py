"""Reading a year's schedule from a CSV file (`date,kind,name`), line by line, with every problem
named by its line. Pure (no database): the management command and the upload page share it, and
the service `import_year` checks the rows once more with `row_error`.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qinkuaiban.core.dates import parse_iso_date
from qinkuaiban.workdays.package import CalendarRow

HEADER = ("date", "kind", "name")
KINDS = ("holiday", "workday")
NAME_MAX_LENGTH = 40
FIRST_YEAR, LAST_YEAR = 1949, 2200
SATURDAY = 5


@dataclass(frozen=True)
class LineMessage:
    """A problem found on one line of the file (line 0: the file as a whole)."""

    line: int
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ParsedCalendar:
    year: int | None
    rows: list[CalendarRow] = field(default_factory=list)
    errors: list[LineMessage] = field(default_factory=list)
    warnings: list[LineMessage] = field(default_factory=list)
    lines_read: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors and self.year is not None

    @property
    def holiday_count(self) -> int:
        return sum(1 for row in self.rows if row.kind == "holiday")

    @property
    def makeup_count(self) -> int:
        return sum(1 for row in self.rows if row.kind == "workday")


def decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB 18030 as saved by Chinese Excel."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def row_error(row: CalendarRow, year: int) -> str | None:
    """What is wrong with one row of `year`'s schedule, or None."""
    if row.kind not in KINDS:
        return _('Unknown kind "%(kind)s": write holiday or workday.') % {"kind": row.kind}
    if row.date.year != year:
        return _("%(date)s is not in %(year)s.") % {"date": row.date.isoformat(), "year": year}
    if row.kind == "holiday" and not row.name:
        return _("A holiday needs a name (for example 春节).")
    if len(row.name) > NAME_MAX_LENGTH:
        return _("The name is longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH}
    return None


def _parse_date(value: str) -> dt.date | None:
    try:
        return parse_iso_date(value.strip())
    except ValueError:
        return None


def parse_calendar_csv(text: str, *, year: int | None = None) -> ParsedCalendar:
    """Read `date,kind,name` rows; `year` defaults to the year of the first valid date."""
    result = ParsedCalendar(year=year)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        result.errors.append(LineMessage(0, _("The year must be between %(first)s and %(last)s.")
                                         % {"first": FIRST_YEAR, "last": LAST_YEAR}))
        return result
    reader = csv.reader(io.StringIO(text))
    seen: dict[dt.date, int] = {}
    header_seen = False
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append(LineMessage(reader.line_num, _(
                "The line cannot be read as CSV (%(problem)s)."
            ) % {"problem": exc}))
            break
        line = reader.line_num
        result.lines_read = line
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            if tuple(cell.lower() for cell in cells[:3]) != HEADER:
                result.errors.append(LineMessage(line, _(
                    "The first line must be the header: date,kind,name"
                )))
                return result
            continue
        row = _parse_line(result, line, cells)
        if row is None:
            continue
        if row.date in seen:
            result.errors.append(LineMessage(line, _(
                "%(date)s is already listed on line %(first)s."
            ) % {"date": row.date.isoformat(), "first": seen[row.date]}))
            continue
        seen[row.date] = line
        result.rows.append(row)
    if not header_seen:
        result.errors.append(LineMessage(0, _("The file is empty.")))
    elif not result.rows and not result.errors:
        result.errors.append(LineMessage(0, _("The file lists no days.")))
    result.rows.sort()
    if result.is_valid:
        result.warnings.extend(_warnings(result.rows, seen))
    return result


def _parse_line(result: ParsedCalendar, line: int, cells: list[str]) -> CalendarRow | None:
    if len(cells) not in (2, 3):
        result.errors.append(LineMessage(line, _(
            "Expected 3 columns (date,kind,name), found %(count)s."
        ) % {"count": len(cells)}))
        return None
    value, kind = cells[0], cells[1].lower()
    day = _parse_date(value)
    if day is None:
        result.errors.append(LineMessage(line, _(
            '"%(value)s" is not a date: write it as YYYY-MM-DD.'
        ) % {"value": value}))
        return None
    if result.year is None:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            result.errors.append(LineMessage(line, _(
                "The year must be between %(first)s and %(last)s."
            ) % {"first": FIRST_YEAR, "last": LAST_YEAR}))
            return None
        result.year = day.year
    row = CalendarRow(day, kind, cells[2] if len(cells) == 3 else "")
    problem = row_error(row, result.year)
    if problem:
        result.errors.append(LineMessage(line, problem))
        return None
    return row


def _warnings(rows: list[CalendarRow], lines: dict[dt.date, int]) -> list[LineMessage]:
    """Rows that are allowed but change nothing, which usually means a typing mistake."""
    holidays = {row.date for row in rows if row.kind == "holiday"}
    warnings = []
    for row in rows:
        weekday = date_format(row.date, "l")
        if row.kind == "workday" and row.date.weekday() < SATURDAY:
            warnings.append(LineMessage(lines[row.date], _(
                "%(date)s is a %(weekday)s, a working day anyway: as a make-up working day it "
                "changes nothing."
            ) % {"date": row.date.isoformat(), "weekday": weekday}))
        elif (
            row.kind == "holiday" and row.date.weekday() >= SATURDAY
            and not _run_has_weekday(row.date, holidays)
        ):
            warnings.append(LineMessage(lines[row.date], _(
                "%(date)s is a %(weekday)s outside any holiday on a weekday: it is a day off "
                "anyway."
            ) % {"date": row.date.isoformat(), "weekday": weekday}))
    return warnings


def _run_has_weekday(day: dt.date, holidays: set[dt.date]) -> bool:
    """Whether the run of consecutive holidays through `day` includes a Monday-to-Friday."""
    for step in (dt.timedelta(days=1), dt.timedelta(days=-1)):
        current = day
        while current in holidays:
            if current.weekday() < SATURDAY:
                return True
            current += step
    return False


def rows_to_csv(rows: list[CalendarRow]) -> str:
    """The same rows written back as a file the importer reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.date.isoformat(), row.kind, row.name])
    return out.getvalue()
