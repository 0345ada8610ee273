"""Periodic: expire rating invitations, warn of rectification, appeal and reply deadlines,
close replies the submitter did not answer."""

from typing import Any

from django.core.management.base import BaseCommand

from qinkuaiban.feedback.sweep import sweep_feedback_deadlines


class Command(BaseCommand):
    help = "Sweep the feedback deadlines: rating windows, rectifications, appeals, replies."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in sweep_feedback_deadlines().lines():
            self.stdout.write(line)
