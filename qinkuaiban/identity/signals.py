"""Audit receivers for logins, failures, lockouts and logouts.

Source: GB/T 22239-2019 8.1.4.3 — security audit covers every user's important security events
(time, user, event type, outcome, address). The address comes from the audit context.
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from qinkuaiban.audit.models import Outcome
from qinkuaiban.audit.services import record
from qinkuaiban.identity.lockouts import lockout_scope, was_refused
from qinkuaiban.identity.models import User

# Set on the request by the login views and the session policy, read by the receivers below.
SECOND_FACTOR_ATTR = "qkb_second_factor"
SESSION_EXPIRED_ATTR = "qkb_session_expired"
FAILURE_REASON_KEY = "qkb_reason"


def _channel(request: HttpRequest | None) -> str:
    return "api" if request is not None and request.path.startswith("/api/") else "web"


def _refused_while_locked(request: HttpRequest | None,
                          credentials: dict[str, Any] | None) -> bool:
    if was_refused(credentials):
        return True
    # Without the refusal marker (a caller that did not pass it), axes's own flag tells: it is
    # set before counting only when the attempt was refused.
    return bool(
        request is not None
        and getattr(request, "axes_locked_out", False)
        and getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_logged_in)
def audit_login_succeeded(sender: Any, request: HttpRequest | None, user: User,
                          **kwargs: Any) -> None:
    record(action="identity.login_succeeded", actor=user, target=user,
           changes={"username": user.username, "channel": _channel(request),
                    "second_factor": getattr(request, SECOND_FACTOR_ATTR, "")})


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any],
                       request: HttpRequest | None = None, **kwargs: Any) -> None:
    if _refused_while_locked(request, credentials):
        return  # recorded as identity.locked_out: the credentials were never checked
    username = str(credentials.get("username") or "")
    record(action="identity.login_failed", actor=None,
           target=User.objects.filter(username=username).first() if username else None,
           target_repr=username, outcome=Outcome.FAILURE,
           changes={"username": username, "channel": _channel(request),
                    "reason": credentials.get(FAILURE_REASON_KEY, "invalid_credentials")})


@receiver(user_locked_out)
def audit_locked_out(sender: Any, request: HttpRequest | None = None,
                     username: str | None = None, ip_address: str | None = None,
                     **kwargs: Any) -> None:
    record(action="identity.locked_out", actor=None,
           target=User.objects.filter(username=username).first() if username else None,
           target_repr=username or ip_address or "", outcome=Outcome.DENIED,
           changes={"username": username or "", "channel": _channel(request),
                    "scope": sorted(lockout_scope(username=username, ip_address=ip_address)),
                    "refused_attempt": _refused_while_locked(
                        request, getattr(request, "axes_credentials", None))})


@receiver(user_logged_out)
def audit_logged_out(sender: Any, request: HttpRequest | None, user: User | None,
                     **kwargs: Any) -> None:
    if user is None or getattr(request, SESSION_EXPIRED_ATTR, False):
        return  # an idle timeout is recorded as identity.session_expired by the middleware
    record(action="identity.logged_out", actor=user, target=user,
           changes={"username": user.username})
