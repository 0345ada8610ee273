"""Sign-in, the profile and the administrators' account pages. Thin: shape checks in forms,
rules in services, lockout counting in django-axes."""

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinkuaiban.core.errors import DomainError
from qinkuaiban.identity import lockouts, passwords, selectors, services, tokens
from qinkuaiban.identity.forms import (
    GrantRoleForm,
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    PasswordResetForm,
    TokenCreateForm,
    TotpConfirmForm,
    TwoFactorResetForm,
    TwoFactorSearchForm,
    UserCreateForm,
    UserSearchForm,
)
from qinkuaiban.identity.middleware import EXPIRED_NOTICE_KEY, LAST_ACTIVITY_KEY
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.signals import FAILURE_REASON_KEY, SECOND_FACTOR_ATTR
from qinkuaiban.identity.two_factor import (
    has_confirmed_device,
    match_second_factor,
    otp_satisfied,
    qr_svg,
    secret_base32,
)

# The password step passed, the code step is pending: who, by which backend, since when.
PENDING_LOGIN_KEY = "qkb_pending_login"
PENDING_LOGIN_SECONDS = 5 * 60
USERS_PER_PAGE = 25
TWO_FACTOR_MATCHES_SHOWN = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _next_url(request: HttpRequest, fallback: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback or resolve_url(settings.LOGIN_REDIRECT_URL)


def lockout_message(request: HttpRequest, username: str | None) -> str:
    """Why the sign-in is refused and for how long, naming the account or the address."""
    ip_address = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    scope = lockouts.lockout_scope(username=username, ip_address=ip_address)
    minutes = lockouts.cool_off_minutes()
    if lockouts.ACCOUNT in scope:
        return _("After repeated failed sign-ins this account is locked for %(minutes)d "
                 "minutes. Try again later, or ask the security administrator to release "
                 "it.") % {"minutes": minutes}
    if lockouts.ADDRESS in scope:
        return _("After repeated failed sign-ins from your network address, sign-ins from it "
                 "are locked for %(minutes)d minutes. Try again later, or ask the security "
                 "administrator to release it.") % {"minutes": minutes}
    return _("After repeated failed sign-ins the account or your network address is locked "
             "for %(minutes)d minutes. Try again later.") % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None, *args: object,
                     **kwargs: object) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page (or a JSON error for the API) with status 429."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    pending = request.session.get(PENDING_LOGIN_KEY) if hasattr(request, "session") else None
    if not username and pending:
        username = User.objects.filter(pk=pending["user_id"]).values_list(
            "username", flat=True).first()
    message = lockout_message(request, username)
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": message}, status=429)
    if pending:
        request.session.pop(PENDING_LOGIN_KEY, None)
    form = LoginForm(initial={"username": username or ""})
    return render(request, "identity/login.html",
                  {"form": form, "lockout_message": message, "next": _next_url(request, "")},
                  status=429)


def _complete_login(request: HttpRequest, user: User, *, second_factor: str,
                    backend: str | None = None) -> None:
    setattr(request, SECOND_FACTOR_ATTR, second_factor)
    login(request, user, backend=backend)
    request.session[LAST_ACTIVITY_KEY] = int(time.time())


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one: username and password, counted by axes toward the lockout."""
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(_next_url(request))
    session_expired = request.session.pop(EXPIRED_NOTICE_KEY, False)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, locked = lockouts.authenticate_with_lockout(
            request, username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if locked:
            return lockout_response(request, credentials=form.cleaned_data)
        if user is None:
            form.add_error(None, _("The username or password is not correct."))
        elif has_confirmed_device(user):  # type: ignore[arg-type]
            request.session.cycle_key()
            request.session[PENDING_LOGIN_KEY] = {
                "user_id": user.pk, "backend": getattr(user, "backend", None),
                "at": int(time.time()), "next": _next_url(request, ""),
            }
            return redirect("identity:two_factor_verify")
        else:
            _complete_login(request, user, second_factor="")  # type: ignore[arg-type]
            return redirect(_next_url(request))
    return render(request, "identity/login.html", {
        "form": form, "session_expired": session_expired, "next": _next_url(request, ""),
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
    })


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any] | None]:
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_LOGIN_SECONDS:
        request.session.pop(PENDING_LOGIN_KEY, None)
        return None, None
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    return user, pending


@sensitive_post_parameters("token")
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app or a backup code. Wrong codes count toward
    the same lockout as wrong passwords, and each device also throttles itself."""
    pending: dict[str, Any] | None = None
    if request.user.is_authenticated:
        user: User | None = _user(request)
        if otp_satisfied(request) or not has_confirmed_device(_user(request)):
            return redirect(_next_url(request))
    else:
        user, pending = _pending_user(request)
        if user is None:
            messages.info(request, _("Please sign in again."))
            return redirect("identity:login")
    assert user is not None
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.username}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            user_locked_out.send("axes", request=request, username=user.username,
                                 ip_address=getattr(request, "axes_ip_address", None))
            return lockout_response(request, credentials=credentials)
        device, throttled = match_second_factor(user, form.cleaned_data["token"])
        if throttled:
            form.add_error("token", _("Too many wrong codes in a row. Wait a little and try "
                                      "again."))
        elif device is None:
            user_login_failed.send(
                sender=__name__, request=request,
                credentials={**credentials, FAILURE_REASON_KEY: "invalid_otp"},
            )
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request, credentials=credentials)
            form.add_error("token", _("The code is not correct."))
        else:
            factor = "totp" if isinstance(device, TOTPDevice) else "backup_code"
            next_url = (pending or {}).get("next") or _next_url(request)
            if pending is not None:
                request.session.pop(PENDING_LOGIN_KEY, None)
                _complete_login(request, user, second_factor=factor,
                                backend=pending.get("backend"))
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "identity/two_factor_verify.html", {"form": form, "subject": user})


