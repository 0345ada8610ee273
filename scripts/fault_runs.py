"""Fault runs with printed figures: kill -9 under load, and PostgreSQL stopped under load.

    sudo .venv/bin/python scripts/fault_runs.py            # ~20 s of kills, a 10 s outage
    sudo .venv/bin/python scripts/fault_runs.py --seconds 60 --kill-every 5 --outage 30

Everything runs on a throwaway PostgreSQL cluster of its own (on a free port), created at
the start and dropped at the end, never on the shared cluster: it needs root and Debian's
postgresql-common (pg_createcluster). It prints a table per run and, last, all findings as
JSON; it exits 1 when a check failed. What the figures mean: docs/operations.md.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability import faults  # noqa: E402

KILL_PROBLEMS = ("acknowledged_missing", "acknowledged_duplicated", "acknowledged_number_differs",
                 "committed_but_never_acknowledged", "without_number",
                 "without_created_or_submit_event", "without_outbox_message", "number_gaps",
                 "duplicate_numbers", "completed_without_sms")


def flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        found: list[tuple[str, str]] = []
        for key, inner in value.items():
            found += flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return found
    if isinstance(value, list):
        return [(prefix, "; ".join(str(v).strip() for v in value) or "-")]
    return [(prefix, str(value))]


def print_table(title: str, findings: dict[str, Any]) -> None:
    rows = flatten(findings)
    width = max(len(key) for key, _value in rows)
    print(f"\n{title}\n{'=' * len(title)}")
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")


def kill_failures(findings: dict[str, Any]) -> list[str]:
    database, outbox = findings["database"], findings["outbox"]
    failures = [name for name in KILL_PROBLEMS if database[name]]
    if findings["submissions"]["given_up"]:
        failures.append("submissions given up")
    if set(outbox["sms_after_sweep"]) - {"sent"}:
        failures.append("SMS not sent after the sweep")
    if outbox["delivered_to_person"] != outbox["sms_deliveries"]:
        failures.append("SMS not delivered to the person")
    if not findings["audit"]["intact"]:
        failures.append("audit trail broken")
    return failures


def outage_failures(findings: dict[str, Any]) -> list[str]:
    failures = [
        f"{kind}: {answer}" for kind, answers in findings["during_outage"].items()
        for answer in answers if not answer.startswith("503 ")
        or answer.split(" ", 1)[1] not in ("service_unavailable", "503 page")
    ]
    if set(findings["recovered_after_seconds"]) != set(findings["during_outage"]):
        failures.append("not every kind of request was served again")
    if findings["errors_after_recovery"]:
        failures.append("errors after recovery")
    if not findings["same_processes"]:
        failures.append("server processes were replaced")
    failures += [f"{name} {problem}" for name, problem in
                 (("database", p) for p in ("acknowledged_missing", "acknowledged_duplicated",
                                            "number_gaps", "duplicate_numbers"))
                 if findings["database"][problem]]
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="kill run: load duration")
    parser.add_argument("--kill-every", type=float, default=4.0,
                        help="kill run: seconds between two kill -9 of a gunicorn worker")
    parser.add_argument("--outage", type=float, default=10.0,
                        help="outage run: seconds PostgreSQL stays stopped")
    parser.add_argument("--applicants", type=int, default=8,
                        help="kill run: concurrent applicants submitting")
    parser.add_argument("--port", type=int, default=0,
                        help="port of the throwaway cluster (default: a free one)")
    args = parser.parse_args()
    unavailable = faults.Cluster.available()
    if unavailable:
        print(f"Cannot run: {unavailable}.")
        return 2
    cluster = faults.Cluster(port=args.port)
    workdir = Path(tempfile.mkdtemp(prefix="qkb-faults-"))
    print(f"Creating the throwaway PostgreSQL {cluster.version} cluster "
          f"'{cluster.name}' on port {cluster.port} (work files in {workdir})…")
    cluster.create()
    try:
        os.environ.update(DATABASE_URL=cluster.url, DJANGO_SETTINGS_MODULE=os.environ.get(
            "QKB_FAULTS_SETTINGS", "qinkuaiban.settings"), QKB_TESTING="1", QKB_HTTPS="0",
            MEDIA_ROOT=str(workdir / "media"), QKB_VAR_DIR=str(workdir / "var"))
        import django
        from django.core.management import call_command

        django.setup()
        from qinkuaiban.core.backups import create_backup

        print("Migrating and seeding…")
        call_command("migrate", verbosity=0)
        seeded = faults.seed(applicants=args.applicants)
        create_backup(output=workdir / "seed", media_root=workdir / "media",
                      progress=lambda line: None)
        print(f"Kill run: {args.seconds:.0f} s of submissions and handler actions…")
        killed = faults.kill_run(database_url=cluster.url, workdir=workdir / "kill",
                                 seeded=seeded, seconds=args.seconds,
                                 kill_every=args.kill_every)
        print_table("kill -9 under load", killed)
        outage_url = cluster.create_database("qkbfaults_outage")
        env = faults.platform_env(database_url=outage_url, workdir=workdir,
                                  gateway_url="http://127.0.0.1:9/")
        faults.manage("restore", str(workdir / "seed"), env=env)
        print(f"\nOutage run: PostgreSQL stopped for {args.outage:.0f} s under load…")
        outage = faults.outage_run(cluster=cluster, database_url=outage_url,
                                   workdir=workdir / "outage", seeded=seeded,
                                   outage=args.outage)
        print_table("PostgreSQL stopped under load", outage)
    finally:
        print(f"\nDropping the cluster '{cluster.name}'.")
        cluster.drop()
    failures = kill_failures(killed) + outage_failures(outage)
    print("\n" + json.dumps({"kill": killed, "outage": outage, "failures": failures},
                            ensure_ascii=False, indent=2, default=str))
    if failures:
        print(f"\nFAILED: {'; '.join(failures)}\nServer logs: {workdir}/*/platform.log")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    print("\nAll checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
