"""The long-running loops started by scripts/serve.sh beside the web server: the outbox sweeper
(`deliver_notifications --loop`) outlives a database restart instead of exiting with it, and the
clock sweep (`sweep_case_clocks --loop`) runs every interval."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError

from qinkuaiban.cases.management.commands import sweep_case_clocks as clocks
from qinkuaiban.cases.sweep import SweepSummary
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


def test_the_clock_sweep_loop_sweeps_every_interval_and_reports_only_what_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summaries = [SweepSummary(warnings_notified=2), SweepSummary(), SweepSummary()]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise Stop

    monkeypatch.setattr(clocks, "sweep_case_clocks", lambda **kwargs: summaries.pop(0))
    monkeypatch.setattr(loops.time, "sleep", sleep)
    out = StringIO()

    with pytest.raises(Stop):
        call_command("sweep_case_clocks", "--loop", "--interval", "900", stdout=out)

    assert sleeps == [900, 900, 900] and not summaries
    assert out.getvalue().count("已发出预警：2") == 1  # the two quiet sweeps wrote nothing
