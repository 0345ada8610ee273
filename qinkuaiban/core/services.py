"""State changes of the platform's own machinery (not of any business domain)."""

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from qinkuaiban.audit.services import record

RECOVERY_BATCH_SIZE = 100


class WorkerLost(Exception):
    """The worker running a task stopped (killed, out of memory, host lost) before it could
    record an outcome. Named as the failed task's exception class, so it must stay importable."""


@dataclass(frozen=True)
class RecoveredBatch:
    number: int
    failed: int
    requeued: int


def recover_stuck_tasks(
    *,
    older_than: dt.timedelta,
    requeue: Collection[str] = (),
    batch_size: int = RECOVERY_BATCH_SIZE,
    on_batch: Callable[[RecoveredBatch], None] | None = None,
) -> list[RecoveredBatch]:
    """Task results left RUNNING for longer than `older_than` by a worker that died: the ones
    whose task path is in `requeue` (tasks safe to run twice) go back to READY, the others are
    marked FAILED with `WorkerLost`. One transaction and one audit entry per batch; running it
    again finds nothing left to do."""
    # A live worker never holds a row lock while it runs a task (claim() commits), so a task
    # still running longer than `older_than` is treated as lost: pick a threshold above the
    # longest task. The worker of such a task, should it finish, records its outcome anyway.
    # One cutoff for the whole run: a re-queued task a worker claims again meanwhile is
    # RUNNING from after it, so it is never taken up a second time.
    cutoff = timezone.now() - older_than
    batches: list[RecoveredBatch] = []
    while True:
        batch = _recover_batch(number=len(batches) + 1, cutoff=cutoff, older_than=older_than,
                               requeue=frozenset(requeue), batch_size=batch_size)
        if batch is None:
            return batches
        batches.append(batch)
        if on_batch is not None:
            on_batch(batch)


MAX_RUNS = 3


@transaction.atomic
def _recover_batch(*, number: int, cutoff: dt.datetime, older_than: dt.timedelta,
                   requeue: frozenset[str], batch_size: int) -> RecoveredBatch | None:
    now = timezone.now()
    stuck = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        .filter(Q(started_at__lt=cutoff) | Q(started_at__isnull=True, enqueued_at__lt=cutoff))
        .select_for_update(skip_locked=True).order_by("started_at", "id")
        .values_list("id", "task_path", "worker_ids")[:batch_size]
    )
    if not stuck:
        return None
    # A task that took down every worker that ran it would be put back for ever: after
    # MAX_RUNS workers it fails like the others.
    requeued = [pk for pk, path, workers in stuck
                if path in requeue and len(workers or []) < MAX_RUNS]
    failed = [pk for pk, _path, _workers in stuck if pk not in set(requeued)]
    if requeued:
        DBTaskResult.objects.filter(pk__in=requeued).update(status=TaskResultStatus.READY)
    if failed:
        DBTaskResult.objects.filter(pk__in=failed).update(
            status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=(
                f"{WorkerLost.__qualname__}: the worker stopped while running this task; "
                f"marked failed by recover_stuck_tasks after {int(older_than.total_seconds())} s "
                "without an outcome."
            ),
        )
    record(
        action="core.stuck_tasks_recovered", target_repr="django_tasks_db.DBTaskResult",
        changes={
            "older_than_seconds": int(older_than.total_seconds()),
            "failed": [str(pk) for pk in failed], "requeued": [str(pk) for pk in requeued],
            "workers": sorted({w for _pk, _path, workers in stuck for w in workers or []}),
        },
    )
    return RecoveredBatch(number=number, failed=len(failed), requeued=len(requeued))
