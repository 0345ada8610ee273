"""Scale: how the pages and the batch work behave with 100,000 and 1,000,000 cases.

For each size it builds (once, then reuses) a database `<base>_<size>` on the PostgreSQL
server — five years of cases written with COPY, see scale_data.py — and measures, in a
production-configured Django process (DEBUG off) on that database:

- the handler queue page of one organisation (机关服务中心, the busiest) — target p95 < 100 ms;
- an applicant's "my cases" page (a frequent applicant, the heaviest kind) — p95 < 50 ms;
- the public statistics of one item: the guide's item page with the commitment box — < 500 ms;
- the monthly dashboard of the ratings (the feedback app's statistics, as the GOA leader sees
  it: every organisation and item, last month and this month) — < 500 ms;
- `sweep_case_clocks` over the open cases (100,000 at 1,000,000) — < 30 s;
- a calendar correction recomputing the affected open cases — < 60 s;

with the number of SQL queries of each. The ceiling of the pages, measured in the same run, is
the cost of the smallest page the platform serves to a signed-in user (the home page), so a
slow machine shows up in both. Then a growth table: each figure at each size and the factor.

    .venv/bin/python benchmarks/scale.py                        # 100,000 and 1,000,000
    .venv/bin/python benchmarks/scale.py --quick                # 20,000 only (< 2 minutes)
    .venv/bin/python benchmarks/scale.py --sizes 100000 --rebuild

The sweep and the correction change the data; the benchmark puts the warning levels and the
calendar back afterwards, so a second run measures the same work.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    DEFAULT_SERVER,
    PYTHON,
    ROOT,
    create_database,
    database_exists,
    database_name,
    django_env,
    last_json,
    percentile,
    print_json,
    print_table,
    with_database,
)

TARGETS = {
    "queue_p95_ms": 100, "mine_p95_ms": 50, "item_stats_ms": 500, "dashboard_ms": 500,
    "sweep_s": 30, "correction_s": 60,
}


# --- the child: one size, inside Django ---------------------------------------------------


def _setup_django() -> None:
    import django

    django.setup()


def _prepare(size: int) -> dict[str, Any]:
    """Migrate, seed the demo installation and the calendar, then the cases."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from benchmarks import scale_data
    from qinkuaiban.identity.models import User
    from qinkuaiban.workdays.models import CalendarYear
    from qinkuaiban.workdays.package import package_years

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="lisi").exists():
        call_command("seed_demo", stdout=StringIO())
    this_year = timezone.localdate().year
    wanted = [y for y in range(this_year - scale_data.YEARS, this_year + 1)
              if y in package_years()]
    missing = sorted(set(wanted) - set(CalendarYear.objects.values_list("year", flat=True)))
    if missing:
        call_command("seed_work_calendar", years=missing, stdout=StringIO())
    began = time.perf_counter()
    built = scale_data.build(size)
    built["ratings_added"] = scale_data.add_ratings()
    built["build_s"] = round(time.perf_counter() - began, 1)
    return built


