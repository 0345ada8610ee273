"""Shared helpers of the benchmarks: databases of their own on the PostgreSQL server, percentiles,
the table-and-JSON report and a progress bar. No Django import at module level: the parent
processes of the benchmarks choose the database before Django starts."""

import json
import math
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEFAULT_SERVER = "postgres://qkb:qkb@127.0.0.1:5432/"


def with_database(url: str, name: str) -> str:
    """The same server and credentials as `url`, another database name."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _admin_connection(url: str) -> Any:
    import psycopg

    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def database_exists(url: str) -> bool:
    with _admin_connection(url) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                           [database_name(url)]).fetchone()
    return row is not None


def create_database(url: str, *, drop: bool = False) -> None:
    """Create the benchmark's own database (dropping it first when asked)."""
    from psycopg import sql

    name = database_name(url)
    with _admin_connection(url) as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plain aligned table on stdout."""
    text = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in text) for i in range(len(headers))]
    for index, row in enumerate(text):
        print("  ".join(cell.rjust(widths[i]) if i else cell.ljust(widths[i])
                        for i, cell in enumerate(row)))
        if index == 0:
            print("  ".join("-" * w for w in widths))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if value is None:
        return "–"
    return str(value)


def print_json(payload: dict[str, Any]) -> None:
    """The machine-readable result: one line starting with `{`, the last line of the output."""
    print(json.dumps(payload, ensure_ascii=False, default=str))


def last_json(output: str) -> dict[str, Any]:
    """The JSON result line of a child process's output."""
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            result: dict[str, Any] = json.loads(line)
            return result
    raise ValueError("no JSON result in the output:\n" + output[-2000:])


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label = max(total, 1), label
        self.began = self.last = time.perf_counter()
        self.done = 0
        self.tty = sys.stderr.isatty()

    def update(self, done: int) -> None:
        self.done = done
        now = time.perf_counter()
        if now - self.last < (0.2 if self.tty else 10) and done < self.total:
            return
        self.last = now
        elapsed = now - self.began
        rate = done / elapsed if elapsed else 0.0
        eta = (self.total - done) / rate if rate else 0.0
        filled = int(30 * done / self.total)
        line = (f"{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{self.total:,} "
                f"{rate:,.0f}/s ETA {eta:,.0f}s")
        sys.stderr.write(("\r" if self.tty else "") + line + ("" if self.tty else "\n"))
        sys.stderr.flush()

    def finish(self) -> None:
        self.update(self.total)
        if self.tty:
            sys.stderr.write("\n")


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like process on `database_url` (DEBUG off, plain http)."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "QKB_HTTPS": "0",
        "DJANGO_SETTINGS_MODULE": "qinkuaiban.settings",
        "PYTHONPATH": str(ROOT),
    })
    env.pop("QKB_TESTING", None)
    env.update(extra)
    return env
