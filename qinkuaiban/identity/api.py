"""`/api/v1/auth`: exchange credentials for a bearer token, end it, and read who you are.

Token requests count toward the same lockout as the sign-in page (django-axes sees every
`django.contrib.auth.authenticate()` call), so the API is no side door for guessing passwords."""

import datetime

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Field, Router, Schema, Status

from qinkuaiban.core.validators import PlainText
from qinkuaiban.identity import selectors
from qinkuaiban.identity.auth import TOKEN_ATTR, bearer_auth
from qinkuaiban.identity.lockouts import authenticate_with_lockout
from qinkuaiban.identity.models import ApiToken, User
from qinkuaiban.identity.signals import FAILURE_REASON_KEY, SECOND_FACTOR_ATTR
from qinkuaiban.identity.tokens import issue_token, revoke_token
from qinkuaiban.identity.two_factor import match_second_factor, otp_required
from qinkuaiban.identity.views import lockout_message

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: PlainText = Field(..., max_length=150, description="The sign-in name.")
    password: PlainText = Field(..., max_length=4096)
    otp: PlainText | None = Field(
        None, max_length=16,
        description="Six-digit code from the authenticator app, or a backup code. Required for "
                    "administrators and for anyone who switched two-factor authentication on.",
    )
    name: PlainText = Field("", max_length=80, description="What the token is for (optional).")


class TokenResponse(Schema):
    token: str = Field(..., description="Send as `Authorization: Bearer <token>`. Shown once.")
    expires_at: datetime.datetime


class ErrorResponse(Schema):
    code: str = Field(..., description="invalid_credentials, otp_required, invalid_otp, "
                                        "otp_throttled, locked_out, not_authenticated, …")
    detail: str


class OrganisationRef(Schema):
    id: int
    code: str
    name: str


class RoleGrant(Schema):
    role: str = Field(..., description="Role slug, e.g. handler, system_admin.")
    role_label: str
    organisation: OrganisationRef


class Me(Schema):
    username: str
    real_name: str
    roles: list[RoleGrant]


def _error(code: str, detail: str) -> dict[str, str]:
    return {"code": code, "detail": detail}


@router.post(
    "/token", auth=None,
    response={200: TokenResponse, 400: ErrorResponse, 401: ErrorResponse, 422: ErrorResponse,
              429: ErrorResponse},
    summary="Obtain a bearer token",
)
def obtain_token(request: HttpRequest, payload: TokenRequest) -> Status[object]:
    """Exchange username, password (and a second factor where required) for a bearer token
    valid for API_TOKEN_TTL_HOURS."""
    user, locked = authenticate_with_lockout(request, username=payload.username,
                                             password=payload.password)
    if locked:
        return Status(429, _error("locked_out", lockout_message(request, payload.username)))
    if user is None:
        return Status(401, _error("invalid_credentials",
                                  _("The username or password is not correct.")))
    assert isinstance(user, User)
    factor = ""
    if otp_required(user):
        token = "".join((payload.otp or "").split()).lower()
        if not token:
            return Status(401, _error(
                "otp_required", _("This account signs in with two factors: send the code from "
                                  "the authenticator app as \"otp\".")
            ))
        device, throttled = match_second_factor(user, token)
        if throttled:
            return Status(429, _error(
                "otp_throttled", _("Too many wrong codes in a row. Wait a little and try again.")
            ))
        if device is None:
            user_login_failed.send(
                sender=__name__, request=request,
                credentials={"username": user.username, FAILURE_REASON_KEY: "invalid_otp"},
            )
            if getattr(request, "axes_locked_out", False):
                return Status(429, _error("locked_out", lockout_message(request, user.username)))
            return Status(401, _error("invalid_otp", _("The code is not correct.")))
        factor = "totp" if isinstance(device, TOTPDevice) else "backup_code"
    setattr(request, SECOND_FACTOR_ATTR, factor)
    # A token is a sign-in: audited as one, and it clears the failure count like one.
    user_logged_in.send(sender=User, request=request, user=user)
    raw, api_token = issue_token(user=user, name=payload.name)
    return Status(200, {"token": raw, "expires_at": api_token.expires_at})


@router.delete("/token", auth=[bearer_auth], response={204: None, 401: ErrorResponse},
               summary="Revoke the bearer token in use")
def delete_token(request: HttpRequest) -> Status[None]:
    """End the token this request was authenticated with."""
    api_token: ApiToken = getattr(request, TOKEN_ATTR)
    revoke_token(actor=api_token.user, token=api_token)
    return Status(204, None)


@router.get("/me", response={200: Me, 401: ErrorResponse}, summary="Who am I")
def me(request: HttpRequest) -> Me:
    """The signed-in user and the roles they hold in each organisation."""
    user: User = request.auth  # type: ignore[attr-defined]
    return Me(
        username=user.username, real_name=user.real_name,
        roles=[
            RoleGrant(role=m.role, role_label=str(m.get_role_display()),
                      organisation=OrganisationRef(id=m.organisation.pk,
                                                   code=m.organisation.code,
                                                   name=m.organisation.name))
            for m in selectors.memberships_for(user)
        ],
    )
