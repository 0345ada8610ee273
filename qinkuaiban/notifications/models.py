"""The transactional outbox: one in-app `Message` per recipient, and one `Delivery` row per
channel that carries it. Messages and deliveries are written in the transaction of the change
that caused them, so a notification exists exactly when that change was committed."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

validate_kind = RegexValidator(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
    _("Use lowercase words joined by dots, e.g. cases.accepted."),
    code="invalid_kind",
)


class Channel(models.TextChoices):
    IN_APP = "in_app", _("Message centre")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


EXTERNAL_CHANNELS: frozenset[str] = frozenset({Channel.EMAIL, Channel.SMS})


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Given up")
    SKIPPED = "skipped", _("Not sent")


# Rows the delivery worker may claim once `next_attempt_at` has passed. A `sending` row whose
# claim has expired belongs to a worker that stopped mid-send; it is claimed again.
CLAIMABLE_STATUSES: tuple[str, ...] = (
    DeliveryStatus.PENDING,
    DeliveryStatus.FAILED,
    DeliveryStatus.SENDING,
)
# Rows a system administrator may send again by hand.
RETRYABLE_STATUSES: tuple[str, ...] = (
    DeliveryStatus.FAILED,
    DeliveryStatus.DEAD,
    DeliveryStatus.SKIPPED,
)


class DeliveryErrorCode(models.TextChoices):
    NO_ADDRESS = "no_address", _("The recipient has no address for this channel")
    INACTIVE_RECIPIENT = "inactive_recipient", _("The recipient's account is inactive")
    SEND_FAILED = "send_failed", _("The mail server or SMS gateway failed")
    REJECTED = "rejected", _("The mail server or SMS gateway refused the message")
    INTERRUPTED = "interrupted", _("Sending was interrupted; the outcome is unknown")


class Message(models.Model):
    """One notification to one person, shown in their message centre."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notification_messages",
    )
    kind = models.CharField(_("kind"), max_length=80, validators=[validate_kind])
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Set once, the first time the recipient opens the message; never cleared.
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"],
                         name="notif_message_inbox_idx"),
            # The bell's count reads only this small partial index.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True),
                         name="notif_message_unread_idx"),
            models.Index(fields=["target_type", "target_id"], name="notif_message_target_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class Delivery(models.Model):
    """The outbox row for one message on one channel, worked by `outbox.deliver_due`."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(pgettext_lazy("delivery", "address"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the row is next due. While `sending` it is the end of the worker's claim: a row still
    # `sending` after it was abandoned by a stopped worker and is claimed again.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    error_code = models.CharField(
        _("reason"), max_length=20, choices=DeliveryErrorCode.choices, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Passed to the SMS gateway and used as the e-mail Message-ID, so a repeated send after a
    # crash can be recognised as the same message by the receiving side.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, unique=True, default=new_idempotency_key,
        editable=False,
    )
    provider_reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "channel"],
                                    name="notif_delivery_one_per_channel"),
            models.CheckConstraint(
                condition=~Q(status__in=CLAIMABLE_STATUSES) | Q(next_attempt_at__isnull=False),
                name="notif_delivery_due_rows_have_time",
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at", "id"],
                         condition=Q(status__in=CLAIMABLE_STATUSES),
                         name="notif_delivery_due_idx"),
            models.Index(fields=["status", "-created_at"], name="notif_delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.message_id} · {self.get_status_display()}"
