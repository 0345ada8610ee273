"""Reads about who holds which role where. Memberships are loaded once per user object."""

from collections.abc import Iterable

from django.db.models import QuerySet

from qinkuaiban.identity.models import Membership, Organisation, User
from qinkuaiban.identity.roles import ADMIN_ROLES


def memberships_for(user: User) -> list[Membership]:
    """The user's memberships, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Membership] | None = getattr(user, "_qkb_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._qkb_memberships = cached  # type: ignore[attr-defined]
    return cached


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
