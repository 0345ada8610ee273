"""Helpers shared by the feedback views."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from qinkuaiban.cases.permissions import is_staff
from qinkuaiban.core.errors import DomainError, NotFound
from qinkuaiban.identity.models import User

# Session key: the feedback ids this browser opened with their tracking code and PIN.
TRACKED_SESSION_KEY = "feedback_tracked"


def actor_of(request: HttpRequest) -> User:
    """The signed-in user (views using this are behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def staff_of(request: HttpRequest) -> User:
    actor = actor_of(request)
    if not is_staff(actor):
        raise PermissionDenied
    return actor


def signed_in(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def not_found(exc: NotFound) -> Http404:
    return Http404(exc.message)


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def form_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's refusal next to its field, or above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def tracked_ids(request: HttpRequest) -> list[int]:
    return [int(pk) for pk in request.session.get(TRACKED_SESSION_KEY, [])]


def remember_tracked(request: HttpRequest, pk: int) -> None:
    ids = tracked_ids(request)
    if pk not in ids:
        request.session[TRACKED_SESSION_KEY] = [*ids[-9:], pk]
