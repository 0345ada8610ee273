"""A small database-backed rate limiter for the public progress lookup: it holds across all app
processes (a per-process cache would multiply the limit by the number of workers)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.cases.conf import setting
from qinkuaiban.cases.models import LookupThrottle
from qinkuaiban.core.errors import RateLimited

WINDOW = dt.timedelta(minutes=1)


def hit(*, key: str, limit: int | None = None, now: dt.datetime | None = None) -> None:
    """Count one attempt for `key`; RateLimited once more than `limit` fall in one minute."""
    limit = limit if limit is not None else int(setting("QKB_PUBLIC_LOOKUP_PER_MINUTE"))
    # The count is committed before refusing, so refused attempts count too.
    if _count(key=key, now=now or timezone.now()) > limit:
        raise RateLimited(_("Too many attempts. Please wait a minute and try again."),
                          code="rate_limited")


@transaction.atomic
def _count(*, key: str, now: dt.datetime) -> int:
    row = LookupThrottle.objects.select_for_update().filter(key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                LookupThrottle.objects.create(key=key, window_started_at=now, count=1)
            return 1
        except IntegrityError:
            row = LookupThrottle.objects.select_for_update().get(key=key)
    if now - row.window_started_at >= WINDOW:
        row.window_started_at, row.count = now, 0
    row.count += 1
    row.save(update_fields=["window_started_at", "count"])
    return row.count


def purge(*, before: dt.datetime) -> int:
    """Forget windows that ended before `before` (run by the sweep)."""
    deleted, _detail = LookupThrottle.objects.filter(window_started_at__lt=before - WINDOW).delete()
    return deleted