class QueryCounter:
    """Counts the SQL statements run on the default connection while active."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> "QueryCounter":
        from django.db import connection

        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._cm.__exit__(*exc)


def _time_page(client: Any, urls: list[str], repeat: int) -> dict[str, Any]:
    """Times GET requests of `urls` (round robin, `repeat` in all) after one warm-up each."""
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    with QueryCounter() as counter:
        client.get(urls[0])
    times = []
    for index in range(repeat):
        began = time.perf_counter()
        client.get(urls[index % len(urls)])
        times.append((time.perf_counter() - began) * 1000)
    return {"p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1), "queries": counter.count, "requests": repeat}


def _client_for(user: Any) -> Any:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


def _measure_pages(quick: bool) -> dict[str, Any]:
    import datetime as dt

    from django.core.management import call_command
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from qinkuaiban.cases.models import Case
    from qinkuaiban.identity.models import User

    # The pages render as in production, through the static files' manifest: a fresh clone
    # has none until it is collected (quick on later runs, which copy nothing).
    call_command("collectstatic", interactive=False, verbosity=0)
    repeat = 20 if quick else 60
    lisi = User.objects.get(username="lisi")
    heaviest = (Case.objects.filter(applicant__isnull=False).values("applicant")
                .annotate(n=Count("pk")).order_by("-n").first())
    applicant = User.objects.get(pk=heaviest["applicant"]) if heaviest else lisi
    pages: dict[str, Any] = {}
    pages["ceiling_home"] = _time_page(_client_for(lisi), ["/"], repeat)
    pages["queue"] = _time_page(
        _client_for(lisi),
        ["/cases/queue/", "/cases/queue/?page=2", "/cases/queue/?status=accepted",
         "/cases/queue/?warning=yellow"], repeat)
    pages["queue"]["open_cases_of_org"] = Case.objects.filter(
        handling_org__code="goa-service-centre",
        status__in=["submitted", "awaiting_supplement", "accepted", "special_procedure"],
    ).count()
    pages["mine"] = _time_page(_client_for(applicant),
                               ["/cases/mine/", "/cases/mine/?page=2", "/cases/mine/?show=open"],
                               repeat)
    pages["mine"]["cases_of_applicant"] = heaviest["n"] if heaviest else 0
    busiest = (Case.objects.values("item__code").annotate(n=Count("pk")).order_by("-n")
               .first())
    code = busiest["item__code"] if busiest else "QKB-HY-001"
    pages["item_stats"] = _time_page(_client_for(None), [f"/guide/{code}/"], max(10, repeat // 3))
    pages["item_stats"]["item"] = code
    # The leader sees every organisation: the largest dashboard there is.
    dashboard = reverse("feedback:statistics")
    leader = User.objects.get(username="sunqi")
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    pages["dashboard"] = _time_page(
        _client_for(leader), [f"{dashboard}?month={month:%Y-%m}", dashboard],
        max(10, repeat // 3))
    pages["dashboard"]["month"] = f"{month:%Y-%m}"
    return pages


def _measure_sweep() -> dict[str, Any]:
    """sweep_case_clocks as the night before the next working day (the data's warning levels are
    those of today, so a working day's worth of levels moves), then the levels put back."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from qinkuaiban.cases.models import Case
    from qinkuaiban.cases.sweep import sweep_case_clocks
    from qinkuaiban.cases.workflow import OPEN_STATUSES
    from qinkuaiban.workdays.selectors import load_calendar

    open_cases = Case.objects.filter(status__in=OPEN_STATUSES).count()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_levels AS SELECT id, warning, warning_notified "
                       "FROM cases_case WHERE status = 'accepted'")
    today = timezone.localdate()
    calendar = load_calendar(start=today, end=today + dt.timedelta(days=30))
    night = today + dt.timedelta(days=1)
    while not calendar.is_workday(night):
        night += dt.timedelta(days=1)
    with QueryCounter() as counter:
        began = time.perf_counter()
        summary = sweep_case_clocks(today=night)
        seconds = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case c SET warning = b.warning, "
                       "warning_notified = b.warning_notified FROM bench_levels b "
                       "WHERE c.id = b.id AND (c.warning, c.warning_notified) "
                       "IS DISTINCT FROM (b.warning, b.warning_notified)")
        cursor.execute("DROP TABLE bench_levels")
    return {"seconds": round(seconds, 2), "queries": counter.count, "open_cases": open_cases,
            "as_of": night.isoformat(),
            "warnings_changed": summary.warnings_changed,
            "warnings_notified": summary.warnings_notified,
            "deemed_accepted": summary.deemed_accepted}


def _measure_correction() -> dict[str, Any]:
    """A working day inside most running clocks becomes a holiday; then the correction is undone
    (the undo is timed too)."""
    import datetime as dt

    from django.utils import timezone

    from qinkuaiban.cases.models import Case
    from qinkuaiban.identity.models import User
    from qinkuaiban.workdays import services
    from qinkuaiban.workdays.models import Correction
    from qinkuaiban.workdays.selectors import load_calendar

    today = timezone.localdate()
    calendar = load_calendar(start=today, end=today + dt.timedelta(days=30))
    day = today + dt.timedelta(days=1)
    while not calendar.is_workday(day) or day.year != today.year:
        day += dt.timedelta(days=1)
        if day.year != today.year:
            day = today - dt.timedelta(days=1)
            while not calendar.is_workday(day):
                day -= dt.timedelta(days=1)
            break
    affected = Case.objects.filter(status__in=["accepted", "special_procedure"],
                                   due_on__gte=day, accepted_at__date__lte=day).count()
    admin = User.objects.get(username="sysadmin")
    with QueryCounter() as counter:
        began = time.perf_counter()
        services.correct_day(actor=admin, date=day, kind=Correction.HOLIDAY, name="基准测试",
                             reason="基准测试：临时调休")
        seconds = time.perf_counter() - began
    began = time.perf_counter()
    services.correct_day(actor=admin, date=day, kind=Correction.ORDINARY, name="",
                         reason="基准测试：撤销")
    undo = time.perf_counter() - began
    return {"seconds": round(seconds, 2), "undo_seconds": round(undo, 2),
            "queries": counter.count, "day": day.isoformat(), "affected_cases": affected}


def child(size: int, quick: bool, build_only: bool) -> None:
    _setup_django()
    built = _prepare(size)
    result: dict[str, Any] = {"size": size, "built": built}
    if build_only:
        print_json(result)
        return
    result["pages"] = _measure_pages(quick)
    result["sweep"] = _measure_sweep()
    result["correction"] = _measure_correction()
    print_json(result)


# --- the parent: sizes, processes, report ---------------------------------------------------


