"""Every write of the notifications app. Other apps call `notify` inside their own transaction."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from qinkuaiban.audit.services import record
from qinkuaiban.core.errors import Conflict, NotFound, NotPermitted
from qinkuaiban.core.validators import is_valid_mobile
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.selectors import has_role
from qinkuaiban.notifications.models import (
    EXTERNAL_CHANNELS,
    RETRYABLE_STATUSES,
    Channel,
    Delivery,
    DeliveryErrorCode,
    DeliveryStatus,
    Message,
    validate_kind,
)
from qinkuaiban.notifications.tasks import schedule_delivery


def address_for(user: User, channel: str) -> str:
    """Where the channel reaches the user now, or "" when it cannot."""
    if channel == Channel.EMAIL:
        return (user.email or "").strip()
    if channel == Channel.SMS:
        mobile = (user.mobile or "").strip()
        return mobile if is_valid_mobile(mobile) else ""
    return ""


def _outbox_row(message: Message, channel: str, now: datetime) -> Delivery:
    user = message.recipient
    address = address_for(user, channel)
    delivery = Delivery(message=message, channel=channel, address=address, created_at=now)
    if not user.is_active:
        delivery.status = DeliveryStatus.SKIPPED
        delivery.error_code = DeliveryErrorCode.INACTIVE_RECIPIENT
    elif not address:
        delivery.status = DeliveryStatus.SKIPPED
        delivery.error_code = DeliveryErrorCode.NO_ADDRESS
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now
    return delivery


def _check_arguments(*, kind: str, title: str, url: str, channels: set[str]) -> None:
    # Programming errors of the calling app, not user input: they fail loudly in its tests.
    try:
        validate_kind(kind)
    except ValidationError as exc:
        raise ValueError(f"Invalid notification kind {kind!r}") from exc
    unknown = channels - set(Channel.values)
    if unknown:
        raise ValueError(f"Unknown notification channels: {sorted(unknown)}")
    if not title.strip():
        raise ValueError("A notification needs a title")
    if url and not (url.startswith("/") and url_has_allowed_host_and_scheme(url, None)):
        raise ValueError("A notification links only to a path on this platform")


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str,
    url: str = "",
    channels: Iterable[str] = (Channel.IN_APP,),
    target: models.Model | None = None,
) -> list[Message]:
    """Write one message per recipient (always shown in their message centre) and an outbox
    row per channel, in the caller's transaction; e-mail and SMS are sent after it commits."""
    wanted = {str(channel) for channel in channels}
    title, body = str(title), str(body)
    _check_arguments(kind=kind, title=title, url=url, channels=wanted)
    people = list({user.pk: user for user in recipients}.values())
    if not people:
        return []
    # No savepoint: the caller's transaction is all or nothing anyway, and case changes call
    # this while they hold the case's number and audit locks (two round trips fewer).
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        target_type = target._meta.label_lower if target is not None else ""
        target_id = str(target.pk) if target is not None else ""
        messages = Message.objects.bulk_create([
            Message(recipient=user, kind=kind, title=title[:200], body=body, url=url,
                    target_type=target_type, target_id=target_id, created_at=now)
            for user in people
        ])
        deliveries: list[Delivery] = []
        for message in messages:
            # The in-app channel is delivered by writing the message; its row completes the
            # record.
            deliveries.append(Delivery(message=message, channel=Channel.IN_APP,
                                       status=DeliveryStatus.SENT, sent_at=now, created_at=now))
            deliveries.extend(
                _outbox_row(message, channel, now)
                for channel in sorted(wanted & EXTERNAL_CHANNELS)
            )
        Delivery.objects.bulk_create(deliveries)
        if any(delivery.status == DeliveryStatus.PENDING for delivery in deliveries):
            transaction.on_commit(schedule_delivery, robust=True)
    return messages


@transaction.atomic
def mark_read(*, user: User, message: Message) -> Message:
    """Record the first time the recipient opened the message; later opens change nothing."""
    if message.recipient_id != user.pk:
        raise NotFound(_("Message not found."), code="not_found")
    now = timezone.now()
    # A conditional UPDATE needs no lock: of two tabs opening at once, the first time wins.
    if Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now):
        message.read_at = now
    elif message.read_at is None:
        message.refresh_from_db(fields=["read_at"])
    return message


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    """Mark every unread message of the user read; return how many there were."""
    return Message.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def retry_delivery(*, actor: User, delivery: Delivery) -> Delivery:
    """Send a failed, given-up or skipped delivery again now, with a fresh attempt budget."""
    if not has_role(actor, Role.SYSTEM_ADMIN):
        raise NotPermitted(_("Only the system administrator may retry deliveries."),
                           code="not_permitted")
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("message__recipient").get(pk=delivery.pk)
    )
    if delivery.status not in RETRYABLE_STATUSES:
        raise Conflict(_("This delivery is not waiting for a retry."), code="not_retryable")
    before = {"status": delivery.status, "attempts": delivery.attempts,
              "error_code": delivery.error_code}
    if delivery.status == DeliveryStatus.SKIPPED:
        # Never sent, so the address may be taken afresh (the person may have added one).
        recipient = delivery.message.recipient
        if not recipient.is_active:
            raise Conflict(_("The recipient's account is inactive."), code="inactive_recipient")
        delivery.address = address_for(recipient, delivery.channel)
        if not delivery.address:
            raise Conflict(_("The recipient still has no address for this channel."),
                           code="no_address")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.error_code = ""
    delivery.last_error = ""
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "error_code",
                                 "last_error", "address"])
    record(action="notifications.delivery_retried", actor=actor, target=delivery,
           changes={"channel": delivery.channel, "before": before,
                    "status": DeliveryStatus.PENDING})
    transaction.on_commit(schedule_delivery, robust=True)
    return delivery
