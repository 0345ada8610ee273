from io import StringIO

import pytest
from django.core.management import call_command

from qinkuaiban.identity.models import User
from qinkuaiban.notifications.models import Delivery, DeliveryStatus
from qinkuaiban.notifications.sms import InMemorySmsBackend
from qinkuaiban.notifications.tests.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("deliver_notifications", stdout=out)
    return out.getvalue()


def test_the_command_delivers_what_is_due_and_prints_a_summary(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    DeliveryFactory.create_batch(3, message__recipient=zhangsan)

    output = _run()

    assert "sent 3, retrying 0, dead 0" in output
    assert len(gateway.outbox) == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_running_the_command_again_sends_nothing_twice(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    DeliveryFactory.create_batch(3, message__recipient=zhangsan)
    _run()

    output = _run()

    assert "sent 0, retrying 0, dead 0" in output
    assert sum(gateway.calls.values()) == 3


def test_the_command_works_through_more_than_one_batch(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    DeliveryFactory.create_batch(5, message__recipient=zhangsan)
    out = StringIO()

    call_command("deliver_notifications", "--once", "--batch-size", "2", stdout=out)

    assert "sent 5" in out.getvalue()


def test_the_command_reports_when_the_next_retry_is_due(
    zhangsan: User, gateway: type[InMemorySmsBackend]
) -> None:
    DeliveryFactory.create(message__recipient=zhangsan)
    gateway.fail_next(1)

    output = _run()

    assert "retrying 1" in output
    assert "next retry at" in output
