"""Task results a killed worker left RUNNING are failed (or re-queued when the task is safe to
run twice) by `recover_stuck_tasks`, in audited batches, and a second run changes nothing."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.core.services import WorkerLost

DELIVERY = "qinkuaiban.notifications.tasks.deliver_due_notifications"
ACTION = "core.stuck_tasks_recovered"


def _result(status: str, *, started_minutes_ago: int | None = None) -> DBTaskResult:
    result = DBTaskResult.objects.create(
        status=status, task_path=DELIVERY, backend_name="default", run_after=get_date_max(),
        args_kwargs={"args": [], "kwargs": {}}, worker_ids=["worker-1"] if status != "READY"
        else [],
    )
    if started_minutes_ago is not None:
        DBTaskResult.objects.filter(pk=result.pk).update(
            started_at=timezone.now() - dt.timedelta(minutes=started_minutes_ago))
    return result


def _recover(*options: str) -> str:
    out = StringIO()
    call_command("recover_stuck_tasks", *options, stdout=out)
    return out.getvalue()


def test_results_running_past_the_threshold_are_failed_once_and_the_rest_is_left_alone(db):
    stuck = _result(TaskResultStatus.RUNNING, started_minutes_ago=120)
    running = _result(TaskResultStatus.RUNNING, started_minutes_ago=2)
    waiting = _result(TaskResultStatus.READY)

    output = _recover("--older-than", "600")

    stuck.refresh_from_db()
    assert stuck.status == TaskResultStatus.FAILED and stuck.finished_at is not None
    [error] = stuck.task_result.errors
    assert error.exception_class is WorkerLost
    assert DBTaskResult.objects.get(pk=running.pk).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=waiting.pk).status == TaskResultStatus.READY
    assert "第 1 批：1 个标记为失败，0 个重新排队" in output
    [entry] = AuditEntry.objects.filter(action=ACTION)
    assert entry.changes["failed"] == [str(stuck.pk)] and entry.changes["workers"] == ["worker-1"]

    again = _recover("--older-than", "600")

    assert "0 个标记为失败，0 个重新排队" in again
    assert AuditEntry.objects.filter(action=ACTION).count() == 1


def test_a_task_safe_to_run_twice_goes_back_to_the_queue(db):
    stuck = _result(TaskResultStatus.RUNNING, started_minutes_ago=120)

    output = _recover("--older-than", "600", "--requeue", DELIVERY)

    assert DBTaskResult.objects.get(pk=stuck.pk).status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=stuck.pk).exists()
    assert "1 个重新排队" in output


def test_a_task_that_took_down_three_workers_is_failed_instead_of_put_back(db):
    stuck = _result(TaskResultStatus.RUNNING, started_minutes_ago=120)
    DBTaskResult.objects.filter(pk=stuck.pk).update(worker_ids=["w1", "w2", "w3"])

    _recover("--older-than", "600", "--requeue", DELIVERY)

    assert DBTaskResult.objects.get(pk=stuck.pk).status == TaskResultStatus.FAILED


def test_many_stuck_results_are_recovered_in_batches_with_an_audit_entry_each(db):
    for _n in range(3):
        _result(TaskResultStatus.RUNNING, started_minutes_ago=90)

    output = _recover("--older-than", "600", "--batch-size", "2")

    assert "第 1 批：2 个标记为失败" in output and "第 2 批：1 个标记为失败" in output
    assert AuditEntry.objects.filter(action=ACTION).count() == 2
    assert not DBTaskResult.objects.running().exists()
