"""An SMS caused by a case action, whose first deliveries fail, is retried and reaches the
person exactly once. The outbox's own rules (back-off, claims, fencing, crashed workers) are
tested in qinkuaiban/notifications/tests/test_outbox.py; this follows one message from the
handler's click to the gateway."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Outcome
from qinkuaiban.cases.tests.factories import submit
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User
from qinkuaiban.notifications.models import Channel, Delivery, DeliveryStatus, Message
from qinkuaiban.notifications.sms import InMemorySmsBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings: Any) -> Iterator[type[InMemorySmsBackend]]:
    settings.QKB_SMS_BACKEND = "qinkuaiban.notifications.sms.InMemorySmsBackend"
    InMemorySmsBackend.reset()
    yield InMemorySmsBackend
    InMemorySmsBackend.reset()


def _time_passes() -> None:
    """The retry's back-off has elapsed."""
    Delivery.objects.filter(status=DeliveryStatus.FAILED).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_the_sms_of_a_completion_whose_sending_fails_is_retried_and_delivered_exactly_once(
    item: ServiceItem, zhangsan: User, lisi: User, gateway: type[InMemorySmsBackend],
    django_capture_on_commit_callbacks, capsys
) -> None:
    case = services.accept(case=submit(item, zhangsan), actor=lisi)
    gateway.fail_next(3)

    # The worker's run right after the commit fails: the gateway is down.
    with django_capture_on_commit_callbacks(execute=True):
        services.complete(case=case, actor=lisi, outcome=Outcome.APPROVED)

    texts = list(Delivery.objects.filter(channel=Channel.SMS, message__recipient=zhangsan))
    # The decision, and (feedback app) the invitation to rate the service.
    assert "cases.complete" in {sms.message.kind for sms in texts}
    number = str(case.number)
    assert all(number in sms.message.title or number in sms.message.body for sms in texts)
    assert {(sms.status, sms.attempts) for sms in texts} == {(DeliveryStatus.FAILED, 1)}
    for _run in range(4):  # the scheduler's runs until everything is sent, then idle ones
        _time_passes()
        call_command("deliver_notifications")

    for sms in texts:
        sms.refresh_from_db()
        assert (sms.status, sms.last_error) == (DeliveryStatus.SENT, "")
        assert gateway.calls[sms.idempotency_key] == sms.attempts
    assert sum(sms.attempts for sms in texts) == 3 + len(texts)
    assert sorted(m.idempotency_key for m in gateway.outbox) == sorted(
        sms.idempotency_key for sms in texts)
    assert {m.mobile for m in gateway.outbox} == {zhangsan.mobile}
    assert Message.objects.filter(recipient=zhangsan, kind="cases.complete").count() == 1
    assert "sent 1" in capsys.readouterr().out
