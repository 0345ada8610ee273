"""`{% unread_badge %}`: the bell with the unread count for the page header (one query)."""

from typing import Any

from django import template

from qinkuaiban.core.validators import mask_mobile
from qinkuaiban.notifications import selectors
from qinkuaiban.notifications.models import Channel

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def unread_badge(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    unread = context.get("notifications_unread")
    if unread is None:
        unread = selectors.unread_count(user=user)
    return {"show": True, "unread": unread, "unread_cap": selectors.UNREAD_COUNT_CAP}


@register.filter
def masked_address(address: str, channel: str) -> str:
    """An address as the system administrator sees it: enough to tell, not enough to use."""
    if not address:
        return ""
    if channel == Channel.SMS:
        return mask_mobile(address)
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