def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation; only a POST signs out (a link cannot sign anyone out)."""
    if request.method == "POST":
        logout(request)
        messages.success(request, _("You have signed out."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "identity/logout.html")


# --- Profile ----------------------------------------------------------------------------------


def _profile_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    by_organisation: dict[int, dict[str, Any]] = {}
    for membership in selectors.memberships_for(user):
        entry = by_organisation.setdefault(
            membership.organisation_id, {"organisation": membership.organisation, "roles": []}
        )
        entry["roles"].append(membership.get_role_display())
    context = {
        "subject": user,
        "roles_by_organisation": list(by_organisation.values()),
        "has_two_factor": has_confirmed_device(user),
        "is_admin": selectors.admin_role_of(user) is not None,
        "backup_codes_left": services.backup_codes_left(user),
        "api_tokens": tokens.tokens_of(user),
        "password_form": PasswordChangeForm(user=user),
        "token_form": TokenCreateForm(),
        "password_expires_on": passwords.password_expires_on(user),
    }
    context.update(extra)
    return context


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/profile.html", _profile_context(request))


@login_required
@require_POST
def reveal_own_id_number(request: HttpRequest) -> HttpResponse:
    """Show the full ID number once; the service audits the view."""
    user = _user(request)
    number = services.reveal_id_number(actor=user, user=user)
    context = {"subject": user, "revealed": number,
               "reveal_url": reverse("identity:reveal_id_number")}
    if request.headers.get("HX-Request") == "true":
        return render(request, "identity/_id_number.html", context)
    return render(request, "identity/profile.html", _profile_context(request, revealed=number))


@sensitive_post_parameters("current_password", "new_password", "new_password_again")
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.change_password(actor=user, user=user,
                                            new_password=form.cleaned_data["new_password"])
        except DomainError as exc:
            form.add_error("new_password", exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("identity:profile")
    return render(request, "identity/password_change.html", {
        "form": form, "is_expired": passwords.password_is_expired(user),
        "is_temporary": user.has_temporary_password,
        "max_age_days": settings.QKB_PASSWORD_MAX_AGE_DAYS,
    })


@sensitive_post_parameters("token")
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Show the secret as a QR code and as text; a correct code from the app switches it on."""
    user = _user(request)
    if has_confirmed_device(user):
        messages.info(request, _("Two-factor authentication is already switched on."))
        return redirect("identity:profile")
    device = services.start_totp_setup(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_totp_device(actor=user, device=device,
                                                 token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return render(request, "identity/backup_codes.html",
                          {"codes": codes, "just_enabled": True})
    return render(request, "identity/two_factor_setup.html", {
        "form": form, "qr": qr_svg(device, title=_("QR code for your authenticator app")),
        "secret": secret_base32(device), "is_admin": selectors.admin_role_of(user) is not None,
    })


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        services.disable_two_factor(actor=user, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor authentication has been switched off."))
    return redirect("identity:profile")


@login_required
@require_POST
def backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.regenerate_backup_codes(actor=_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("identity:profile")
    return render(request, "identity/backup_codes.html", {"codes": codes, "just_enabled": False})


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return render(request, "identity/profile.html",
                      _profile_context(request, token_form=form), status=422)
    raw, token = tokens.issue_token(user=_user(request), name=form.cleaned_data["name"])
    return render(request, "identity/profile.html",
                  _profile_context(request, new_token=raw, new_token_obj=token))


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.get_api_token_for_actor(actor=_user(request), pk=pk)
    try:
        tokens.revoke_token(actor=_user(request), token=token)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The token has been revoked."))
    return redirect("identity:profile")


# --- Account administration (system administrator) -------------------------------------------
# Pages of the other administrators answer 404 to everyone else, like anything a person may not
# see: their existence is not advertised to ordinary accounts.


def _require_role(request: HttpRequest, role: str) -> User:
    user = _user(request)
    if not selectors.has_role(user, role):
        raise Http404
    return user


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    actor = _require_role(request, Role.SYSTEM_ADMIN)
    form = UserSearchForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    users = selectors.managed_users(actor=actor, query=query, status=status)
    page_obj = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "identity/user_list.html", {"form": form, "page_obj": page_obj})


@sensitive_post_parameters("password", "password_again", "id_number")
@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    actor = _require_role(request, Role.SYSTEM_ADMIN)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor=actor, username=data["username"], real_name=data["real_name"],
                password=data["password"], mobile=data["mobile"],
                id_number=data["id_number"], temporary_password=True,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The account %(username)s has been created.")
                             % {"username": user.username})
            return redirect("identity:user_detail", pk=user.pk)
    return render(request, "identity/user_create.html", {"form": form})


def _user_detail_response(request: HttpRequest, subject: User, *, status: int = 200,
                          **extra: Any) -> HttpResponse:
    context = {
        "subject": subject,
        "memberships": list(subject.memberships.select_related("organisation").order_by(
            "organisation__sort_order", "role")),
        "grant_form": GrantRoleForm(),
        "reset_form": PasswordResetForm(),
        "has_two_factor": has_confirmed_device(subject),
        "is_self": subject.pk == request.user.pk,
        "reveal_url": reverse("identity:user_reveal_id_number", args=[subject.pk]),
    }
    context.update(extra)
    return render(request, "identity/user_detail.html", context, status=status)


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _require_role(request, Role.SYSTEM_ADMIN)
    return _user_detail_response(request, selectors.get_managed_user(actor=actor, pk=pk))


def _admin_action(request: HttpRequest, pk: int) -> tuple[User, User]:
    actor = _require_role(request, Role.SYSTEM_ADMIN)
    return actor, selectors.get_managed_user(actor=actor, pk=pk)


def _done(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("identity:user_detail", pk=pk)


@login_required
@require_POST
def user_grant_role(request: HttpRequest, pk: int) -> HttpResponse:
    actor, subject = _admin_action(request, pk)
    form = GrantRoleForm(request.POST)
    if form.is_valid():
        try:
            services.grant_role(actor=actor, user=subject, role=form.cleaned_data["role"],
                                organisation=form.cleaned_data["organisation"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, pk, _("The role has been granted."))
    return _user_detail_response(request, subject, status=422, grant_form=form)


@login_required
@require_POST
def user_revoke_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    actor, subject = _admin_action(request, pk)
    membership = subject.memberships.filter(pk=membership_pk).first()
    if membership is None:
        raise Http404
    try:
        services.revoke_role(actor=actor, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("identity:user_detail", pk=pk)
    return _done(request, pk, _("The role has been revoked."))


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor, subject = _admin_action(request, pk)
    try:
        services.deactivate_user(actor=actor, user=subject,
                                 reason=request.POST.get("reason", "")[:200])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("identity:user_detail", pk=pk)
    return _done(request, pk, _("The account has been deactivated."))


@login_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor, subject = _admin_action(request, pk)
    try:
        services.reactivate_user(actor=actor, user=subject)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("identity:user_detail", pk=pk)
    return _done(request, pk, _("The account has been reactivated."))


@sensitive_post_parameters("password")
@login_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    actor, subject = _admin_action(request, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            changed = services.reset_password(actor=actor, user=subject,
                                              new_password=form.cleaned_data["password"])
        except DomainError as exc:
            form.add_error("password", exc.message)
        else:
            if changed.pk == actor.pk:
                # The reset ends the person's other sessions, not the one that made it.
                update_session_auth_hash(request, changed)
            return _done(request, pk, _("A temporary password has been set. The person must "
                                        "change it at the next sign-in."))
    return _user_detail_response(request, subject, status=422, reset_form=form)


@login_required
@require_POST
def user_reveal_id_number(request: HttpRequest, pk: int) -> HttpResponse:
    actor, subject = _admin_action(request, pk)
    number = services.reveal_id_number(actor=actor, user=subject)
    if request.headers.get("HX-Request") == "true":
        return render(request, "identity/_id_number.html", {
            "subject": subject, "revealed": number,
            "reveal_url": reverse("identity:user_reveal_id_number", args=[pk]),
        })
    return _user_detail_response(request, subject, revealed=number)


# --- Security administration (security administrator) ----------------------------------------


def _security_settings() -> list[tuple[str, str]]:
    return [
        (_("Minimum password length"), str(passwords.password_min_length())),
        (_("Character classes required"), str(passwords.password_min_classes())),
        (_("Earlier passwords that cannot be reused"), str(passwords.password_history_length())),
        (_("Password must be changed after"),
         _("%(days)d days") % {"days": settings.QKB_PASSWORD_MAX_AGE_DAYS}
         if settings.QKB_PASSWORD_MAX_AGE_DAYS else _("never (switched off)")),
        (_("Failed sign-ins before a lockout"), str(lockouts.failure_limit())),
        (_("Lockout duration"),
         _("%(minutes)d minutes") % {"minutes": lockouts.cool_off_minutes()}),
        (_("Locked separately by"), _("account and network address")),
        (_("Idle session timeout"),
         _("%(minutes)d minutes") % {"minutes": settings.SESSION_COOKIE_AGE // 60}),
        (_("API token lifetime"), _("%(hours)d hours") % {"hours": settings.API_TOKEN_TTL_HOURS}),
        (_("Two-factor authentication"), _("required for the three administrators, optional "
                                            "for everyone else")),
    ]


def _reset_row(actor: User, account: User, form: TwoFactorResetForm | None = None
               ) -> dict[str, Any]:
    # One reset form per account found, each with its own ids so every label finds its input.
    return {"account": account, "is_self": account.pk == actor.pk,
            "form": form or TwoFactorResetForm(auto_id=f"id_reset_{account.pk}_%s")}


def _security_response(request: HttpRequest, actor: User, *, query: str = "",
                       reset_rows: list[dict[str, Any]] | None = None,
                       status: int = 200) -> HttpResponse:
    more_matches = False
    if reset_rows is None:
        matches = list(selectors.two_factor_accounts(actor=actor, query=query)[
            :TWO_FACTOR_MATCHES_SHOWN + 1])
        more_matches = len(matches) > TWO_FACTOR_MATCHES_SHOWN
        reset_rows = [_reset_row(actor, account)
                      for account in matches[:TWO_FACTOR_MATCHES_SHOWN]]
    return render(request, "identity/security.html", {
        "lockouts": lockouts.current_lockouts(), "settings_rows": _security_settings(),
        "admins_without_two_factor": selectors.admins_without_two_factor(),
        "search_form": TwoFactorSearchForm(initial={"q": query}),
        "query": query, "reset_rows": reset_rows, "more_matches": more_matches,
        "matches_shown": TWO_FACTOR_MATCHES_SHOWN,
    }, status=status)


@login_required
def security_overview(request: HttpRequest) -> HttpResponse:
    actor = _require_role(request, Role.SECURITY_ADMIN)
    search = TwoFactorSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    return _security_response(request, actor, query=query)


@login_required
@require_POST
def security_release(request: HttpRequest) -> HttpResponse:
    actor = _require_role(request, Role.SECURITY_ADMIN)
    try:
        services.release_lockout(actor=actor, kind=request.POST.get("kind", ""),
                                 value=request.POST.get("value", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The lock on %(value)s has been released.")
                         % {"value": request.POST.get("value", "")})
    return redirect("identity:security")


@login_required
@require_POST
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _require_role(request, Role.SECURITY_ADMIN)
    subject = selectors.get_account_for_two_factor_reset(actor=actor, pk=pk)
    form = TwoFactorResetForm(request.POST, auto_id=f"id_reset_{subject.pk}_%s")
    if form.is_valid():
        try:
            services.reset_two_factor(actor=actor, user=subject,
                                      reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The two-factor authentication of %(name)s has been "
                                        "reset: the old authenticator app and backup codes no "
                                        "longer work.") % {"name": subject.real_name})
            return redirect("identity:security")
    return _security_response(request, actor, query=subject.username, status=422,
                              reset_rows=[_reset_row(actor, subject, form)])
