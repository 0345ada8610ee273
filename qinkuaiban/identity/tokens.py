"""API bearer tokens: "qkb_" + 32 random bytes, shown once; only the SHA-256 is stored, so a
copy of the database gives nobody a usable token."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.audit.services import record
from qinkuaiban.core import rows
from qinkuaiban.core.errors import Conflict, NotPermitted
from qinkuaiban.identity.models import ApiToken, Membership, Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import remember_memberships

TOKEN_PREFIX = "qkb_"
# Writing last_used_at on every call would turn each API read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def default_ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)


@transaction.atomic
def issue_token(
    *, user: User, name: str = "", ttl: datetime.timedelta | None = None
) -> tuple[str, ApiToken]:
    """Create a token for `user`; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:80], key_hash=hash_token(raw), prefix=raw[:8],
        expires_at=timezone.now() + (ttl if ttl is not None else default_ttl()),
    )
    record(action="identity.api_token_issued", actor=user, target=token,
           changes={"name": token.name, "expires_at": token.expires_at})
    return raw, token


def _token_sql(db: BaseDatabaseWrapper) -> str:
    t, u, m, o = _TOKEN, _USER, _MEMBERSHIP, _ORGANISATION
    return (
        f"SELECT {t.columns(db)}, {u.columns(db)}, {m.columns(db)}, {o.columns(db)} "  # noqa: S608 (names only; values are parameters)
        f"FROM {t.ref(db)} INNER JOIN {u.ref(db)} ON {u.col(db, 'id')} = {t.col(db, 'user')} "
        f"LEFT OUTER JOIN {m.ref(db)} ON {m.col(db, 'user')} = {u.col(db, 'id')} "
        f"LEFT OUTER JOIN {o.ref(db)} ON {o.col(db, 'id')} = {m.col(db, 'organisation')} "
        f"WHERE {t.col(db, 'key_hash')} = %s AND {t.col(db, 'revoked_at')} IS NULL "
        f"AND {t.col(db, 'expires_at')} > %s AND {u.col(db, 'is_active')} = %s "
        f"ORDER BY {m.col(db, 'id')}"
    )


# The token, its user and the user's memberships in one statement: every API call needs all
# three (who may see what), and one hand-written statement costs a fraction of three compiled
# ones (core/rows.py).
_TOKEN, _USER = rows.Table(ApiToken, "t"), rows.Table(User, "u")
_MEMBERSHIP, _ORGANISATION = rows.Table(Membership, "m"), rows.Table(Organisation, "o")
_TOKEN_SQL = rows.Sql(_token_sql)


def token_for_raw(raw: str) -> ApiToken | None:
    """The usable token with this value: not revoked, not expired, its user active. The user
    comes with its memberships, read in the same statement, for the rest of the request."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    connection = rows.read_connection(ApiToken)
    now = timezone.now()
    params = [hash_token(raw), rows.prep(connection, ApiToken, "expires_at", now),
              rows.prep(connection, User, "is_active", True)]
    found = rows.fetch(connection, _TOKEN_SQL, params)
    if not found:
        return None
    token = _TOKEN.instance(connection, found[0], 0)
    user = _USER.instance(connection, found[0], _TOKEN.width)
    assert token is not None and user is not None
    start = _TOKEN.width + _USER.width
    memberships = []
    for row in found:
        membership = _MEMBERSHIP.instance(connection, row, start)
        if membership is not None:
            membership.organisation = _ORGANISATION.instance(  # type: ignore[assignment]
                connection, row, start + _MEMBERSHIP.width)
            memberships.append(membership)
    token.user = user
    remember_memberships(user, memberships)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def user_for_token(raw: str) -> User | None:
    """The active user a valid bearer token belongs to, else None."""
    token = token_for_raw(raw)
    return token.user if token is not None else None


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens that are still usable, newest first."""
    return list(
        ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
    )


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    """End a token now; its owner or the security administrator may do so."""
    from qinkuaiban.identity.selectors import has_role

    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.user_id != actor.pk and not has_role(actor, Role.SECURITY_ADMIN):
        raise NotPermitted(_("You may not revoke this token."), code="not_permitted")
    if token.revoked_at is not None:
        raise Conflict(_("This token has already been revoked."), code="token_revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(action="identity.api_token_revoked", actor=actor, target=token,
           changes={"name": token.name, "owner": token.user.username})
    return token
