"""The bad-rating loop: contact → verify → rectify or explain → call-back → closed; the appeal,
upheld (the rating leaves the statistics, visibly) or rejected; deadlines and warnings."""

import datetime as dt

import pytest

from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import Evaluation, Rectification, RectificationEvent
from qinkuaiban.feedback.rules import (
    AppealDecision,
    AppealGround,
    Plan,
    RectificationStatus,
)
from qinkuaiban.feedback.selectors import public_item_figures
from qinkuaiban.feedback.sweep import sweep_feedback_deadlines
from qinkuaiban.feedback.tests.factories import completed_case, rate
from qinkuaiban.notifications.models import Message


@pytest.fixture
def rectification(item, zhangsan, lisi) -> Rectification:
    evaluation = rate(completed_case(item, zhangsan, lisi), zhangsan, 1, comment="太慢了")
    return Rectification.objects.get(evaluation=evaluation)


def test_bad_rating_is_rectified_called_back_and_closed(rectification, lisi, wangwu):
    r = services.contact_rater(rectification=rectification, actor=lisi, note="电话联系，了解情况")
    assert r.status == RectificationStatus.CONTACTED
    r = services.verify_rating(rectification=r, actor=lisi, note="确因系统故障延误")
    r = services.rectify(rectification=r, actor=lisi, note="已修复系统并致歉")
    assert r.status == RectificationStatus.AWAITING_CALL_BACK and r.plan == Plan.AT_ONCE
    assert r.due_on is not None
    r = services.call_back(rectification=r, actor=wangwu, note="回访，表示满意", satisfied=True)
    assert r.status == RectificationStatus.CLOSED and r.rater_satisfied is True
    assert r.closed_at is not None and r.due_on is None
    assert [e.action for e in RectificationEvent.objects.filter(rectification=r)] == [
        "opened", "contact", "verify", "rectify", "call_back"]


def test_a_fix_by_deadline_needs_a_ledger_entry_and_a_date_within_the_limit(rectification, lisi):
    r = services.contact_rater(rectification=rectification, actor=lisi, note="已联系")
    r = services.verify_rating(rectification=r, actor=lisi, note="情况属实")
    with pytest.raises(InvalidInput):
        services.rectify(rectification=r, actor=lisi, note="需要采购", plan=Plan.BY_DEADLINE)
    with pytest.raises(InvalidInput):
        services.rectify(rectification=r, actor=lisi, note="需要采购", plan=Plan.BY_DEADLINE,
                         ledger_entry="采购新设备", fix_due_on=dt.date.today() + dt.timedelta(
                             days=90))
    r = services.rectify(rectification=r, actor=lisi, note="需要采购", plan=Plan.BY_DEADLINE,
                         ledger_entry="采购新设备")
    assert r.status == RectificationStatus.RECTIFYING and r.fix_due_on == r.due_on
    r = services.rectify(rectification=r, actor=lisi, note="设备已到位")
    assert r.status == RectificationStatus.AWAITING_CALL_BACK


def test_where_no_legal_basis_exists_the_organisation_explains(rectification, wangwu):
    r = services.contact_rater(rectification=rectification, actor=wangwu, note="已联系")
    r = services.verify_rating(rectification=r, actor=wangwu, note="申请不符合条件")
    r = services.explain(rectification=r, actor=wangwu, note="依规定不能办理，已解释")
    assert r.status == RectificationStatus.AWAITING_CALL_BACK and r.plan == Plan.EXPLAINED


def test_the_call_back_records_whether_the_rater_is_satisfied(rectification, lisi, wangwu):
    r = services.contact_rater(rectification=rectification, actor=lisi, note="已联系")
    r = services.verify_rating(rectification=r, actor=lisi, note="属实")
    r = services.rectify(rectification=r, actor=lisi, note="已改")
    with pytest.raises(InvalidInput):
        services.act_on_rectification(rectification=r, action="call_back", actor=wangwu,
                                      note="未接通")


def test_steps_follow_the_table(rectification, lisi):
    with pytest.raises(Conflict):
        services.verify_rating(rectification=rectification, actor=lisi, note="跳过联系")
    with pytest.raises(InvalidInput):
        services.contact_rater(rectification=rectification, actor=lisi, note="  ")


