"""Peak day: the morning an allocation window opens, against the platform started as in
production, with the ceilings of the same server and database measured in the same run.

1. Prepares its own PostgreSQL database (`qkb_bench`): migrations, the demo installation, N
   applicants and the handlers of 机关服务中心 with fresh API tokens, one earlier case per
   applicant, `collectstatic`, and the ceiling table.
2. Starts `scripts/serve.sh` (gunicorn, 2 × cores + 1 workers × 2 threads as docs/deploy.md
   says, the task worker and the outbox sweeper) with DEBUG off, plain http on 127.0.0.1, and
   the benchmark's settings module, which only adds the two ceiling views under /_bench/.
3. Drives load.py — a separate process — through five phases, each bounded in time and in
   requests, 64 users by default, after 4 unmeasured seconds that warm every worker up:
   - ceiling `insert` then `submissions` (no think time: throughput);
   - ceiling `render` (a template as large as the average read) then `reads`;
   - `mixed` (60 % reads, 30 % submissions with an attachment, 10 % handler actions) with a
     think time per user (mean 1 s), for the latencies at 64 concurrent users.
4. Stops the server and checks the database: every acknowledged submission exists exactly once,
   the numbers issued during the run are unique and gap-free, and every case submitted in the
   run has its history, its attachment, its audit entry and its outbox rows.

    .venv/bin/python benchmarks/peak_day.py            # 30 s per phase
    .venv/bin/python benchmarks/peak_day.py --quick    # 8 s per phase, < 2 minutes

Targets (issue #5): submissions ≥ 40 % of the insert ceiling; reads ≥ 50 % of the render
ceiling; p99 < 300 ms in the mixed phase; zero errors, zero lost, zero duplicates.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    DEFAULT_SERVER,
    PYTHON,
    ROOT,
    create_database,
    django_env,
    last_json,
    percentile,
    print_json,
    print_table,
)

VAR_DIR = ROOT / "var" / "bench"
SETTINGS = "benchmarks.bench_settings"
SUBMISSION_ITEMS = ("QKB-GC-001", "QKB-HY-001")
GUIDE_CODES = ("QKB-HY-001", "QKB-GC-001", "QKB-WX-001", "QKB-ZC-001", "QKB-ST-001",
               "QKB-TY-001")
HANDLERS = 6
HANDLING_ORG = "goa-service-centre"  # the division the handlers of the plan work for
QUEUE_FOR_MIXED = 5000
WARMUP_SECONDS = 4
DRAIN_TIMEOUT_S = 900
# One intake worker per core: registering the morning's applications after the window.
INTAKE_WORKERS = os.cpu_count() or 1
TARGETS = {"submission_share": 0.40, "read_share": 0.50, "p99_ms": 300}
# The targets whose miss ends the run with a failure (the smoke run in CI relies on it).
CORRECTNESS = ("zero errors", "zero lost, duplicated, gaps, half-written")


# --- inside Django: prepare and verify -------------------------------------------------------


def prepare(applicants: int, plan_path: str, intake: str) -> None:
    """Seed the database and write the plan the load process reads."""
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from benchmarks.ceiling import TABLE_SQL
    from qinkuaiban.cases import services as case_services
    from qinkuaiban.cases.demo import _form
    from qinkuaiban.cases.models import Case, CaseNumberSequence
    from qinkuaiban.catalogue.models import ServiceItem
    from qinkuaiban.identity import services as identity_services
    from qinkuaiban.identity.models import Organisation, User
    from qinkuaiban.identity.roles import Role
    from qinkuaiban.identity.tokens import issue_token

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="lisi").exists():
        call_command("seed_demo", stdout=StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(TABLE_SQL)
    departments = list(Organisation.objects.filter(kind="department").order_by("pk"))
    service_centre = Organisation.objects.get(code=HANDLING_ORG)
    people = []
    for index in range(applicants):
        user = User.objects.filter(username=f"bench-applicant-{index}").first()
        if user is None:
            user = identity_services.create_user(
                actor=None, username=f"bench-applicant-{index}", real_name=f"申请人{index}",
                password=None, mobile=f"137{index:08d}")  # API tokens only: no Argon2 to pay
            identity_services.grant_role(actor=None, user=user,
                                         organisation=departments[index % len(departments)],
                                         role=Role.APPLICANT)
        people.append(user)
    handlers = [User.objects.get(username="lisi")]
    for index in range(HANDLERS - 1):
        user = User.objects.filter(username=f"bench-handler-{index}").first()
        if user is None:
            user = identity_services.create_user(
                actor=None, username=f"bench-handler-{index}", real_name=f"经办人{index}",
                password=None, mobile=f"136{index:08d}")
            for role in (Role.WINDOW_CLERK, Role.HANDLER):
                identity_services.grant_role(actor=None, user=user, organisation=service_centre,
                                             role=role)
        handlers.append(user)
    from qinkuaiban.catalogue.services import set_queued_intake

    for item in ServiceItem.objects.filter(code__in=SUBMISSION_ITEMS):
        set_queued_intake(actor=None, item=item, enabled=intake == "queued")
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=SUBMISSION_ITEMS)
             .select_related("current_version")}
    submission_items = []
    for code in SUBMISSION_ITEMS:
        item = items[code]
        assert item.current_version is not None
        required = item.current_version.materials.filter(necessity="required").first()
        submission_items.append({"code": code, "form": _form(item, {}),
                                 "material": required.pk if required else None,
                                 "handled_by_plan": item.handling_org_id == service_centre.pk})
    plan_applicants = []
    for user in people:
        numbers = list(Case.objects.filter(applicant=user, number__isnull=False)
                       .values_list("number", flat=True)[:5])
        if not numbers:
            from django.core.files.base import ContentFile

            item = items["QKB-HY-001"]
            case = case_services.submit_case(
                actor=user, item=item, form=_form(item, {}), idempotency_key="bench-seed",
                files=[(None, ContentFile(b"%PDF-1.4\n%%EOF\n", name="seed.pdf"))])
            numbers = [case.number]
        raw, _token = issue_token(user=user, name="peak-day benchmark")
        plan_applicants.append({"token": raw, "cases": numbers})
    plan = {
        "applicants": plan_applicants,
        "handlers": [issue_token(user=user, name="peak-day benchmark")[0] for user in handlers],
        "submission_items": submission_items,
        "guide_codes": [code for code in GUIDE_CODES if ServiceItem.objects.filter(code=code)
                        .exists()],
        "sequence_before": CaseNumberSequence.objects.filter(year=timezone.localdate().year)
        .values_list("last", flat=True).first() or 0,
        "year": timezone.localdate().year,
    }
    Path(plan_path).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    # A database filled a moment ago has no planner statistics until autovacuum comes round
    # (a minute or more, in the middle of the first phase); a production one has months of
    # them. As after any bulk load, gather them now.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print_json({"prepared": len(people), "handlers": len(handlers)})


def drain(timeout: float, plan_path: str) -> None:
    """Wait until the intake worker has registered every received application; how long."""
    import django

    django.setup()
    from qinkuaiban.cases.models import Case, Intake, IntakeStatus, Status
    from qinkuaiban.cases.numbering import format_number

    began = time.perf_counter()
    waiting = first = Intake.objects.filter(status=IntakeStatus.QUEUED).count()
    while waiting and time.perf_counter() - began < timeout:
        time.sleep(0.25)
        waiting = Intake.objects.filter(status=IntakeStatus.QUEUED).count()
    seconds = round(time.perf_counter() - began, 2)
    # The handlers' queue as the morning left it: the registered applications their division
    # handles, still waiting to be accepted (the mixed phase's handlers work on these too).
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    first_of_run = format_number(plan["year"], plan["sequence_before"] + 1)
    queue = list(Case.objects.filter(status=Status.SUBMITTED, handling_org__code=HANDLING_ORG,
                                     number__gte=first_of_run)
                 .order_by("-id").values_list("number", flat=True)[:QUEUE_FOR_MIXED])
    print_json({"waiting_at_start": first, "still_waiting": waiting, "seconds": seconds,
                "queue": queue})


def verify(plan_path: str, acknowledged_path: str) -> None:
    """The database after the run: nothing lost, nothing doubled, nothing half-written."""
    import django

    django.setup()
    from django.db.models import Count, Exists, OuterRef

    from qinkuaiban.audit.models import AuditEntry
    from qinkuaiban.cases.models import Attachment, Case, CaseEvent, CaseNumberSequence, Intake
    from qinkuaiban.cases.numbering import format_number
    from qinkuaiban.notifications.models import Delivery, Message

    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    acknowledged = json.loads(Path(acknowledged_path).read_text(encoding="utf-8"))
    # A receipt (queued intake) stands for the case its application was registered as; one
    # never registered is lost.
    receipts = [e["receipt"] for e in acknowledged if "receipt" in e]
    registered = dict(Intake.objects.filter(receipt__in=receipts, case__isnull=False)
                      .values_list("receipt", "case__number"))
    unregistered = [r for r in receipts if r not in registered]
    acknowledged = [{**e, "number": registered.get(e["receipt"], f"unregistered:{e['receipt']}")}
                    if "receipt" in e else e for e in acknowledged]
    year, before = plan["year"], plan["sequence_before"]
    after = CaseNumberSequence.objects.get(year=year).last
    issued = [format_number(year, n) for n in range(before + 1, after + 1)]
    found = dict(Case.objects.filter(number__in=issued).values_list("number", "pk"))
    gaps = [number for number in issued if number not in found]
    numbers = [entry["number"] for entry in acknowledged]
    counts = dict(Case.objects.filter(number__in=numbers).values("number")
                  .annotate(n=Count("pk")).values_list("number", "n"))
    lost = [n for n in numbers if counts.get(n, 0) == 0]
    doubled = [n for n in numbers if counts.get(n, 0) > 1] + sorted(
        {n for n in numbers if numbers.count(n) > 1})
    # Each acknowledgement belongs to the request that sent its idempotency key, and no other.
    by_key = dict(Case.objects.filter(idempotency_key__in=[e["key"] for e in acknowledged])
                  .values_list("idempotency_key", "number"))
    wrong_request = [e for e in acknowledged if by_key.get(e["key"]) != e["number"]]
    ids = [str(pk) for pk in found.values()]
    pks = list(found.values())
    submitted_events = set(CaseEvent.objects.filter(case_id__in=pks, action="submit")
                           .values_list("case_id", flat=True))
    created_events = set(CaseEvent.objects.filter(case_id__in=pks, action="created")
                         .values_list("case_id", flat=True))
    with_files = set(Attachment.objects.filter(case_id__in=pks).values_list("case_id", flat=True))
    audited = set(AuditEntry.objects.filter(action="cases.case_submitted", target_id__in=ids)
                  .values_list("target_id", flat=True))
    messages = set(Message.objects.filter(target_type="cases.case", target_id__in=ids,
                                          kind="cases.submit")
                   .values_list("target_id", flat=True))
    # NOT EXISTS, an anti-join: NOT IN over every delivery row of earlier runs took minutes.
    undelivered = Message.objects.filter(target_type="cases.case", target_id__in=ids).exclude(
        Exists(Delivery.objects.filter(message_id=OuterRef("pk")))).count()
    result = {
        "acknowledged": len(numbers), "receipts": len(receipts),
        "unregistered_receipts": len(unregistered), "issued_in_run": len(issued),
        "lost": lost[:10],
        "lost_count": len(lost), "duplicates": doubled[:10], "duplicate_count": len(doubled),
        "gaps": gaps[:10], "gap_count": len(gaps), "request_mismatch": len(wrong_request),
        "without_history": len(set(pks) - (submitted_events & created_events)),
        "without_attachment": len(set(pks) - with_files),
        "without_audit_entry": len(set(ids) - audited),
        "without_outbox_message": len(set(ids) - messages),
        "messages_without_delivery_row": undelivered,
    }
    print_json(result)


# --- the parent -----------------------------------------------------------------------------


def _child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([PYTHON, str(Path(__file__).resolve()), *args], env=env, cwd=ROOT,
                          stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode:
        print(done.stdout)
        raise SystemExit(f"peak_day {args[0]} failed")
    return last_json(done.stdout)


def _wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def _size_of(url: str, token: str = "") -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token
                                     else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return len(response.read())


def _phase(plan_path: str, phase: str, args: argparse.Namespace, *, think: float = 0.0,
           ) -> dict[str, Any]:
    print(f"  phase {phase} ({args.seconds:.0f} s, {args.users} users"
          f"{f', think {think} s' if think else ''})…", flush=True)
    done = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "load.py"), plan_path, phase, "--users",
         str(args.users), "--seconds", str(args.seconds), "--max-requests",
         str(args.max_requests), "--think", str(think)],
        stdout=subprocess.PIPE, text=True, check=True, cwd=ROOT)
    return last_json(done.stdout)


def _ok_rate(result: dict[str, Any], kinds: list[str]) -> float:
    ok = sum(result["statuses"].get(kind, {}).get(str(code), 0) + result["statuses"].get(
        kind, {}).get(code, 0) for kind in kinds for code in (200, 201))
    return ok / result["seconds"]


def rate_of(phase: str, result: dict[str, Any]) -> float:
    """The figure of a measured phase: successful answers per second (for submissions, the
    acknowledged ones, each later checked to be exactly one case)."""
    if phase == "submissions":
        return len(result["acknowledged"]) / result["seconds"]
    return _ok_rate(result, {
        "insert": ["ceiling: bare insert"], "render": ["ceiling: bare render"],
        "reads": ["read: guide item page", "read: case (API)"]}[phase])


def merge_slices(slices: list[dict[str, Any]]) -> dict[str, Any]:
    """One phase's result from its slices: the sums, the latencies and answers together, and
    each slice's seconds and answers per second of its own."""
    merged: dict[str, Any] = {
        "phase": slices[0]["phase"], "users": slices[0]["users"],
        "think_s": slices[0]["think_s"], "seconds": 0.0, "requests": 0, "acknowledged": [],
        "latencies": {}, "bytes": {}, "per_second": {}, "statuses": {}, "errors": {},
        "error_counts": {}, "slice_seconds": []}
    for part in slices:
        merged["seconds"] += part["seconds"]
        merged["requests"] += part["requests"]
        merged["acknowledged"] += part["acknowledged"]
        merged["slice_seconds"].append(part["seconds"])
        for kind, values in part["latencies"].items():
            merged["latencies"].setdefault(kind, []).extend(values)
            merged["per_second"].setdefault(kind, []).append(part["per_second"].get(kind, []))
        for kind, size in part["bytes"].items():
            merged["bytes"][kind] = merged["bytes"].get(kind, 0) + size
        for kind, by_status in part["statuses"].items():
            counts = merged["statuses"].setdefault(kind, {})
            for status, count in by_status.items():
                counts[status] = counts.get(status, 0) + count
        for kind, samples in part["errors"].items():
            merged["errors"][kind] = (merged["errors"].get(kind, []) + samples)[:20]
        for kind, count in part["error_counts"].items():
            merged["error_counts"][kind] = merged["error_counts"].get(kind, 0) + count
    return merged


