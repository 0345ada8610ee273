"""Dates as the platform reads and filters them: a date a person typed, strictly YYYY-MM-DD, and
local calendar days as ranges of instants, so filters on timestamps can use their indexes (a
filter on `field__date` computes the date per row and no index serves it)."""

import datetime as dt
import re

from django.utils import timezone

ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD, nothing else (Python 3.11's fromisoformat also reads 20270101
    and 2027-W01-1, which no form or API of the platform promises); ValueError otherwise."""
    if not ISO_DATE_RE.fullmatch(text):
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return dt.date.fromisoformat(text)


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the platform's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def days_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) covering the local days `first` to `last` inclusive: use `__gte`, `__lt`."""
    return day_start(first), day_start(last + dt.timedelta(days=1))
