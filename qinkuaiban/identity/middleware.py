"""The session policy of the 等保 baseline, checked on every request of a signed-in user:
idle timeout, two factors where required, and password expiry (in that order)."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from qinkuaiban.audit.services import record
from qinkuaiban.identity.models import User
from qinkuaiban.identity.passwords import password_is_expired
from qinkuaiban.identity.signals import SESSION_EXPIRED_ATTR
from qinkuaiban.identity.two_factor import otp_required, otp_satisfied

LAST_ACTIVITY_KEY = "qkb_last_activity"
# The last activity is written at most this often: writing it (and so the session row) on
# every request would make every page a database write. An idle session may therefore end up
# to this much earlier than the limit, never later.
ACTIVITY_RESOLUTION_SECONDS = 60
# Put into the fresh session after an idle logout, so the login page can say why.
EXPIRED_NOTICE_KEY = "qkb_session_expired"


def idle_limit_seconds() -> int:
    """The idle timeout; SESSION_COOKIE_AGE is configured from QKB_SESSION_IDLE_MINUTES."""
    return int(settings.SESSION_COOKIE_AGE)


class SessionPolicyMiddleware:
    """Source: GB/T 22239-2019 8.1.4.1 b) (idle sessions end), d) (two factors for
    administrators), a) (passwords are changed periodically)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            response = self._enforce(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _enforce(self, request: HttpRequest, user: User) -> HttpResponse | None:
        now = time.time()
        last = request.session.get(LAST_ACTIVITY_KEY)
        if isinstance(last, int | float) and now - last > idle_limit_seconds():
            return self._expire(request, user)
        if not isinstance(last, int | float) or now - last >= ACTIVITY_RESOLUTION_SECONDS:
            request.session[LAST_ACTIVITY_KEY] = int(now)

        path = request.path
        if path.startswith(settings.STATIC_URL) or path.startswith("/i18n/"):
            return None
        is_api = path.startswith("/api/")
        exempt = path in _exempt_paths()

        if not exempt and otp_required(user) and not otp_satisfied(request):
            if is_api:
                return JsonResponse(
                    {"code": "otp_required",
                     "detail": _("Complete two-factor sign-in in the browser first.")},
                    status=403,
                )
            return _redirect_htmx_aware(request, _otp_url(user))

        if not is_api and not exempt and password_is_expired(user):
            return _redirect_htmx_aware(request, reverse("identity:password_change"))
        return None

    def _expire(self, request: HttpRequest, user: User) -> HttpResponse:
        record(action="identity.session_expired", actor=user, target=user,
               changes={"username": user.username, "idle_minutes": idle_limit_seconds() // 60})
        setattr(request, SESSION_EXPIRED_ATTR, True)
        logout(request)
        request.session[EXPIRED_NOTICE_KEY] = True
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "session_expired", "detail": _("Your session has timed out.")},
                status=401,
            )
        login_url = reverse("identity:login")
        if request.method == "GET" and url_has_allowed_host_and_scheme(
            request.get_full_path(), allowed_hosts={request.get_host()}
        ):
            login_url = f"{login_url}?{urlencode({'next': request.get_full_path()})}"
        return _redirect_htmx_aware(request, login_url)


def _exempt_paths() -> set[str]:
    """Pages a user held by the policy can still reach: sign out, and the pages that satisfy it."""
    return {
        reverse("identity:logout"),
        reverse("identity:password_change"),
        reverse("identity:two_factor_setup"),
        reverse("identity:two_factor_verify"),
    }


def _otp_url(user: User) -> str:
    from qinkuaiban.identity.two_factor import has_confirmed_device

    if has_confirmed_device(user):
        return reverse("identity:two_factor_verify")
    return reverse("identity:two_factor_setup")


def _redirect_htmx_aware(request: HttpRequest, url: str) -> HttpResponse:
    # htmx would swap a redirected page into a fragment; it follows HX-Redirect instead.
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(status=200, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)
