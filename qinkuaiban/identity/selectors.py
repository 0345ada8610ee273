"""Reads about who holds which role where. Memberships are loaded once per user object."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from qinkuaiban.identity.models import ApiToken, Membership, Organisation, User
from qinkuaiban.identity.roles import ADMIN_ROLES


def memberships_for(user: User) -> list[Membership]:
    """The user's memberships, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Membership] | None = getattr(user, "_qkb_memberships", None)
    if cached is None:
        # In the order they were granted, so every page lists a person's roles the same way.
        cached = list(
            Membership.objects.filter(user=user).select_related("organisation").order_by("pk")
        )
        user._qkb_memberships = cached  # type: ignore[attr-defined]
    return cached


def remember_memberships(user: User, memberships: list[Membership]) -> None:
    """Hand `memberships_for` the user's memberships read along with it (in grant order)."""
    user._qkb_memberships = memberships  # type: ignore[attr-defined]


def forget_memberships(user: User) -> None:
    user.__dict__.pop("_qkb_memberships", None)


def roles_of(user: User) -> set[str]:
    return {m.role for m in memberships_for(user)}


def has_role(user: User, *roles: str, organisation: Organisation | None = None) -> bool:
    return any(
        m.role in roles and (organisation is None or m.organisation_id == organisation.pk)
        for m in memberships_for(user)
    )


def admin_role_of(user: User) -> str | None:
    """The one administrator role a user holds, if any (三员分立 allows at most one)."""
    return next((m.role for m in memberships_for(user) if m.role in ADMIN_ROLES), None)


def organisation_ids_for(user: User, roles: Iterable[str]) -> set[int]:
    wanted = set(roles)
    return {m.organisation_id for m in memberships_for(user) if m.role in wanted}


def organisations_for(user: User, roles: Iterable[str]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=organisation_ids_for(user, roles))


def descendant_ids(organisation_ids: Iterable[int]) -> set[int]:
    """The given organisations and everything below them in the tree (a few levels deep)."""
    found = set(organisation_ids)
    frontier = set(found)
    while frontier:
        frontier = set(
            Organisation.objects.filter(parent_id__in=frontier).values_list("id", flat=True)
        ) - found
        found |= frontier
    return found


def user_by_id_number(id_number: str) -> User | None:
    """Find a user by ID number through its keyed hash; the number itself is never queried."""
    from qinkuaiban.core import crypto
    from qinkuaiban.core.validators import normalise_id_number

    return User.objects.filter(
        id_number_hash=crypto.keyed_hash(normalise_id_number(id_number))
    ).first()


def managed_users(*, actor: User, query: str = "", status: str = "") -> QuerySet[User]:
    """Accounts the actor administers: all of them for the system administrator, none else.
    `query` matches username, real name or mobile, or a full ID number through its hash."""
    from django.db.models import Prefetch, Q

    from qinkuaiban.core import crypto
    from qinkuaiban.core.validators import is_valid_id_number, normalise_id_number
    from qinkuaiban.identity.roles import Role

    if not has_role(actor, Role.SYSTEM_ADMIN):
        return User.objects.none()
    users = User.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
    ).order_by("username")
    query = query.strip()
    if query:
        condition = (Q(username__icontains=query) | Q(real_name__icontains=query)
                     | Q(mobile__startswith=query))
        if is_valid_id_number(query):
            condition |= Q(id_number_hash=crypto.keyed_hash(normalise_id_number(query)))
        users = users.filter(condition)
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    return users


def get_managed_user(*, actor: User, pk: int) -> User:
    """One account the actor administers; anything else is a 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(managed_users(actor=actor), pk=pk)


def get_api_token_for_actor(*, actor: User, pk: int) -> ApiToken:
    """One of the actor's own API tokens; anyone else's is a 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ApiToken.objects.filter(user=actor), pk=pk)


def admins_without_two_factor() -> list[User]:
    """Administrator accounts that have not set up their authenticator app yet."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return list(
        User.objects.filter(memberships__role__in=ADMIN_ROLES, is_active=True)
        .exclude(pk__in=with_device).distinct().order_by("username")
    )


def two_factor_accounts(*, actor: User, query: str) -> QuerySet[User]:
    """Accounts with an authenticator whose username or real name contains `query`: what the
    security administrator searches to reset a lost second factor; nobody else finds any."""
    from django.db.models import Prefetch, Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qinkuaiban.identity.roles import Role

    query = query.strip()
    if not query or not has_role(actor, Role.SECURITY_ADMIN):
        return User.objects.none()
    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return (
        User.objects.filter(pk__in=with_device)
        .filter(Q(username__icontains=query) | Q(real_name__icontains=query))
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
        )
        .order_by("username")
    )


def get_account_for_two_factor_reset(*, actor: User, pk: int) -> User:
    """Any account for the security administrator (the reset itself refuses one without an
    authenticator); a 404 for everyone else."""
    from django.shortcuts import get_object_or_404

    from qinkuaiban.identity.roles import Role

    if not has_role(actor, Role.SECURITY_ADMIN):
        raise Http404
    return get_object_or_404(User, pk=pk)
