import pytest
from django.db import transaction

from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.notifications.models import (
    Channel,
    Delivery,
    DeliveryErrorCode,
    DeliveryStatus,
    Message,
)
from qinkuaiban.notifications.services import notify

pytestmark = pytest.mark.django_db


def _notify(recipients: list[User], **kwargs: object) -> list[Message]:
    arguments: dict[str, object] = {
        "recipients": recipients, "kind": "cases.accepted", "title": "您的申请已受理",
        "body": "办件编号 QKB-2026-000123。", "url": "/cases/QKB-2026-000123/",
    }
    arguments.update(kwargs)
    return notify(**arguments)  # type: ignore[arg-type]


def test_notify_writes_one_message_and_an_in_app_delivery_per_recipient(
    zhangsan: User, zhaoliu: User
) -> None:
    messages = _notify([zhangsan, zhaoliu])

    assert [m.recipient for m in messages] == [zhangsan, zhaoliu]
    assert Message.objects.count() == 2
    in_app = Delivery.objects.filter(channel=Channel.IN_APP)
    assert in_app.count() == 2
    assert {d.status for d in in_app} == {DeliveryStatus.SENT}


def test_a_recipient_named_twice_gets_one_message(zhangsan: User) -> None:
    _notify([zhangsan, zhangsan])

    assert Message.objects.filter(recipient=zhangsan).count() == 1


def test_notify_without_recipients_writes_nothing(db: None) -> None:
    assert _notify([]) == []
    assert not Message.objects.exists()


def test_a_rolled_back_change_leaves_no_message_and_no_delivery(zhangsan: User) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify([zhangsan], channels=("in_app", "sms"))
        raise RuntimeError("the change that caused the notification failed")

    assert not Message.objects.exists()
    assert not Delivery.objects.exists()


def test_a_rolled_back_change_schedules_no_delivery(
    zhangsan: User, django_capture_on_commit_callbacks, gateway
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify([zhangsan], channels=("sms",))
        raise RuntimeError("rolled back")

    assert callbacks == []
    assert gateway.outbox == []


def test_sms_is_sent_only_after_the_callers_transaction_commits(
    zhangsan: User, django_capture_on_commit_callbacks, gateway
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([zhangsan], channels=("in_app", "sms"))
        assert gateway.outbox == []

    assert len(callbacks) == 1
    assert Delivery.objects.get(channel=Channel.SMS).status == DeliveryStatus.PENDING
    callbacks[0]()

    assert [sms.mobile for sms in gateway.outbox] == ["13800000001"]
    assert Delivery.objects.get(channel=Channel.SMS).status == DeliveryStatus.SENT


def test_an_in_app_only_notification_schedules_no_delivery_run(
    zhangsan: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        _notify([zhangsan])

    assert callbacks == []


def test_email_goes_to_the_users_address_and_sms_to_the_mobile(zhangsan: User) -> None:
    zhangsan.email = "zhangsan@fgw.example.gov.cn"
    zhangsan.save(update_fields=["email"])

    _notify([zhangsan], channels=("in_app", "email", "sms"))

    addresses = dict(Delivery.objects.values_list("channel", "address"))
    assert addresses == {
        Channel.IN_APP: "", Channel.EMAIL: "zhangsan@fgw.example.gov.cn",
        Channel.SMS: "13800000001",
    }


def test_a_recipient_without_an_email_address_gets_a_skipped_delivery_not_an_error(
    zhangsan: User, django_capture_on_commit_callbacks
) -> None:
    assert zhangsan.email == ""

    with django_capture_on_commit_callbacks() as callbacks:
        [message] = _notify([zhangsan], channels=("in_app", "email"))

    email = Delivery.objects.get(message=message, channel=Channel.EMAIL)
    assert email.status == DeliveryStatus.SKIPPED
    assert email.error_code == DeliveryErrorCode.NO_ADDRESS
    assert email.get_error_code_display() == "接收人未登记该渠道的联系方式"
    assert callbacks == []


def test_an_inactive_recipient_gets_the_message_but_no_sms(zhangsan: User) -> None:
    zhangsan.is_active = False
    zhangsan.save(update_fields=["is_active"])

    _notify([zhangsan], channels=("sms",))

    sms = Delivery.objects.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.SKIPPED
    assert sms.error_code == DeliveryErrorCode.INACTIVE_RECIPIENT
    assert Message.objects.filter(recipient=zhangsan).exists()


def test_the_message_records_its_target(zhangsan: User, orgs: dict[str, Organisation]) -> None:
    [message] = _notify([zhangsan], target=orgs["organ-a"])

    assert (message.target_type, message.target_id) == ("identity.organisation",
                                                        str(orgs["organ-a"].pk))


def test_each_delivery_has_its_own_idempotency_key(zhangsan: User, zhaoliu: User) -> None:
    _notify([zhangsan, zhaoliu], channels=("in_app", "email", "sms"))

    keys = list(Delivery.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == 6
    assert len(set(keys)) == 6


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("url", "https://evil.example.com/"),
        ("url", "//evil.example.com/"),
        ("kind", "Cases Accepted"),
        ("channels", ("in_app", "fax")),
        ("title", "  "),
    ],
)
def test_a_calling_apps_programming_error_is_refused_loudly(
    zhangsan: User, argument: str, value: object
) -> None:
    with pytest.raises(ValueError):
        _notify([zhangsan], **{argument: value})

    assert not Message.objects.exists()
