"""The delivery worker: claim due deliveries, send them, record the outcome.

Guarantee (docs/concurrency.md): every delivery is attempted until it is sent or given up
(`dead`), at least once per attempt to the provider, never concurrently by two workers; a
repeat after a crash carries the same idempotency key, so the SMS gateway and mail clients see
one message. Claiming, sending and recording are three steps on purpose: no database lock or
transaction is held while talking to a slow gateway.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from qinkuaiban.notifications.channels import SENDERS, DeliveryRejected
from qinkuaiban.notifications.models import (
    CLAIMABLE_STATUSES,
    Delivery,
    DeliveryErrorCode,
    DeliveryStatus,
    Message,
)

logger = logging.getLogger(__name__)

# Defaults; each can be overridden by the setting of the same name prefixed QKB_NOTIFICATION_.
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
# Far above the HTTP and SMTP timeouts, so only a worker that really stopped loses its claim.
CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH_SIZE = 50
MAX_BATCHES = 100


def max_attempts() -> int:
    return int(getattr(settings, "QKB_NOTIFICATION_MAX_ATTEMPTS", MAX_ATTEMPTS))


def claim_timeout() -> timedelta:
    value = getattr(settings, "QKB_NOTIFICATION_CLAIM_TIMEOUT", CLAIM_TIMEOUT)
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def backoff(attempts: int) -> timedelta:
    """The wait after the given failed attempt: 1, 2, 4, 8 … minutes, at most one hour."""
    exponent = min(max(attempts - 1, 0), 16)
    return min(BACKOFF_BASE * 2**exponent, BACKOFF_CAP)


@dataclass
class RunSummary:
    """What one worker run did."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0
    lost_claim: int = 0
    next_retry_at: datetime | None = field(default=None)

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.dead + self.lost_claim

    def merge(self, other: "RunSummary") -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.dead += other.dead
        self.lost_claim += other.lost_claim
        self.note_retry(other.next_retry_at)

    def note_retry(self, when: datetime | None) -> None:
        if when is not None and (self.next_retry_at is None or when < self.next_retry_at):
            self.next_retry_at = when

    def as_dict(self) -> dict[str, int | str | None]:
        return {
            "sent": self.sent, "retrying": self.retrying, "dead": self.dead,
            "lost_claim": self.lost_claim,
            "next_retry_at": self.next_retry_at.isoformat() if self.next_retry_at else None,
        }


def claim_due(*, limit: int = BATCH_SIZE) -> tuple[list[Delivery], int]:
    """Mark up to `limit` due deliveries `sending` for this worker; return them and how many
    abandoned claims were given up because they had no attempts left."""
    now = timezone.now()
    cap = max_attempts()
    claimed: list[Delivery] = []
    abandoned = 0
    with transaction.atomic():
        # SKIP LOCKED: concurrent workers take different rows instead of queueing behind one
        # another. SQLite ignores it; there the IMMEDIATE transaction serialises the claims.
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status__in=CLAIMABLE_STATUSES, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        for delivery in rows:
            if delivery.status == DeliveryStatus.SENDING:
                # Its worker stopped mid-send: the provider may or may not have the message.
                delivery.error_code = DeliveryErrorCode.INTERRUPTED
                delivery.last_error = f"Attempt {delivery.attempts} was interrupted."
                if delivery.attempts >= cap:
                    delivery.status = DeliveryStatus.DEAD
                    delivery.next_attempt_at = None
                    abandoned += 1
                    logger.warning("Delivery %s given up after an interrupted last attempt",
                                   delivery.pk)
                    continue
            delivery.status = DeliveryStatus.SENDING
            delivery.attempts += 1
            delivery.last_attempt_at = now
            delivery.next_attempt_at = now + claim_timeout()
            claimed.append(delivery)
        if rows:
            Delivery.objects.bulk_update(rows, fields=[
                "status", "attempts", "last_attempt_at", "next_attempt_at", "error_code",
                "last_error",
            ])
    messages = Message.objects.select_related("recipient").in_bulk(
        {delivery.message_id for delivery in claimed}
    )
    for delivery in claimed:
        delivery.message = messages[delivery.message_id]
    return claimed, abandoned


def _fenced(delivery: Delivery) -> QuerySet[Delivery]:
    # The claim is ours only while the row is still `sending` with our attempt number; if the
    # claim expired and another worker took the row, our late result must not overwrite its.
    return Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts
    )


def record_sent(delivery: Delivery, *, reference: str) -> bool:
    """Mark a claimed delivery sent; False if the claim had been lost meanwhile."""
    updated = _fenced(delivery).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None,
        error_code="", last_error="", provider_reference=reference[:200],
    )
    return updated == 1


def record_failure(delivery: Delivery, *, error: BaseException, permanent: bool) -> str | None:
    """Schedule the next attempt with back-off, or give up; the new status, None if lost."""
    detail = f"{type(error).__name__}: {error}"[:2000]
    if permanent or delivery.attempts >= max_attempts():
        status, next_attempt_at = DeliveryStatus.DEAD, None
    else:
        status = DeliveryStatus.FAILED
        next_attempt_at = timezone.now() + backoff(delivery.attempts)
    code = DeliveryErrorCode.REJECTED if permanent else DeliveryErrorCode.SEND_FAILED
    updated = _fenced(delivery).update(
        status=status, next_attempt_at=next_attempt_at, error_code=code, last_error=detail,
    )
    if not updated:
        return None
    delivery.status, delivery.next_attempt_at = status, next_attempt_at
    log = logger.error if status == DeliveryStatus.DEAD else logger.warning
    log("Delivery %s (%s) attempt %s failed: %s", delivery.pk, delivery.channel,
        delivery.attempts, detail)
    return status


def attempt(delivery: Delivery) -> RunSummary:
    """Send one claimed delivery and record what happened."""
    summary = RunSummary()
    try:
        reference = SENDERS[delivery.channel](delivery)
    except DeliveryRejected as exc:
        outcome = record_failure(delivery, error=exc, permanent=True)
    except Exception as exc:
        # Whatever a provider raises is a failed attempt, never a crashed worker.
        outcome = record_failure(delivery, error=exc, permanent=False)
    else:
        if record_sent(delivery, reference=reference):
            summary.sent = 1
        else:
            summary.lost_claim = 1
        return summary
    if outcome is None:
        summary.lost_claim = 1
    elif outcome == DeliveryStatus.DEAD:
        summary.dead = 1
    else:
        summary.retrying = 1
        summary.note_retry(delivery.next_attempt_at)
    return summary


def deliver_due(*, limit: int = BATCH_SIZE) -> RunSummary:
    """One batch: claim up to `limit` due deliveries and attempt each."""
    claimed, abandoned = claim_due(limit=limit)
    summary = RunSummary(dead=abandoned)
    for delivery in claimed:
        summary.merge(attempt(delivery))
    return summary


def deliver_all_due(*, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES) -> RunSummary:
    """Batches until nothing is due (bounded, so a flood cannot keep one run going forever)."""
    total = RunSummary()
    for _ in range(max_batches):
        batch = deliver_due(limit=batch_size)
        total.merge(batch)
        if batch.attempted < batch_size:
            break
    return total
