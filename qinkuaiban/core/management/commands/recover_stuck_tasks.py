"""Recover task results left RUNNING by a task worker that was killed: run at start-up before
the worker, or by a scheduler. Safe to run any number of times."""

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qinkuaiban.core.services import RECOVERY_BATCH_SIZE, RecoveredBatch, recover_stuck_tasks


class Command(BaseCommand):
    help = ("Mark task results RUNNING for longer than --older-than seconds as failed (their "
            "worker died), or put them back in the queue when their task is named by --requeue.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--older-than", type=int, default=600, metavar="SECONDS",
            help="Only results started this long ago (default 600); keep it above the "
                 "longest-running task.")
        parser.add_argument(
            "--requeue", action="append", default=[], metavar="TASK_PATH",
            help="A task safe to run twice (e.g. qinkuaiban.notifications.tasks."
                 "deliver_due_notifications): its stuck results run again instead of "
                 "failing. Repeat for several.")
        parser.add_argument("--batch-size", type=int, default=RECOVERY_BATCH_SIZE,
                            help="Results recovered per transaction and audit entry.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["older_than"] < 0 or options["batch_size"] < 1:
            raise CommandError(_("--older-than must be 0 or more and --batch-size at least 1."))
        batches = recover_stuck_tasks(
            older_than=dt.timedelta(seconds=options["older_than"]),
            requeue=options["requeue"], batch_size=options["batch_size"],
            on_batch=self._progress,
        )
        failed = sum(batch.failed for batch in batches)
        requeued = sum(batch.requeued for batch in batches)
        self.stdout.write(self.style.SUCCESS(
            _("Stuck tasks: %(failed)s marked failed, %(requeued)s re-queued.")
            % {"failed": failed, "requeued": requeued}))

    def _progress(self, batch: RecoveredBatch) -> None:
        self.stdout.write(
            _("Batch %(number)s: %(failed)s marked failed, %(requeued)s re-queued")
            % {"number": batch.number, "failed": batch.failed, "requeued": batch.requeued})
