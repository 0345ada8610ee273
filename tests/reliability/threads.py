"""Real concurrency against PostgreSQL: workers that start together, and a way to hold a row
lock until a given number of other transactions are queued behind it, so a test proves that
they really raced instead of happening to run one after the other."""

import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import Model

WAIT_SECONDS = 30.0


def run_together(
    workers: Sequence[Callable[[], Any]], *, before_join: Callable[[], None] | None = None
) -> list[Any]:
    """Start every worker at one barrier; return each one's result or exception. Each thread
    closes its own database connection when it ends."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(index: int, work: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w), daemon=True)
               for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    failure: Exception | None = None
    try:
        if before_join is not None:
            before_join()
    except Exception as exc:
        failure = exc
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    if failure is not None:
        raise failure
    return results


def run_pool(tasks: Sequence[Callable[[], Any]], *, threads: int) -> list[Any]:
    """Run many tasks on a few threads (PostgreSQL allows ~100 connections, shared with others)."""
    chunks = [list(tasks[i::threads]) for i in range(threads)]
    per_thread = run_together([partial(_call_all, chunk) for chunk in chunks])
    results: list[Any] = []
    for outcome in per_thread:
        if isinstance(outcome, Exception):
            raise outcome
        results.extend(outcome)
    return results


def _call_all(tasks: list[Callable[[], Any]]) -> list[Any]:
    return [_call(task) for task in tasks]


def _call(task: Callable[[], Any]) -> Any:
    try:
        return task()
    except Exception as exc:
        return exc


def lock_waiters() -> int:
    """Sessions of this test database now waiting for a lock."""
    with connection.cursor() as cursor:
        # Statistics views are a snapshot per transaction; take a fresh one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


class RowLock:
    """Holds one row's lock (SELECT … FOR UPDATE) in the test's own connection until
    `release_when_queued(n)` has seen `n` sessions waiting behind it, so the test proves the
    workers really raced for it."""

    def __init__(self, instance: Model) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        type(instance)._default_manager.select_for_update().get(pk=instance.pk)

    def release_when_queued(self, n: int) -> None:
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            while (waiting := lock_waiters()) < n:
                if time.monotonic() > deadline:
                    raise AssertionError(f"only {waiting} of {n} sessions queued for the lock")
                time.sleep(0.05)
        finally:
            self._atomic.__exit__(None, None, None)
