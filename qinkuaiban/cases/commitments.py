"""Published commitments (承诺践诺): how often the promise of a service was kept. Public data:
counts only, nothing about any person."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from qinkuaiban.cases.models import Case, Status
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.dates import day_start

WINDOW_DAYS = 365


@dataclass(frozen=True)
class CommitmentStats:
    """Cases of one item completed in the window, and how many within the promise."""

    since: dt.date
    until: dt.date
    completed: int
    on_time: int

    @property
    def on_time_percent(self) -> int | None:
        """Whole percent completed within the promise; None when nothing was completed."""
        if not self.completed:
            return None
        return round(100 * self.on_time / self.completed)


ONE_DAY = dt.timedelta(days=1)


def commitment_stats(item: ServiceItem, *, today: dt.date | None = None) -> CommitmentStats:
    """The item's cases completed over the last 12 months and the share kept within the
    promised limit (the due date, which includes clock stops and an approved extension)."""
    until = today or timezone.localdate()
    since = until - dt.timedelta(days=WINDOW_DAYS)
    # A range of instants (local midnights), not `completed_at__date`, so the index on the
    # item's completion times serves it.
    counts = Case.objects.filter(
        item=item, status=Status.COMPLETED, completed_at__gte=day_start(since + ONE_DAY),
        completed_at__lt=day_start(until + ONE_DAY),
    ).aggregate(
        completed=Count("pk"),
        on_time=Count("pk", filter=Q(due_on__isnull=False, completed_at__date__lte=F("due_on"))),
    )
    return CommitmentStats(since=since, until=until, completed=counts["completed"] or 0,
                           on_time=counts["on_time"] or 0)