def _paired(plan_path: str, ceiling: str, phase: str, args: argparse.Namespace,
            after: Any = None) -> tuple[dict[str, Any], dict[str, Any], list[float]]:
    """A ceiling and the platform's phase, measured in `--slices` alternating slices that
    share `--seconds` each: a machine whose speed drifts during the run (another job, the
    cloud neighbour, the kernel flushing files) moves both alike, so their ratio holds. The
    ratio of each pair, for how far the slices agree."""
    sliced = argparse.Namespace(**{**vars(args), "seconds": args.seconds / args.slices})
    ceilings, phases, shares = [], [], []
    for _ in range(args.slices):
        ceilings.append(_phase(plan_path, ceiling, sliced))
        phases.append(_phase(plan_path, phase, sliced))
        if after is not None:
            after()
        top = rate_of(ceiling, ceilings[-1])
        shares.append(round(rate_of(phase, phases[-1]) / top, 3) if top else 0.0)
    return merge_slices(ceilings), merge_slices(phases), shares


def _shares(values: list[float]) -> str:
    return " / ".join(f"{value:.1%}" for value in values)


def summarise(phases: dict[str, dict[str, Any]], check: dict[str, Any],
              server: dict[str, Any], drained: dict[str, dict[str, Any]],
              shares: dict[str, list[float]]) -> dict[str, Any]:
    rows = []
    kinds: dict[str, Any] = {}
    for name, result in phases.items():
        for kind, values in sorted(result["latencies"].items()):
            errors = result["error_counts"].get(kind, 0)
            entry = {
                "phase": name, "kind": kind, "count": len(values),
                "per_s": round(len(values) / result["seconds"], 1),
                "p50_ms": round(percentile(values, 50), 1),
                "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1), "errors": errors,
                # Answers in each second of the phase (of each slice, for a sliced phase).
                "per_second": result["per_second"].get(kind, []),
            }
            kinds[f"{name}/{kind}"] = entry
            rows.append([name, kind, entry["count"], entry["per_s"], entry["p50_ms"],
                         entry["p95_ms"], entry["p99_ms"], errors])
    print()
    print_table(["phase", "request kind", "count", "per s", "p50 ms", "p95 ms", "p99 ms",
                 "errors"], rows)
    insert, submissions, render, reads = (
        rate_of(name, phases[name]) for name in ("insert", "submissions", "render", "reads"))
    mixed = phases["mixed"]
    mixed_all = [v for kind, values in mixed["latencies"].items()
                 for v in values]
    p99 = percentile(mixed_all, 99)
    errors = sum(sum(r["error_counts"].values()) for r in phases.values())
    figures = {
        "insert_ceiling_per_s": round(insert, 1), "submissions_per_s": round(submissions, 1),
        "submission_share": round(submissions / insert, 3) if insert else None,
        "submission_share_by_slice": shares["submissions"],
        "render_ceiling_per_s": round(render, 1), "reads_per_s": round(reads, 1),
        "read_share": round(reads / render, 3) if render else None,
        "read_share_by_slice": shares["reads"],
        "mixed_requests_per_s": round(len(mixed_all) / mixed["seconds"], 1),
        "mixed_p99_ms": round(p99, 1), "errors": errors,
        "intake_waiting_after_submissions": drained.get("submissions", {}).get(
            "waiting_at_start", 0),
        "intake_drain_s": drained.get("submissions", {}).get("seconds", 0.0),
        # Cases written per second from the window's opening until the last was registered.
        "cases_end_to_end_per_s": round(
            len(phases["submissions"]["acknowledged"]) / (
                phases["submissions"]["seconds"]
                + drained.get("submissions", {}).get("seconds", 0.0)), 1),
        "intake_still_waiting": sum(d.get("still_waiting", 0) for d in drained.values()),
        "lost": check["lost_count"], "duplicates": check["duplicate_count"],
        "gaps": check["gap_count"],
    }
    met = {
        "submissions ≥ 40 % of the insert ceiling": bool(
            figures["submission_share"] and figures["submission_share"] >= TARGETS[
                "submission_share"]),
        "reads ≥ 50 % of the render ceiling": bool(
            figures["read_share"] and figures["read_share"] >= TARGETS["read_share"]),
        "p99 < 300 ms at 64 users (mixed)": p99 < TARGETS["p99_ms"],
        "zero errors": errors == 0,
        "zero lost, duplicated, gaps, half-written": not figures["intake_still_waiting"]
        and not any(
            check[key] for key in ("lost_count", "duplicate_count", "gap_count",
                                   "unregistered_receipts",
                                   "request_mismatch", "without_history", "without_attachment",
                                   "without_audit_entry", "without_outbox_message",
                                   "messages_without_delivery_row")),
    }
    print()
    print_table(["figure", "value"], [
        ["bare insert (ceiling), per s", figures["insert_ceiling_per_s"]],
        ["submissions acknowledged (1 request with a file each), per s",
         figures["submissions_per_s"]],
        [f"  intake: {server['intake']}; received, waiting when the window closed",
         figures["intake_waiting_after_submissions"]],
        ["  intake: seconds until all were registered as cases", figures["intake_drain_s"]],
        ["  cases written per s, window plus registration", figures["cases_end_to_end_per_s"]],
        ["submissions / insert ceiling", f"{(figures['submission_share'] or 0):.1%}"],
        ["  each pair of slices", _shares(shares["submissions"])],
        ["bare render (ceiling), per s", figures["render_ceiling_per_s"]],
        ["reads, per s", figures["reads_per_s"]],
        ["reads / render ceiling", f"{(figures['read_share'] or 0):.1%}"],
        ["  each pair of slices", _shares(shares["reads"])],
        ["mixed: requests per s", figures["mixed_requests_per_s"]],
        ["mixed: p99 of every request (ms)", figures["mixed_p99_ms"]],
        ["errors (all phases)", errors],
        ["acknowledged submissions checked (of them receipts)",
         f"{check['acknowledged']} ({check['receipts']})"],
        ["receipts never registered as a case", check["unregistered_receipts"]],
        ["lost / duplicated / number gaps", f"{check['lost_count']} / "
         f"{check['duplicate_count']} / {check['gap_count']}"],
        ["cases without history / attachment / audit / outbox",
         f"{check['without_history']} / {check['without_attachment']} / "
         f"{check['without_audit_entry']} / {check['without_outbox_message']}"],
    ])
    print()
    print_table(["target", "met"], [[name, "yes" if ok else "NO"] for name, ok in met.items()])
    for name, result in phases.items():
        for kind, samples in result["errors"].items():
            for sample in samples[:3]:
                print(f"  error in {name} / {kind}: {sample}")
    return {"benchmark": "peak_day", "server": server, "figures": figures, "met": met,
            "kinds": kinds, "check": check}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 s per phase, 100 applicants")
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    parser.add_argument("--users", type=int, default=64, help="concurrent virtual users")
    parser.add_argument("--slices", type=int, default=3,
                        help="each ceiling and its phase alternate in this many slices of "
                             "--seconds / slices (1: one after the other)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean think time of a user in the mixed phase (s)")
    parser.add_argument("--applicants", type=int, default=300)
    parser.add_argument("--max-requests", type=int, default=40_000,
                        help="upper bound of requests per phase")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=os.environ.get(
        "QKB_BENCH_URL", DEFAULT_SERVER + "qkb_bench"))
    parser.add_argument("--rebuild", action="store_true",
                        help="start from an empty database and an empty media directory")
    parser.add_argument("--intake", choices=["queued", "direct"], default="queued",
                        help="the submitted services on the queued intake (as on a peak "
                             "day, the default) or registered directly in the request")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--drain", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--verify", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(args.prepare, args.plan, args.intake)
        return
    if args.drain is not None:
        drain(args.drain, args.plan)
        return
    if args.verify:
        verify(*args.verify)
        return
    if args.quick:
        args.seconds, args.applicants = 8, 100

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    env = django_env(args.database_url, QKB_VAR_DIR=str(VAR_DIR),
                     DJANGO_SETTINGS_MODULE=SETTINGS)
    create_database(args.database_url, drop=args.rebuild)
    if args.rebuild:
        # The uploads of the dropped database's cases, which nothing refers to any more.
        shutil.rmtree(VAR_DIR / "media", ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix="qkb-peak-"))
    plan_path = str(work / "plan.json")
    print(f"preparing {args.applicants} applicants on {args.database_url.rsplit('/', 1)[-1]}…",
          flush=True)
    _child(["--prepare", str(args.applicants), "--plan", plan_path, "--intake", args.intake],
           env)
    server = {"workers": args.workers, "threads": 2, "cores": os.cpu_count(),
              "intake": args.intake,
              "command": "scripts/serve.sh (gunicorn gthread, db_worker, outbox sweeper, "
                         "intake worker)"}
    log = open(VAR_DIR / "peak_day.server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "serve.sh")], cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
        env={**env, "WORKERS": str(args.workers), "PORT": str(args.port), "HOST": "127.0.0.1",
             "INTAKE_WORKERS": str(INTAKE_WORKERS)})
    base = f"http://127.0.0.1:{args.port}"
    phases: dict[str, dict[str, Any]] = {}
    warmup: dict[str, Any] = {"acknowledged": []}
    drained: dict[str, dict[str, Any]] = {}
    shares: dict[str, list[float]] = {}
    try:
        _wait_until_up(base)
        plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
        applicant = plan["applicants"][0]
        guide = _size_of(f"{base}/guide/{plan['guide_codes'][0]}/")
        case = _size_of(f"{base}/api/v1/cases/{applicant['cases'][0]}", applicant["token"])
        plan.update(host="127.0.0.1", port=args.port, render_bytes=(guide + case) // 2)
        Path(plan_path).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        server["render_bytes"] = plan["render_bytes"]
        # Every gunicorn worker loads the application on its first request (a second or more):
        # a short unmeasured mixed load first, so the phases measure the platform warm. Its
        # submissions are checked with the others.
        warmup = _phase(plan_path, "mixed", argparse.Namespace(
            **{**vars(args), "seconds": WARMUP_SECONDS}))
        drain_args = ["--drain", str(DRAIN_TIMEOUT_S), "--plan", plan_path]
        # Registered before the ceiling is measured, so no phase shares the machine with it.
        drained["warmup"] = _child(drain_args, env)
        waited: list[dict[str, Any]] = []

        def register_what_arrived() -> None:
            # The intake worker registers what the window received before the next slice is
            # measured: how long that takes is the queue's figure.
            waited.append(_child(drain_args, env))

        phases["insert"], phases["submissions"], shares["submissions"] = _paired(
            plan_path, "insert", "submissions", args, after=register_what_arrived)
        drained["submissions"] = {
            "waiting_at_start": sum(d["waiting_at_start"] for d in waited),
            "still_waiting": waited[-1]["still_waiting"],
            "seconds": round(sum(d["seconds"] for d in waited), 2), "queue": waited[-1]["queue"]}
        phases["render"], phases["reads"], shares["reads"] = _paired(
            plan_path, "render", "reads", args)
        # The handlers start the mixed phase with the queue the window left them (the intake
        # worker defers registering while applications pour in: docs/adr/0006).
        plan["submitted"] = drained["submissions"]["queue"]
        Path(plan_path).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        phases["mixed"] = _phase(plan_path, "mixed", args, think=args.think)
        drained["mixed"] = _child(drain_args, env)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
    acknowledged = [e for result in [warmup, *phases.values()] for e in result["acknowledged"]]
    acknowledged_path = work / "acknowledged.json"
    acknowledged_path.write_text(json.dumps(acknowledged), encoding="utf-8")
    check = _child(["--verify", plan_path, str(acknowledged_path)], env)
    summary = summarise(phases, check, server, drained, shares)
    print_json(summary)
    # Throughput shares move with a shared machine; a lost case or an error never does.
    failed = [name for name in CORRECTNESS if not summary["met"][name]]
    if failed:
        raise SystemExit(f"peak_day: not met: {'; '.join(failed)}")


if __name__ == "__main__":
    main()
