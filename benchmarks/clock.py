"""Throughput of the working-day clock (workdays.rules): add_workdays and explain, for limits of
5, 20 and 60 working days, started in 2005, 2015 and 2026. The cost follows the limit, not the
year: each row of a limit should show about the same rate whatever the start year.

Pure rules, no database: the calendar is built from the chinesecalendar package.

    .venv/bin/python benchmarks/clock.py [--seconds 0.3]
"""

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qinkuaiban.workdays.package import package_rows, package_years
from qinkuaiban.workdays.rules import WorkCalendar

LIMITS = (5, 20, 60)
START_YEARS = (2005, 2015, 2026)


def package_calendar() -> WorkCalendar:
    holidays: dict[dt.date, str] = {}
    makeup: dict[dt.date, str] = {}
    years = package_years()
    for year in years:
        for row in package_rows(year):
            (holidays if row.kind == "holiday" else makeup)[row.date] = row.name
    return WorkCalendar.build(official_years=years, holidays=holidays, makeup_days=makeup)


def rate(call: Callable[[dt.date], object], starts: list[dt.date], seconds: float) -> float:
    """Calls per second, cycling through `starts` for about `seconds`."""
    calls = 0
    began = time.perf_counter()
    deadline = began + seconds
    while time.perf_counter() < deadline:
        for start in starts:
            call(start)
        calls += len(starts)
    return calls / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="time per measurement")
    args = parser.parse_args()
    calendar = package_calendar()
    results = []
    for year in START_YEARS:
        # Starts spread over the year, so holidays and ordinary weeks are both measured.
        starts = [dt.date(year, 1, 2) + dt.timedelta(days=11 * i) for i in range(30)]
        for n in LIMITS:
            results.append({
                "start_year": year,
                "n": n,
                "add_workdays_per_s": round(
                    rate(partial(calendar.add_workdays, n=n), starts, args.seconds)),
                "explain_per_s": round(rate(partial(calendar.explain, n=n), starts, args.seconds)),
            })
    print(f"{'start year':>10} {'n':>4} {'add_workdays/s':>15} {'explain/s':>12}")
    for row in results:
        print(f"{row['start_year']:>10} {row['n']:>4} {row['add_workdays_per_s']:>15,} "
              f"{row['explain_per_s']:>12,}")
    print(json.dumps({"benchmark": "workdays.clock", "python": sys.version.split()[0],
                      "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
