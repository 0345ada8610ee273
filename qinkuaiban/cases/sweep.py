"""The periodic sweep of case clocks (`manage.py sweep_case_clocks`). Idempotent: running it
twice in a row changes nothing the second time.

1. Deemed acceptance (legal.py) of cases left without a notice for 5 working days.
2. 容缺: cases whose deferred materials were not supplied by their deadline are terminated.
3. Transfers not taken over in time are escalated to the supervising division, once.
4. Warning levels of running clocks are recomputed in bulk (no history is needed for a level),
   and every level higher than any already notified is notified once.

One calendar load; cases are read as plain values in primary-key batches, so 100,000 open cases
cost a few hundred small queries, not one per case.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.cases import clock, ratelimit, services
from qinkuaiban.cases.conf import setting
from qinkuaiban.cases.models import WARNING_ORDER, Case, Transfer, TransferStatus, WarningLevel
from qinkuaiban.cases.workflow import Status
from qinkuaiban.workdays.rules import WorkCalendar
from qinkuaiban.workdays.selectors import load_calendar


@dataclass
class SweepSummary:
    deemed_accepted: int = 0
    terminated: int = 0
    escalated: int = 0
    warnings_changed: int = 0
    warnings_notified: int = 0

    @property
    def changed(self) -> bool:
        """Whether the sweep did anything at all."""
        return any((self.deemed_accepted, self.terminated, self.escalated,
                    self.warnings_changed, self.warnings_notified))

    def lines(self) -> list[str]:
        return [
            _("Deemed accepted: %(count)s") % {"count": self.deemed_accepted},
            _("Terminated (deferred materials not supplied): %(count)s")
            % {"count": self.terminated},
            _("Transfers escalated: %(count)s") % {"count": self.escalated},
            _("Warning levels changed: %(count)s") % {"count": self.warnings_changed},
            _("Warnings notified: %(count)s") % {"count": self.warnings_notified},
        ]


def sweep_case_clocks(
    *, today: dt.date | None = None, batch_size: int | None = None
) -> SweepSummary:
    """Run the four steps of the sweep; return what it did."""
    today = today or timezone.localdate()
    batch_size = batch_size or int(setting("QKB_CASE_SWEEP_BATCH"))
    calendar = load_calendar(start=today - dt.timedelta(days=400), end=today)
    summary = SweepSummary()
    summary.deemed_accepted = _deem_accepted(calendar, today)
    summary.terminated = _terminate_deferred(today)
    summary.escalated = _escalate_transfers(today)
    summary.warnings_changed = _recompute_warnings(calendar, today, batch_size)
    summary.warnings_notified = _notify_warnings(batch_size)
    ratelimit.purge(before=timezone.now())
    return summary


def _deem_accepted(calendar: WorkCalendar, today: dt.date) -> int:
    # 5 working days are at least 5 calendar days: a cheap filter before the exact check.
    candidates = Case.objects.filter(
        status=Status.SUBMITTED, received_on__lt=today - dt.timedelta(days=clock.NOTICE_DAYS)
    ).values_list("pk", "received_on")
    count = 0
    for pk, received_on in candidates.iterator():
        if received_on is not None and clock.is_deemed_accepted(
            calendar, received_on=received_on, today=today
        ):
            case = services.deem_accepted(case=Case(pk=pk))
            count += case.status == Status.ACCEPTED
    return count


def _terminate_deferred(today: dt.date) -> int:
    overdue = Case.objects.filter(
        status__in=[Status.ACCEPTED, Status.SPECIAL_PROCEDURE], deferred_due_on__lt=today
    ).values_list("pk", "deferred_due_on")
    count = 0
    for pk, due in overdue.iterator():
        reason = _("The deferred materials were not supplied by %(day)s (容缺受理).") % {
            "day": due.isoformat() if due else ""}
        services.terminate(case=Case(pk=pk), actor=None, reason=reason)
        count += 1
    return count


def _escalate_transfers(today: dt.date) -> int:
    stuck = Transfer.objects.filter(
        status=TransferStatus.PENDING, due_on__lt=today, escalated_at__isnull=True
    )
    count = 0
    for transfer in stuck.iterator():
        reason = _("The transfer was not taken over by %(day)s.") % {
            "day": transfer.due_on.isoformat()}
        count += services.escalate_transfer(transfer=transfer, reason=reason)
    return count


def _recompute_warnings(calendar: WorkCalendar, today: dt.date, batch_size: int) -> int:
    yellow_days = int(setting("QKB_CASE_YELLOW_DAYS_LEFT"))
    yellow_percent = int(setting("QKB_CASE_YELLOW_USED_PERCENT"))
    running = Case.objects.filter(status=Status.ACCEPTED, due_on__isnull=False).order_by("pk")
    changed = 0
    last_pk = 0
    while True:
        rows = list(
            running.filter(pk__gt=last_pk).values_list(
                "pk", "due_on", "promised_days", "extension_days", "warning"
            )[:batch_size]
        )
        if not rows:
            break
        last_pk = rows[-1][0]
        moves: dict[str, list[int]] = defaultdict(list)
        for pk, due_on, promised, extension, warning in rows:
            if due_on is None:
                continue
            level = clock.warning_level(
                calendar, due_on=due_on, limit_days=(promised or 0) + extension, today=today,
                yellow_days_left=yellow_days, yellow_used_percent=yellow_percent,
            )
            if level != warning:
                moves[level].append(pk)
        for level, ids in moves.items():
            # A level is derived data, recomputed every run: no history row is needed for it.
            changed += Case.objects.filter(pk__in=ids).update(warning=level,
                                                              updated_at=timezone.now())
    return changed


def _notify_warnings(batch_size: int) -> int:
    levels = [level for level in WARNING_ORDER if level != WarningLevel.NORMAL]
    pending = Case.objects.filter(status=Status.ACCEPTED, warning__in=levels).exclude(
        warning=F("warning_notified")
    ).order_by("pk")
    count = 0
    last_pk = 0
    while True:
        ids = list(pending.filter(pk__gt=last_pk).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return count
        last_pk = ids[-1]
        for pk in ids:
            count += services.notify_warning(case=Case(pk=pk))
