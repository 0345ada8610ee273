"""Throughput of the working-day clock (workdays.rules): add_workdays and explain, for limits of
5, 20 and 60 working days, started in 2005, 2015 and 2026. The cost follows the limit, not the
year: each row of a limit should show about the same rate whatever the start year.

Pure rules, no database: the calendar is built from the chinesecalendar package. The ceiling,
measured in the same run, is the plain `date + timedelta` of the standard library (the least a
date computation can cost); the verdict "O(limit)" holds when, for every limit, the slowest start
year is within 2× of the fastest (a calendar walked from 2004 would be 20× slower in 2026) and
no walk visits more calendar days than the limit's weeks and the longest holiday.

    .venv/bin/python benchmarks/clock.py [--seconds 0.3] [--quick]
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


ROUNDS = 5
SPREAD_LIMIT = 2.0
MAX_HOLIDAY_RUN = 10


def rate(call: Callable[[dt.date], object], starts: list[dt.date], seconds: float) -> float:
    """Calls per second, cycling through `starts` for about `seconds`: the best of five slices,
    so a neighbour's burst on a shared machine does not pass for a slow calendar."""
    best = 0.0
    for _round in range(ROUNDS):
        calls = 0
        began = time.perf_counter()
        deadline = began + seconds / ROUNDS
        while time.perf_counter() < deadline:
            for start in starts:
                call(start)
            calls += len(starts)
        best = max(best, calls / (time.perf_counter() - began))
    return best


def _plain_add(start: dt.date, n: int) -> dt.date:
    return start + dt.timedelta(days=n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="time per measurement")
    parser.add_argument("--quick", action="store_true", help="0.1 s per measurement")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 0.1
    calendar = package_calendar()
    ceiling = rate(partial(_plain_add, n=20), [dt.date(2026, 1, 2)] * 30, args.seconds)
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
                # Calendar days the walk visits per call: the cost model, free of timing noise.
                "days_walked": round(
                    sum(len(calendar.explain(start, n)) for start in starts) / len(starts), 1),
            })
    print(f"{'start year':>10} {'n':>4} {'add_workdays/s':>15} {'explain/s':>12} "
          f"{'days walked':>12}")
    for row in results:
        print(f"{row['start_year']:>10} {row['n']:>4} {row['add_workdays_per_s']:>15,} "
              f"{row['explain_per_s']:>12,} {row['days_walked']:>12}")
    spread = {
        n: max(r["add_workdays_per_s"] for r in results if r["n"] == n)
        / min(r["add_workdays_per_s"] for r in results if r["n"] == n)
        for n in LIMITS
    }
    # Deterministic: a walk never visits more than the limit's weeks plus the longest holiday
    # run; timing must agree within SPREAD_LIMIT across start years.
    walks_bounded = all(r["days_walked"] <= 1.5 * r["n"] + MAX_HOLIDAY_RUN for r in results)
    o_limit = walks_bounded and all(value < SPREAD_LIMIT for value in spread.values())
    print(f"ceiling (date + timedelta): {round(ceiling):,}/s")
    for n in LIMITS:
        print(f"n={n}: fastest/slowest start year ×{spread[n]:.2f}")
    print(f"walks bounded by the limit (≤ 1.5 n + {MAX_HOLIDAY_RUN} days): "
          f"{'yes' if walks_bounded else 'NO'}")
    print(f"O(limit), not O(days since 2004): {'yes' if o_limit else 'NO'}")
    print(json.dumps({"benchmark": "workdays.clock", "python": sys.version.split()[0],
                      "ceiling_per_s": round(ceiling), "year_spread": spread,
                      "walks_bounded": walks_bounded, "o_limit": o_limit, "results": results},
                     ensure_ascii=False))
    # Rates move with a shared machine; the number of days a walk visits does not.
    if not walks_bounded:
        raise SystemExit("clock: a walk visited more days than its limit allows")


if __name__ == "__main__":
    main()
