"""Background work: a delivery run on the task worker, asked for after each commit that wrote
deliveries. The `deliver_notifications` command run by a scheduler is the safety net."""

import logging
from datetime import datetime

from django_tasks import task

from qinkuaiban.notifications import outbox

logger = logging.getLogger(__name__)


@task()
def deliver_due_notifications() -> dict[str, int | str | None]:
    """Deliver everything due, then ask for another run when the earliest retry falls due."""
    summary = outbox.deliver_all_due()
    if summary.next_retry_at is not None:
        schedule_delivery(run_after=summary.next_retry_at)
    return summary.as_dict()


def schedule_delivery(*, run_after: datetime | None = None) -> None:
    """Ask the task worker for a delivery run, now or at `run_after`; never raises."""
    runner = deliver_due_notifications
    if run_after is not None:
        if not runner.get_backend().supports_defer:
            # This backend cannot wait; the scheduled command picks the retry up in time.
            return
        runner = runner.using(run_after=run_after)
    try:
        runner.enqueue()
    except Exception:
        # The deliveries are committed; the scheduled command delivers them if this failed.
        logger.exception("Could not enqueue a notification delivery run")
