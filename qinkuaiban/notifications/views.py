"""The message centre of every signed-in person, and the outbox page of the system
administrator. Thin: selector, service, translate the domain error."""

from typing import cast

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qinkuaiban.core.errors import DomainError, NotPermitted
from qinkuaiban.identity.models import User
from qinkuaiban.notifications import selectors, services
from qinkuaiban.notifications.models import RETRYABLE_STATUSES, DeliveryStatus

MESSAGES_PER_PAGE = 20
DELIVERIES_PER_PAGE = 50
MESSAGES_READ_EVENT = "qkb-messages-read"


def _user(request: HttpRequest) -> User:
    # Every view here is behind login_required, so the user is a real account.
    return cast(User, request.user)


def _show(request: HttpRequest) -> str:
    return "unread" if request.GET.get("show", request.POST.get("show")) == "unread" else "all"


def _list_context(request: HttpRequest, show: str) -> dict[str, object]:
    user = _user(request)
    paginator = Paginator(
        selectors.messages_for(user=user, unread_only=show == "unread"), MESSAGES_PER_PAGE
    )
    return {
        "page_obj": paginator.get_page(request.GET.get("page")),
        "show": show,
        # Also read by the header's bell, which then needs no query of its own.
        "notifications_unread": selectors.unread_count(user=user),
        "unread_cap": selectors.UNREAD_COUNT_CAP,
    }


@login_required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    context = _list_context(request, _show(request))
    if request.headers.get("HX-Request") == "true":
        return render(request, "notifications/message_list.html#inbox", context)
    return render(request, "notifications/message_list.html", context)


@login_required
@require_GET
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    user = _user(request)
    message = selectors.get_message_for(user=user, message_id=message_id)
    services.mark_read(user=user, message=message)
    return render(request, "notifications/message_detail.html", {"message": message})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=_user(request))
    show = _show(request)
    if request.headers.get("HX-Request") == "true":
        response = render(request, "notifications/message_list.html#inbox",
                          _list_context(request, show))
        response["HX-Trigger"] = MESSAGES_READ_EVENT
        return response
    if count:
        flash.success(request, _("All messages are marked as read."))
    return redirect(f"{reverse('notifications:list')}?{urlencode({'show': show})}")


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/_bell.html", {
        "show": True,
        "unread": selectors.unread_count(user=_user(request)),
        "unread_cap": selectors.UNREAD_COUNT_CAP,
    })


@login_required
@require_GET
def delivery_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    try:
        deliveries = selectors.deliveries_needing_attention(actor=_user(request), status=status)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    page_obj = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/delivery_list.html", {
        "page_obj": page_obj,
        "status": status if status in RETRYABLE_STATUSES else "",
        "status_choices": [(value, DeliveryStatus(value).label) for value in RETRYABLE_STATUSES],
    })


@login_required
@require_POST
def retry_delivery(request: HttpRequest, delivery_id: int) -> HttpResponse:
    actor = _user(request)
    try:
        delivery = selectors.get_delivery_for_admin(actor=actor, delivery_id=delivery_id)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    error = ""
    try:
        delivery = services.retry_delivery(actor=actor, delivery=delivery)
    except DomainError as exc:
        error = exc.message
    if request.headers.get("HX-Request") == "true":
        # 200 even on a refusal: htmx swaps only successful responses, and the row shows why.
        return render(request, "notifications/delivery_list.html#row",
                      {"delivery": delivery, "error": error})
    if error:
        flash.error(request, error)
    else:
        flash.success(request, _("The delivery will be sent again now."))
    return redirect("notifications:deliveries")
