import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from qinkuaiban.identity.models import User
from qinkuaiban.notifications import outbox
from qinkuaiban.notifications.channels import message_id_for
from qinkuaiban.notifications.models import (
    CLAIMABLE_STATUSES,
    Channel,
    Delivery,
    DeliveryErrorCode,
    DeliveryStatus,
)
from qinkuaiban.notifications.sms import InMemorySmsBackend
from qinkuaiban.notifications.tests.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


def _pending_sms(recipient: User) -> Delivery:
    delivery = DeliveryFactory.create(message__recipient=recipient,
                                         address=recipient.mobile)
    return delivery


def _make_due(delivery: Delivery) -> None:
    """Move time on: the delivery's next attempt (or its claim's expiry) is now in the past."""
    Delivery.objects.filter(pk=delivery.pk, status__in=CLAIMABLE_STATUSES).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_due_sms_is_sent_with_its_idempotency_key_and_marked_sent(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    delivery = _pending_sms(zhangsan)

    summary = outbox.deliver_all_due()

    delivery.refresh_from_db()
    assert summary.sent == 1
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert delivery.next_attempt_at is None
    assert delivery.provider_reference == f"memory:{delivery.idempotency_key}"
    [sms] = gateway.outbox
    assert (sms.mobile, sms.idempotency_key) == ("13800000001", delivery.idempotency_key)
    assert sms.text.startswith(delivery.message.title)


def test_an_email_carries_a_message_id_derived_from_the_idempotency_key(
    zhangsan: User, mailoutbox: list
) -> None:
    delivery = DeliveryFactory.create(message__recipient=zhangsan, channel=Channel.EMAIL,
                                         address="zhangsan@fgw.example.gov.cn")

    outbox.deliver_all_due()

    [email] = mailoutbox
    assert email.to == ["zhangsan@fgw.example.gov.cn"]
    assert email.subject == delivery.message.title
    assert email.extra_headers["Message-ID"] == message_id_for(delivery)
    assert delivery.idempotency_key in email.message()["Message-ID"]
    assert "张三" in email.body
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_a_delivery_not_yet_due_is_left_alone(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    DeliveryFactory.create(message__recipient=zhangsan,
                    next_attempt_at=timezone.now() + timedelta(minutes=5))

    assert outbox.deliver_all_due().attempted == 0
    assert gateway.outbox == []


def test_a_failed_attempt_is_retried_after_an_exponential_back_off(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    delivery = _pending_sms(zhangsan)
    gateway.fail_next(3)

    waits = []
    for attempt in (1, 2, 3):
        summary = outbox.deliver_all_due()
        delivery.refresh_from_db()
        assert summary.retrying == 1
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.attempts == attempt
        assert delivery.error_code == DeliveryErrorCode.SEND_FAILED
        assert "simulated gateway failure" in delivery.last_error
        assert delivery.next_attempt_at is not None and delivery.last_attempt_at is not None
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        _make_due(delivery)

    assert [round(w.total_seconds() / 60) for w in waits] == [1, 2, 4]


def test_after_failures_the_message_reaches_the_gateway_exactly_once(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    delivery = _pending_sms(zhangsan)
    gateway.fail_next(3)

    for _ in range(3):
        outbox.deliver_all_due()
        _make_due(delivery)
    summary = outbox.deliver_all_due()
    outbox.deliver_all_due()

    delivery.refresh_from_db()
    assert summary.sent == 1
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 4
    assert delivery.last_error == ""
    assert gateway.calls[delivery.idempotency_key] == 4
    assert [sms.idempotency_key for sms in gateway.outbox] == [delivery.idempotency_key]


def test_a_delivery_that_keeps_failing_is_given_up_after_the_maximum_attempts(
    zhangsan: User, gateway: type[InMemorySmsBackend], settings
) -> None:
    settings.QKB_NOTIFICATION_MAX_ATTEMPTS = 3
    delivery = _pending_sms(zhangsan)
    gateway.fail_next(100)

    for _ in range(5):
        outbox.deliver_all_due()
        _make_due(delivery)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.attempts == 3
    assert delivery.next_attempt_at is None
    assert gateway.calls[delivery.idempotency_key] == 3


def test_a_refusal_for_good_is_given_up_at_once(zhangsan: User, monkeypatch) -> None:
    from qinkuaiban.notifications import sms

    def refuse(self: object, **kwargs: object) -> str:
        raise sms.SmsRejected("HTTP 400 from SMS gateway: invalid mobile")

    monkeypatch.setattr(InMemorySmsBackend, "send", refuse)
    delivery = _pending_sms(zhangsan)

    summary = outbox.deliver_all_due()

    delivery.refresh_from_db()
    assert summary.dead == 1
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.error_code == DeliveryErrorCode.REJECTED


def test_a_fresh_claim_is_not_taken_by_another_worker(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    _pending_sms(zhangsan)
    claimed, _ = outbox.claim_due()

    assert len(claimed) == 1
    assert outbox.deliver_all_due().attempted == 0
    assert gateway.outbox == []


def test_a_delivery_left_sending_by_a_crashed_worker_is_recovered_and_reaches_the_gateway_once(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    delivery = _pending_sms(zhangsan)
    # Worker A claims and the gateway accepts the text, then A dies before recording it.
    [claimed], _ = outbox.claim_due()
    InMemorySmsBackend().send(mobile=claimed.address, text="x",
                              idempotency_key=claimed.idempotency_key)
    _make_due(delivery)  # its claim expires

    summary = outbox.deliver_all_due()

    delivery.refresh_from_db()
    assert summary.sent == 1
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert gateway.calls[delivery.idempotency_key] == 2
    assert len(gateway.outbox) == 1


def test_an_abandoned_claim_on_the_last_attempt_is_given_up_not_sent_again(
    zhangsan: User, gateway: type[InMemorySmsBackend], settings
) -> None:
    settings.QKB_NOTIFICATION_MAX_ATTEMPTS = 1
    delivery = _pending_sms(zhangsan)
    outbox.claim_due()
    _make_due(delivery)

    summary = outbox.deliver_all_due()

    delivery.refresh_from_db()
    assert summary.dead == 1
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.error_code == DeliveryErrorCode.INTERRUPTED
    assert gateway.calls[delivery.idempotency_key] == 0


def test_the_late_result_of_a_lost_claim_does_not_overwrite_the_new_one(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    delivery = _pending_sms(zhangsan)
    [slow], _ = outbox.claim_due()
    _make_due(delivery)
    [fresh], _ = outbox.claim_due()

    assert outbox.record_sent(slow, reference="late") is False
    assert outbox.record_sent(fresh, reference="on time") is True
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_reference) == (DeliveryStatus.SENT, "on time")


def test_a_failed_run_on_a_deferring_backend_asks_for_a_run_when_the_retry_is_due(
    zhangsan: User, gateway: type[InMemorySmsBackend], settings
) -> None:
    from django_tasks import default_task_backend

    from qinkuaiban.notifications.tasks import deliver_due_notifications

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default"]}}
    delivery = _pending_sms(zhangsan)
    gateway.fail_next(1)

    result = deliver_due_notifications.call()

    delivery.refresh_from_db()
    assert result["retrying"] == 1
    [follow_up] = default_task_backend.results  # type: ignore[attr-defined]
    assert follow_up.task.run_after == delivery.next_attempt_at


@given(st.integers(min_value=1, max_value=1000))
def test_back_off_doubles_from_one_minute_and_never_exceeds_an_hour(attempts: int) -> None:
    wait = outbox.backoff(attempts)

    assert timedelta(minutes=1) <= wait <= timedelta(hours=1)
    assert outbox.backoff(attempts + 1) >= wait
    if attempts <= 6:
        assert wait == timedelta(minutes=2 ** (attempts - 1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_claim_disjoint_deliveries_on_postgresql(cast: dict[str, User]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL; SQLite serialises writers instead")
    for _ in range(40):
        _pending_sms(cast["zhangsan"])
    barrier = threading.Barrier(4)
    claims: list[list[int]] = []
    lock = threading.Lock()

    def worker() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            claimed, _ = outbox.claim_due(limit=15)
            with lock:
                claims.append([d.pk for d in claimed])
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every = [pk for claim in claims for pk in claim]
    assert len(every) == len(set(every)) == 40
