"""Reads that depend on who asks: a person sees only their own messages; only the system
administrator sees the outbox, and never a message's content."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from qinkuaiban.core.errors import NotPermitted
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import has_role
from qinkuaiban.notifications.models import RETRYABLE_STATUSES, Delivery, Message

# The bell shows "99+" beyond this, so counting never reads more than this many index entries.
UNREAD_COUNT_CAP = 100


def messages_for(*, user: User, unread_only: bool = False) -> QuerySet[Message]:
    """The user's own messages, newest first."""
    messages = Message.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    return messages


def get_message_for(*, user: User, message_id: int) -> Message:
    """One of the user's own messages; anybody else's is a 404."""
    return get_object_or_404(messages_for(user=user), pk=message_id)


def unread_count(*, user: User) -> int:
    """Unread messages of the user, counted up to `UNREAD_COUNT_CAP` in one query."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Message.objects.filter(recipient=user, read_at__isnull=True)[:UNREAD_COUNT_CAP].count()


def _require_system_admin(actor: User) -> None:
    if not has_role(actor, Role.SYSTEM_ADMIN):
        raise NotPermitted(_("Only the system administrator may see the outbox."),
                           code="not_permitted")


def deliveries_needing_attention(*, actor: User, status: str = "") -> QuerySet[Delivery]:
    """Failed, given-up and skipped external deliveries, newest first (system administrator)."""
    _require_system_admin(actor)
    statuses = [status] if status in RETRYABLE_STATUSES else list(RETRYABLE_STATUSES)
    return (
        Delivery.objects.filter(status__in=statuses)
        .select_related("message__recipient")
        .order_by("-created_at", "-id")
    )


def get_delivery_for_admin(*, actor: User, delivery_id: int) -> Delivery:
    _require_system_admin(actor)
    return get_object_or_404(deliveries_needing_attention(actor=actor), pk=delivery_id)
