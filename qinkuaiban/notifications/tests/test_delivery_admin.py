from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.core.errors import Conflict, NotPermitted
from qinkuaiban.identity.models import User
from qinkuaiban.notifications.models import Channel, Delivery, DeliveryErrorCode, DeliveryStatus
from qinkuaiban.notifications.services import retry_delivery
from qinkuaiban.notifications.sms import InMemorySmsBackend
from qinkuaiban.notifications.tests.factories import DeliveryFactory

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def _dead_sms(recipient: User) -> Delivery:
    delivery = DeliveryFactory.create(
        message__recipient=recipient, message__body="张三的私人事项正文",
        status=DeliveryStatus.DEAD, attempts=8, next_attempt_at=None,
        error_code=DeliveryErrorCode.SEND_FAILED, last_error="SmsError: HTTP 503",
    )
    return delivery


def test_the_system_administrator_sees_undelivered_notifications_without_their_content(
    sysadmin: User, zhangsan: User, login: Login
) -> None:
    _dead_sms(zhangsan)
    DeliveryFactory.create(message__recipient=zhangsan, status=DeliveryStatus.SENT,
                    next_attempt_at=None, address="13900000000")

    response = login(sysadmin).get(reverse("notifications:deliveries"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "未送达的消息通知" in page
    assert "已放弃" in page
    assert "138****0001" in page
    assert "13800000001" not in page
    assert "张三的私人事项正文" not in page
    assert "139****0000" not in page


def test_the_outbox_page_can_be_filtered_by_status(
    sysadmin: User, zhangsan: User, login: Login
) -> None:
    _dead_sms(zhangsan)
    DeliveryFactory.create(message__recipient=zhangsan, channel=Channel.EMAIL, address="",
                    status=DeliveryStatus.SKIPPED, next_attempt_at=None,
                    error_code=DeliveryErrorCode.NO_ADDRESS)

    response = login(sysadmin).get(reverse("notifications:deliveries"), {"status": "skipped"})

    assert [d.status for d in response.context["page_obj"].object_list] == ["skipped"]


@pytest.mark.parametrize("name", ["zhangsan", "lisi", "wangwu", "secadmin", "auditor"])
def test_nobody_but_the_system_administrator_sees_the_outbox(
    cast: dict[str, User], login: Login, name: str
) -> None:
    delivery = _dead_sms(cast["zhangsan"])
    client = login(cast[name])

    assert client.get(reverse("notifications:deliveries")).status_code == 403
    assert client.post(reverse("notifications:retry_delivery", args=[delivery.pk])).status_code \
        == 403


def test_retry_now_resets_the_delivery_audits_it_and_sends_it_after_commit(
    sysadmin: User, zhangsan: User, gateway: type[InMemorySmsBackend],
    django_capture_on_commit_callbacks,
) -> None:
    delivery = _dead_sms(zhangsan)

    with django_capture_on_commit_callbacks(execute=True):
        retry_delivery(actor=sysadmin, delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert [sms.idempotency_key for sms in gateway.outbox] == [delivery.idempotency_key]
    entry = AuditEntry.objects.get(action="notifications.delivery_retried")
    assert entry.actor == sysadmin
    assert entry.target_id == str(delivery.pk)
    assert entry.changes["before"] == {"status": "dead", "attempts": 8,
                                       "error_code": "send_failed"}


def test_retry_now_through_htmx_returns_the_updated_row(
    sysadmin: User, zhangsan: User, login: Login
) -> None:
    delivery = _dead_sms(zhangsan)

    response = login(sysadmin).post(reverse("notifications:retry_delivery", args=[delivery.pk]),
                                    headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.strip().startswith(f'<tr id="delivery-{delivery.pk}">')
    assert "已排队" in page


def test_retry_now_without_htmx_redirects_with_a_notice(
    sysadmin: User, zhangsan: User, login: Login
) -> None:
    delivery = _dead_sms(zhangsan)

    response = login(sysadmin).post(reverse("notifications:retry_delivery", args=[delivery.pk]),
                                    follow=True)

    assert response.redirect_chain[-1][0] == reverse("notifications:deliveries")
    assert "该消息将立即重新发送。" in response.content.decode()


def test_a_skipped_delivery_is_retried_to_the_address_the_person_has_now(
    sysadmin: User, zhangsan: User
) -> None:
    delivery = DeliveryFactory.create(
        message__recipient=zhangsan, channel=Channel.EMAIL, address="",
        status=DeliveryStatus.SKIPPED, next_attempt_at=None,
        error_code=DeliveryErrorCode.NO_ADDRESS,
    )
    with pytest.raises(Conflict):
        retry_delivery(actor=sysadmin, delivery=delivery)

    zhangsan.email = "zhangsan@fgw.example.gov.cn"
    zhangsan.save(update_fields=["email"])
    retried = retry_delivery(actor=sysadmin, delivery=delivery)

    assert (retried.status, retried.address) == (DeliveryStatus.PENDING,
                                                 "zhangsan@fgw.example.gov.cn")


def test_a_delivery_that_was_sent_cannot_be_retried(sysadmin: User, zhangsan: User) -> None:
    delivery = DeliveryFactory.create(message__recipient=zhangsan, status=DeliveryStatus.SENT,
                                         next_attempt_at=None)

    with pytest.raises(Conflict):
        retry_delivery(actor=sysadmin, delivery=delivery)


def test_only_the_system_administrator_may_retry(zhangsan: User, secadmin: User) -> None:
    delivery = _dead_sms(zhangsan)

    with pytest.raises(NotPermitted):
        retry_delivery(actor=secadmin, delivery=delivery)
    assert not AuditEntry.objects.filter(action="notifications.delivery_retried").exists()
