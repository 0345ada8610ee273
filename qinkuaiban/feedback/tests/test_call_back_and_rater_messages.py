"""The staff member a bad rating is about never records the call-back that closes it; the rater
hears when the rectification is closed and when an appeal against their rating is decided."""

import pytest
from django.urls import reverse

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.cases.models import Channel
from qinkuaiban.core.errors import NotPermitted
from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import Rectification
from qinkuaiban.feedback.rules import (
    AppealDecision,
    AppealGround,
    RatedObject,
    RatingChannel,
    RectificationStatus,
)
from qinkuaiban.feedback.tests.factories import completed_case, rate, scores
from qinkuaiban.notifications.models import Message
from qinkuaiban.web.tests.helpers import sign_in


def _to_call_back(rectification: Rectification, actor) -> Rectification:
    for step in ("contact", "verify", "rectify"):
        rectification = services.act_on_rectification(rectification=rectification,
                                                       action=step, actor=actor, note="处理")
    return rectification


@pytest.fixture
def awaiting(item, zhangsan, lisi):
    return _to_call_back(rate(completed_case(item, zhangsan, lisi), zhangsan, 1).rectification,
                         lisi)


def test_the_handler_of_a_badly_rated_service_may_not_record_the_call_back(awaiting, lisi):
    with pytest.raises(NotPermitted) as refused:
        services.call_back(rectification=awaiting, actor=lisi, note="回访满意", satisfied=True)
    assert refused.value.code == "call_back_by_rated_staff"
    awaiting.refresh_from_db()
    assert awaiting.status == RectificationStatus.AWAITING_CALL_BACK


def test_the_staff_member_rated_may_not_record_the_call_back(item, zhangsan, lisi, wangwu):
    case = completed_case(item, zhangsan, lisi, channel=Channel.WINDOW)
    services.rate_visit(case=case, actor=None, at_counter=True, ratings={
        RatedObject.ITEM: services.RatingInput(level=5, scores=scores(RatingChannel.ON_SITE)),
        RatedObject.STAFF: services.RatingInput(level=1, scores=scores(RatingChannel.ON_SITE, 1),
                                                comment="态度冷淡，不耐烦"),
    })
    rectification = _to_call_back(Rectification.objects.get(), wangwu)
    with pytest.raises(NotPermitted):
        services.call_back(rectification=rectification, actor=lisi, note="满意", satisfied=True)
    closed = services.call_back(rectification=rectification, actor=wangwu, note="满意",
                                satisfied=True)
    assert closed.status == RectificationStatus.CLOSED


def test_the_division_head_records_it_and_the_rater_is_told(awaiting, wangwu, zhangsan):
    services.call_back(rectification=awaiting, actor=wangwu, note="回访，表示满意",
                       satisfied=True)
    message = Message.objects.get(recipient=zhangsan, kind="feedback.rectification_closed")
    assert awaiting.evaluation.case.number in message.title
    assert message.url == reverse("feedback:rate", args=[awaiting.evaluation.case.number])
    assert AuditEntry.objects.filter(action="feedback.rater_called_back").exists()


def test_the_rated_handler_sees_who_records_the_call_back_instead_of_its_form(client, awaiting,
                                                                              lisi, wangwu):
    url = reverse("feedback:rectification", args=[awaiting.pk])
    sign_in(client, lisi)
    body = client.get(url).content.decode()
    assert "确认登记回访" not in body and "由您的科室负责人或其他同事登记回访" in body
    refused = client.post(reverse("feedback:rectification_act", args=[awaiting.pk, "call_back"]),
                          {"call_back-note": "满意", "call_back-satisfied": "yes"})
    assert refused.status_code == 403
    client.logout()
    sign_in(client, wangwu)
    assert "确认登记回访" in client.get(url).content.decode()


@pytest.mark.parametrize(("decision", "said"), [
    (AppealDecision.UPHELD, "不再计入统计"), (AppealDecision.REJECTED, "您的评价维持不变")])
def test_the_rater_hears_how_the_appeal_was_decided(decision, said, item, zhangsan, lisi,
                                                    wangwu, zhouba):
    r = rate(completed_case(item, zhangsan, lisi), zhangsan, 1).rectification
    r = services.appeal_rating(rectification=r, actor=wangwu, ground=AppealGround.MISTAKEN,
                               reason="申请人误评")
    services.decide_appeal(rectification=r, actor=zhouba, decision=decision, reason="经核实")
    message = Message.objects.get(recipient=zhangsan, kind="feedback.rating_appeal_decided")
    assert said in message.body
