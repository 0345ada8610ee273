"""The long-running outbox sweeper (`deliver_notifications --loop`, started by scripts/serve.sh
beside the web server) outlives a database restart instead of exiting with it."""

from typing import Any

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError

from qinkuaiban.core import loops
from qinkuaiban.notifications import outbox
from qinkuaiban.notifications.management.commands import deliver_notifications as command

pytestmark = pytest.mark.django_db(transaction=True)


class Stop(Exception):
    """Ends the otherwise endless loop after a few rounds."""


def test_the_sweeper_loop_waits_for_the_database_and_delivers_when_it_is_back(monkeypatch):
    failures = [OperationalError("connection refused"),
                InterfaceError("connection already closed")]
    runs: list[str] = []
    sleeps: list[float] = []
    real_run = outbox.deliver_all_due

    def deliver(**kwargs: Any) -> outbox.RunSummary:
        if failures:
            runs.append("failed")
            raise failures.pop(0)
        runs.append("delivered")
        return real_run(**kwargs)

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise Stop

    monkeypatch.setattr(command.outbox, "deliver_all_due", deliver)
    monkeypatch.setattr(loops.time, "sleep", sleep)

    with pytest.raises(Stop):
        call_command("deliver_notifications", "--loop", "--interval", "7")

    assert runs == ["failed", "failed", "delivered"]
    assert sleeps == [7, 7, 7]


def test_a_single_run_still_fails_loudly_when_the_database_is_away(monkeypatch) -> None:
    def deliver(**kwargs: Any) -> outbox.RunSummary:
        raise OperationalError("connection refused")

    monkeypatch.setattr(command.outbox, "deliver_all_due", deliver)

    with pytest.raises(OperationalError):
        call_command("deliver_notifications")
