import factory
from django.utils import timezone

from qinkuaiban.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Message,
)


class MessageFactory(factory.django.DjangoModelFactory[Message]):
    class Meta:
        model = Message

    kind = "cases.accepted"
    title = factory.Sequence(lambda n: f"您的申请已受理（{n}）")
    body = "办件编号 QKB-2026-000123，承诺办结时限 5 个工作日。"
    url = "/cases/QKB-2026-000123/"


class DeliveryFactory(factory.django.DjangoModelFactory[Delivery]):
    class Meta:
        model = Delivery

    message = factory.SubFactory(MessageFactory)
    channel = Channel.SMS
    address = "13800000001"
    status = DeliveryStatus.PENDING
    next_attempt_at = factory.LazyFunction(timezone.now)
