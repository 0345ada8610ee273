"""Faults against a real gunicorn and task worker on PostgreSQL (short runs; the longer ones
with printed figures: `scripts/fault_runs.py`, see docs/operations.md).

1. kill -9 of web workers and of the task worker under load: no acknowledged case lost or
   duplicated, none half-written, no gap in the numbers, every case with its outbox rows, every
   SMS delivered to the person once.
2. PostgreSQL stopped for 10 s under load (a throwaway cluster of our own, never the shared
   one): every request answers a clear 503, and the same processes serve again once it is back.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from qinkuaiban.core.backups import create_backup
from tests.reliability import faults
from tests.reliability.conftest import database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("fault runs need PostgreSQL, the production database")


def report(findings: dict[str, Any]) -> None:
    """The figures, in the test log (pytest -s, or on failure)."""
    print(json.dumps(findings, ensure_ascii=False, indent=2, default=str))


def test_killing_web_and_task_workers_under_load_loses_duplicates_and_half_writes_nothing(
    tmp_path: Path,
) -> None:
    seeded = faults.seed(applicants=6)

    findings = faults.kill_run(database_url=database_url(connection.settings_dict),
                               workdir=tmp_path, seeded=seeded, seconds=12, kill_every=2.5)

    report(findings)
    assert len(findings["kills"]) >= 5
    assert findings["workers_alive_after"] == faults.documented_workers()
    submissions = findings["submissions"]
    assert submissions["acknowledged"] >= 10 and submissions["given_up"] == 0
    database = findings["database"]
    assert database["acknowledged"] == submissions["acknowledged"]
    for problem in ("acknowledged_missing", "acknowledged_duplicated",
                    "acknowledged_number_differs", "committed_but_never_acknowledged",
                    "without_number", "without_created_or_submit_event",
                    "without_outbox_message", "number_gaps", "duplicate_numbers",
                    "completed_without_sms"):
        assert database[problem] == 0, problem
    assert database["numbers_start_at"] == 1
    assert database["cases_in_database"] == submissions["acknowledged"]
    outbox = findings["outbox"]
    assert database["completed"] > 0 and outbox["sms_deliveries"] >= database["completed"]
    assert set(outbox["sms_after_sweep"]) == {"sent"}
    assert outbox["never_reached_gateway"] == 0
    assert outbox["delivered_to_person"] == outbox["sms_deliveries"]
    assert findings["audit"]["intact"], findings["audit"]["output"]


def test_postgresql_stopped_under_load_answers_503_and_recovers_without_a_restart(
    tmp_path: Path,
) -> None:
    unavailable = faults.Cluster.available()
    if unavailable:
        pytest.skip(unavailable)
    seeded = faults.seed(applicants=1)
    # The test database, seeded, copied into the throwaway cluster with backup and restore.
    create_backup(output=tmp_path / "seed", media_root=tmp_path / "no-media",
                  progress=lambda line: None)
    cluster = faults.Cluster()
    cluster.create()
    try:
        env = faults.platform_env(database_url=cluster.url, workdir=tmp_path,
                                  gateway_url="http://127.0.0.1:9/")
        faults.manage("restore", str(tmp_path / "seed"), env=env)
        findings = faults.outage_run(cluster=cluster, database_url=cluster.url,
                                     workdir=tmp_path, seeded=seeded, before=3, outage=10,
                                     after=20)
    finally:
        cluster.drop()

    report(findings)
    assert findings["outage_seconds"] >= 10
    during = findings["during_outage"]
    assert set(during) == {"page signed in", "api with session", "api with token",
                           "public page", "submit"}
    for kind, answers in during.items():
        expected = "503 503 page" if kind.endswith("page") or kind.endswith("signed in") else (
            "503 service_unavailable")
        assert set(answers) == {expected}, (kind, answers)
    assert findings["during_outage_max_ms"] < 6000
    assert set(findings["recovered_after_seconds"]) == set(during)
    # Counted from `pg_ctlcluster start`, which itself waits a few seconds for the server.
    assert max(findings["recovered_after_seconds"].values()) < 10
    assert findings["errors_after_recovery"] == 0
    assert findings["same_processes"]
    alive = findings["processes_alive_after"]
    assert alive["gunicorn"] and alive["outbox sweeper"]
    assert findings["submissions"]["given_up"] == 0
    database = findings["database"]
    for problem in ("acknowledged_missing", "acknowledged_duplicated", "number_gaps",
                    "duplicate_numbers", "without_created_or_submit_event"):
        assert database[problem] == 0, problem