def test_another_organisation_and_the_rater_may_not_take_steps(rectification, zhaoliu, zhangsan,
                                                               sysadmin):
    for outsider in (zhaoliu, zhangsan, sysadmin):
        with pytest.raises(NotPermitted):
            services.contact_rater(rectification=rectification, actor=outsider, note="联系")


def test_only_the_head_appeals_and_only_the_supervising_division_decides(
    rectification, lisi, wangwu, zhouba
):
    with pytest.raises(NotPermitted):
        services.appeal_rating(rectification=rectification, actor=lisi,
                               ground=AppealGround.MALICIOUS, reason="恶意差评")
    r = services.appeal_rating(rectification=rectification, actor=wangwu,
                               ground=AppealGround.MALICIOUS, reason="评价内容与办件无关")
    assert Message.objects.filter(recipient=zhouba, kind="feedback.appeal_filed").exists()
    with pytest.raises(NotPermitted):
        services.decide_appeal(rectification=r, actor=wangwu, decision=AppealDecision.UPHELD,
                               reason="自己决定")
    with pytest.raises(Conflict):
        services.appeal_rating(rectification=r, actor=wangwu, ground=AppealGround.MISTAKEN,
                               reason="再次申诉")


def test_an_upheld_appeal_excludes_the_rating_from_the_rate_visibly(item, zhangsan, lisi, wangwu,
                                                                    zhouba, settings):
    settings.QKB_FEEDBACK_MIN_SAMPLE = 1
    rate(completed_case(item, zhangsan, lisi), zhangsan, 5)
    bad = rate(completed_case(item, zhangsan, lisi), zhangsan, 1)
    figures, _since, _until = public_item_figures(item=item)
    assert figures.good_rate.percent == "50.0" and figures.bad == 1
    r = services.appeal_rating(rectification=bad.rectification, actor=wangwu,
                               ground=AppealGround.MISTAKEN, reason="申请人误评")
    r = services.decide_appeal(rectification=r, actor=zhouba, decision=AppealDecision.UPHELD,
                               reason="经核实系误操作")
    bad.refresh_from_db()
    assert bad.is_excluded and Evaluation.objects.filter(pk=bad.pk).exists()
    assert r.status == RectificationStatus.EXCLUDED
    figures, _since, _until = public_item_figures(item=item)
    assert figures.good_rate.percent == "100.0" and figures.bad == 0
    assert figures.counts.excluded == 1


def test_a_rejected_appeal_leaves_the_rating_and_the_loop_running(rectification, wangwu, zhouba):
    r = services.appeal_rating(rectification=rectification, actor=wangwu,
                               ground=AppealGround.MISTAKEN, reason="认为误评")
    r = services.decide_appeal(rectification=r, actor=zhouba, decision=AppealDecision.REJECTED,
                               reason="评价属实")
    assert r.status == RectificationStatus.AWAITING_CONTACT
    assert not r.evaluation.is_excluded


def test_a_step_near_or_past_its_deadline_warns_once(rectification, lisi):
    due = rectification.due_on
    first = sweep_feedback_deadlines(today=due)
    again = sweep_feedback_deadlines(today=due)
    late = sweep_feedback_deadlines(today=due + dt.timedelta(days=1))
    assert (first.rectification_warnings, again.rectification_warnings,
            late.rectification_warnings) == (1, 0, 1)
    rectification.refresh_from_db()
    assert rectification.warning == "red"
    assert Message.objects.filter(recipient=lisi,
                                  kind="feedback.rectification_warning").count() == 2


def test_the_rectification_history_cannot_be_rewritten(rectification):
    from django.db import DatabaseError, connection, transaction

    from qinkuaiban.core.append_only import AppendOnlyError

    step = RectificationEvent.objects.filter(rectification=rectification).first()
    assert step is not None
    step.note = "篡改"
    with pytest.raises(AppendOnlyError):
        step.save()
    with pytest.raises(AppendOnlyError):
        RectificationEvent.objects.filter(pk=step.pk).update(note="篡改")
    with pytest.raises(AppendOnlyError):
        step.delete()
    # Even raw SQL from the application is refused by the database trigger.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE feedback_rectificationevent SET note = 'x' WHERE id = %s",
                       [step.pk])