def _figures(result: dict[str, Any]) -> dict[str, tuple[float | None, int | None]]:
    pages = result["pages"]
    dashboard = pages.get("dashboard", {})
    return {
        "ceiling: home page p95 (ms)": (pages["ceiling_home"]["p95_ms"],
                                        pages["ceiling_home"]["queries"]),
        "handler queue p95 (ms)": (pages["queue"]["p95_ms"], pages["queue"]["queries"]),
        "my cases p95 (ms)": (pages["mine"]["p95_ms"], pages["mine"]["queries"]),
        "item statistics p95 (ms)": (pages["item_stats"]["p95_ms"],
                                     pages["item_stats"]["queries"]),
        "monthly dashboard p95 (ms)": (dashboard.get("p95_ms"), dashboard.get("queries")),
        "sweep_case_clocks (s)": (result["sweep"]["seconds"], result["sweep"]["queries"]),
        "calendar correction (s)": (result["correction"]["seconds"],
                                    result["correction"]["queries"]),
    }


TARGET_OF = {
    "handler queue p95 (ms)": TARGETS["queue_p95_ms"], "my cases p95 (ms)": TARGETS["mine_p95_ms"],
    "item statistics p95 (ms)": TARGETS["item_stats_ms"],
    "monthly dashboard p95 (ms)": TARGETS["dashboard_ms"],
    "sweep_case_clocks (s)": TARGETS["sweep_s"], "calendar correction (s)": TARGETS["correction_s"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        help="comma-separated case counts (default 100000,1000000)")
    parser.add_argument("--quick", action="store_true", help="20,000 cases, fewer requests")
    parser.add_argument("--database-url", default=os.environ.get(
        "QKB_BENCH_SCALE_URL", DEFAULT_SERVER + "qkb_scale"),
        help="server and base name; each size gets <name>_<size>")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the databases")
    parser.add_argument("--build-only", action="store_true",
                        help="build the databases, measure nothing")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.quick, args.build_only)
        return
    sizes = [20_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    for size in sizes:
        url = with_database(args.database_url, f"{database_name(args.database_url)}_{size}")
        fresh = args.rebuild or not database_exists(url)
        create_database(url, drop=args.rebuild)
        print(f"== {size:,} cases on {database_name(url)}"
              f"{' (building)' if fresh else ' (reused)'}", flush=True)
        command = [PYTHON, str(Path(__file__).resolve()), "--child", str(size)]
        command += ["--quick"] * args.quick + ["--build-only"] * args.build_only
        # The published figures are cached for five minutes in production; here every request
        # computes them, so the item page's figure is the cost of the worst request.
        env = django_env(url, QKB_VAR_DIR=str(ROOT / "var" / "bench"),
                         QKB_PUBLIC_STATS_CACHE_SECONDS="0")
        done = subprocess.run(command, env=env,
                              stdout=subprocess.PIPE, text=True, check=False, cwd=ROOT)
        if done.returncode:
            print(done.stdout)
            raise SystemExit(f"the benchmark at {size:,} cases failed")
        results.append(last_json(done.stdout))
    if args.build_only:
        print_json({"benchmark": "scale", "built": [r["built"] for r in results]})
        return
    report(results)


def report(results: list[dict[str, Any]]) -> None:
    figures = [_figures(r) for r in results]
    sizes = [r["size"] for r in results]
    headers = ["figure", *[f"{s:,}" for s in sizes], "queries", "target", "met"]
    if len(sizes) > 1:
        headers.insert(1 + len(sizes), "growth")
    rows = []
    verdicts: dict[str, bool | None] = {}
    for name in figures[0]:
        values = [f[name][0] for f in figures]
        queries = "/".join(str(f[name][1]) if f[name][1] is not None else "–" for f in figures)
        target = TARGET_OF.get(name)
        last = values[-1]
        met = None if target is None or last is None else last < target
        verdicts[name] = met
        row: list[Any] = [name, *values]
        if len(sizes) > 1:
            first = values[0]
            row.append(f"×{last / first:.1f}" if first and last else "–")
        row += [queries, f"< {target}" if target else "", {True: "yes", False: "NO",
                                                             None: ""}[met]]
        rows.append(row)
    print()
    print_table(headers, rows)
    for result in results:
        print(f"\n{result['size']:,} cases: open cases {result['sweep']['open_cases']:,}; "
              f"queue of 机关服务中心 holds {result['pages']['queue']['open_cases_of_org']:,} open "
              f"cases; my cases of an applicant with "
              f"{result['pages']['mine']['cases_of_applicant']:,} cases; correction of "
              f"{result['correction']['day']} affected "
              f"{result['correction']['affected_cases']:,} cases; sweep changed "
              f"{result['sweep']['warnings_changed']:,} levels and notified "
              f"{result['sweep']['warnings_notified']:,}.")
    print_json({"benchmark": "scale", "sizes": sizes, "targets": TARGETS,
                "met": verdicts, "results": results})


if __name__ == "__main__":
    main()
