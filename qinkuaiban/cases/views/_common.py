"""Helpers shared by the case views."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from qinkuaiban.cases import selectors
from qinkuaiban.cases.models import Case
from qinkuaiban.cases.permissions import is_staff
from qinkuaiban.core.errors import NotFound
from qinkuaiban.identity.models import User


def actor_of(request: HttpRequest) -> User:
    """The signed-in user (views using this are behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def staff_of(request: HttpRequest) -> User:
    """The signed-in staff member; anyone else may not use staff pages."""
    actor = actor_of(request)
    if not is_staff(actor):
        raise PermissionDenied
    return actor


def case_or_404(actor: User, number: str, *, for_page: bool = False) -> Case:
    try:
        return selectors.get_case_for_actor(actor=actor, number=number, for_page=for_page)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
