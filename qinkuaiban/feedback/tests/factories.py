"""Factories for feedback tests: feedback items of every kind, completed cases, ratings, and
feedback submitted through the services."""

from typing import Any

import factory

from qinkuaiban.cases import services as case_services
from qinkuaiban.cases.models import Case, Channel, Outcome
from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import Evaluation, ReplyTemplate
from qinkuaiban.feedback.rules import BAD_LEVELS, INDICATORS, FeedbackKind, RatingChannel
from qinkuaiban.identity.models import Organisation, User

FEEDBACK_FIELDS = [
    {"name": "title", "label": "标题", "type": "text", "required": True, "max_length": 200},
    {"name": "content", "label": "内容", "type": "textarea", "required": True,
     "max_length": 2000},
    {"name": "contact_phone", "label": "联系电话", "type": "phone", "required": False},
]


def feedback_items(*, handling_org: str = "goa-service-centre") -> dict[str, ServiceItem]:
    """One published item per feedback kind, handled by `handling_org`."""
    org = Organisation.objects.get(code=handling_org)
    return {
        kind: make_item(kind=kind, handling_org=org, materials=[],
                        content={"name": str(label), "form_fields": FEEDBACK_FIELDS,
                                 "legal_days": 15, "promised_days": 10})
        for kind, label in FeedbackKind.choices
    }


def completed_case(item: ServiceItem, applicant: User, handler: User, *,
                   channel: str = Channel.ONLINE) -> Case:
    """A case of `item` completed by `handler`: online by the applicant, or at the window."""
    if channel == Channel.ONLINE:
        case = case_services.submit_case(actor=applicant, item=item,
                                         form={"contact_phone": "13800000001"}, files=[])
    else:
        case = case_services.submit_case(actor=handler, item=item,
                                         form={"contact_phone": "13800000001"},
                                         channel=channel, applicant=applicant)
    case = case_services.accept(case=case, actor=handler)
    return case_services.complete(case=case, actor=handler, outcome=Outcome.APPROVED)


def scores(channel: str = RatingChannel.ONLINE, value: int = 5) -> dict[str, int]:
    return {name: value for name in INDICATORS[channel]}


def rate(case: Case, applicant: User, level: int, **kwargs: Any) -> Evaluation:
    """A rating through the service; a bad one gives its reason unless the test sets one."""
    channel = kwargs.pop("channel", RatingChannel.ONLINE)
    if level in BAD_LEVELS:
        kwargs.setdefault("comment", "办理太慢，多跑了一趟")
    return services.rate_case(case=case, actor=applicant, level=level,
                              scores=kwargs.pop("scores", scores(channel, level)), **kwargs)


class ReplyTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReplyTemplate

    title = factory.Sequence(lambda n: f"答复模板{n}")
    body = "您好，您反映的问题已收悉，我们已核实并整改。感谢您的监督！"
    kind = ""
    organisation = None
