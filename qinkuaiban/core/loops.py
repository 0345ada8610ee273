"""The loop of the long-running management commands (`--loop`) beside the web server."""

import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, close_old_connections, connections

logger = logging.getLogger(__name__)


def run_until_idle(*, step: Callable[[], bool], loop: bool, interval: float, name: str) -> None:
    """Run `step` — True when it did work and may find more at once — again until it finds
    none; then stop, or with `loop` wait `interval` seconds and go on. In a loop a database
    outage is waited out instead of ending the process, so nothing needs restarting when the
    database is back."""
    while True:
        try:
            busy = step()
        except (OperationalError, InterfaceError) as exc:
            if not loop:
                raise
            logger.warning("%s: database unavailable, next run in %ss: %s", name, interval, exc)
            connections.close_all()
            time.sleep(interval)
            continue
        if busy:
            continue
        if not loop:
            return
        close_old_connections()
        time.sleep(interval)
