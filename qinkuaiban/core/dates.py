"""Local calendar days as ranges of instants, so filters on timestamps can use their indexes
(a filter on `field__date` computes the date per row and no index serves it)."""

import datetime as dt

from django.utils import timezone


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the platform's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def days_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) covering the local days `first` to `last` inclusive: use `__gte`, `__lt`."""
    return day_start(first), day_start(last + dt.timedelta(days=1))
