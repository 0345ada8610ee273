"""Reading the login lockout state kept by django-axes: who is locked, why, until when.

Source: GB/T 22239-2019 8.1.4.1 b) — repeated failed logins end the session and lock for a
while. Accounts and addresses are counted separately (AXES_LOCKOUT_PARAMETERS), so guessing
one password on many accounts locks the address, and many addresses on one account lock it.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

ACCOUNT = "account"
ADDRESS = "address"


def cool_off() -> datetime.timedelta:
    """How long a lock lasts, as configured (AXES_COOLOFF_TIME in any form axes accepts)."""
    return get_cool_off() or datetime.timedelta(0)


def cool_off_minutes() -> int:
    return max(1, int(cool_off().total_seconds() // 60))


def failure_limit() -> int:
    limit = settings.AXES_FAILURE_LIMIT
    return limit if isinstance(limit, int) else 5


def _recent_attempts() -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off())


def lockout_scope(*, username: str | None, ip_address: str | None) -> set[str]:
    """Which of the account and the address are locked now (empty set: neither)."""
    scope: set[str] = set()
    recent = _recent_attempts()
    limit = failure_limit()
    if username:
        failures = recent.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"]
        if (failures or 0) >= limit:
            scope.add(ACCOUNT)
    if ip_address:
        failures = recent.filter(ip_address=ip_address).aggregate(
            n=Sum("failures_since_start")
        )["n"]
        if (failures or 0) >= limit:
            scope.add(ADDRESS)
    return scope


@dataclass(frozen=True)
class Lockout:
    kind: str  # ACCOUNT or ADDRESS
    value: str  # the username or the address
    failures: int
    locked_until: datetime.datetime

    @property
    def is_account(self) -> bool:
        return self.kind == ACCOUNT


def current_lockouts() -> list[Lockout]:
    """Every account and address locked right now, the longest-locked first."""
    recent = _recent_attempts()
    limit = failure_limit()
    found: list[Lockout] = []
    for kind, field in ((ACCOUNT, "username"), (ADDRESS, "ip_address")):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("last")
        )
        found.extend(
            Lockout(kind=kind, value=row[field], failures=row["failures"],
                    locked_until=row["last"] + cool_off())
            for row in rows
        )
    return sorted(found, key=lambda lockout: lockout.locked_until)


# axes writes its refusal into this keyword argument of authenticate(); the audit receivers read
# it back from the credentials to tell "refused while locked" from "wrong password".
REFUSAL_KEY = "response_context"


def authenticate_with_lockout(
    request: HttpRequest, *, username: str, password: str
) -> tuple[AbstractBaseUser | None, bool]:
    """django.contrib.auth.authenticate() under the lockout: the user (or None) and whether
    the attempt was refused because the account or the address is locked."""
    refusal: dict[str, str] = {}
    user = authenticate(request=request, username=username, password=password,
                        **{REFUSAL_KEY: refusal})
    return user, user is None and bool(
        refusal.get("error") or getattr(request, "axes_locked_out", False)
    )


def was_refused(credentials: dict[str, Any] | None) -> bool:
    """True when axes refused these credentials without checking them (a lock was on)."""
    context = (credentials or {}).get(REFUSAL_KEY)
    return isinstance(context, dict) and bool(context.get("error"))
